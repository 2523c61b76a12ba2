"""The tables of stability reports (涉稳信息反馈): the reports, their timeline, notices that
matched no report, and the record of every export. In the service desk's one schema (``tables``)."""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.tables import TZ, metadata

stability_reports = sa.Table(
    "stability_reports",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="where it happens"),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("occurred_at", TZ, nullable=False, index=True),
    sa.Column("category", sa.String(20), nullable=False, comment="sensitive: never in an event or a log"),
    sa.Column("severity", sa.String(10), nullable=False, index=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("police_summary", sa.String(200), nullable=True, comment="what public security receives (severe)"),
    sa.Column("person_ids", sa.JSON, nullable=False, comment="registry person ids: references only"),
    sa.Column("others_count", sa.Integer, nullable=False),
    sa.Column("state", sa.String(10), nullable=False, index=True),
    sa.Column("reported_by", sa.String(100), nullable=False),
    sa.Column("reported_at", TZ, nullable=False, index=True),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("closed_at", TZ, nullable=True),
    sa.Column("shared_at", TZ, nullable=True, comment="when it was staged for public security's feed"),
    sa.Column("police_reference", sa.String(100), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

stability_timeline = sa.Table(
    "stability_timeline",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("report_id", sa.String(36), sa.ForeignKey("stability_reports.id"), nullable=False, index=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False, comment="a staff subject id, or agency:<code>"),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_state", sa.String(10), nullable=True),
    sa.Column("to_state", sa.String(10), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("notice_id", sa.String(100), nullable=True, unique=True, comment="agency:notice id; applied once"),
)

unmatched_stability_notices = sa.Table(
    "unmatched_stability_notices",
    metadata,
    sa.Column("notice_key", sa.String(100), primary_key=True, comment="agency:notice id"),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("report_id", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(20), nullable=False, comment="unknown_report or not_shared"),
    sa.Column("received_at", TZ, nullable=False),
)

stability_exports = sa.Table(
    "stability_exports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("actor_unit", sa.String(12), nullable=False),
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
)
