import json

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from chassis.events import Envelope, EnvelopeError
from chassis.tracing import new_traceparent, parse_trace_id


def make(**kw):
    return Envelope.new(
        type="cn.tongxin.registry.person.updated.v1",
        source="/tongxin/registry",
        subject="p-1",
        data={"name": "艾克拜尔·米吉提"},
        **kw,
    )


def test_round_trip_keeps_every_attribute_and_unicode():
    tp = new_traceparent()
    env = make(traceparent=tp)
    back = Envelope.from_json(env.to_json())
    assert back == env
    assert back.traceparent == tp
    assert "艾克拜尔·米吉提".encode() in env.to_json()  # UTF-8, not \u escapes
    assert env.key == b"p-1"


def test_official_cloudevents_sdk_accepts_the_envelope():
    env = make(traceparent=new_traceparent())
    # The SDK's CloudEvent validates required, optional and extension attributes on construction.
    event = JSONFormat().read(CloudEvent, env.to_json())
    assert event.get_specversion() == "1.0"
    assert event.get_id() == env.id
    assert event.get_type() == env.type
    assert event.get_subject() == "p-1"
    assert event.get_time().tzinfo is not None
    assert event.get_dataschema() == "urn:tongxin:event-schema:cn.tongxin.registry.person.updated.v1"
    assert event.get_extension("traceparent") == env.traceparent
    assert event.get_data() == {"name": "艾克拜尔·米吉提"}
    # and what the SDK writes back, we read back unchanged
    assert Envelope.from_json(JSONFormat().write(event)) == env


@pytest.mark.parametrize(
    "payload, reason",
    [
        (b"not json", "not JSON"),
        (b"[1,2]", "not a JSON object"),
        (json.dumps({"specversion": "1.0", "id": "1", "type": "x"}).encode(), "source"),
        (json.dumps({"specversion": "0.3", "id": "1", "type": "x", "source": "s"}).encode(), "specversion"),
        (json.dumps({"specversion": "1.0", "id": "1", "type": "x", "source": "s", "data": [1]}).encode(), "data"),
        (
            json.dumps({"specversion": "1.0", "id": "1", "type": "x", "source": "s", "Bad-Ext": "1"}).encode(),
            "extension",
        ),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_unreadable_events_are_refused_with_a_reason(payload, reason):
    with pytest.raises(EnvelopeError, match=reason):
        Envelope.from_json(payload)


def test_traceparent_parsing():
    tp = new_traceparent("a" * 32)
    assert parse_trace_id(tp) == "a" * 32
    assert parse_trace_id("00-" + "0" * 32 + "-" + "1" * 16 + "-01") is None
    assert parse_trace_id("garbage") is None
