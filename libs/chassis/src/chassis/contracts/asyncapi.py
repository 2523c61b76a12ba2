"""Builds the AsyncAPI 3.0 document of every topic and message from the contracts.

    python -m chassis.contracts.asyncapi > docs/asyncapi.json

The committed ``docs/asyncapi.json`` is checked against this output by the tests,
and validated by the stock AsyncAPI parser (``@asyncapi/parser``).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from chassis.contracts import all_contracts

ENVELOPE = {
    "type": "object",
    "description": "CloudEvents 1.0, JSON structured mode.",
    "required": ["specversion", "id", "source", "type", "time", "subject", "dataschema", "data"],
    "properties": {
        "specversion": {"type": "string", "const": "1.0"},
        "id": {"type": "string", "description": "unique per event; consumers deduplicate on it"},
        "source": {"type": "string", "description": "the producing service, e.g. /tongxin/registry"},
        "type": {"type": "string"},
        "time": {"type": "string", "format": "date-time"},
        "subject": {"type": "string", "description": "aggregate id; also the Kafka record key"},
        "datacontenttype": {"type": "string", "const": "application/json"},
        "dataschema": {"type": "string", "format": "uri"},
        "traceparent": {"type": "string", "description": "W3C trace context of the causing request"},
        "data": {"type": "object"},
    },
}


def _channel_id(topic: str) -> str:
    return topic.replace(".", "-")


def _json_schemas() -> dict:
    spec = APISpec("tongxin-events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    for contract in all_contracts():
        name = contract.schema.__name__
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=contract.schema)
    return spec.to_dict()["components"]["schemas"]


def build() -> dict:
    messages: dict[str, dict] = {}
    by_topic: dict[str, list[str]] = defaultdict(list)
    for contract in all_contracts():
        messages[contract.name] = {
            "name": contract.name,
            "title": contract.type,
            "summary": contract.summary,
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/CloudEvent"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "const": contract.type},
                            "data": {"$ref": f"#/components/schemas/{contract.schema.__name__}"},
                        },
                    },
                ]
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": "aggregate id"}}},
        }
        by_topic[contract.topic].append(contract.name)
    channels, operations = {}, {}
    for topic, names in sorted(by_topic.items()):
        cid = _channel_id(topic)
        channels[cid] = {
            "address": topic,
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
        }
        operations[f"publish-{cid}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{cid}"},
            "messages": [{"$ref": f"#/channels/{cid}/messages/{n}"} for n in names],
        }
    schemas = {"CloudEvent": ENVELOPE, **_json_schemas()}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tongxin events",
            "version": "1.0.0",
            "description": "Topics and messages shared between Tongxin services over Apache Kafka.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
