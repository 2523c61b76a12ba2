"""policy and theory education: materials, assignments, study tasks, quiz attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "education_materials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False, comment="article, document or video"),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=True, comment="an article's text"),
        sa.Column("url", sa.String(500), nullable=True, comment="a document's or video's https link"),
        sa.Column("unit_code", sa.String(12), nullable=False, comment="published to this unit's subtree"),
        sa.Column("state", sa.String(10), nullable=False, comment="draft, published, withdrawn"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("published_at", TZ, nullable=True),
        sa.Column("withdrawn_at", TZ, nullable=True),
    )
    op.create_index("ix_education_materials_unit_code", "education_materials", ["unit_code"])
    op.create_table(
        "education_assignments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False, comment="its members: this unit's subtree"),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("pass_mark", sa.SmallInteger, nullable=False),
        sa.Column("quiz", sa.JSON, nullable=False, comment="[{text, options, answer}]: answers never leave"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
    )
    op.create_index("ix_education_assignments_unit_code", "education_assignments", ["unit_code"])
    op.create_index("ix_education_assignments_published_at", "education_assignments", ["published_at"])
    op.create_table(
        "education_assignment_materials",
        sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), primary_key=True),
        sa.Column("material_id", sa.String(36), sa.ForeignKey("education_materials.id"), primary_key=True),
        sa.Column("position", sa.SmallInteger, nullable=False),
    )
    op.create_table(
        "education_study_tasks",
        sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), primary_key=True),
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("unit_code", sa.String(12), nullable=False, comment="the member's unit when assigned"),
        sa.Column("studied_at", TZ, nullable=True),
        sa.Column("minutes_studied", sa.Integer, nullable=False),
        sa.Column("passed_at", TZ, nullable=True),
        sa.Column("completed_at", TZ, nullable=True),
    )
    op.create_index("ix_education_study_tasks_unit_code", "education_study_tasks", ["unit_code"])
    op.create_index("ix_education_study_tasks_person", "education_study_tasks", ["person_id"])
    op.create_table(
        "education_quiz_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assignment_id", sa.String(36), sa.ForeignKey("education_assignments.id"), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column(
            "submission_id", sa.String(64), nullable=False, comment="the client's key: a resend is recorded once"
        ),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        sa.UniqueConstraint("assignment_id", "person_id", "submission_id", name="uq_education_attempt_submission"),
    )


def downgrade() -> None:
    for table in ("education_quiz_attempts", "education_study_tasks", "education_assignment_materials"):
        op.drop_table(table)
    op.drop_table("education_assignments")
    op.drop_table("education_materials")
