"""Money: what the village budget (ADD) and the tobacco excise fund (DBHCHT) pay each
month and year per village, UMKM start-up cash paid, and conversions to paid membership.

Funding, income, JHT choice and segment details travel in the enrolment record (app
version 2) and are read from the member's latest accepted submission payload. A record
without `funding` takes the segment's usual payer (`enrolment.segments.DEFAULT_FUNDING`);
one without `income` pays the minimum (JKK Rp 10.000 + JKM Rp 6.800 = Rp 16.800 with the
shipped `assets/contribution_rates.json`). The calculator is `enrolment.contributions`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.areas import village_label
from enrolment.contributions import load_rates, monthly_contribution
from enrolment.segment_details import conversion_due
from enrolment.segments import DEFAULT_FUNDING, Segment
from sync_server.models import AuditEntry, Change, Member, RetiredMember, Submission

PUBLIC_FUNDS = ("add", "dbhcht")
DUE_BUCKETS = ((30, "≤ 30 hari"), (60, "31–60 hari"), (90, "61–90 hari"))
_M = Member.__table__  # type: ignore[attr-defined]
_S = Submission.__table__  # type: ignore[attr-defined]
_RETIRED = RetiredMember.__table__  # type: ignore[attr-defined]
# Rows that are added whenever the money figures may change (their count and latest
# time tell a new state apart, even from one rebuilt after a wipe).
_GROWING = (
    _S.c.received_at,
    Change.__table__.c.created_at,  # type: ignore[attr-defined]
    AuditEntry.__table__.c.at,  # type: ignore[attr-defined]
)


@dataclass
class VillageMoney:
    """One village's members paid from public funds and what they cost."""

    code: str
    label: str
    members: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PUBLIC_FUNDS, 0))
    monthly: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PUBLIC_FUNDS, 0))

    def yearly(self, fund: str) -> int:
        """Twelve months of `fund`'s contributions."""
        return 12 * self.monthly[fund]


@dataclass
class Money:
    """Everything the money page shows."""

    villages: list[VillageMoney]
    totals: dict[str, int]  # monthly, by fund
    members: dict[str, int]  # by fund
    startup_cash_paid: int = 0
    startup_cash_people: int = 0
    due: dict[str, int] = field(default_factory=dict)  # "overdue" and the bucket labels
    due_rows: list[tuple[str, str, str, date]] = field(default_factory=list)  # soonest first


_cache: dict[tuple, Money] = {}
_cache_lock = threading.Lock()


def money(*, session: Session, today: date | None = None) -> Money:
    """Contributions from ADD and DBHCHT per village; UMKM cash and conversions.

    Reading every member's latest record takes seconds at district scale (about 2 s for
    200,000), while the figures change only when a record arrives or a coordinator
    decides something (a review, which also logs a change for the tablets and an audit
    entry): the result is kept until one of those (or the date) changes.
    """
    today = today or date.today()
    key = (
        str(session.get_bind().url),
        today,
        *(
            tuple(session.execute(sa.select(sa.func.count(), sa.func.max(ts))).one())
            for ts in _GROWING
        ),
    )
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    result = _compute(session, today)
    with _cache_lock:
        _cache.clear()  # one database, one current answer
        _cache[key] = result
    return result


def _compute(session: Session, today: date) -> Money:
    """The money figures, from every active member's latest accepted record."""
    rates = load_rates()
    # The latest accepted submission of each active member: its payload has the extras.
    latest = (
        sa.select(_S.c.member_id, sa.func.max(_S.c.id).label("sid"))
        .where(_S.c.outcome.in_(("created", "merged")))
        .group_by(_S.c.member_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(_M.c.id, _M.c.full_name, _M.c.village_code, _M.c.segment, _S.c.payload)
        .select_from(
            _M.join(latest, latest.c.member_id == _M.c.id).join(_S, _S.c.id == latest.c.sid)
        )
        .where(_M.c.id.not_in(sa.select(_RETIRED.c.member_id)))
    ).all()
    villages: dict[str, VillageMoney] = {}
    result = Money([], dict.fromkeys(PUBLIC_FUNDS, 0), dict.fromkeys(PUBLIC_FUNDS, 0))
    result.due = {"overdue": 0, **{label: 0 for _, label in DUE_BUCKETS}}
    for _id, name, village, segment, payload in rows:
        sent: dict[str, Any] = json.loads(payload)
        fund = sent.get("funding") or DEFAULT_FUNDING.get(segment, "")
        if fund in PUBLIC_FUNDS:
            income = sent.get("income")
            monthly = monthly_contribution(
                income if isinstance(income, int) else 0, rates, jht=bool(sent.get("jht"))
            ).total
            v = villages.setdefault(village, VillageMoney(village, village_label(village)))
            v.members[fund] += 1
            v.monthly[fund] += monthly
            result.members[fund] += 1
            result.totals[fund] += monthly
        details = sent.get("details")
        if segment == Segment.UMKM_OWNER and isinstance(details, dict):
            _umkm(result, name, village, details, today)
    result.villages = sorted(villages.values(), key=lambda v: v.label)
    result.due_rows.sort(key=lambda r: r[3])
    return result


def _umkm(result: Money, name: str, village: str, details: dict[str, Any], today: date) -> None:
    """Count an UMKM owner's start-up cash and when their paid membership starts."""
    cash = details.get("startup_cash")
    if isinstance(cash, int | float) and cash > 0:
        result.startup_cash_paid += int(cash)
        result.startup_cash_people += 1
    due = conversion_due(details)
    if due is None:
        return
    days = (due - today).days
    if days < 0:
        bucket = "overdue"
    else:
        bucket = next((label for limit, label in DUE_BUCKETS if days <= limit), "")
    if bucket:
        result.due[bucket] += 1
        result.due_rows.append((bucket, name, village_label(village), due))
