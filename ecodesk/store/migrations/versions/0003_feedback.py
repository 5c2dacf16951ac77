"""The way back: feedback files sent (by a reviewing office) and received (by a unit), and their queries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("digest", sa.String(128), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("unit_name", sa.String(64), nullable=False),
        sa.Column("department", sa.String(128), nullable=False),
        sa.Column("reviewer_code", sa.String(16), nullable=False),
        sa.Column("reviewer_name", sa.String(64), nullable=False),
        sa.Column("reviewer_department", sa.String(128), nullable=False),
        sa.Column("reviewer_person", sa.String(64), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("submission_digest", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("issued_at", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("opened_revision", sa.Integer, nullable=True),
        sa.UniqueConstraint("direction", "digest", name="uq_feedback_digest"),
    )
    op.create_index("ix_feedback_period", "feedback", ["period"])
    op.create_table(
        "feedback_queries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feedback_id",
            sa.Integer,
            sa.ForeignKey("feedback.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=True),
        sa.UniqueConstraint("feedback_id", "n", name="uq_feedback_query_n"),
    )
    op.create_index("ix_feedback_queries_feedback_id", "feedback_queries", ["feedback_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_queries_feedback_id", table_name="feedback_queries")
    op.drop_table("feedback_queries")
    op.drop_index("ix_feedback_period", table_name="feedback")
    op.drop_table("feedback")
