"""The progress report's figures for a date (the PDF is drawn by progress_report_pdf.py).

"For a date" means as of the end of that day on the office's clock (WITA): members
registered before the next WITA midnight and not retired by then, the week trend up to
that week, conversions due counted from that day, and the contribution rates in force on
it. Every figure is one the desk already shows, from the same services (coverage,
coverage_map, money), so the report and the pages never disagree; only families and
the count of sessions are gathered here (reach is coverage.reached_members').
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.contributions import Rates, load_rates
from sync_server.desk_format import to_wita, wita_midnight_utc
from sync_server.models import EducationSession, Member, utcnow
from sync_server.services.coverage import Coverage, active, coverage, reached_members
from sync_server.services.coverage_map import CoverageMap, coverage_map
from sync_server.services.money import Money, money

_M = Member.__table__  # type: ignore[attr-defined]
_S = EducationSession.__table__  # type: ignore[attr-defined]
WEEKS = 12
#: No report before this day: the programme has no member from before it, and a day
#: near year 1 cannot hold the 12 weeks before it (the week trend overflowed: a 500).
EARLIEST_DAY = date(2000, 1, 1)


@dataclass(frozen=True)
class Families:
    """Households covered: members enrolled with their family share a KK number."""

    households: int
    members: int

    @property
    def average_size(self) -> float | None:
        """Members per household, if there is any."""
        return self.members / self.households if self.households else None


@dataclass(frozen=True)
class EducationReach:
    """Guidance and education sessions held up to the date, and the members they reached."""

    sessions: int
    reached: int


@dataclass(frozen=True)
class ProgressReport:
    """Everything the report shows, as of the end of `day` (WITA)."""

    day: date
    made_at: datetime  # stored UTC, when the report was made
    coverage: Coverage
    map: CoverageMap
    money: Money
    rates: Rates
    families: Families
    education: EducationReach | None  # None: no session exists yet


def today_wita() -> date:
    """Today on the office's calendar."""
    return to_wita(utcnow()).date()


def end_of_day(day: date) -> datetime:
    """The stored (UTC) instant at which `day` ends in WITA."""
    return wita_midnight_utc(day + timedelta(days=1))


def families(*, session: Session, until: datetime | None = None) -> Families:
    """Households with at least one active member, and those members (one query)."""
    households, members = session.execute(
        sa.select(sa.func.count(sa.distinct(_M.c.household_kk)), sa.func.count()).where(
            active(until), _M.c.household_kk != ""
        )
    ).one()
    return Families(int(households or 0), int(members or 0))


def education_reach(*, session: Session, until: datetime | None = None) -> EducationReach | None:
    """Sessions held before `until` (not cancelled) and the distinct members among
    `active(until)` who attended one; None when no session was held by then (the report
    says "belum ada sesi")."""
    held = sa.select(sa.func.count()).select_from(_S).where(_S.c.cancelled_at.is_(None))
    if until is not None:
        held = held.where(_S.c.held_on < to_wita(until).date())
    sessions = int(session.execute(held).scalar_one())
    if not sessions:
        return None
    _, reached = reached_members(session=session, until=until)
    return EducationReach(sessions=sessions, reached=reached)


def progress_report(*, session: Session, day: date | None = None) -> ProgressReport:
    """The report's figures as of the end of `day` (default: today in WITA)."""
    day = day or today_wita()
    until = end_of_day(day)
    c = coverage(session=session, weeks=WEEKS, today=day, until=until)
    report_money = money(session=session, today=day, until=until)  # its rates: the month's
    return ProgressReport(
        day=day,
        made_at=utcnow(),
        coverage=c,
        map=coverage_map(c, "kecamatan"),
        money=report_money,
        rates=report_money.rates or load_rates(day=day.replace(day=1)),
        families=families(session=session, until=until),
        education=education_reach(session=session, until=until),
    )
