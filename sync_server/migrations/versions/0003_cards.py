"""Cards: who revoked a card; at most one active signing key (key rotation).

Revision ID: 0003_cards
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_cards"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `cards.revoked_by` and the one-active-key index on `signing_keys`."""
    # batch mode: SQLite cannot ALTER TABLE ... ADD COLUMN inside every context, batch can.
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("revoked_by", sa.String(100), nullable=True))
    # Two rotations at once must not leave two signing keys active.
    op.create_index(
        "uq_signing_key_active",
        "signing_keys",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("uq_signing_key_active", table_name="signing_keys")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("revoked_by")
