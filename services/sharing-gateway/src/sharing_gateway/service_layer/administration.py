"""The gateway's administration as staff call it, one use case per unit of work: feed status, pause
and resume, requests for a second gateway admin's approval (``approvals``) and their approval, and
the disclosure ledger for auditors. Every read shows only the agencies whose policy region lies in
the caller's unit's subtree (``agencies.visible``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from chassis.auth import Principal
from chassis.work_calendar import WorkCalendar
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import approvals, feeds, ledger, notice_keys
from sharing_gateway.service_layer.unit_of_work import UowFactory


def feed_status(uow_factory: UowFactory, principal: Principal, policies: Mapping[str, Policy]) -> list[dict]:
    """Each visible agency's feed: head, acknowledged sequence, lag, held events, pause, policy version."""
    with uow_factory() as uow:
        return agency_service.status(uow, principal, policies)


def pause_or_resume(
    uow_factory: UowFactory, delivery: feeds.Delivery, principal: Principal, agency: str, paused: bool, reason
) -> dict:
    """Pause an agency's feed (its events are held) or resume it (what was held is delivered, in order)."""
    with uow_factory() as uow:
        agency_service.set_paused(uow, principal, delivery.policies, agency, paused, reason)
        if not paused:
            feeds.resume(uow, delivery, agency)
        uow.commit()
    return next(a for a in feed_status(uow_factory, principal, delivery.policies) if a["code"] == agency)


def ask(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    principal: Principal,
    agency: str,
    action: str,
    key_id: str | None = None,
) -> dict:
    """Ask for a key to be issued or revoked (``key_id``), or for the deployed policy to come into force."""
    with uow_factory() as uow:
        asked = approvals.ask(uow, policies, principal, agency, action, key_id=key_id)
        uow.commit()
        return asked


def ask_notice_key(
    uow_factory: UowFactory, policies: Mapping[str, Policy], principal: Principal, agency: str, jwk
) -> dict:
    """Ask to register a public key the agency signs its notices with."""
    agency_service.authorise(principal, policies, agency)  # who may ask, before the key is read
    public_key = notice_keys.public_key_of(jwk)
    with uow_factory() as uow:
        asked = approvals.ask(uow, policies, principal, agency, approvals.REGISTER_NOTICE_KEY, public_key)
        uow.commit()
        return asked


def ask_notice_key_retirement(
    uow_factory: UowFactory, policies: Mapping[str, Policy], principal: Principal, agency: str, kid: str
) -> dict:
    """Ask to retire one of the agency's notice keys (lost or replaced)."""
    agency_service.authorise(principal, policies, agency)
    with uow_factory() as uow:
        public_key = notice_keys.in_force(uow, agency, kid)
        asked = approvals.ask(uow, policies, principal, agency, approvals.RETIRE_NOTICE_KEY, public_key)
        uow.commit()
        return asked


def pending(uow_factory: UowFactory, policies: Mapping[str, Policy], principal: Principal) -> list[dict]:
    with uow_factory() as uow:
        return approvals.pending(uow, policies, principal)


def approve(
    uow_factory: UowFactory,
    delivery: feeds.Delivery,
    principal: Principal,
    request_id: str,
    overlap: dt.timedelta,
    calendar: WorkCalendar,
) -> dict:
    """Carry out another gateway admin's request; a policy coming into force gets what was held meanwhile."""
    with uow_factory() as uow:
        done = approvals.approve(uow, delivery.policies, principal, request_id, overlap, calendar)
        if done["action"] == approvals.ACTIVATE_POLICY:
            feeds.resume(uow, delivery, done["agency"])
        uow.commit()
        return done


def ledger_records(
    uow_factory: UowFactory, policies: Mapping[str, Policy], principal: Principal, agency, after: int, limit: int
) -> list[dict]:
    """Disclosure records of the visible agencies after a position (auditors)."""
    shown = agency_service.visible(principal, policies)
    with uow_factory() as uow:
        return ledger.records(uow, list(shown), agency, after, limit)


def verify_ledger(uow_factory: UowFactory, policies: Mapping[str, Policy], principal: Principal) -> dict:
    """The whole chain checked, for staff whose unit contains every agency's region (it is one chain)."""
    agency_service.visible(principal, policies)  # a reader's role ...
    for p in policies.values():  # ... over every agency's region
        principal.require_scope(p.region)
    with uow_factory() as uow:
        return ledger.verify(uow).as_dict()
