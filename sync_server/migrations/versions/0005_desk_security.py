"""Desk security (issue 10): throttling of sign-in and pairing attempts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=False)


def upgrade() -> None:
    """Create the throttle table (failed attempts and lockouts per key)."""
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", TS, nullable=False),
        sa.Column("blocked_until", TS, nullable=True),
    )


def downgrade() -> None:
    """Drop the throttle table."""
    op.drop_table("throttles")
