"""Attachments shared through a server store: their bytes in the database, in chunks.

On a PostgreSQL store several PCs share one set of records, so the files those records name
must be reachable from every PC, not only from the one that attached them. ``shared_files``
lists each content (by SHA-256) held in the database, with its size and number of chunks;
``shared_file_chunks`` holds the bytes in pieces of at most 1 MiB (so that a 50 MB scan is
written and read a chunk at a time). A PC keeps its own content-addressed copy in its data
folder and fetches a missing one from here on demand (:mod:`ecodesk.attachments.shared`).

On SQLite both tables stay empty: the data folder is the store of the files, as before.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "shared_file_chunks",
        sa.Column(
            "sha256",
            sa.String(64),
            sa.ForeignKey("shared_files.sha256", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shared_file_chunks")
    op.drop_table("shared_files")
