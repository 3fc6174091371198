"""Member programme fields (issue 11): funding, income, JHT, household and details as
typed member columns, plus an UMKM owner's start-up cash and conversion date, so the
desk's reports query columns instead of parsing submission payloads.

Existing members are filled from their latest accepted submission, preferring the
records of the device that created the member (only its own records change a member
at ingest). Self-contained: it reads the payloads' wire keys itself, so later changes
to the application code cannot change what this migration does.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _columns() -> tuple[sa.Column, ...]:
    """The new columns (fresh objects each time: a column belongs to one table)."""
    return (
        sa.Column("funding", sa.String(16), nullable=False, server_default=""),
        sa.Column("income", sa.Integer(), nullable=True),
        sa.Column("jht", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("household_kk", sa.String(16), nullable=False, server_default=""),
        sa.Column("household_relation", sa.String(16), nullable=False, server_default=""),
        sa.Column("household_head", sa.String(64), nullable=False, server_default=""),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("startup_cash", sa.Integer(), nullable=True),
        sa.Column("conversion_due", sa.Date(), nullable=True),
    )


_COLUMNS = _columns()
_CHUNK = 1000


def upgrade() -> None:
    """Add the columns, fill them for existing members, then index them for the money page."""
    # A plain ADD COLUMN on both databases: a batch copy of `members` would have to drop
    # the table its submissions, cards and reviews refer to.
    for column in _columns():
        op.add_column("members", column)
    _backfill(op.get_bind())
    op.create_index(
        "ix_members_money", "members", ["village_code", "funding", "segment", "income", "jht"]
    )
    for name, columns in (
        ("ix_members_conversion_due", ["conversion_due", "full_name", "village_code"]),
        ("ix_members_startup_cash", ["startup_cash"]),
    ):
        present = sa.text(f"{columns[0]} IS NOT NULL")
        op.create_index(name, "members", columns, sqlite_where=present, postgresql_where=present)


def downgrade() -> None:
    """Drop them again (the payloads still hold everything)."""
    op.drop_index("ix_members_startup_cash", table_name="members")
    op.drop_index("ix_members_conversion_due", table_name="members")
    op.drop_index("ix_members_money", table_name="members")
    with op.batch_alter_table("members") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)


def _backfill(conn: sa.Connection) -> None:
    subs = sa.table(
        "submissions",
        sa.column("id", sa.Integer),
        sa.column("member_id", sa.Integer),
        sa.column("device_id", sa.Integer),
        sa.column("outcome", sa.String),
        sa.column("payload", sa.Text),
    )
    members = sa.table(
        "members",
        sa.column("id", sa.Integer),
        *(sa.column(c.name, c.type) for c in _COLUMNS),
    )
    sources = sorted(_latest_submissions(conn, subs).values())
    update = (
        sa.update(members)
        .where(members.c.id == sa.bindparam("b_id"))
        .values({c.name: sa.bindparam(f"b_{c.name}") for c in _COLUMNS})
    )
    for start in range(0, len(sources), _CHUNK):
        chunk = sources[start : start + _CHUNK]
        rows = conn.execute(
            sa.select(subs.c.member_id, subs.c.payload).where(subs.c.id.in_(chunk))
        ).all()
        params = []
        for member_id, payload in rows:
            fields = _programme(payload)
            if fields:
                params.append({"b_id": member_id, **{f"b_{k}": v for k, v in fields.items()}})
        if params:
            conn.execute(update, params)


def _latest_submissions(conn: sa.Connection, subs: sa.TableClause) -> dict[int, int]:
    """member id -> id of its latest accepted submission (the creating device's first)."""
    owners = dict(
        conn.execute(
            sa.select(subs.c.member_id, sa.func.min(subs.c.device_id))
            .where(subs.c.outcome == "created", subs.c.member_id.is_not(None))
            .group_by(subs.c.member_id)
        ).all()
    )
    best: dict[int, tuple[bool, int]] = {}
    for member_id, device_id, sid in conn.execute(
        sa.select(subs.c.member_id, subs.c.device_id, sa.func.max(subs.c.id))
        .where(subs.c.outcome.in_(("created", "merged")), subs.c.member_id.is_not(None))
        .group_by(subs.c.member_id, subs.c.device_id)
    ):
        key = (owners.get(member_id) == device_id, int(sid))
        if member_id not in best or key > best[member_id]:
            best[member_id] = key
    return {m: sid for m, (_, sid) in best.items()}


def _programme(payload: str) -> dict[str, Any] | None:
    """The column values of one stored record, or None if it carries none (older app)."""
    try:
        sent = json.loads(payload)
    except (TypeError, ValueError):
        return None
    if not isinstance(sent, dict) or not any(
        k in sent for k in ("funding", "income", "jht", "household", "details")
    ):
        return None
    household = sent.get("household") if isinstance(sent.get("household"), dict) else {}
    details = sent.get("details") if isinstance(sent.get("details"), dict) else None
    umkm = details is not None and sent.get("segment") == "umkm_owner"
    return {
        "funding": str(sent.get("funding") or "")[:16],
        "income": _whole(sent.get("income")),
        "jht": sent.get("jht") is True,
        "household_kk": str(household.get("kk") or "")[:16],
        "household_relation": str(household.get("relation") or "")[:16],
        "household_head": str(household.get("head") or "")[:64],
        "details": _canonical(details),
        "startup_cash": _startup_cash(details) if umkm else None,
        "conversion_due": _conversion_due((details or {}).get("cash_date")) if umkm else None,
    }


def _canonical(details: dict[str, Any] | None) -> str | None:
    if details is None:
        return None
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _startup_cash(details: dict[str, Any] | None) -> int | None:
    value = (details or {}).get("startup_cash")
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return int(value) if ok else None


def _conversion_due(cash_date: Any) -> date | None:
    """One year after the start-up cash date (as enrolment.segment_details had it)."""
    try:
        start = date.fromisoformat(cash_date or "")
    except (TypeError, ValueError):
        return None
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28) + timedelta(days=1)
