"""Join the two branches made in parallel (cards, desk) back into one line.

Revision ID: 0004
Revises: 0003_cards, 0003_desk
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = "0004"
down_revision = ("0003_cards", "0003_desk")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
