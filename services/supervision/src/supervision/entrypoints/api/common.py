"""What the supervision's views share: the service and its unit-of-work factory (the service layer
owns each transaction), the door every call passes (a staff role), and the unit a ranking ranks
the units below."""

from __future__ import annotations

from flask import current_app, g

from chassis import units
from chassis.auth import ROLES, Principal
from chassis.errors import InvalidInput
from supervision.bootstrap import Supervision
from supervision.service_layer.unit_of_work import UowFactory


def supervision() -> Supervision:
    return current_app.extensions["supervision"]


def uow() -> UowFactory:
    """The unit-of-work factory the service layer opens its transactions with."""
    return supervision().uow


def staff_only() -> None:
    """Every call needs one of the staff roles (``chassis.auth.ROLES``), reads included: an account
    whose roles were all withdrawn (the usual way to end someone's access and keep the account)
    reads nothing, as the registry refuses it. The app's before-request hook, after the chassis
    verified the token, so every route is behind it, those to come included; a route the chassis
    leaves open (probes, docs) has no principal and is not this door's."""
    principal = g.get("principal")
    if isinstance(principal, Principal):
        principal.require_role(*ROLES)


def ranked_within(principal: Principal, within: str) -> str:
    """``within`` if units one level below it are ranked (a county's towns, a town's communities): a
    community of the caller's scope has none, which is a problem to say, not an empty ranking (one
    outside it is not found, as always, by the service layer)."""
    if principal.sees(within) and units.level(within) == "village":
        raise InvalidInput(
            "社区以下没有可排名的单位：请指定镇街或县市区",
            "A community has no units below it to rank: give a town or a county",
            field="within",
        )
    return within
