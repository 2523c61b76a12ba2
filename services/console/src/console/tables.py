"""The console's own tables: who is signed in (with their tokens) and what staff admins changed.

The console keeps no business data, but two things have to live somewhere. A Keycloak
access, refresh and ID token together are larger than a 4 KB cookie, and a cookie that
carried them could not be taken back at sign-out; so the cookie holds a random session id
and the tokens stay here, deleted at sign-out (a replayed cookie then finds nothing).
The staff audit log is the console's because the console is the actor Keycloak sees: its
admin events would name the console's service account, not the person who made the change.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    #: SHA-256 of the random id in the cookie: the table alone cannot be replayed as cookies.
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("user", sa.JSON, nullable=False),
    sa.Column("access_token", sa.Text, nullable=False),
    sa.Column("refresh_token", sa.Text, nullable=False),
    sa.Column("id_token", sa.Text, nullable=False),
    sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

staff_audit = sa.Table(
    "staff_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("actor_unit", sa.String(12), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(255), nullable=False),
    #: The account's Keycloak id ("" when there is none yet): who disabled it is looked up here.
    sa.Column("target_id", sa.String(64), nullable=False, server_default="", index=True),
    #: The unit of the account acted on (after the change): who may read the entry.
    sa.Column("target_unit", sa.String(12), nullable=False, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)
