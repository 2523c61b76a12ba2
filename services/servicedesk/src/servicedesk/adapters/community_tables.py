"""The schema of members' shared resources (成员资源共享) and of matchmaking (引资引智, 银企对接,
科技对接), on the service desk's metadata. An offer names its member by person id only: name and
unit come from the people view, so an offer follows its member's moves and archiving."""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.tables import TZ, metadata

offers = sa.Table(
    "resource_offers",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True, comment="the member (people view)"),
    sa.Column("branch_code", sa.String(40), sa.ForeignKey("corps_branches.code"), nullable=True),
    sa.Column("field", sa.String(20), nullable=False, index=True, comment="see domain/resources.FIELDS"),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False, comment="unit, town or county"),
    sa.Column("show_name", sa.Boolean, nullable=False, comment="the member agreed to show their name beyond"),
    sa.Column("consented_on", sa.Date, nullable=False, comment="when the member opted in"),
    sa.Column("state", sa.String(10), nullable=False, index=True, comment="active or withdrawn"),
    sa.Column("published_at", TZ, nullable=False),
    sa.Column("published_by", sa.String(100), nullable=False),
    sa.Column("withdrawn_at", TZ, nullable=True),
    sa.Column("withdrawn_by", sa.String(10), nullable=True, comment="member or staff"),
)

offer_history = sa.Table(
    "resource_offer_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("offer_id", sa.String(36), sa.ForeignKey("resource_offers.id"), nullable=False, index=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False, comment="published, withdrawn or cited"),
    sa.Column("note", sa.String(500), nullable=True),
)

offer_citations = sa.Table(
    "resource_offer_citations",
    metadata,
    sa.Column("offer_id", sa.String(36), sa.ForeignKey("resource_offers.id"), primary_key=True),
    sa.Column("subject", sa.String(10), primary_key=True, comment="request or activity"),
    sa.Column("subject_id", sa.String(36), primary_key=True, index=True),
    sa.Column("cited_by", sa.String(100), nullable=False),
    sa.Column("cited_at", TZ, nullable=False),
)

matchmaking_events = sa.Table(
    "matchmaking_events",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False, comment="see domain/matchmaking.KINDS"),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="the organising unit"),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", TZ, nullable=False),
)

matchmaking_participants = sa.Table(
    "matchmaking_participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), sa.ForeignKey("matchmaking_events.id"), nullable=False, index=True),
    sa.Column("role", sa.String(12), nullable=False, comment="enterprise, bank, expert or project"),
    sa.Column("organisation", sa.String(200), nullable=True),
    sa.Column("person_id", sa.String(36), nullable=True, comment="a registry person, by id only"),
)

outcomes = sa.Table(
    "matchmaking_outcomes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("event_id", sa.String(36), sa.ForeignKey("matchmaking_events.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False, comment="project_signed, loan_granted or people_placed"),
    sa.Column("enterprise", sa.String(200), nullable=False, comment="the enterprise helped"),
    sa.Column("partner", sa.String(200), nullable=True, comment="the investor, bank or institute"),
    sa.Column("amount_fen", sa.BigInteger, nullable=True, comment="exact: integer fen"),
    sa.Column("people_placed", sa.Integer, nullable=True),
    sa.Column("agreed_on", sa.Date, nullable=False, index=True, comment="the year it counts in"),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

outcome_history = sa.Table(
    "matchmaking_outcome_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("outcome_id", sa.String(36), sa.ForeignKey("matchmaking_outcomes.id"), nullable=False, index=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("from_state", sa.String(16), nullable=True),
    sa.Column("to_state", sa.String(16), nullable=False),
    sa.Column("note", sa.String(500), nullable=True),
)
