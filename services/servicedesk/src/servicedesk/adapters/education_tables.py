"""The tables of policy and theory education (理论政策宣传教育), on the service desk's metadata:
materials, assignments and the materials they give, each member's study task, quiz attempts.

A task is one member on one assignment, placed at the member's unit when the assignment was
published (completion by unit reads it). The quiz, right answers included, lives on the
assignment row and is never sent to members. An attempt is unique per member and the client's
``submission_id``, so a submission sent twice is recorded once.
"""

from __future__ import annotations

import sqlalchemy as sa

from servicedesk.adapters.tables import TZ, metadata

materials = sa.Table(
    "education_materials",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False, comment="article, document or video"),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=True, comment="an article's text"),
    sa.Column("url", sa.String(500), nullable=True, comment="a document's or video's https link"),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="published to this unit's subtree"),
    sa.Column("state", sa.String(10), nullable=False, comment="draft, published, withdrawn"),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("published_at", TZ, nullable=True),
    sa.Column("withdrawn_at", TZ, nullable=True),
)

assignments = sa.Table(
    "education_assignments",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="its members: this unit's subtree"),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("pass_mark", sa.SmallInteger, nullable=False),
    sa.Column("quiz", sa.JSON, nullable=False, comment="[{text, options, answer}]: answers never leave"),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("published_at", TZ, nullable=False, index=True),
)

assignment_materials = sa.Table(
    "education_assignment_materials",
    metadata,
    sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), primary_key=True),
    sa.Column("material_id", sa.String(36), sa.ForeignKey("education_materials.id"), primary_key=True),
    sa.Column("position", sa.SmallInteger, nullable=False),
)

study_tasks = sa.Table(
    "education_study_tasks",
    metadata,
    sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="the member's unit when assigned"),
    sa.Column("studied_at", TZ, nullable=True),
    sa.Column("minutes_studied", sa.Integer, nullable=False),
    sa.Column("passed_at", TZ, nullable=True),
    sa.Column("completed_at", TZ, nullable=True),
    sa.Index("ix_education_study_tasks_person", "person_id"),
)

quiz_attempts = sa.Table(
    "education_quiz_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), nullable=False),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("submission_id", sa.String(64), nullable=False, comment="the client's key: a resend is recorded once"),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.UniqueConstraint("assignment_id", "person_id", "submission_id", name="uq_education_attempt_submission"),
)
