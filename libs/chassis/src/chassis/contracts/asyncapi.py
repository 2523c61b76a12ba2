"""Builds the AsyncAPI 3.0 document of every topic and message from the contracts.

    python -m chassis.contracts.asyncapi > docs/asyncapi.json

The committed ``docs/asyncapi.json`` is checked against this output by the tests,
and validated by the stock AsyncAPI parser (``@asyncapi/parser``).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import Any

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


def _json_schemas() -> dict[str, Any]:
    spec = APISpec("tongxin-events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    for contract in all_contracts():
        name = contract.schema.__name__
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=contract.schema)
    schemas: dict[str, Any] = spec.to_dict()["components"]["schemas"]
    for contract in all_contracts():
        properties = schemas[contract.schema.__name__]["properties"]
        for field, mark in contract.fields.items():
            if mark:  # True: sensitive by itself; "values": may hold sensitive values
                properties[field]["x-sensitive"] = mark
    return schemas


def build() -> dict[str, Any]:
    messages: dict[str, dict[str, Any]] = {}
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
    _add_agency_feeds(messages, channels, operations)
    schemas = {"CloudEvent": ENVELOPE, **_json_schemas()}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tongxin events",
            "version": "1.0.0",
            "description": "Topics and messages shared between Tongxin services over Apache Kafka.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka-secure",  # TLS
                "description": "SASL_SSL only; each service and agency has its own principal (chassis.principals)",
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "scram": {"type": "scramSha512", "description": "SASL/SCRAM-SHA-512 over TLS, one user per principal"}
            },
        },
    }


FEED_ENTRY = {
    "allOf": [
        {"$ref": "#/components/schemas/CloudEvent"},
        {
            "type": "object",
            "required": ["agency", "sequence", "policyversion", "signature"],
            "properties": {
                "agency": {"type": "string"},
                "sequence": {"type": "integer", "minimum": 1, "description": "gap-free per agency"},
                "policyversion": {"type": "string", "description": "e.g. cppcc@v2#<digest>"},
                "data": {"type": "object", "description": "only the fields the agency's policy grants"},
                "signature": {
                    "type": "object",
                    "required": ["alg", "kid", "value"],
                    "properties": {
                        "alg": {"const": "Ed25519"},
                        "kid": {"type": "string"},
                        "value": {"type": "string", "description": "base64url over the canonical JSON"},
                    },
                },
            },
        },
    ]
}


def _add_agency_feeds(messages: dict[str, Any], channels: dict[str, Any], operations: dict[str, Any]) -> None:
    """The sharing gateway's per-agency feeds: one channel address with the agency as parameter."""
    messages["AgencyFeedEntryV1"] = {
        "name": "AgencyFeedEntryV1",
        "title": "An entry of a partner agency's feed",
        "summary": "A source event filtered by the agency's policy, numbered and signed (Ed25519).",
        "contentType": "application/json",
        "payload": FEED_ENTRY,
        "bindings": {"kafka": {"key": {"type": "string", "description": "the agency"}}},
    }
    channels["feed-agency-v1"] = {
        "address": "feed.{agency}.v1",
        "parameters": {"agency": {"description": "court, public_security, npc or cppcc (deploy/policies)"}},
        "messages": {"AgencyFeedEntryV1": {"$ref": "#/components/messages/AgencyFeedEntryV1"}},
    }
    operations["publish-feed-agency-v1"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/feed-agency-v1"},
        "messages": [{"$ref": "#/channels/feed-agency-v1/messages/AgencyFeedEntryV1"}],
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
