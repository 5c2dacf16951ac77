"""Initial schema: profile, periods, submissions, values, narratives, tables, warnings, baselines, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("division_code", sa.String(16), nullable=False),
        sa.Column("division_name", sa.String(64), nullable=False),
        sa.Column("department", sa.String(128), nullable=False),
        sa.Column("preparer", sa.String(64), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "period_id",
            sa.Integer(),
            sa.ForeignKey("periods.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("supersede_reason", sa.Text(), nullable=False),
        sa.Column("pack_version", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("signed_at", sa.String(32), nullable=True),
        sa.Column("fingerprint", sa.String(128), nullable=True),
        sa.Column("digest", sa.String(128), nullable=True),
        sa.Column("workbook_path", sa.Text(), nullable=True),
        sa.UniqueConstraint("period_id", "revision", name="uq_submission_period_revision"),
    )
    op.create_table(
        "field_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("submission_id", "form", "field", name="uq_value_field"),
    )
    op.create_index("ix_field_values_submission_id", "field_values", ["submission_id"])
    op.create_table(
        "narratives",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("submission_id", "form", "section", name="uq_narrative_section"),
    )
    op.create_index("ix_narratives_submission_id", "narratives", ["submission_id"])
    op.create_table(
        "table_cells",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("table_code", sa.String(64), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "submission_id", "form", "table_code", "row_no", "column", name="uq_table_cell"
        ),
    )
    op.create_index("ix_table_cells_submission_id", "table_cells", ["submission_id"])
    op.create_table(
        "accepted_warnings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("problem_id", sa.String(160), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("field", sa.String(160), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.String(32), nullable=False),
        sa.Column("accepted_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("submission_id", "problem_id", name="uq_accepted_problem"),
    )
    op.create_index("ix_accepted_warnings_submission_id", "accepted_warnings", ["submission_id"])
    op.create_table(
        "baselines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "period_id",
            sa.Integer(),
            sa.ForeignKey("periods.id", ondelete="RESTRICT"),
            nullable=False,
            unique=True,
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("signature_status", sa.String(32), nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "baseline_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "baseline_id",
            sa.Integer(),
            sa.ForeignKey("baselines.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("baseline_id", "key", name="uq_baseline_key"),
    )
    op.create_index("ix_baseline_values_baseline_id", "baseline_values", ["baseline_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("os_user", sa.String(64), nullable=False),
        sa.Column("preparer", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("period", sa.String(8), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(8), nullable=True),
        sa.Column("field", sa.String(160), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "settings",
        "audit_log",
        "baseline_values",
        "baselines",
        "accepted_warnings",
        "table_cells",
        "narratives",
        "field_values",
        "submissions",
        "periods",
        "unit_profile",
    ):
        op.drop_table(table)
