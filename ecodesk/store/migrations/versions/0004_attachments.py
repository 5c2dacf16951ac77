"""Evidence (佐证材料): the files attached to a submission, and a table that carries their bytes in backups.

``attachments`` lists each file of a revision (its key, name, type, size, SHA-256, description);
the bytes live in the data folder, content-addressed (:mod:`ecodesk.attachments.blobs`).
``attachment_blobs`` is empty in a working store: a backup copy fills it, so that a backup stays
one file that brings the attachments back on restore (:mod:`ecodesk.store.backup`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("removed_at", sa.String(32), nullable=True),
    )
    op.create_index("ix_attachments_submission_id", "attachments", ["submission_id"])
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"])
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attachment_blobs")
    op.drop_index("ix_attachments_sha256", table_name="attachments")
    op.drop_index("ix_attachments_submission_id", table_name="attachments")
    op.drop_table("attachments")
