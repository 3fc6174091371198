"""Where an UMKM owner's follow-up stands: the latest recorded visit decides (a later
"declined" reopens a conversion an earlier visit reported). One definition for the pull's
due list (services/worklist.py) and the money page (services/money.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from enrolment.activities import ActivityOutcome, VisitOutcome
from sync_server.models import UmkmVisit

#: Outcomes after which an owner needs no more visits.
SETTLED = (VisitOutcome.CONVERTED.value, VisitOutcome.MOVED.value)
_V = UmkmVisit.__table__  # type: ignore[attr-defined]


def latest_visits(until: datetime | None = None) -> Any:
    """A subquery of each member's latest recorded visit (by the tablet's time, then
    arrival): `member_id, visit_outcome, starts_on, reason`; with `until` (a stored UTC
    instant), of the visits received before it."""
    where = [_V.c.outcome == ActivityOutcome.RECORDED.value, _V.c.member_id.is_not(None)]
    if until is not None:
        where.append(_V.c.received_at < until)
    rank = sa.func.row_number().over(
        partition_by=_V.c.member_id, order_by=(_V.c.visited_at.desc(), _V.c.id.desc())
    )
    ranked = (
        sa.select(_V.c.member_id, _V.c.visit_outcome, _V.c.starts_on, _V.c.reason, rank.label("n"))
        .where(*where)
        .subquery()
    )
    return sa.select(ranked).where(ranked.c.n == 1).subquery()


def still_open(latest: Any) -> Any:
    """The condition, on an outer join with `latest_visits()`, of an owner still due a
    visit: never visited, or last found anything but converted or moved."""
    return sa.or_(latest.c.visit_outcome.is_(None), latest.c.visit_outcome.not_in(SETTLED))
