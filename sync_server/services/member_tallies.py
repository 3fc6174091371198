"""The member tallies the desk's coverage and money pages read (issue 15), instead of
scanning a million members at every view.

**Why database triggers.** Members change through many paths other modules own: ingest
(new members, edits), the review desk and held-record decisions (merges, rejections:
`retired_members`), restores, and tests emptying tables. Triggers on `members` and
`retired_members` (migration 0010) see every one of them, in the same transaction as the
change, so a tally can never drift from the rows whatever path wrote them and no caller
has to remember it. A read-side cache keyed by a watermark would need a change log that
is monotonic in commit order, which `updated_at` or a sequence is not under concurrent
transactions (a transaction can commit a smaller value after a reader moved past it).

**Why append-only on PostgreSQL.** Two ingest workers updating the same counter row would
queue on its row lock (and could deadlock, taking keys in different orders), halving
the two-worker ingest rate. So PostgreSQL's statement triggers append one delta row per
key and statement (a 500-record batch appends a few hundred small rows) and never
update one; readers sum them. A view finding the table more than twice its size after
the last compaction compacts it in its own short transaction (`DELETE … RETURNING` then
one summed row per key, one statement): rows committed meanwhile are not in the DELETE's
snapshot and stay as they are, and two compactions at once each re-insert only what they
deleted, so the sums never change. On SQLite there is one writer at a time: its row
triggers add into one row per key (an upsert), and nothing needs compacting.

**Kinds** (`MemberTally.kind`): `area` (village, segment), `day` (WITA day of
enrolment), `pay` (village, payer key `f:<funding>` or `s:<segment>` for the segment's
usual payer, income counted, JHT), `cash` (UMKM owners with start-up cash and its sum),
`due` (conversion date; label "1" for owners with start-up cash). Everything that
depends on `today` (week bounds, due buckets) or on the rates in force is applied when
reading, so time passing and a new rate table need no tally change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.models import MemberTally

_T = MemberTally.__table__  # type: ignore[attr-defined]
#: Below this many rows a PostgreSQL tally table is never compacted (a sum is quick).
COMPACT_FLOOR = 20_000
# Rows left by the last compaction, per database (a hint only: a restart compacts again).
_after_compaction: dict[str, int] = {}

_COMPACT = sa.text(
    """
WITH gone AS (DELETE FROM member_tallies
  RETURNING kind, village_code, label, day, income, jht, n, amount)
INSERT INTO member_tallies (kind, village_code, label, day, income, jht, n, amount)
SELECT kind, village_code, label, day, income, jht, sum(n), sum(amount) FROM gone
GROUP BY kind, village_code, label, day, income, jht
HAVING sum(n) <> 0 OR sum(amount) <> 0
"""
)


def keep_compact(session: Session) -> None:
    """On PostgreSQL, compact the delta rows when they have doubled since the last
    compaction (in a transaction of its own: the page's session only reads)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    key = str(bind.engine.url)
    rows = int(session.execute(sa.select(sa.func.count()).select_from(_T)).scalar_one())
    if rows <= max(COMPACT_FLOOR, 2 * _after_compaction.get(key, 0)):
        return
    with bind.engine.begin() as conn:
        conn.execute(_COMPACT)
        left = conn.execute(sa.select(sa.func.count()).select_from(_T)).scalar_one()
    _after_compaction[key] = int(left)


def area_counts(session: Session) -> dict[tuple[str, str], int]:
    """Members there are by (village code, segment); none absent."""
    rows = session.execute(
        sa.select(_T.c.village_code, _T.c.label, sa.func.sum(_T.c.n))
        .where(_T.c.kind == "area")
        .group_by(_T.c.village_code, _T.c.label)
    ).all()
    return {(v, s): int(n) for v, s, n in rows if n}


def day_counts(session: Session, since: date) -> list[tuple[date, int]]:
    """Members there are by WITA day of enrolment, from `since` on."""
    rows = session.execute(
        sa.select(_T.c.day, sa.func.sum(_T.c.n))
        .where(_T.c.kind == "day", _T.c.day >= since)
        .group_by(_T.c.day)
    ).all()
    return [(d, int(n)) for d, n in rows if n]


def pay_sums(
    session: Session, monthly: Callable[[Any, Any], Any]
) -> list[tuple[str, str, int, int]]:
    """(village code, payer key, members, monthly contributions) of the members there
    are; `monthly(income, jht)` is one member's contribution as a SQL expression."""
    rows = session.execute(
        sa.select(
            _T.c.village_code,
            _T.c.label,
            sa.func.sum(_T.c.n),
            sa.func.sum(_T.c.n * monthly(_T.c.income, _T.c.jht)),
        )
        .where(_T.c.kind == "pay")
        .group_by(_T.c.village_code, _T.c.label)
    ).all()
    return [(v, p, int(n), int(m or 0)) for v, p, n, m in rows if n]


def startup_cash(session: Session) -> tuple[int, int]:
    """(UMKM owners with start-up cash, the cash paid them) among the members there are."""
    n, amount = session.execute(
        sa.select(sa.func.sum(_T.c.n), sa.func.sum(_T.c.amount)).where(_T.c.kind == "cash")
    ).one()
    return int(n or 0), int(amount or 0)


def due_counts(session: Session, until: date, *, cash_only: bool) -> list[tuple[date, int]]:
    """Members there are by conversion date up to `until` (only the owners with start-up
    cash with `cash_only`)."""
    labels = ("1",) if cash_only else ("0", "1")
    rows = session.execute(
        sa.select(_T.c.day, sa.func.sum(_T.c.n))
        .where(_T.c.kind == "due", _T.c.label.in_(labels), _T.c.day <= until)
        .group_by(_T.c.day)
    ).all()
    return [(d, int(n)) for d, n in rows if n]
