"""Bring a broker to the platform's declared shape: every topic with its retention
(``chassis.topics``) and exactly the ACLs of ``chassis.principals`` (undeclared ones are
removed). Idempotent.

The local broker runs it after each start; compose runs it as its ``kafka-init`` step:

    python -m chassis.kafka_provision     # as the admin principal, from KAFKA_* variables

It cannot create SCRAM users (kafka-python has no API for that): the local broker adds
them when it formats its storage (``--add-scram``), compose likewise, Strimzi from
``KafkaUser`` resources.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)

from chassis.kafka import KafkaAccess, ensure_topics, make_admin
from chassis.principals import LITERAL, PREFIXED, Grant, Principal, all_principals
from chassis.topics import AGENCIES, platform_topics

_RESOURCES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}
_PATTERNS = {LITERAL: ACLResourcePatternType.LITERAL, PREFIXED: ACLResourcePatternType.PREFIXED}
_OPERATIONS = {"Read": ACLOperation.READ, "Write": ACLOperation.WRITE, "Describe": ACLOperation.DESCRIBE}


def acls(principal: Principal) -> list[ACL]:
    """The principal's grants as kafka-python ACL bindings (allow, from any host)."""

    def one(grant: Grant, operation: str) -> ACL:
        return ACL(
            principal=f"User:{principal.name}",
            host="*",
            operation=_OPERATIONS[operation],
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(_RESOURCES[grant.resource], grant.name, _PATTERNS[grant.pattern]),
        )

    return [one(g, op) for g in principal.grants() for op in g.operations]


def provision(
    admin: KafkaAccess, agencies: tuple[str, ...] = AGENCIES, partitions: int = 3, extra_acls: tuple[ACL, ...] = ()
) -> int:
    """Create the topics and grant the declared ACLs (plus ``extra_acls``, the benchmark's
    listener's); returns how many undeclared ACLs it removed."""
    ensure_topics(admin, platform_topics(agencies), partitions=partitions)
    client = make_admin(admin)
    try:
        declared = [acl for p in all_principals(agencies) for acl in acls(p)] + list(extra_acls)
        result = client.create_acls(declared)  # creating an existing binding changes nothing
        if result["failed"]:
            raise RuntimeError(f"ACLs refused by the broker: {result['failed'][:3]}")
        # A grant no longer declared (a consumer removed, a principal renamed) must not linger.
        everything = ACLFilter(
            principal=None,
            host=None,
            operation=ACLOperation.ANY,
            permission_type=ACLPermissionType.ANY,
            resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
        )
        wanted = set(declared)
        stale = [acl for acl in _listed(client, everything) if acl not in wanted]
        if stale:
            client.delete_acls(stale)
        # The broker's authorizer learns of ACL changes through the metadata log a moment later;
        # return only once it answers with exactly the declared set, so no client meets a gap.
        deadline = time.monotonic() + 30
        while set(_listed(client, everything)) != wanted:
            if time.monotonic() > deadline:
                raise RuntimeError("the broker's ACLs did not settle on the declared set within 30 s")
            time.sleep(0.2)
        return len(stale)
    finally:
        client.close()


def _listed(client: Any, acl_filter: ACLFilter) -> list[ACL]:
    acls: list[ACL]
    acls, error = client.describe_acls(acl_filter)
    if error.errno:
        raise RuntimeError(f"ACLs could not be listed: {error}")
    return acls


def main() -> int:
    provision(KafkaAccess.from_env())
    print("Kafka topics and ACLs provisioned", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
