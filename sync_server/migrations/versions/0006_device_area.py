"""Device area (issue 10): the kecamatan a tablet works in, on its pairing code and on it.

Tablets paired before get an empty area: their own records only, until a
coordinator sets one on the desk.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `area` (comma-separated dotted kecamatan codes) to pairing codes and devices."""
    for table in ("pairing_codes", "devices"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("area", sa.String(255), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop the areas again."""
    for table in ("devices", "pairing_codes"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("area")
