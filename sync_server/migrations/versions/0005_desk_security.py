"""Desk security (issue 10): throttling of sign-in and pairing attempts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in below as the tables are added."""


def downgrade() -> None:
    """Nothing to undo yet."""
