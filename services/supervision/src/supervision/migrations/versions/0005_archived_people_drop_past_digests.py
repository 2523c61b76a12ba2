"""an archived person's past ID digests are dropped

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 20:10:00

The view keeps every version of a person, so it would keep every ID digest the person ever had
(a corrected ID number, a digest under a retired key) long after the registry's compacted topic
holds only the newest. When the registry publishes that a person is archived (merged away
included), the versions before it keep no digest but the newest one: ``id_digest`` becomes
nullable, and the people archived already lose their past digests here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_versions") as batch:
        batch.alter_column(
            "id_digest",
            existing_type=sa.String(length=64),
            nullable=True,
            comment="NULL: a past digest, dropped at archiving",
        )
    op.execute(
        """
        UPDATE person_versions SET id_digest = NULL
        WHERE EXISTS (
            SELECT 1 FROM person_versions AS newest
            WHERE newest.person_id = person_versions.person_id
            AND newest.status = 'archived'
            AND newest.id_digest <> person_versions.id_digest
            AND newest.version = (
                SELECT MAX(latest.version) FROM person_versions AS latest
                WHERE latest.person_id = person_versions.person_id
            )
        )
        """
    )


def downgrade() -> None:
    op.execute("UPDATE person_versions SET id_digest = '' WHERE id_digest IS NULL")
    with op.batch_alter_table("person_versions") as batch:
        batch.alter_column("id_digest", existing_type=sa.String(length=64), nullable=False)
