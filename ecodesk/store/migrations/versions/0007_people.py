"""People and roles inside an office: accounts, the office's own review of each form, the
person named in the audit log.

``people``: who may sign in (name, roles 填报人 / 审核人 / 单位负责人, a scrypt password hash with
its parameters). ``form_reviews``: the office's review of one form of one revision (已审核,
退回修改 with a comment, or changed since and to be reviewed again). ``audit_log.person``: the
signed-in person behind each change (empty where people are not in use).

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("name", name="uq_people_name"),
    )
    op.create_table(
        "form_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("changed_at", sa.String(32), nullable=True),
        sa.UniqueConstraint("submission_id", "form", name="uq_form_review"),
    )
    op.create_index("ix_form_reviews_submission_id", "form_reviews", ["submission_id"])
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("person", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("person")
    op.drop_index("ix_form_reviews_submission_id", table_name="form_reviews")
    op.drop_table("form_reviews")
    op.drop_table("people")
