"""Money: what each funding source pays each month and year, per village: the village
budget (ADD), the tobacco excise fund (DBHCHT), the regency budget (APBD, for poor
households), employers and members themselves (`enrolment.contributions.FUNDING_SOURCES`);
UMKM start-up cash paid, and conversions to paid membership.

Funding, income, JHT choice and segment details travel in the enrolment record (app
version 2); ingest keeps them as member columns (`funding`, `income`, `jht`, and an UMKM
owner's `startup_cash` and `conversion_due`), and every figure here is an aggregate
query over those columns, fast enough at district scale to need no cache. A member
without `funding` takes the segment's usual payer (`enrolment.segments.DEFAULT_FUNDING`);
one without `income` pays the minimum (JKK Rp 10.000 + JKM Rp 6.800 = Rp 16.800 with the
shipped `assets/contribution_rates.json`). The rates are those of the table in force on
the first day of the month in the server's schedule (services/rate_tables.py: the tables
entered on the desk, else the shipped file). The calculator is `enrolment.contributions`;
`monthly_sql` is the same rule as one SQL expression (whole rupiah, half up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import VisitOutcome
from enrolment.areas import village_label
from enrolment.contributions import FUNDING_SOURCES, Rates
from enrolment.segments import DEFAULT_FUNDING
from enrolment.worklist import DUE_WITHIN_DAYS
from sync_server.desk_format import to_wita
from sync_server.models import Member, utcnow
from sync_server.services.coverage import active
from sync_server.services.members import member_number
from sync_server.services.rate_tables import rates_on
from sync_server.services.visit_outcomes import latest_visits, still_open

#: Every source, public budgets first (the order of the page's table).
PUBLIC_FUNDS = ("add", "dbhcht", "apbd")
FUNDS = (*PUBLIC_FUNDS, *(f for f in FUNDING_SOURCES if f not in PUBLIC_FUNDS))
DUE_BUCKETS = ((30, "≤ 30 hari"), (60, "31–60 hari"), (90, "61–90 hari"))
#: Visit outcomes after which an owner needs no more visits (the pull's rule).
OUTCOMES = (*(o.value for o in VisitOutcome), "")  # "": not yet visited
FOLLOW_UP_ROWS = 500
_M = Member.__table__  # type: ignore[attr-defined]


@dataclass
class VillageMoney:
    """One village's members by who pays, and what they cost."""

    code: str
    label: str
    members: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNDS, 0))
    monthly: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNDS, 0))

    def yearly(self, fund: str) -> int:
        """Twelve months of `fund`'s contributions."""
        return 12 * self.monthly.get(fund, 0)

    def other_members(self) -> int:
        """Members here paid by themselves, an employer or a payer not yet known."""
        return sum(n for f, n in self.members.items() if f not in PUBLIC_FUNDS)


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


@dataclass
class Money:
    """Everything the money page shows."""

    villages: list[VillageMoney]
    # Monthly contributions and members by public fund (ADD, DBHCHT, APBD), for the funds
    # that pay for someone; `other_*` the same for the other payers (self, employer, …).
    totals: dict[str, int]
    members: dict[str, int]
    other_totals: dict[str, int] = field(default_factory=dict)
    other_members: dict[str, int] = field(default_factory=dict)
    startup_cash_paid: int = 0
    startup_cash_people: int = 0
    due: dict[str, int] = field(default_factory=dict)  # "overdue" and the bucket labels
    due_rows: list[tuple[str, str, str, date]] = field(default_factory=list)  # soonest first
    rates: Rates | None = None  # the table in force that day, which the figures use
    followup: FollowUp | None = None  # UMKM follow-up visits (issue 14)

    def sources(self) -> list[tuple[str, int, int]]:
        """(payer, members, monthly) of every funding source, none paying for anyone
        included, then any payer outside FUNDS (e.g. "" when no payer is known)."""
        members = {**self.members, **self.other_members}
        totals = {**self.totals, **self.other_totals}
        codes = [*FUNDS, *(c for c in members if c not in FUNDS)]
        return [(c, members.get(c, 0), totals.get(c, 0)) for c in codes]

    def public_monthly(self) -> int:
        """What the public budgets (ADD, DBHCHT, APBD) pay together each month."""
        return sum(self.totals.values())

    def public_members(self) -> int:
        """Members whose contribution a public budget pays."""
        return sum(self.members.values())

    def all_members(self) -> int:
        """Every active member, whoever pays."""
        return self.public_members() + sum(self.other_members.values())

    def all_monthly(self) -> int:
        """Every member's monthly contribution, whoever pays."""
        return self.public_monthly() + sum(self.other_totals.values())


def money(*, session: Session, today: date | None = None, until: datetime | None = None) -> Money:
    """Contributions by funding source and village; UMKM cash and conversions. With
    `until` (a stored UTC instant), the members there were then (the progress report)."""
    # Conversions fall due on Lombok's calendar, whatever the server's own time zone.
    today = today or to_wita(utcnow()).date()
    # A month is billed with the table in force on its first day (a table starting on
    # the 15th applies from the next month), as enrolment.contribution_schedule says.
    rates = rates_on(session=session, day=today.replace(day=1))
    result = Money([], {}, {}, rates=rates)
    _by_fund(session, result, active(until), rates)
    _startup_cash(session, result, active(until))
    _conversions(session, result, today, active(until))
    result.followup = follow_up(session=session, today=today, members=active(until), until=until)
    return result


def payer() -> Any:
    """Who pays a member's contribution: `funding` as sent, else the segment's usual payer."""
    usual = sa.case(
        *((_M.c.segment == str(seg), fund) for seg, fund in DEFAULT_FUNDING.items()), else_=""
    )
    return sa.case((_M.c.funding != "", _M.c.funding), else_=usual)


def _half_up(amount: Any, rate: Decimal) -> Any:
    """`amount × rate` in whole rupiah, half up, in integer SQL arithmetic (amount ≥ 0)."""
    num, den = rate.as_integer_ratio()
    return (amount * (2 * num) + den) // (2 * den)


def monthly_sql(rates: Rates) -> Any:
    """`enrolment.contributions.monthly_contribution(income, rates, jht=jht).total` of a
    member row, as a SQL expression (no income, or a negative one, counts as 0)."""
    income = sa.cast(sa.case((_M.c.income > 0, _M.c.income), else_=0), sa.BigInteger)
    jkk = _half_up(income, rates.jkk_rate)
    jkk = sa.case(
        (jkk < rates.jkk_min, rates.jkk_min), (jkk > rates.jkk_max, rates.jkk_max), else_=jkk
    )
    jht = sa.case((_M.c.jht == sa.true(), _half_up(income, rates.jht_rate)), else_=0)
    return jkk + rates.jkm_flat + jht


def _by_fund(session: Session, result: Money, members: Any, rates: Rates) -> None:
    """Members and monthly contributions by village and payer (one GROUP BY). A payer
    outside FUNDS (a segment without a usual payer, an old record) is kept under its own
    code, so every member is counted somewhere."""
    fund = payer()
    rows = session.execute(
        sa.select(_M.c.village_code, fund, sa.func.count(), sa.func.sum(monthly_sql(rates)))
        .where(members)
        .group_by(_M.c.village_code, fund)
    ).all()
    villages: dict[str, VillageMoney] = {}
    for village, paid_by, members, monthly in rows:
        v = villages.setdefault(village, VillageMoney(village, village_label(village)))
        public = paid_by in PUBLIC_FUNDS
        for per_fund, value in (
            (v.members, members),
            (v.monthly, monthly),
            (result.members if public else result.other_members, members),
            (result.totals if public else result.other_totals, monthly),
        ):
            per_fund[paid_by] = per_fund.get(paid_by, 0) + int(value or 0)
    result.villages = sorted(villages.values(), key=lambda v: v.label)


def _startup_cash(session: Session, result: Money, members: Any) -> None:
    """UMKM start-up cash paid, and to how many owners."""
    # Only UMKM owners have an amount (and a due date): ingest sets them from their details.
    paid, people = session.execute(
        sa.select(sa.func.sum(_M.c.startup_cash), sa.func.count(_M.c.startup_cash)).where(
            members, _M.c.startup_cash.is_not(None), _M.c.startup_cash > 0
        )
    ).one()
    result.startup_cash_paid, result.startup_cash_people = int(paid or 0), int(people or 0)


def _conversions(session: Session, result: Money, today: date, members: Any) -> None:
    """UMKM owners whose paid membership starts within the last bucket or is overdue,
    soonest first, and how many in each bucket."""
    result.due = {"overdue": 0, **{label: 0 for _, label in DUE_BUCKETS}}
    last = today + timedelta(days=DUE_BUCKETS[-1][0])
    rows = session.execute(
        sa.select(_M.c.full_name, _M.c.village_code, _M.c.conversion_due)
        .where(
            members,
            _M.c.conversion_due.is_not(None),
            _M.c.conversion_due <= last,
        )
        .order_by(_M.c.conversion_due, _M.c.full_name)  # the index's order
    ).all()
    bounds = [(today + timedelta(days=limit), label) for limit, label in DUE_BUCKETS]
    labels: dict[str, str] = {}
    for name, village, due in rows:
        bucket = "overdue" if due < today else next(lb for end, lb in bounds if due <= end)
        result.due[bucket] += 1
        if village not in labels:
            labels[village] = village_label(village)
        result.due_rows.append((bucket, name, labels[village], due))


def follow_up(
    *, session: Session, today: date, members: Any, until: datetime | None = None
) -> FollowUp:
    """UMKM owners with start-up cash among `members`: open ones due within 30 days or
    overdue, the latest visit's outcome of each, the reasons for declining most given."""
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
    reason = sa.func.lower(sa.func.trim(latest.c.reason))
    result.reasons = [
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
    listed = sa.or_(latest.c.visit_outcome.is_not(None), _M.c.conversion_due <= soon)
    rows = session.execute(
        sa.select(
            _M.c.id,
            _M.c.full_name,
            _M.c.village_code,
            _M.c.conversion_due,
            outcome,
            latest.c.starts_on,
            latest.c.reason,
        )
        .select_from(owners)
        .where(*where, listed)
        .order_by(_M.c.conversion_due, _M.c.full_name, _M.c.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    result.rows = [
        FollowUpRow(member_number(i), name, village_label(v), d, o, starts, reason or "")
        for i, name, v, d, o, starts, reason in rows
    ]
    return result
