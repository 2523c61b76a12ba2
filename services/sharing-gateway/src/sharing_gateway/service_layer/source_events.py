"""What the gateway's worker does with each event of the services' topics, in the consumer's
transaction: deliver it into the feeds of the agencies entitled to it (``feeds.deliver``) and,
for a registry event, pass on the notices that waited for that person (``parked_notices``)."""

from __future__ import annotations

from chassis.events import Envelope
from sharing_gateway.service_layer import feeds, parked_notices
from sharing_gateway.service_layer.unit_of_work import UowFactory


def on_event(uow_factory: UowFactory, delivery: feeds.Delivery, envelope: Envelope, roles_before: list[dict]) -> None:
    """An outcome or a request event (evaluation, service desk): into the entitled agencies' feeds."""
    with uow_factory() as uow:
        feeds.deliver(uow, delivery, envelope, roles_before)
        uow.commit()


def on_person_event(
    uow_factory: UowFactory, delivery: feeds.Delivery, envelope: Envelope, roles_before: list[dict]
) -> None:
    """A registry event, with the person's roles before it: delivered, and the person's parked notices
    passed on where the agency's region now holds the person."""
    with uow_factory() as uow:
        feeds.deliver(uow, delivery, envelope, roles_before)
        parked_notices.release(uow, delivery.policies, envelope.data)
        uow.commit()
