"""Reading the data catalogue: an agency sees every item and whether its policy in force grants
it; staff with a gateway role (``agencies.READERS``) see every item and the agencies of their
region whose policies in force grant it (``agencies.visible``: a town learns nothing of the
county's agencies). A deployed policy still awaiting a second gateway admin grants nothing yet.
The export holds the items only, no grants: it is what the department publishes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from chassis import spreadsheets
from chassis.auth import Principal
from chassis.catalogue import Item, catalogue
from chassis.paging import decode_cursor, encode_cursor
from sharing_gateway.domain import catalogue as listing
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import data_grants
from sharing_gateway.service_layer.approvals import in_force_version
from sharing_gateway.service_layer.unit_of_work import UowFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def for_agency(
    uow_factory: UowFactory, policies: Mapping[str, Policy], agency: str, owner_unit: str, query: Mapping[str, Any]
) -> dict[str, Any]:
    in_force = _in_force(uow_factory, {agency: policies[agency]})
    policy = in_force.get(agency)
    return _page(query, owner_unit, lambda item: {"granted": policy is not None and listing.grants(policy, item)})


def for_staff(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    principal: Principal,
    owner_unit: str,
    query: Mapping[str, Any],
) -> dict[str, Any]:
    in_force = _in_force(uow_factory, agency_service.visible(principal, dict(policies)))
    return _page(query, owner_unit, lambda item: {"granted_to": listing.granted_to(in_force, item)})


def export(owner_unit: str, fmt: str) -> tuple[bytes, str, str]:
    """The whole catalogue as (body, media type, file name)."""
    items = listing.select(catalogue())
    if fmt == "xlsx":
        rows = [listing.export_row(i, owner_unit) for i in items]
        body = spreadsheets.write_xlsx(listing.EXPORT_HEADER, rows, sheet_name="共享目录")
        return body, XLSX, "catalogue.xlsx"
    document = {"owner_unit": owner_unit, "count": len(items), "items": [listing.entry(i, owner_unit) for i in items]}
    return json.dumps(document, ensure_ascii=False, indent=1).encode(), "application/json", "catalogue.json"


def _in_force(uow_factory: UowFactory, policies: Mapping[str, Policy]) -> dict[str, Policy]:
    """The approved policies, with the data grants in force layered on them (``data_grants``)."""
    with uow_factory() as uow:
        approved = {code: p for code, p in policies.items() if in_force_version(uow, code) == p.file_label}
        return data_grants.effective(uow, approved)


def _page(query: Mapping[str, Any], owner_unit: str, grants: Callable[[Item], dict[str, Any]]) -> dict[str, Any]:
    items = listing.select(catalogue(), query.get("event_type"), query.get("sharing"), query.get("owner"))
    after = decode_cursor(query["cursor"], 2) if query.get("cursor") else None
    shown, last = listing.page(items, (after[0], after[1]) if after else None, query["limit"])
    return {
        "items": [{**listing.entry(i, owner_unit), **grants(i)} for i in shown],
        "next_cursor": encode_cursor(*last.key) if last is not None else None,
        "total": len(items),
    }
