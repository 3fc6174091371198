"""Contribution tables with dates (issue 14): the schedule the office enters on the
desk (/desk/rates). Empty at first: until a table is entered, the shipped
assets/contribution_rates.json is the schedule, so nothing changes for an existing
server.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table of dated contribution tables."""
    op.create_table(
        "rate_tables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("starts_on", sa.Date(), nullable=True, unique=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("basis", sa.String(200), nullable=False),
        sa.Column("jkk_rate", sa.String(20), nullable=False),
        sa.Column("jkk_min", sa.Integer(), nullable=False),
        sa.Column("jkk_max", sa.Integer(), nullable=False),
        sa.Column("jkm_flat", sa.Integer(), nullable=False),
        sa.Column("jht_rate", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    )


def downgrade() -> None:
    """Drop it (the shipped file is the schedule again)."""
    op.drop_table("rate_tables")
