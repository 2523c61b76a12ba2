"""Bring a broker to the platform's declared shape: every topic with its retention
(``chassis.topics``) and every principal's ACLs (``chassis.principals``). Idempotent.

The local broker runs it after each start; compose runs it as its ``kafka-init`` step:

    python -m chassis.kafka_provision     # as the admin principal, from KAFKA_* variables

It cannot create SCRAM users (kafka-python has no API for that): the local broker adds
them when it formats its storage (``--add-scram``), compose likewise, Strimzi from
``KafkaUser`` resources.
"""

from __future__ import annotations

import sys

from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType

from chassis.kafka import KafkaAccess, ensure_topics, make_admin
from chassis.principals import LITERAL, Grant, Principal, all_principals
from chassis.topics import AGENCIES, platform_topics

_RESOURCES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}
_PATTERNS = {LITERAL: ACLResourcePatternType.LITERAL}
_OPERATIONS = {"Read": ACLOperation.READ, "Write": ACLOperation.WRITE, "Describe": ACLOperation.DESCRIBE}


def acls(principal: Principal) -> list[ACL]:
    """The principal's grants as kafka-python ACL bindings (allow, from any host)."""

    def one(grant: Grant, operation: str) -> ACL:
        pattern = _PATTERNS.get(grant.pattern, ACLResourcePatternType.PREFIXED)
        return ACL(
            principal=f"User:{principal.name}",
            host="*",
            operation=_OPERATIONS[operation],
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(_RESOURCES[grant.resource], grant.name, pattern),
        )

    return [one(g, op) for g in principal.grants() for op in g.operations]


def provision(admin: KafkaAccess, agencies: tuple[str, ...] = AGENCIES, partitions: int = 3) -> None:
    ensure_topics(admin, platform_topics(agencies), partitions=partitions)
    client = make_admin(admin)
    try:
        bindings = [acl for p in all_principals(agencies) for acl in acls(p)]
        result = client.create_acls(bindings)  # creating an existing binding changes nothing
        if result["failed"]:
            raise RuntimeError(f"ACLs refused by the broker: {result['failed'][:3]}")
    finally:
        client.close()


def main() -> int:
    provision(KafkaAccess.from_env())
    print("Kafka topics and ACLs provisioned", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
