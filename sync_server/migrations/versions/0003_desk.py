"""The coordinator's desk: accounts, browser sessions, audit log, retired members, KPJ numbers.

Revision ID: 0003_desk
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_desk"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=False)


def upgrade() -> None:
    """Create the desk's tables."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled_at", TS, nullable=True),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "retired_members",
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("merged_into_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True),
        sa.Column("review_item_id", sa.Integer, sa.ForeignKey("review_items.id"), nullable=True),
        sa.Column("retired_at", TS, nullable=False),
    )
    op.create_table(
        "member_kpj",
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("kpj", sa.String(20), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
    )
    op.create_index("ix_member_kpj_kpj", "member_kpj", ["kpj"])
    # The duplicate search and the coverage page read members by these.
    op.create_index("ix_members_birth_sex", "members", ["birth_date", "sex"])
    op.create_index("ix_members_village", "members", ["village_code"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_members_village", table_name="members")
    op.drop_index("ix_members_birth_sex", table_name="members")
    op.drop_index("ix_member_kpj_kpj", table_name="member_kpj")
    op.drop_table("member_kpj")
    op.drop_table("retired_members")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_table("users")
