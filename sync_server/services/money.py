"""Money: what each funding source pays each month and year, per village: the village
budget (ADD), the tobacco excise fund (DBHCHT), the regency budget (APBD, for poor
households), employers and members themselves (`enrolment.contributions.FUNDING_SOURCES`);
UMKM start-up cash paid, and conversions to paid membership.

Funding, income, JHT choice and segment details travel in the enrolment record (app
version 2); ingest keeps them as member columns (`funding`, `income`, `jht`, and an UMKM
owner's `startup_cash` and `conversion_due`). The live figures read the member tallies
the database keeps from those columns (services/member_tallies.py: a few thousand rows
whatever the number of members, the rates applied when reading); the figures at an
instant (`until`, the progress report) are aggregate queries over the members. A member
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

from enrolment.areas import village_label
from enrolment.contributions import FUNDING_SOURCES, Rates
from enrolment.segments import DEFAULT_FUNDING
from sync_server.desk_format import to_wita
from sync_server.models import Member, utcnow
from sync_server.services import member_tallies
from sync_server.services.coverage import active
from sync_server.services.money_followup import FollowUp, follow_up
from sync_server.services.rate_tables import rates_on

#: Every source, public budgets first (the order of the page's table).
PUBLIC_FUNDS = ("add", "dbhcht", "apbd")
FUNDS = (*PUBLIC_FUNDS, *(f for f in FUNDING_SOURCES if f not in PUBLIC_FUNDS))
DUE_BUCKETS = ((30, "≤ 30 hari"), (60, "31–60 hari"), (90, "61–90 hari"))
DUE_ROWS = 500  # the due list shows the soonest this many (`Money.due_count` counts all)
#: The segment's usual payer of a tally's payer key "s:<segment>".
_USUAL = {"s:" + str(seg): fund for seg, fund in DEFAULT_FUNDING.items()}
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
    due_count: int = 0  # members in `due` (due_rows holds the first DUE_ROWS of them)
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
    if until is None:
        member_tallies.keep_compact(session)
        _add_by_fund(result, _by_fund_now(session, rates))
        people, paid = member_tallies.startup_cash(session)
        result.startup_cash_paid, result.startup_cash_people = paid, people
    else:
        _add_by_fund(result, _by_fund(session, active(until), rates))
        _startup_cash(session, result, active(until))
    _conversions(session, result, today, until)
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


def monthly_sql(rates: Rates, income: Any = None, jht: Any = None) -> Any:
    """`enrolment.contributions.monthly_contribution(income, rates, jht=jht).total` of a
    member row (or of the `income` and `jht` columns given), as a SQL expression (no
    income, or a negative one, counts as 0)."""
    income = _M.c.income if income is None else income
    jht = _M.c.jht if jht is None else jht
    income = sa.cast(sa.case((income > 0, income), else_=0), sa.BigInteger)
    jkk = _half_up(income, rates.jkk_rate)
    jkk = sa.case(
        (jkk < rates.jkk_min, rates.jkk_min), (jkk > rates.jkk_max, rates.jkk_max), else_=jkk
    )
    jht_part = sa.case((jht == sa.true(), _half_up(income, rates.jht_rate)), else_=0)
    return jkk + rates.jkm_flat + jht_part


def _by_fund(session: Session, members: Any, rates: Rates) -> list[Any]:
    """(village, payer, members, monthly contributions) of `members` (one GROUP BY)."""
    fund = payer()
    return list(
        session.execute(
            sa.select(_M.c.village_code, fund, sa.func.count(), sa.func.sum(monthly_sql(rates)))
            .where(members)
            .group_by(_M.c.village_code, fund)
        ).all()
    )


def _by_fund_now(session: Session, rates: Rates) -> list[tuple[str, str, int, int]]:
    """The same from the tallies: a payer key `f:<funding>` is that funding, `s:<segment>`
    the segment's usual payer ("" for a segment without one), as `payer()` decides."""
    rows = member_tallies.pay_sums(session, lambda income, jht: monthly_sql(rates, income, jht))
    return [
        (v, key[2:] if key.startswith("f:") else _USUAL.get(key, ""), n, m) for v, key, n, m in rows
    ]


def _add_by_fund(result: Money, rows: list[Any]) -> None:
    """Members and monthly contributions by village and payer into `result`. A payer
    outside FUNDS (a segment without a usual payer, an old record) is kept under its own
    code, so every member is counted somewhere."""
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


def _conversions(session: Session, result: Money, today: date, until: datetime | None) -> None:
    """UMKM owners whose paid membership starts within the last bucket or is overdue:
    how many in each bucket (from the tallies, live), and the soonest DUE_ROWS."""
    result.due = {"overdue": 0, **{label: 0 for _, label in DUE_BUCKETS}}
    last = today + timedelta(days=DUE_BUCKETS[-1][0])
    query = (
        sa.select(_M.c.full_name, _M.c.village_code, _M.c.conversion_due)
        .where(active(until), _M.c.conversion_due.is_not(None), _M.c.conversion_due <= last)
        .order_by(_M.c.conversion_due, _M.c.full_name)  # the index's order
    )
    bounds = [(today + timedelta(days=limit), label) for limit, label in DUE_BUCKETS]

    def bucket_of(due: date) -> str:
        return "overdue" if due < today else next(lb for end, lb in bounds if due <= end)

    if until is None:
        rows = session.execute(query.limit(DUE_ROWS)).all()
        for due, n in member_tallies.due_counts(session, last, cash_only=False):
            result.due[bucket_of(due)] += n
    else:
        rows = session.execute(query).all()
        for _name, _village, due in rows:
            result.due[bucket_of(due)] += 1
    result.due_count = sum(result.due.values())
    labels: dict[str, str] = {}
    for name, village, due in rows[:DUE_ROWS]:
        if village not in labels:
            labels[village] = village_label(village)
        result.due_rows.append((bucket_of(due), name, labels[village], due))
