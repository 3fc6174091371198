"""Field work after enrolment (issue 14): education sessions planned on the desk, the
attendance tablets record at them, and UMKM follow-up visits. New tables only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=False)


def upgrade() -> None:
    """The sessions, their attendance and the UMKM visits."""
    op.create_table(
        "education_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(16), nullable=False, unique=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("title", sa.String(120), nullable=False, server_default=""),
        sa.Column("village_code", sa.String(20), nullable=False, index=True),
        sa.Column("held_on", sa.Date(), nullable=False, index=True),
        sa.Column("place", sa.String(120), nullable=False, server_default=""),
        sa.Column("facilitator", sa.String(100), nullable=False, server_default=""),
        sa.Column("segments", sa.String(400), nullable=False, server_default=""),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("cancelled_at", _TS, nullable=True),
    )
    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("education_sessions.id"), index=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), index=True),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("nik", sa.String(16), nullable=False, server_default=""),
        sa.Column("guest_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("attended_at", sa.String(40), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("member_no", sa.String(20), nullable=False, server_default=""),
        sa.Column("problems", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("received_at", _TS, nullable=False),
        sa.UniqueConstraint("device_id", "client_id", name="uq_attendances_device_client"),
        sa.UniqueConstraint("session_id", "member_id", name="uq_attendances_session_member"),
    )
    op.create_table(
        "umkm_visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), index=True),
        sa.Column("visit_outcome", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column("visited_at", sa.String(40), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("received_at", _TS, nullable=False),
        sa.UniqueConstraint("device_id", "client_id", name="uq_umkm_visits_device_client"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("umkm_visits")
    op.drop_table("attendances")
    op.drop_table("education_sessions")
