"""Commands on people. Each takes the caller's Principal and runs in one unit of work.

Scope: a person outside the caller's admin-unit subtree is reported as not found,
so a community worker cannot even learn that the person exists.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from registry.adapters.tables import contacts
from registry.domain.person import Person
from registry.service_layer import qualifications
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

WRITE_ROLES = ("editor",)
CONTACT_KINDS = ("visit", "talk", "phone", "forum", "meeting", "other")


def ensure_unit(uow: UnitOfWork, principal: Principal, unit_code: str) -> None:
    if not uow.units.in_service(unit_code):
        raise InvalidInput(
            f"行政区划 {unit_code} 不存在或已撤销",
            f"Admin unit {unit_code} does not exist or is retired",
            field="unit_code",
        )
    if not principal.sees(unit_code):
        raise InvalidInput(
            f"行政区划 {unit_code} 不在您的管辖范围内",
            f"Admin unit {unit_code} is outside your scope",
            field="unit_code",
        )


def load_in_scope(uow: UnitOfWork, principal: Principal, person_id: str) -> Person:
    try:
        person = uow.people.get(person_id, for_update=True)
    except NotFound:
        raise NotFound("未找到该人员", "No such person") from None
    if not principal.sees(person.unit_code):
        raise NotFound("未找到该人员", "No such person")
    return person


def _check_version(person: Person, expected: int | None) -> None:
    if expected is not None and expected != person.version:
        raise PreconditionFailed(
            f"该人员已被他人修改（当前版本 {person.version}），请刷新后重试",
            f"The person changed meanwhile (now version {person.version}); reload and retry",
            current_version=person.version,
        )


def register(uow_factory: UowFactory, principal: Principal, data: dict[str, Any]) -> str:
    principal.require_role(*WRITE_ROLES)
    with uow_factory(principal.subject) as uow:
        ensure_unit(uow, principal, data["unit_code"])
        fields = dict(data)
        categories = fields.pop("categories", []) or []
        roles = fields.pop("representative_roles", []) or []
        vetting_basis = fields.pop("vetting_basis", None)
        person = Person.register(str(uuid.uuid4()), categories=categories, **fields)
        if roles:
            person.set_representative_roles(roles, "登记时录入")
        _refuse_hard_duplicate(uow, principal, person)
        uow.people.add(person, checked=True)
        if roles:  # a new person has no evaluation yet: the roles stand on the caller's vetting
            uow.people.flush()
            qualifications.check_role_change(uow, principal, person, [], roles, vetting_basis)
        uow.track(person)
        uow.commit()
        return person.id


def _refuse_hard_duplicate(uow: UnitOfWork, principal: Principal, person: Person) -> None:
    """An active record with this ID number exists: point to it if the caller may see it."""
    existing = uow.people.find_active_by_id_number(person.id_number)
    if existing is None:
        return
    if principal.sees(uow.people.unit_of(existing)):
        raise Conflict(
            "该身份证号码已登记",
            "This ID number is already registered",
            existing=f"/people/{existing}",
            person_id=existing,
        )
    raise Conflict(
        "该身份证号码已由其他单位登记，请联系上级统战部门处理",
        "This ID number is registered by another unit; ask the unit above you",
    )


def modify(
    uow_factory: UowFactory,
    principal: Principal,
    person_id: str,
    expected_version: int | None,
    change: Callable[[UnitOfWork, Person], None],
) -> int:
    """Load in scope, check the version the caller saw, apply ``change``, save; returns the new version."""
    principal.require_role(*WRITE_ROLES)
    with uow_factory(principal.subject) as uow:
        person = load_in_scope(uow, principal, person_id)
        _check_version(person, expected_version)
        change(uow, person)
        uow.people.save(person)
        uow.track(person)
        uow.commit()
        return person.version


def update(uow_factory, principal, person_id, expected_version, changes: dict) -> int:
    return modify(uow_factory, principal, person_id, expected_version, lambda uow, p: p.update(dict(changes)))


def move(uow_factory, principal, person_id, expected_version, unit_code: str) -> int:
    def change(uow, person):
        ensure_unit(uow, principal, unit_code)
        person.move(unit_code)

    return modify(uow_factory, principal, person_id, expected_version, change)


def archive(uow_factory, principal, person_id, expected_version, reason) -> int:
    return modify(uow_factory, principal, person_id, expected_version, lambda uow, p: p.archive(reason))


def restore(uow_factory, principal, person_id, expected_version, reason) -> int:
    return modify(uow_factory, principal, person_id, expected_version, lambda uow, p: p.restore(reason))


def join_category(uow_factory, principal, person_id, category, start: dt.date, reason) -> int:
    return modify(
        uow_factory,
        principal,
        person_id,
        None,
        lambda uow, p: p.join_category(category, start, reason, principal.subject),
    )


def leave_category(uow_factory, principal, person_id, category, end: dt.date, reason) -> int:
    return modify(uow_factory, principal, person_id, None, lambda uow, p: p.leave_category(category, end, reason))


def set_roles(uow_factory, principal, person_id, expected_version, roles: list[dict], reason, vetting_basis=None):
    """Replace the roles; a role added needs a basis and a qualification that was not revoked (凡进必评)."""

    def change(uow, person):
        qualifications.check_role_change(uow, principal, person, person.representative_roles, roles, vetting_basis)
        person.set_representative_roles(roles, reason)

    return modify(uow_factory, principal, person_id, expected_version, change)


def qualification(uow_factory, principal, person_id: str) -> dict[str, Any]:
    """A person's lost qualifications and vetting records: editors of the person's unit only (the
    reasons are evaluation outcomes)."""
    principal.require_role(*WRITE_ROLES)
    with uow_factory(principal.subject) as uow:
        return qualifications.standing(uow, principal, load_in_scope(uow, principal, person_id))


def merge(uow_factory, principal, survivor_id: str, duplicate_id: str) -> int:
    """Fold ``duplicate_id`` into ``survivor_id``; contacts move over, both histories stay readable;
    refused while either record's lost qualification would refuse a role the survivor then holds."""

    def change(uow, survivor):
        duplicate = load_in_scope(uow, principal, duplicate_id)
        survivor.absorb(duplicate)
        qualifications.check_merge(uow, survivor, duplicate)
        uow.session.execute(contacts.update().where(contacts.c.person_id == duplicate.id).values(person_id=survivor.id))
        uow.people.save(duplicate)
        uow.track(duplicate)

    return modify(uow_factory, principal, survivor_id, None, change)


def add_contact(uow_factory, principal, person_id, record: dict) -> int:
    principal.require_role(*WRITE_ROLES)
    if record["kind"] not in CONTACT_KINDS:
        raise InvalidInput(
            f"联系方式须为：{'/'.join(CONTACT_KINDS)}", f"kind must be one of {CONTACT_KINDS}", field="kind"
        )
    with uow_factory(principal.subject) as uow:
        load_in_scope(uow, principal, person_id)
        new_id = uow.session.execute(
            contacts.insert().values(
                person_id=person_id, staff=principal.subject, created_at=dt.datetime.now(dt.UTC), **record
            )
        ).inserted_primary_key[0]
        uow.commit()
        return new_id
