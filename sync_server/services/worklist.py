"""What a pull brings a tablet for field work (docs/protocol.md, Pull; the shapes are
`enrolment.worklist`): the education sessions planned in its area and the UMKM owners of
its area whose conversion to paid membership is due. Both are sent whole at every pull,
so each is one bounded, indexed query.

A village code starts with its kecamatan's code and a dot, so "a village of kecamatan K"
is the range `K.` ≤ code < `K/` (`/` follows `.` in ASCII): a plain B-tree range on both
databases, where `LIKE 'K.%'` needs a pattern index on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.segments import Segment
from enrolment.worklist import (
    DUE_WITHIN_DAYS,
    MAX_DUE,
    MAX_SESSIONS,
    SESSIONS_PAST_DAYS,
    EducationSession,
    Topic,
    UmkmDue,
)
from sync_server.models import EducationSession as SessionRow
from sync_server.models import Member, RetiredMember
from sync_server.services.members import member_number
from sync_server.services.visit_outcomes import latest_visits, still_open

_SESSIONS = SessionRow.__table__  # type: ignore[attr-defined]
_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_RETIRED = RetiredMember.__table__  # type: ignore[attr-defined]
#: Visit outcomes after which an owner is no longer due a visit.


def in_villages_of(column: Any, kecamatan: list[str]) -> Any:
    """`column` holds a village code of one of these kecamatan (see the module)."""
    return sa.or_(*(sa.and_(column >= f"{k}.", column < f"{k}/") for k in kecamatan))


def area_sessions(session: Session, kecamatan: list[str], today: date) -> list[EducationSession]:
    """The sessions, not cancelled, in villages of `kecamatan`, held from
    SESSIONS_PAST_DAYS ago on, in date order, at most MAX_SESSIONS (none without an area)."""
    if not kecamatan:
        return []
    s = _SESSIONS.c
    rows = session.execute(
        sa.select(s)
        .where(
            in_villages_of(s.village_code, kecamatan),
            s.held_on >= today - timedelta(days=SESSIONS_PAST_DAYS),
            s.cancelled_at.is_(None),
        )
        .order_by(s.held_on, s.id)
        .limit(MAX_SESSIONS)
    ).all()
    return [_session(r) for r in rows]


def _session(row: Any) -> EducationSession:
    try:
        topic = Topic(row.topic)
    except ValueError:  # a topic this revision does not know: shown as "another topic"
        topic = Topic.OTHER
    return EducationSession(
        id=row.uid,
        topic=topic,
        title=row.title,
        village=row.village_code,
        held_on=row.held_on,
        place=row.place,
        facilitator=row.facilitator,
        segments=tuple(code for code in row.segments.split(",") if code),
    )


def area_umkm_due(session: Session, kecamatan: list[str], today: date) -> list[UmkmDue]:
    """UMKM owners living in `kecamatan`, not retired, whose conversion falls due within
    DUE_WITHIN_DAYS (or is overdue) and whose latest recorded visit (if any) did not
    find them converted or moved (services/visit_outcomes.py: as the money page counts);
    earliest due first, at most MAX_DUE (none without an area)."""
    if not kecamatan:
        return []
    m = _MEMBERS.c
    latest = latest_visits()
    retired = sa.exists().where(_RETIRED.c.member_id == m.id)
    rows = session.execute(
        sa.select(m.id, m.full_name, m.village_code, m.conversion_due, m.phone, m.startup_cash)
        .select_from(_MEMBERS.outerjoin(latest, latest.c.member_id == m.id))
        .where(
            # `conversion_due IS NOT NULL` lets the partial index ix_members_conversion_due
            # (migration 0007) serve the range.
            m.conversion_due.is_not(None),
            m.conversion_due <= today + timedelta(days=DUE_WITHIN_DAYS),
            m.segment == Segment.UMKM_OWNER.value,
            in_villages_of(m.village_code, kecamatan),
            still_open(latest),
            ~retired,
        )
        .order_by(m.conversion_due, m.id)
        .limit(MAX_DUE)
    ).all()
    return [
        UmkmDue(
            member_no=member_number(r.id),
            name=r.full_name,
            village=r.village_code,
            due=r.conversion_due,
            phone=r.phone or "",
            startup_cash=r.startup_cash,
        )
        for r in rows
    ]
