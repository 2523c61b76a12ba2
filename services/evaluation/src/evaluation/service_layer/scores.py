"""Official ratings (官评): an evaluator's scores for a person in an open round.

Self and public ratings come by one-time token instead (``rating_tokens``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from chassis.auth import Principal
from chassis.errors import Conflict, NotFound
from evaluation.domain.scoring import check_rating
from evaluation.service_layer.rounds import get_in
from evaluation.service_layer.templates import template_from_json
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory


def member(uow: UnitOfWork, round_id: str, person_id: str) -> dict:
    row = uow.rounds.member(round_id, person_id)
    if row is None:
        raise NotFound("该人员不在本轮评价范围内", "The person is not in this round's cohort")
    return row


def require_open(r: dict) -> None:
    if r["state"] != "open":
        raise Conflict("本轮评价未在评分阶段", "The round is not open for scoring", state=r["state"])
    if r["deadline"] is not None and aware(r["deadline"]) < dt.datetime.now(dt.UTC):
        raise Conflict("本轮评价已过截止时间", "The round's deadline has passed")


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def official(uow_factory: UowFactory, principal: Principal, round_id: str, person_id: str, scores: dict) -> str:
    """An evaluator's official rating (官评); a second rating by the same evaluator replaces the first."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        rating_id = _official(uow, principal, round_id, person_id, scores)
        uow.commit()
        return rating_id


def _official(uow: UnitOfWork, principal: Principal, round_id: str, person_id: str, scores: dict) -> str:
    r = get_in(uow, principal, round_id)
    require_open(r)
    if not principal.sees(member(uow, round_id, person_id)["unit_code"]):
        raise NotFound("该人员不在本轮评价范围内", "The person is not in this round's cohort")
    clean = check_rating(template_from_json(r["template"]), scores)
    rating_id = str(uuid.uuid4())
    uow.rounds.replace_official_rating(
        dict(
            id=rating_id,
            round_id=round_id,
            person_id=person_id,
            source="official",
            rater=principal.subject,
            scores={k: str(v) for k, v in clean.items()},
            flagged=False,
            submitted_at=dt.datetime.now(dt.UTC),
        ),
    )
    return rating_id
