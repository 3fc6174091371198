"""Pull support: the changes feed, server-wide settings (roster salt), card revoke reason.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=False)


def upgrade() -> None:
    """Add `changes`, `server_settings` and `cards.revoke_reason`."""
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("device_id", sa.Integer, sa.ForeignKey("devices.id"), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=True),
    )
    op.create_index("ix_changes_device_id", "changes", ["device_id"])
    op.create_table(
        "server_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    # batch mode: SQLite cannot ALTER TABLE ... ADD COLUMN inside every context, batch can.
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("revoke_reason", sa.String(32), nullable=True))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("revoke_reason")
    op.drop_table("server_settings")
    op.drop_index("ix_changes_device_id", table_name="changes")
    op.drop_table("changes")
