"""Self and public ratings by one-time token (official ratings: ``scores``).

Self and public raters have no staff account: an evaluator issues one-time tokens
(``<id>.<secret>``, only a hash is stored) for a round and a person. A token works
once, before it expires, while the round is open, for its own source. Public raters
are anonymous to the person rated but deduplicated by a keyed hash of their phone
number (normalised first, ``domain.phone``), and a burst of identical extreme ratings for one person from one origin is
flagged for review and left out of the score.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
import uuid

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.digests import DigestKey
from chassis.errors import Conflict, InvalidInput, NotFound, Unauthorized
from evaluation.adapters.tables import ratings, rounds, tokens
from evaluation.domain.phone import InvalidMobile, normalise_mobile
from evaluation.domain.scoring import check_rating
from evaluation.service_layer.rounds import get_in
from evaluation.service_layer.scores import aware, member
from evaluation.service_layer.templates import template_from_json
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory

BURST_WINDOW = dt.timedelta(minutes=10)
BURST_SIZE = 5


@dataclasses.dataclass(frozen=True)
class TokenRequest:
    """Which tokens to issue: for whom, which source, how many, valid how long, under which cap."""

    round_id: str
    person_id: str
    source: str
    count: int
    valid_for: dt.timedelta
    public_cap: int


def issue_tokens(uow_factory: UowFactory, principal: Principal, wanted: TokenRequest) -> list[dict]:
    """Tokens for one cohort member: one self token ever, public tokens up to ``public_cap`` per
    member, so a round's tokens are bounded by its cohort. Each is shown once."""
    return token_sheet(uow_factory, principal, wanted)["issued"]


def token_sheet(uow_factory: UowFactory, principal: Principal, wanted: TokenRequest) -> dict:
    """Issue tokens as ``issue_tokens`` does; with the round and the person's name, for a printed sheet."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        r = get_in(uow, principal, wanted.round_id)
        person, issued = _issue(uow, principal, r, wanted)
        uow.commit()
        return {"round": r, "person_name": person["name"], "issued": issued}


def _issue(uow: UnitOfWork, principal: Principal, r: dict, wanted: TokenRequest) -> tuple[dict, list[dict]]:
    session = uow.session
    round_id, person_id, source, count = wanted.round_id, wanted.person_id, wanted.source, wanted.count
    if r["state"] == "draft":
        raise Conflict("请先开启本轮评价", "Open the round first")
    if r["state"] != "open":
        raise Conflict("评分已结束，不能再发放评价码", "Scoring has ended; no more tokens")
    person = member(uow, round_id, person_id)
    if not principal.sees(person["unit_code"]):
        raise NotFound("该人员不在本轮评价范围内", "The person is not in this round's cohort")
    if source == "self" and count != 1:
        raise InvalidInput("自评码每人只能发放一个", "A person gets exactly one self-evaluation token", field="count")
    _within_cap(uow, round_id, person_id, source, count, wanted.public_cap)
    expires = dt.datetime.now(dt.UTC) + wanted.valid_for
    issued = []
    for _ in range(count):
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
        session.execute(
            tokens.insert(),
            dict(
                id=token_id,
                secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
                round_id=round_id,
                person_id=person_id,
                source=source,
                expires_at=expires,
                issued_by=principal.subject,
            ),
        )
        issued.append(
            {
                "token": f"{token_id}.{secret}",
                "source": source,
                "person_id": person_id,
                "expires_at": expires,
                "rate_url": f"/rate/{token_id}.{secret}",
            }
        )
    return person, issued


def _within_cap(uow: UnitOfWork, round_id: str, person_id: str, source: str, count: int, public_cap: int) -> None:
    issued = uow.session.execute(
        sa.select(sa.func.count()).where(
            tokens.c.round_id == round_id, tokens.c.person_id == person_id, tokens.c.source == source
        )
    ).scalar()
    cap = 1 if source == "self" else public_cap
    if issued + count > cap:
        raise Conflict(
            f"本轮已为此人发放{issued}个评价码，上限为{cap}个",
            f"{issued} {source} tokens already issued for this person in this round; the cap is {cap}",
            issued=issued,
            cap=cap,
        )


def _redeem(uow: UnitOfWork, token: str) -> dict:
    """Check a token and return what it allows (round, person, source); refuses anything else alike."""
    invalid = Unauthorized("评价码无效、已使用或已过期", "The rating token is invalid, used or expired")
    token_id, _, secret = (token or "").partition(".")
    session = uow.session
    row = session.execute(sa.select(tokens).where(tokens.c.id == token_id)).mappings().first()
    if row is None or not hmac.compare_digest(row["secret_hash"], hashlib.sha256(secret.encode()).hexdigest()):
        raise invalid
    if row["used_at"] is not None or aware(row["expires_at"]) < dt.datetime.now(dt.UTC):
        raise invalid
    r = session.execute(sa.select(rounds).where(rounds.c.id == row["round_id"])).mappings().one()
    if r["state"] != "open":
        raise invalid
    return {"token": dict(row), "round": dict(r)}


def rating_form(uow_factory: UowFactory, token: str) -> dict:
    """What the rating form shows: the round, the person's name, the source and the index."""
    with uow_factory() as uow:
        grant = _redeem(uow, token)
        t, r = grant["token"], grant["round"]
        person_name = member(uow, r["id"], t["person_id"])["name"]
    return {
        "round_name": r["name"],
        "person_name": person_name,
        "source": t["source"],
        "expires_at": t["expires_at"],
        "template": r["template"],
    }


def rate_with_token(
    uow_factory: UowFactory, token: str, scores: dict, phone: str | None, origin: str, phone_key: DigestKey
) -> dict:
    """A self or public rating with a one-time token; returns the rating's id and source."""
    with uow_factory() as uow:
        rating = _rate(uow, token, scores, phone, origin, phone_key)
        uow.commit()
        return rating


def _rate(uow: UnitOfWork, token: str, scores: dict, phone: str | None, origin: str, phone_key: DigestKey) -> dict:
    session = uow.session
    grant = _redeem(uow, token)
    t, r = grant["token"], grant["round"]
    clean = check_rating(template_from_json(r["template"]), scores)
    phone_hash = None
    if t["source"] == "public":
        try:
            mobile = normalise_mobile(phone)
        except InvalidMobile:
            raise InvalidInput(
                "民评须填写11位中国大陆手机号码（可加 +86；仅用于防止重复评价，不会公开）",
                "Public raters give an 11-digit mainland mobile number, +86 optional (only to prevent repeat ratings)",
                field="phone",
            ) from None
        phone_hash = phone_key(mobile)
        dup = session.execute(
            sa.select(ratings.c.id).where(
                ratings.c.round_id == r["id"], ratings.c.person_id == t["person_id"], ratings.c.phone_hash == phone_hash
            )
        ).first()
        if dup:
            raise Conflict("该手机号码已对此人评价过", "This phone number has already rated this person")
    used = session.execute(
        tokens.update()
        .where(tokens.c.id == t["id"], tokens.c.used_at.is_(None))
        .values(used_at=dt.datetime.now(dt.UTC))
    ).rowcount
    if used != 1:
        raise Unauthorized("评价码无效、已使用或已过期", "The rating token is invalid, used or expired")
    now = dt.datetime.now(dt.UTC)
    rating_id = str(uuid.uuid4())
    session.execute(
        ratings.insert(),
        dict(
            id=rating_id,
            round_id=r["id"],
            person_id=t["person_id"],
            source=t["source"],
            rater=t["id"],
            scores={k: str(v) for k, v in clean.items()},
            phone_hash=phone_hash,
            origin=origin,
            flagged=False,
            submitted_at=now,
        ),
    )
    if t["source"] == "public":
        _flag_bursts(uow, r["id"], t["person_id"], origin, clean, now)
    return {"rating_id": rating_id, "source": t["source"]}


def _flag_bursts(uow: UnitOfWork, round_id: str, person_id: str, origin: str, clean: dict, now: dt.datetime) -> None:
    """Many identical all-top or all-bottom public ratings from one origin in a short time: flag them all."""
    values = set(clean.values())
    if len(values) != 1 or next(iter(values)) not in (0, 10):
        return
    session = uow.session
    recent = session.execute(
        sa.select(ratings.c.id, ratings.c.scores).where(
            ratings.c.round_id == round_id,
            ratings.c.person_id == person_id,
            ratings.c.source == "public",
            ratings.c.origin == origin,
            ratings.c.submitted_at >= now - BURST_WINDOW,
        )
    ).all()
    same = [rid for rid, scores in recent if set(scores.values()) == {str(next(iter(values)))}]
    if len(same) >= BURST_SIZE:
        session.execute(
            ratings.update()
            .where(ratings.c.id.in_(same))
            .values(flagged=True, flag_reason=f"{len(same)} 个相同极端评分来自同一来源（{BURST_WINDOW} 内），待复核")
        )
