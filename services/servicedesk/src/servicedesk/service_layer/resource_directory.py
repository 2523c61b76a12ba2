"""The directory of members' offers: by field, kind, the member's unit (a town, say) and a word
in characters or pinyin (full or initials) of the member's name as shown, the field or the title,
so "who can help with financing in 古城街道?" is one call:
``GET /resources/offers?field=financing&unit=<古城街道>``.

The database narrows the rows to the caller's county (or subtree, above a county) and the filters;
the rules of ``domain/resources`` decide each row's visibility and what of it is shown, and the
pinyin match runs on what is shown, so a masked name cannot be found by its hidden characters.
A county's directory is a few thousand offers at most, which this reads in one pass.
"""

from __future__ import annotations

import sqlalchemy as sa

from chassis import pinyin, units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from servicedesk.adapters.community_tables import offers
from servicedesk.adapters.tables import people
from servicedesk.domain import resources as rules
from servicedesk.service_layer.resources import shown
from servicedesk.service_layer.unit_of_work import UowFactory


def directory(uow_factory: UowFactory, principal: Principal, args: dict) -> dict:
    """``args``: field, kind, unit, q, state (default active), limit, offset."""
    with uow_factory() as uow:
        query = (
            sa.select(offers, people.c.name, people.c.unit_code)
            .join(people, people.c.person_id == offers.c.person_id)
            .where(people.c.status == "active", people.c.unit_code.like(_reachable_prefix(principal.unit) + "%"))
        )
        for column in ("field", "kind", "state"):
            if args.get(column):
                query = query.where(offers.c[column] == args[column])
        if args.get("unit"):
            if units.level(args["unit"]) not in ("village", "town", "county"):
                raise InvalidInput("请指定县、镇街或村社区", "unit must be a county, town or village", field="unit")
            query = query.where(people.c.unit_code.like(units.scope_prefix(args["unit"]) + "%"))
        rows = uow.session.execute(query.order_by(offers.c.published_at.desc(), offers.c.id)).mappings().all()
        found = []
        for row in rows:
            if not rules.visible(principal.unit, row["unit_code"], row["visibility"], row["state"]):
                continue
            item = shown(principal, row, row)
            if args.get("q") and not pinyin.matches(args["q"], item["name"], item["field_zh"], item["title"]):
                continue
            found.append(item)
        start = args["offset"]
        return {"items": found[start : start + args["limit"]], "total": len(found)}


def _reachable_prefix(staff_unit: str) -> str:
    """Every unit whose offers could reach these staff: their county (sharing goes no further),
    or their own subtree when they sit above a county."""
    if units.level(staff_unit) in ("village", "town", "county"):
        return staff_unit[:6]
    return units.scope_prefix(staff_unit)
