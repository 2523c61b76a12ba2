"""成员资源共享: members' offers of expertise and resources, as use cases with the unit of work.

Staff publish an offer for a member who opted in (the member's consent and how far it reaches),
withdraw it when the member or staff ask, and cite it from a request or an activity that drew on
it; every change is in the offer's history and ``offer.published`` / ``offer.withdrawn`` go out
on ``servicedesk.v1``. Who may see an offer is ``domain/resources.visible``; the directory
(``service_layer/resource_directory``) answers "who can help with financing in 古城街道?".
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import sensitive
from chassis.auth import Principal
from chassis.contracts.servicedesk import OFFER_PUBLISHED, OFFER_WITHDRAWN
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.work_calendar import CST
from servicedesk.adapters.community_tables import offer_citations, offer_history, offers
from servicedesk.adapters.tables import people, volunteers
from servicedesk.domain import resources as rules
from servicedesk.service_layer import corps, requests
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory


def publish(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        if body.get("consent") is not True:
            raise InvalidInput(
                "须经成员本人同意方可发布", "An offer is published only with the member's consent", field="consent"
            )
        for field in ("title", "description"):  # contact goes through staff: the offer reaches far
            if sensitive.contains_phone(body[field]) or sensitive.contains_id_number(body[field]):
                raise InvalidInput(
                    "资源信息不能包含电话或身份证号，联系经服务该成员的工作人员",
                    "An offer holds no phone or ID number: contact goes through the staff who serve the member",
                    field=field,
                )
        person = corps.active_person(uow, principal, body["person_id"])
        if (
            body.get("branch_code")
            and not uow.session.execute(
                sa.select(volunteers.c.person_id).where(
                    volunteers.c.person_id == person["person_id"],
                    volunteers.c.branch_code == body["branch_code"],
                    volunteers.c.active.is_(True),
                )
            ).first()
        ):
            raise InvalidInput(
                "该成员不是这个服务团分团的志愿者", "The member is not a volunteer of that branch", field="branch_code"
            )
        now = dt.datetime.now(dt.UTC)
        row = dict(
            id=str(uuid.uuid4()),
            person_id=person["person_id"],
            branch_code=body.get("branch_code"),
            field=body["field"],
            kind=body["kind"],
            title=body["title"],
            description=body["description"],
            visibility=body["visibility"],
            show_name=body["show_name"],
            consented_on=body.get("consented_on") or now.astimezone(CST).date(),
            state="active",
            published_at=now,
            published_by=principal.subject,
        )
        uow.session.execute(offers.insert(), row)
        _history(uow, row["id"], principal.subject, "published", now, body.get("note"))
        uow.emit(OFFER_PUBLISHED, row["id"], _event(row, person["unit_code"], now))
        shown = offer_in(uow, principal, row["id"])
        uow.commit()
        return shown


def withdraw(uow_factory: UowFactory, principal: Principal, offer_id: str, body: dict) -> dict:
    """Only staff who serve the member withdraw; staff the offer merely reaches are refused (403)."""
    principal.require_role("editor")
    with uow_factory() as uow:
        row, member = _visible_offer(uow, principal, offer_id)
        if not rules.serves(principal.unit, member["unit_code"]):
            raise Forbidden("只有服务该成员的单位可以撤回", "Only the member's own units may withdraw the offer")
        if row["state"] != "active":
            raise Conflict("该资源已撤回", "The offer is already withdrawn", state=row["state"])
        now = dt.datetime.now(dt.UTC)
        changes = {"state": "withdrawn", "withdrawn_at": now, "withdrawn_by": body["by"]}
        uow.session.execute(offers.update().where(offers.c.id == offer_id).values(changes))
        _history(uow, offer_id, principal.subject, "withdrawn", now, body.get("note") or f"by {body['by']}")
        uow.emit(OFFER_WITHDRAWN, offer_id, _event({**row, **changes}, member["unit_code"], now))
        shown = offer_in(uow, principal, offer_id)
        uow.commit()
        return shown


def cite(uow_factory: UowFactory, principal: Principal, offer_id: str, body: dict) -> dict:
    """A request or activity in the caller's scope records that it drew on an active offer."""
    principal.require_role("editor")
    with uow_factory() as uow:
        row, _ = _visible_offer(uow, principal, offer_id)
        if row["state"] != "active":
            raise Conflict("该资源已撤回，不能再引用", "A withdrawn offer cannot be cited", state=row["state"])
        subject, subject_id = body["subject"], body["subject_id"]
        try:
            (requests.get_in if subject == "request" else corps.activity_in)(uow, principal, subject_id)
        except NotFound:  # one answer for unknown and out of scope
            raise InvalidInput(
                "您的管辖范围内没有该诉求或活动", "No such request or activity within your scope", field="subject_id"
            ) from None
        key = (
            offer_citations.c.offer_id == offer_id,
            offer_citations.c.subject == subject,
            offer_citations.c.subject_id == subject_id,
        )
        if uow.session.execute(sa.select(offer_citations.c.offer_id).where(*key)).first():
            raise Conflict("已引用过该资源", "Already cited")
        now = dt.datetime.now(dt.UTC)
        uow.session.execute(
            offer_citations.insert(),
            dict(offer_id=offer_id, subject=subject, subject_id=subject_id, cited_by=principal.subject, cited_at=now),
        )
        _history(uow, offer_id, principal.subject, "cited", now, f"{subject} {subject_id}")
        shown = offer_in(uow, principal, offer_id)
        uow.commit()
        return shown


def offer(uow_factory: UowFactory, principal: Principal, offer_id: str) -> dict:
    with uow_factory() as uow:
        return offer_in(uow, principal, offer_id)


def offer_in(uow: UnitOfWork, principal: Principal, offer_id: str) -> dict:
    """The offer with its history and citations, as the caller may see it."""
    row, member = _visible_offer(uow, principal, offer_id)
    session = uow.session
    history = session.execute(
        sa.select(offer_history.c.at, offer_history.c.actor, offer_history.c.action, offer_history.c.note)
        .where(offer_history.c.offer_id == offer_id)
        .order_by(offer_history.c.id)
    ).mappings()
    cited = session.execute(
        sa.select(offer_citations.c.subject, offer_citations.c.subject_id, offer_citations.c.cited_at)
        .where(offer_citations.c.offer_id == offer_id)
        .order_by(offer_citations.c.cited_at)
    ).mappings()
    item = shown(principal, row, member)
    if not item["serving"]:  # who handled it and which requests drew on it stay with the member's units
        return {**item, "history": [], "citations": []}
    return {**item, "history": [dict(h) for h in history], "citations": [dict(c) for c in cited]}


def shown(principal: Principal, row, member) -> dict:
    """An offer as these staff see it: the member's id and whole name only for those who serve them
    (or, for the name, when the member agreed to show it); the unit, so they know whom to ask."""
    serving = rules.serves(principal.unit, member["unit_code"])
    return {
        **{
            k: row[k]
            for k in (
                "id",
                "field",
                "kind",
                "title",
                "description",
                "visibility",
                "branch_code",
                "state",
                "consented_on",
                "published_at",
                "withdrawn_at",
                "withdrawn_by",
            )
        },
        "field_zh": rules.FIELDS[row["field"]],
        "person_id": row["person_id"] if serving else None,
        "name": rules.shown_name(principal.unit, member["unit_code"], member["name"], row["show_name"]),
        "show_name": row["show_name"],
        "unit_code": member["unit_code"],
        "serving": serving,
    }


def _visible_offer(uow: UnitOfWork, principal: Principal, offer_id: str):
    found = (
        uow.session.execute(
            sa.select(offers, people.c.name, people.c.unit_code, people.c.status)
            .join(people, people.c.person_id == offers.c.person_id)
            .where(offers.c.id == offer_id)
        )
        .mappings()
        .first()
    )
    if found is None or not rules.visible(principal.unit, found["unit_code"], found["visibility"], found["state"]):
        raise NotFound("未找到该资源", "No such offer")
    return found, {"name": found["name"], "unit_code": found["unit_code"]}


def _history(uow: UnitOfWork, offer_id: str, actor: str, action: str, at: dt.datetime, note: str | None) -> None:
    uow.session.execute(offer_history.insert(), dict(offer_id=offer_id, at=at, actor=actor, action=action, note=note))


def _event(row: dict, unit_code: str, now: dt.datetime) -> dict:
    return {
        "offer_id": row["id"],
        "person_id": row["person_id"],
        "unit_code": unit_code,
        "field": row["field"],
        "kind": row["kind"],
        "visibility": row["visibility"],
        "withdrawn_by": row.get("withdrawn_by"),
        "at": now.isoformat(),
    }
