"""The tables of contacts (联系人) and of staff's handling of parked membership notices, declared
on the registry's one ``metadata`` (Alembic migration ``0005_contacts``)."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.db import BigIntId
from registry.adapters.tables import TZ, metadata

#: Who is responsible for a representative, since when; the current one has no ``ended_at``.
responsible_cadres = sa.Table(
    "responsible_cadres",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("cadre_subject", sa.String(100), nullable=False, comment="the staff user's subject (username)"),
    sa.Column("cadre_name", sa.String(60), nullable=False),
    sa.Column("cadre_unit", sa.String(12), nullable=False),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("assigned_by", sa.String(100), nullable=False),
    sa.Column("assigned_at", TZ, nullable=False),
    sa.Column("ended_at", TZ, nullable=True),
    sa.Index("ix_responsible_cadres_person", "person_id", "ended_at"),
    sa.Index("ix_responsible_cadres_cadre", "cadre_subject", "ended_at"),
)

#: A planned follow-up of a representative (回访计划): open until done or not done, reminded once.
follow_ups = sa.Table(
    "follow_ups",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("note", sa.String(1000), nullable=False),
    sa.Column("state", sa.String(10), nullable=False, comment="open, done or not_done"),
    sa.Column("outcome", sa.String(200), nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("closed_by", sa.String(100), nullable=True),
    sa.Column("closed_at", TZ, nullable=True),
    sa.Column("reminded_at", TZ, nullable=True, comment="when its follow_up_due event was staged, once"),
    sa.Index("ix_follow_ups_state_due", "state", "due_on", "id"),
)

#: Every action staff took on a parked membership notice (re-applied or dismissed): who, when, result.
parked_notice_actions = sa.Table(
    "parked_notice_actions",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(40), nullable=False),
    sa.Column("notice_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False, comment="reapply or dismiss"),
    sa.Column("outcome", sa.String(20), nullable=False, comment="applied, still_parked or dismissed"),
    sa.Column("why", sa.String(40), nullable=True, comment="why it is still parked"),
    sa.Column("note", sa.String(500), nullable=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", TZ, nullable=False),
    sa.ForeignKeyConstraint(["agency", "notice_id"], ["parked_notices.agency", "parked_notices.notice_id"]),
    sa.Index("ix_parked_notice_actions_notice", "agency", "notice_id"),
)
