"""A person's records beside the person: the change history (with that of any record merged into
it, as a viewer may see it) and the contact log."""

from __future__ import annotations

import sqlalchemy as sa

from chassis import sensitive
from chassis.auth import Principal
from registry.adapters.tables import contacts, history, people
from registry.service_layer.queries import READ_ROLES, REVEAL_ROLES, row_or_404
from registry.service_layer.unit_of_work import UowFactory


def person_history(uow_factory: UowFactory, principal: Principal, person_id: str) -> list[dict]:
    """The person's change history, with the history of any record merged into it."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        row_or_404(uow, principal, person_id)
        merged = [r.id for r in conn.execute(sa.select(people.c.id).where(people.c.merged_into == person_id))]
        rows = conn.execute(
            sa.select(history).where(history.c.person_id.in_([person_id, *merged])).order_by(history.c.at, history.c.id)
        ).mappings()
        if principal.has_role(*REVEAL_ROLES):
            return [dict(r) for r in rows]
        return [entry for r in rows if (entry := _history_below_editor(dict(r))) is not None]


def _history_below_editor(entry: dict) -> dict | None:
    """A history entry as a viewer may see it: no change to a hidden field (not even that one
    happened), no sensitive category or tag, no entry emptied by that, and no version number
    (its gaps would count the hidden changes)."""
    original = entry["changes"]
    changes = [c for c in (_public_change(c) for c in original) if c is not None]
    if original and not changes:
        return None
    entry.pop("version", None)
    return {**entry, "changes": changes}


def _public_change(change: dict) -> dict | None:
    if change["field"] in sensitive.FIELDS:
        return None
    if change["field"] == "tags":
        before, after = (sensitive.public_values(change[k] or []) for k in ("from", "to"))
        return None if before == after else {**change, "from": before, "to": after}
    if change["field"] == "categories" and (
        sensitive.is_sensitive_value(change["from"]) or sensitive.is_sensitive_value(change["to"])
    ):
        return None
    return change


def contact_records(uow_factory: UowFactory, principal: Principal, person_id: str) -> list[dict]:
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        row_or_404(uow, principal, person_id)
        rows = conn.execute(
            sa.select(contacts)
            .where(contacts.c.person_id == person_id)
            .order_by(contacts.c.contact_date.desc(), contacts.c.id.desc())
        ).mappings()
        return [dict(r) for r in rows]
