"""Kafka topic names, the only channels between services, and how long each keeps its records.

Retention follows what a topic is for (see the chassis README, "Retention and replay"):

- an **entity topic** (``registry.person.v1``) carries each person's whole snapshot keyed by
  person id, so it is compacted, but only after ``EVENT_RETENTION_DAYS`` (every version stays
  that long, so a consumer back from an outage misses no change); the newest snapshot of
  every person stays for ever and a consumer's view can always be rebuilt from offset 0
  (``replay-people``);
- **event topics** and agency feeds carry happenings that consumers apply once (outcomes,
  requests, notices): they are kept for ``EVENT_RETENTION_DAYS``, long enough for any consumer
  to catch up after an outage; the producing service's database stays the record;
- **dead-letter topics** are for an operator's eyes and are kept ``DLQ_RETENTION_DAYS``;
- the gateway's **ledger checkpoints** are evidence the agencies hold: kept for good.
"""

from __future__ import annotations

REGISTRY_PERSON = "registry.person.v1"
#: The registry's processing of sensitive data (reveals, exports that included it): who, whose, which
#: fields, for what purpose, never the values. Only the gateway reads it (a person's disclosure record).
REGISTRY_PROCESSING = "registry.processing.v1"
#: The registry's contacts work (联系人): a representative's follow-up falling due, by reference only.
REGISTRY_LIAISON = "registry.liaison.v1"
EVALUATION = "evaluation.v1"
SERVICEDESK = "servicedesk.v1"
GATEWAY_INBOUND = "gateway.inbound.v1"
#: The NPC's and the CPPCC's membership notices (the registry's only), and public security's answers
#: to stability reports (the service desk's only): topics of their own, because Kafka grants reading
#: by topic, and neither reader may read the violation notices on ``gateway.inbound.v1``.
GATEWAY_MEMBERSHIP = "gateway.membership.v1"
GATEWAY_STABILITY = "gateway.stability.v1"
#: Signed checkpoints of the gateway's disclosure ledger (produced by the gateway's worker).
GATEWAY_CHECKPOINTS = "gateway.checkpoints.v1"

# -- supervision (网络督查) --
#: The supervision's own events: its alerts raised and cleared (``contracts.supervision``).
SUPERVISION = "supervision.v1"
# -- end of supervision --

DLQ_SUFFIX = ".dlq"
FEED_PREFIX = "feed."

#: The partner agencies (one policy file each under deploy/policies; tests/test_deployment.py
#: checks the two agree). Each has a feed topic and, if it consumes Kafka, a principal.
AGENCIES = ("court", "public_security", "npc", "cppcc")

#: Topics keyed by an aggregate id whose every record is the aggregate's whole state.
ENTITY_TOPICS = (REGISTRY_PERSON,)
#: The topics services write through their outboxes (feeds aside).
SERVICE_TOPICS = (
    REGISTRY_PERSON,
    REGISTRY_PROCESSING,
    REGISTRY_LIAISON,
    EVALUATION,
    SERVICEDESK,
    GATEWAY_INBOUND,
    GATEWAY_MEMBERSHIP,
    GATEWAY_STABILITY,
    SUPERVISION,
)

DAY_MS = 24 * 60 * 60 * 1000
EVENT_RETENTION_DAYS = 30
DLQ_RETENTION_DAYS = 14


def dead_letter(topic: str) -> str:
    """Where poison messages of ``topic`` go after bounded retries."""
    return topic + DLQ_SUFFIX


def agency_feed(agency: str) -> str:
    """The filtered feed of one partner agency, e.g. ``feed.court.v1``."""
    return f"{FEED_PREFIX}{agency}.v1"


def retention(topic: str) -> dict[str, str]:
    """The topic-level configs that bound what ``topic`` keeps (strings, as Kafka takes them)."""
    if topic == GATEWAY_CHECKPOINTS:
        # Evidence the agencies hold against the ledger: a few records a day, kept for good.
        return {"cleanup.policy": "delete", "retention.ms": "-1"}
    if topic in ENTITY_TOPICS:
        # Every version stays as long as an event topic keeps its records: a consumer that rides
        # out an outage of EVENT_RETENTION_DAYS (the gateway sharing each change with agencies)
        # still sees every change, not only the newest snapshot; after that only the newest.
        lag = str(EVENT_RETENTION_DAYS * DAY_MS)
        return {"cleanup.policy": "compact", "min.compaction.lag.ms": lag, "delete.retention.ms": str(DAY_MS)}
    days = DLQ_RETENTION_DAYS if topic.endswith(DLQ_SUFFIX) else EVENT_RETENTION_DAYS
    return {"cleanup.policy": "delete", "retention.ms": str(days * DAY_MS)}


def platform_topics(agencies: tuple[str, ...] = AGENCIES) -> dict[str, dict[str, str]]:
    """Every topic the platform uses, with its retention: created so by the local broker's
    provisioning, compose's init step and the Strimzi ``KafkaTopic`` resources."""
    names = [
        *SERVICE_TOPICS,
        *(dead_letter(t) for t in SERVICE_TOPICS),
        GATEWAY_CHECKPOINTS,
        *(agency_feed(a) for a in agencies),
    ]
    return {name: retention(name) for name in names}
