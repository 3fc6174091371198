"""UMKM follow-up on the money page (issue 14): owners with start-up cash, where their
follow-up visits stand (the latest visit decides, services/visit_outcomes.py), the ones
due or overdue, the reasons for declining and the list.

The live figures (no `until`) read the member tallies for what concerns every owner
(how many, due by date: services/member_tallies.py) and the visits for the rest (the
visited owners, as many as were visited), so a view reads no row per owner; as they were
at an instant (`until`, the progress report), one query over the owners each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import VisitOutcome
from enrolment.areas import village_label
from enrolment.worklist import DUE_WITHIN_DAYS
from sync_server.models import Member
from sync_server.services.coverage import active
from sync_server.services.member_tallies import due_counts, startup_cash
from sync_server.services.members import member_number
from sync_server.services.visit_outcomes import SETTLED, latest_visits, still_open

#: Visit outcomes after which an owner needs no more visits.
OUTCOMES = (*(o.value for o in VisitOutcome), "")  # "": not yet visited
FOLLOW_UP_ROWS = 500
_M = Member.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FollowUpRow:
    """An UMKM owner with start-up cash, due within the window or visited, and the latest
    visit's outcome ("" not visited), start of paid membership or reason."""

    member_no: str
    name: str
    village: str
    due: date | None
    outcome: str
    starts: date | None
    reason: str


@dataclass
class FollowUp:
    """UMKM owners with start-up cash and their follow-up visits, by the latest visit."""

    owners: int = 0
    due_soon: int = 0  # open (no converted or moved visit), due within FOLLOW_UP_DAYS
    overdue: int = 0  # open and overdue
    outcomes: dict[str, int] = field(default_factory=dict)  # VisitOutcome or "" (not visited)
    reasons: list[tuple[str, int]] = field(default_factory=list)  # most given first
    rows: list[FollowUpRow] = field(default_factory=list)  # earliest due first


def follow_up(
    *, session: Session, today: date, members: Any, until: datetime | None = None
) -> FollowUp:
    """UMKM owners with start-up cash among `members`: open ones due within 30 days or
    overdue, the latest visit's outcome of each, the reasons for declining most given."""
    if until is None:
        return _follow_up_now(session, today)
    latest = latest_visits(until)
    owners = _M.outerjoin(latest, latest.c.member_id == _M.c.id)
    where = (members, _M.c.startup_cash.is_not(None), _M.c.startup_cash > 0)
    outcome = sa.func.coalesce(latest.c.visit_outcome, "")
    result = FollowUp(outcomes=dict.fromkeys(OUTCOMES, 0))
    for code, n in session.execute(
        sa.select(outcome, sa.func.count()).select_from(owners).where(*where).group_by(outcome)
    ):
        result.outcomes[code] = result.outcomes.get(code, 0) + int(n)
    result.owners = sum(result.outcomes.values())
    soon = today + timedelta(days=DUE_WITHIN_DAYS)
    open_ = still_open(latest)
    due, overdue = session.execute(
        sa.select(
            sa.func.count(sa.case((_M.c.conversion_due.between(today, soon), 1))),
            sa.func.count(sa.case((_M.c.conversion_due < today, 1))),
        )
        .select_from(owners)
        .where(*where, open_)
    ).one()
    result.due_soon, result.overdue = int(due), int(overdue)
    result.reasons = _reasons(session, latest, owners, where)
    listed = sa.or_(latest.c.visit_outcome.is_not(None), _M.c.conversion_due <= soon)
    rows = session.execute(
        _row_select(latest)
        .select_from(owners)
        .where(*where, listed)
        .order_by(_M.c.conversion_due, _M.c.full_name, _M.c.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    result.rows = _follow_up_rows(rows)
    return result


def _follow_up_now(session: Session, today: date) -> FollowUp:
    """`follow_up` of the members there are: the owners counted from the tallies, the
    visited ones read from their visits (an inner join driven by the visits)."""
    latest = latest_visits()
    visited = latest.join(_M, _M.c.id == latest.c.member_id)
    where = (active(), _M.c.startup_cash.is_not(None), _M.c.startup_cash > 0)
    result = FollowUp(outcomes=dict.fromkeys(OUTCOMES, 0))
    owners, _paid = startup_cash(session)
    seen = 0
    for code, n in session.execute(
        sa.select(latest.c.visit_outcome, sa.func.count())
        .select_from(visited)
        .where(*where)
        .group_by(latest.c.visit_outcome)
    ):
        result.outcomes[code or ""] = result.outcomes.get(code or "", 0) + int(n)
        seen += int(n)
    result.outcomes[""] += owners - seen
    result.owners = owners
    soon = today + timedelta(days=DUE_WITHIN_DAYS)
    # Open owners = every owner less the settled ones (visited, converted or moved).
    days = due_counts(session, soon, cash_only=True)
    settled_due, settled_overdue = session.execute(
        sa.select(
            sa.func.count(sa.case((_M.c.conversion_due.between(today, soon), 1))),
            sa.func.count(sa.case((_M.c.conversion_due < today, 1))),
        )
        .select_from(visited)
        .where(*where, latest.c.visit_outcome.in_(SETTLED))
    ).one()
    result.due_soon = sum(n for d, n in days if today <= d) - int(settled_due)
    result.overdue = sum(n for d, n in days if d < today) - int(settled_overdue)
    result.reasons = _reasons(session, latest, visited, where)
    result.rows = _rows_now(session, latest, where, soon)
    return result


def _reasons(session: Session, latest: Any, owners: Any, where: tuple) -> list[tuple[str, int]]:
    """The five reasons for declining most given (then by reason) by the latest visits."""
    reason = sa.func.lower(sa.func.trim(latest.c.reason))
    return [
        (str(r), int(n))
        for r, n in session.execute(
            sa.select(reason, sa.func.count())
            .select_from(owners)
            .where(*where, latest.c.visit_outcome == VisitOutcome.DECLINED.value)
            .group_by(reason)
            .order_by(sa.func.count().desc(), reason)
            .limit(5)
        )
    ]


def _rows_now(session: Session, latest: Any, where: tuple, soon: date) -> list[FollowUpRow]:
    """The first FOLLOW_UP_ROWS owners visited or due by `soon`, in `follow_up`'s order:
    among the first FOLLOW_UP_ROWS due by `soon` and the visited ones, as the database
    orders them (a row among the first of all is among the first of its own kind)."""
    order = (_M.c.conversion_due, _M.c.full_name, _M.c.id)
    due_first = (
        sa.select(_M.c.id)
        .where(*where, _M.c.conversion_due <= soon)
        .order_by(*order)
        .limit(FOLLOW_UP_ROWS)
        .subquery()
    )
    candidates = sa.union(
        sa.select(due_first.c.id),
        sa.select(latest.c.member_id)
        .select_from(latest.join(_M, _M.c.id == latest.c.member_id))
        .where(*where),
    )
    rows = session.execute(
        _row_select(latest)
        .select_from(_M.outerjoin(latest, latest.c.member_id == _M.c.id))
        .where(_M.c.id.in_(candidates))
        .order_by(*order)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    return _follow_up_rows(rows)


def _row_select(latest: Any) -> Any:
    """What a row of the follow-up list reads: the owner and its latest visit."""
    outcome = sa.func.coalesce(latest.c.visit_outcome, "")
    return sa.select(
        _M.c.id,
        _M.c.full_name,
        _M.c.village_code,
        _M.c.conversion_due,
        outcome,
        latest.c.starts_on,
        latest.c.reason,
    )


def _follow_up_rows(rows: Any) -> list[FollowUpRow]:
    return [
        FollowUpRow(member_number(i), name, village_label(v), d, o, starts, reason or "")
        for i, name, v, d, o, starts, reason in rows
    ]
