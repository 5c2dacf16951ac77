"""Record the unit head (单位负责人) in the profile; index the audit log by period and time.

The printed sheet and the workbook cover name the head of the unit, and the audit-log view
filters by period and sorts by time, which a growing log needs an index for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit_profile") as batch:
        batch.add_column(sa.Column("head", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_audit_log_period_at", "audit_log", ["period", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_period_at", table_name="audit_log")
    with op.batch_alter_table("unit_profile") as batch:
        batch.drop_column("head")
