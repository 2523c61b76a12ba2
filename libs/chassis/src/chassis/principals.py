"""Who may do what on Kafka: one principal per service, one per Kafka-consuming agency.

This is the one declaration of which service writes and reads which topic. The local
broker's and compose's ACLs (``chassis.kafka_provision``) and the Strimzi ``KafkaUser``
resources and worker autoscaling (deploy/k8s/generate.py) derive from it;
tests/test_deployment.py checks that every worker's ``build()`` consumes exactly what is
declared here, that compose's labels and SCRAM users match it, and that every event type is
written by the service it is named after. Everything not granted is refused
(``allow.everyone.if.no.acl.found=false``):

- a service writes only the topics it owns and the dead-letter topics of what it consumes;
- it reads only the topics it consumes, in consumer groups named ``<service>.<consumer>``;
- an agency reads only its own ``feed.<agency>.v1`` and ``gateway.checkpoints.v1``, in groups
  ``<principal>.*``; it never sees an internal topic and writes nothing (notices come in over HTTPS, signed);
- ``admin`` (a super user) is for tooling and tests only; no service runs as it.
"""

from __future__ import annotations

import dataclasses

from chassis.topics import (
    AGENCIES,
    EVALUATION,
    FEED_PREFIX,
    GATEWAY_CHECKPOINTS,
    GATEWAY_INBOUND,
    GATEWAY_MEMBERSHIP,
    GATEWAY_STABILITY,
    REGISTRY_LIAISON,
    REGISTRY_PERSON,
    REGISTRY_PROCESSING,
    SERVICEDESK,
    SUPERVISION,
    agency_feed,
    dead_letter,
)

ADMIN = "admin"

LITERAL, PREFIXED = "literal", "prefixed"


@dataclasses.dataclass(frozen=True)
class Grant:
    """Operations allowed on one resource (Kafka's names: ``Read``, ``Write``, ``Describe``)."""

    resource: str  # "topic" or "group"
    name: str
    pattern: str  # LITERAL or PREFIXED
    operations: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Principal:
    """A SCRAM user and what it may touch."""

    name: str
    produces: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    #: Topics written by name prefix (the gateway writes one feed per agency policy).
    produces_prefix: str = ""
    #: A service's consumer dead-letters poison records; an agency only reads.
    dead_letters: bool = True

    @property
    def group_prefix(self) -> str:
        """Consumer groups this principal may use: ``<name>.`` (see ``BaseSettings.consumer_group``)."""
        return self.name + "."

    def grants(self) -> list[Grant]:
        writes = [*self.produces, *(dead_letter(t) for t in self.consumes if self.dead_letters)]
        grants = [Grant("topic", t, LITERAL, ("Write", "Describe")) for t in writes]
        if self.produces_prefix:
            grants.append(Grant("topic", self.produces_prefix, PREFIXED, ("Write", "Describe")))
        grants += [Grant("topic", t, LITERAL, ("Read", "Describe")) for t in self.consumes]
        if self.consumes:
            grants.append(Grant("group", self.group_prefix, PREFIXED, ("Read", "Describe")))
        return grants


SERVICES: dict[str, Principal] = {
    p.name: p
    for p in (
        # The registry applies evaluation outcomes and the NPC's and CPPCC's membership notices.
        # It also reminds of follow-ups falling due (``registry.liaison.v1``; no reader yet).
        Principal(
            "registry",
            produces=(REGISTRY_PERSON, REGISTRY_PROCESSING, REGISTRY_LIAISON),
            consumes=(EVALUATION, GATEWAY_MEMBERSHIP),
        ),
        Principal("evaluation", produces=(EVALUATION,), consumes=(REGISTRY_PERSON, GATEWAY_INBOUND)),
        Principal("servicedesk", produces=(SERVICEDESK,), consumes=(REGISTRY_PERSON, GATEWAY_STABILITY)),
        Principal(
            "sharing-gateway",
            produces=(GATEWAY_INBOUND, GATEWAY_MEMBERSHIP, GATEWAY_STABILITY, GATEWAY_CHECKPOINTS),
            consumes=(REGISTRY_PERSON, REGISTRY_PROCESSING, EVALUATION, SERVICEDESK),
            produces_prefix=FEED_PREFIX,
        ),
        # The supervision reads what the four services publish about the work (never an agency's
        # feed, never the ledger's checkpoints) and writes its own alerts.
        Principal(
            "supervision",
            produces=(SUPERVISION,),
            consumes=(REGISTRY_PERSON, EVALUATION, SERVICEDESK, GATEWAY_INBOUND),
        ),
    )
}


def agency_principal_name(agency: str) -> str:
    # Strimzi names a KafkaUser after its principal: DNS-safe, so no underscores.
    return "agency-" + agency.replace("_", "-")


def agency(name: str) -> Principal:
    """An agency that consumes its feed from Kafka: its own feed and the ledger's signed checkpoints
    (no personal data: position, head hash, time), nothing else."""
    return Principal(agency_principal_name(name), consumes=(agency_feed(name), GATEWAY_CHECKPOINTS), dead_letters=False)


def all_principals(agencies: tuple[str, ...] = AGENCIES) -> list[Principal]:
    """Every principal but the admin: the services, then one per agency."""
    return [*SERVICES.values(), *(agency(a) for a in agencies)]
