"""Kafka topic names: the only channels between services."""

REGISTRY_PERSON = "registry.person.v1"
EVALUATION = "evaluation.v1"
SERVICEDESK = "servicedesk.v1"
GATEWAY_INBOUND = "gateway.inbound.v1"
#: Signed checkpoints of the gateway's disclosure ledger (produced by the gateway's worker).
GATEWAY_CHECKPOINTS = "gateway.checkpoints.v1"

DLQ_SUFFIX = ".dlq"


def dead_letter(topic: str) -> str:
    """Where poison messages of ``topic`` go after bounded retries."""
    return topic + DLQ_SUFFIX


def agency_feed(agency: str) -> str:
    """The filtered feed of one partner agency, e.g. ``feed.court.v1``."""
    return f"feed.{agency}.v1"
