"""What the gateway's API tests share: an agency's headers, reading its feed, a notice as an agency
sends it, a registry event about a member, and an ID number to match people by."""

from __future__ import annotations

import datetime as dt

from sharing_gateway.config import GatewaySettings

from chassis import idnumber
from chassis.events import Envelope
from tests.support.people import person_event
from tests.support.secrets import strong_secrets

ID_NUMBER = idnumber.make("370783", dt.date(1968, 4, 2), 12, "male")


def api(key):
    return {"Authorization": f"ApiKey {key}"}


def feed(client, key, after=0, **params):
    r = client.get("/feed", query_string={"after": after, **params}, headers=api(key))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def notice(kind="violation", notice_id="N-1", **data):
    body = {
        "violation": {
            "id_number": ID_NUMBER,
            "case_reference": "(2026)鲁0783刑初12号",
            "violation_type": "失信被执行人",
            "occurred_on": "2026-05-01",
            "authority": "寿光市人民法院",
        },
        "violation_rescinded": {"original_notice_id": "N-1", "reason": "二审改判"},
        "membership_confirmed": {
            "id_number": ID_NUMBER,
            "body": "cppcc",
            "level": "county",
            "effective_on": "2026-01-01",
        },
    }[kind]
    return {
        "specversion": "1.0",
        "id": notice_id,
        "type": f"cn.tongxin.notice.{kind}.v1",
        "source": "/court/shouguang",
        "data": {**body, **data},
    }


def member_event(pid="p1", roles=(("cppcc", "county"),), version=1, kind="updated", **extra):
    e = person_event(
        pid,
        roles=roles,
        version=version,
        digest=idnumber.digest(ID_NUMBER, GatewaySettings(**strong_secrets(GatewaySettings)).id_digest_key()),
        name="王小明",
    )
    data = {**e.data, **extra}
    return Envelope.new(type=f"cn.tongxin.registry.person.{kind}.v1", source=e.source, subject=pid, data=data)
