"""Agencies, their credentials and their feed's state.

An agency exists because it has a policy. Its API keys look like
``tx.<key id>.<secret>``; only a hash of the secret is stored. Issuing a new key
starts an overlap: older keys keep working for ``KEY_OVERLAP_DAYS`` and then stop,
so an agency can roll its key without downtime.

Administration (pause, resume, keys, policy activation) is the ``gateway_admin`` role's,
which ``admin`` does not imply, at the level of the agency's policy region or above.
A changed policy file is not in force until a second gateway admin approves it
(``approvals``): until then the agency's new events are held.
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

ROLE = "gateway_admin"


def sync_agencies(conn: sa.Connection, policies: dict[str, Policy]) -> None:
    """One agency row per policy. A new agency starts under the policy its operator deployed; a
    changed policy of a known agency waits for two gateway admins (``approvals``)."""
    known = {r.code for r in conn.execute(sa.select(agencies.c.code))}
    for code, p in policies.items():
        if code not in known:
            conn.execute(
                agencies.insert(),
                dict(code=code, name=p.name, policy_version=p.version_label, last_seq=0, acked_seq=0, paused=False),
            )


def authorise(principal: Principal, policies: dict[str, Policy], agency: str) -> Policy:
    """The agency's policy, if the caller administers the gateway at its region's level or above."""
    principal.require_role(ROLE)
    policy = policies.get(agency)
    if policy is None:
        raise NotFound("没有这个机构", "No such agency")
    principal.require_scope(policy.region)
    return policy


def issue_key(conn, agency: str, actor: str, overlap: dt.timedelta, now: dt.datetime | None = None) -> str:
    """A new key for ``agency`` (shown once); older keys expire after ``overlap``."""
    now = now or dt.datetime.now(dt.UTC)
    if conn.execute(sa.select(agencies.c.code).where(agencies.c.code == agency)).first() is None:
        raise NotFound("没有这个机构", "No such agency")
    conn.execute(
        agency_keys.update()
        .where(
            agency_keys.c.agency == agency,
            sa.or_(agency_keys.c.expires_at.is_(None), agency_keys.c.expires_at > now + overlap),
        )
        .values(expires_at=now + overlap)
    )
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    conn.execute(
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


def authenticate(conn, presented: str | None, now: dt.datetime | None = None) -> str:
    """The agency a key belongs to; every failure looks the same to the caller."""
    refused = Unauthorized("机构凭证无效或已过期", "Invalid or expired agency key")
    prefix, _, rest = (presented or "").partition(".")
    key_id, _, secret = rest.partition(".")
    if prefix != "tx" or not key_id or not secret:
        raise refused
    row = conn.execute(sa.select(agency_keys).where(agency_keys.c.id == key_id)).mappings().first()
    if row is None or not hmac.compare_digest(row["secret_hash"], hashlib.sha256(secret.encode()).hexdigest()):
        raise refused
    expires = row["expires_at"]
    if expires is not None:
        expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
        if expires <= (now or dt.datetime.now(dt.UTC)):
            raise refused
    return row["agency"]


def status(conn, principal: Principal, policies: dict[str, Policy]) -> list[dict]:
    """Each agency's feed: head, what it has pulled, lag, held events, pause state, policy version
    in force and the deployed version still awaiting approval, if any."""
    principal.require_role("admin", "auditor", ROLE)
    held = dict(conn.execute(sa.select(held_events.c.agency, sa.func.count()).group_by(held_events.c.agency)).all())
    out = []
    for r in conn.execute(sa.select(agencies).order_by(agencies.c.code)).mappings():
        deployed = policies[r["code"]].version_label if r["code"] in policies else None
        awaiting = deployed if deployed and deployed != r["policy_version"] else None
        out.append(
            {**r, "lag": r["last_seq"] - r["acked_seq"], "held": held.get(r["code"], 0), "policy_awaiting": awaiting}
        )
    return out


def in_force(conn, agency: str, policy: Policy) -> bool:
    """True if the agency's feed runs: not paused, and its deployed policy is the approved one."""
    row = conn.execute(sa.select(agencies.c.paused, agencies.c.policy_version).where(agencies.c.code == agency)).first()
    return row is not None and not row.paused and row.policy_version == policy.version_label


def set_paused(
    conn, principal: Principal, policies: dict[str, Policy], agency: str, paused: bool, reason: str | None
) -> None:
    authorise(principal, policies, agency)
    row = conn.execute(sa.select(agencies.c.paused).where(agencies.c.code == agency)).first()
    if row is None:
        raise NotFound("没有这个机构", "No such agency")
    if row.paused == paused:
        raise Conflict("该机构的推送已是此状态", "The feed is already " + ("paused" if paused else "running"))
    conn.execute(
        agencies.update()
        .where(agencies.c.code == agency)
        .values(paused=paused, paused_reason=reason if paused else None)
    )


def head(conn, agency: str) -> int:
    return conn.execute(sa.select(agencies.c.last_seq).where(agencies.c.code == agency)).scalar_one()


def entries_after(conn, agency: str, after: int, limit: int) -> list[dict]:
    rows = conn.execute(
        sa.select(feed_entries.c.entry)
        .where(feed_entries.c.agency == agency, feed_entries.c.seq > after)
        .order_by(feed_entries.c.seq)
        .limit(limit)
    )
    return [r.entry for r in rows]
