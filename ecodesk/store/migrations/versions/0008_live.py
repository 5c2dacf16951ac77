"""Several people on one store: who works on which form (presence), changes announced at once
(PostgreSQL NOTIFY), and keys and problem ids of any length in the audit and problem columns.

* ``presence``: one row per open window (``client``), rewritten on every heartbeat; a row whose
  heartbeat is older than the expiry is stale (a window that crashed) and is ignored, then removed.
  The heartbeat time is the database's clock (``seen_epoch``), so PCs with wrong clocks agree.
* On PostgreSQL a statement trigger on ``audit_log`` (every saved change is audited) and on the
  presence rows sends ``NOTIFY ecodesk_changes`` with the table's name: open windows listening
  on the channel read what changed at once. The notification is part of the saving transaction,
  so it is sent only when the change is committed. SQLite has no notifications: windows poll.
* ``audit_log.client``: which running program saved the change (a random id per opened store),
  so a window applies only the others' changes it reads back and never mistakes its own.
* ``String(160)`` / ``String(200)`` columns holding keys and problem ids become ``Text``: SQLite
  ignored the limit, PostgreSQL refused a longer value (a long table key in a problem id).

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None

CHANNEL = "ecodesk_changes"

WIDENED = (
    ("accepted_warnings", "problem_id", sa.String(160), False),
    ("accepted_warnings", "field", sa.String(160), True),
    ("baseline_values", "key", sa.String(160), False),
    ("audit_log", "field", sa.String(160), True),
    ("feedback_queries", "key", sa.String(200), False),
)


def upgrade() -> None:
    for table, column, old_type, nullable in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, type_=sa.Text(), existing_type=old_type, existing_nullable=nullable
            )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("client", sa.String(32), nullable=True))
    op.create_table(
        "presence",
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("os_user", sa.String(64), nullable=False),
        sa.Column("host", sa.String(128), nullable=False),
        sa.Column("period", sa.String(8), nullable=True),
        sa.Column("form", sa.String(8), nullable=True),
        sa.Column("since", sa.String(32), nullable=False),
        sa.Column("seen_epoch", sa.BigInteger(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ecodesk_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION ecodesk_notify_change()"
        )
        # a heartbeat only moves seen_epoch: no notification; opening or leaving a form does
        op.execute(
            "CREATE TRIGGER presence_notify AFTER INSERT OR DELETE OR UPDATE OF form, period "
            "ON presence FOR EACH STATEMENT EXECUTE FUNCTION ecodesk_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS presence_notify ON presence")
        op.execute("DROP TRIGGER IF EXISTS audit_log_notify ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS ecodesk_notify_change()")
    op.drop_table("presence")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("client")
    for table, column, old_type, nullable in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, type_=old_type, existing_type=sa.Text(), existing_nullable=nullable
            )
