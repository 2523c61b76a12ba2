"""Agencies, their credentials and their feed's state.

An agency exists because it has a policy. Its API keys look like
``tx.<key id>.<secret>``; only a hash of the secret is stored. Issuing a new key
starts an overlap: older keys keep working for ``KEY_OVERLAP_DAYS`` and then stop,
so an agency can roll its key without downtime. A leaked key is revoked instead: it stops
at once, once two gateway admins agree (``approvals``). The operator's command line issues
only an agency's very first key.

Administration (pause, resume, keys, policy activation) is the ``gateway_admin`` role's,
which ``admin`` does not imply, at the level of the agency's policy region or above.
A changed policy file, and the policy of an agency added to a running deployment, is not in
force until a second gateway admin approves it (``approvals``): until then the agency's new
events are held. Only the very first ``migrate`` of a deployment puts the operator's policies
in force alone, as there is no gateway admin to approve them yet.

Reads follow the same rule as actions: the policy region is the region of the data an agency
receives, so staff see an agency (its feed, policy, ledger records and requests) only if its
region lies in their unit's subtree. A town sees nothing of the county's agencies, not even
that they exist; the rule that reveals least.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Conflict, NotFound, Unauthorized
from sharing_gateway.adapters.tables import agencies, agency_keys, feed_entries, held_events
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer.unit_of_work import UnitOfWork

ROLE = "gateway_admin"
READERS = ("admin", "auditor", ROLE)
#: The policy version of an agency whose first policy awaits approval: nothing is in force.
NONE_IN_FORCE = ""


def sync_agencies(uow: UnitOfWork, policies: dict[str, Policy]) -> None:
    """One agency row per policy. On a deployment's first migration (no agency yet) the policies
    come into force: the operator's bootstrap, before any gateway admin could approve them (every
    delivery's ledger record names the version). An agency added later, like a changed policy,
    waits for two gateway admins (``approvals``)."""
    known = {r.code for r in uow.session.execute(sa.select(agencies.c.code))}
    for code, p in policies.items():
        if code not in known:
            version = NONE_IN_FORCE if known else p.version_label
            uow.session.execute(
                agencies.insert(),
                dict(code=code, name=p.name, policy_version=version, last_seq=0, acked_seq=0, paused=False),
            )


def visible(principal: Principal, policies: dict[str, Policy]) -> dict[str, Policy]:
    """The agencies a reader (admin, auditor, gateway admin) may see: their region lies in the
    caller's subtree."""
    principal.require_role(*READERS)
    return {code: p for code, p in policies.items() if principal.sees(p.region)}


def has_keys(uow: UnitOfWork, agency: str) -> bool:
    """Whether any API key was ever issued to the agency (in force, expired or revoked)."""
    return (
        uow.session.execute(sa.select(agency_keys.c.id).where(agency_keys.c.agency == agency).limit(1)).first()
        is not None
    )


def authorise(principal: Principal, policies: dict[str, Policy], agency: str) -> Policy:
    """The agency's policy, if the caller administers the gateway at its region's level or above."""
    principal.require_role(ROLE)
    policy = policies.get(agency)
    if policy is None:
        raise NotFound("没有这个机构", "No such agency")
    principal.require_scope(policy.region)
    return policy


def issue_key(uow: UnitOfWork, agency: str, actor: str, overlap: dt.timedelta, now: dt.datetime | None = None) -> str:
    """A new key for ``agency`` (shown once); older keys expire after ``overlap``."""
    now = now or dt.datetime.now(dt.UTC)
    if uow.session.execute(sa.select(agencies.c.code).where(agencies.c.code == agency)).first() is None:
        raise NotFound("没有这个机构", "No such agency")
    uow.session.execute(
        agency_keys.update()
        .where(
            agency_keys.c.agency == agency,
            sa.or_(agency_keys.c.expires_at.is_(None), agency_keys.c.expires_at > now + overlap),
        )
        .values(expires_at=now + overlap)
    )
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    uow.session.execute(
        agency_keys.insert(),
        dict(
            id=key_id,
            agency=agency,
            secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
            created_at=now,
            expires_at=None,
            created_by=actor,
        ),
    )
    return f"tx.{key_id}.{secret}"


def authenticate(uow: UnitOfWork, presented: str | None, now: dt.datetime | None = None) -> str:
    """The agency a key belongs to; every failure looks the same to the caller."""
    refused = Unauthorized("机构凭证无效或已过期", "Invalid or expired agency key")
    prefix, _, rest = (presented or "").partition(".")
    key_id, _, secret = rest.partition(".")
    if prefix != "tx" or not key_id or not secret:
        raise refused
    row = uow.session.execute(sa.select(agency_keys).where(agency_keys.c.id == key_id)).mappings().first()
    if row is None or not hmac.compare_digest(row["secret_hash"], hashlib.sha256(secret.encode()).hexdigest()):
        raise refused
    if not _before(now or dt.datetime.now(dt.UTC), row["expires_at"]):
        raise refused
    return row["agency"]


def status(uow: UnitOfWork, principal: Principal, policies: dict[str, Policy]) -> list[dict]:
    """Each agency's feed: head, what it has pulled, lag, held events, pause state, policy version
    in force and the deployed version still awaiting approval, if any."""
    shown = visible(principal, policies)
    held = dict(
        uow.session.execute(sa.select(held_events.c.agency, sa.func.count()).group_by(held_events.c.agency)).all()
    )
    out = []
    rows = uow.session.execute(sa.select(agencies).where(agencies.c.code.in_(list(shown))).order_by(agencies.c.code))
    for r in rows.mappings():
        deployed = shown[r["code"]].version_label
        awaiting = deployed if deployed and deployed != r["policy_version"] else None
        out.append(
            {**r, "lag": r["last_seq"] - r["acked_seq"], "held": held.get(r["code"], 0), "policy_awaiting": awaiting}
        )
    return out


def revoke_key(uow: UnitOfWork, agency: str, key_id: str, now: dt.datetime) -> None:
    """The agency's key ``key_id`` stops now (a leaked key; its replacement is asked for apart)."""
    key_in_force(uow, agency, key_id, now)
    uow.session.execute(agency_keys.update().where(agency_keys.c.id == key_id).values(expires_at=now))


def key_in_force(uow: UnitOfWork, agency: str, key_id: str, now: dt.datetime | None = None) -> None:
    """Refuse unless ``key_id`` is one of the agency's keys that still works (404 names nothing else)."""
    row = uow.session.execute(
        sa.select(agency_keys.c.expires_at).where(agency_keys.c.id == key_id, agency_keys.c.agency == agency)
    ).first()
    if row is None or not _before(now or dt.datetime.now(dt.UTC), row.expires_at):
        raise NotFound("该机构没有这把在用的接口密钥", "The agency has no API key in force with that id")


def _before(now: dt.datetime, expires: dt.datetime | None) -> bool:
    if expires is None:
        return True
    return now < (expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC))


def in_force(uow: UnitOfWork, agency: str, policy: Policy) -> bool:
    """True if the agency's feed runs: not paused, and its deployed policy is the approved one."""
    return uow.feeds.in_force(agency, policy.file_label)  # the file approved; grants layer on it


def set_paused(
    uow: UnitOfWork, principal: Principal, policies: dict[str, Policy], agency: str, paused: bool, reason: str | None
) -> None:
    authorise(principal, policies, agency)
    row = uow.session.execute(sa.select(agencies.c.paused).where(agencies.c.code == agency)).first()
    if row is None:
        raise NotFound("没有这个机构", "No such agency")
    if row.paused == paused:
        raise Conflict("该机构的推送已是此状态", "The feed is already " + ("paused" if paused else "running"))
    uow.ledger.lock()  # before the agency's row: the one lock order (``LedgerRepository.lock``)
    uow.session.execute(
        agencies.update()
        .where(agencies.c.code == agency)
        .values(paused=paused, paused_reason=reason if paused else None)
    )


def head(uow: UnitOfWork, agency: str) -> int:
    return uow.session.execute(sa.select(agencies.c.last_seq).where(agencies.c.code == agency)).scalar_one()


def entries_after(uow: UnitOfWork, agency: str, after: int, limit: int) -> list[dict]:
    rows = uow.session.execute(
        sa.select(feed_entries.c.entry)
        .where(feed_entries.c.agency == agency, feed_entries.c.seq > after)
        .order_by(feed_entries.c.seq)
        .limit(limit)
    )
    return [r.entry for r in rows]
