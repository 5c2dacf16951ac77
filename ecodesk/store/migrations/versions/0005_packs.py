"""Form packs the city signs: each revision records the digest of the pack it was made under.

The version alone is not enough to tell two packs apart (a designer's test build and the
city's signed pack can both say 2026.1); the content digest is what the signed data carries.
Revisions made before this migration were made under the program's own pack: ``""`` (unknown).

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("pack_digest", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("pack_digest")
