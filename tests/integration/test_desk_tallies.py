"""The desk's live coverage and money figures (issue 15) read the member tallies that
database triggers keep (services/member_tallies.py); they must equal the plain queries
over the members (the same functions with an `until` after everything) on varied data,
after edits, merges and rejections, un-retirements and deletes, and on PostgreSQL with
un-compacted delta rows and after a compaction."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from enrolment.segments import Segment
from sync_server.db import make_engine, migrate
from sync_server.models import (
    Attendance,
    Device,
    EducationSession,
    Member,
    MemberTally,
    RetiredMember,
    UmkmVisit,
)
from sync_server.services import member_tallies
from sync_server.services.coverage import coverage
from sync_server.services.money import money
from tests.conftest import person
from tests.integration.conftest import Server

_M = Member.__table__  # type: ignore[attr-defined]
_R = RetiredMember.__table__  # type: ignore[attr-defined]
_T = MemberTally.__table__  # type: ignore[attr-defined]
LATER = datetime(2100, 1, 1)  # an `until` after everything: the plain queries
TODAY = date(2026, 12, 8)
VILLAGES = ("52.03.07.1001", "52.03.07.1002", "52.03.08.2001", "52.03.01.2002")
FUNDS = ("", "", "self", "add", "dbhcht", "apbd", "employer", "odd")


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A migrated database of the module's backend, emptied of members afterwards."""
    migrate(database_url)
    eng = make_engine(database_url)
    yield eng
    with eng.begin() as conn:
        for table in ("attendances", "umkm_visits", "education_sessions", "retired_members"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
        conn.execute(sa.text("DELETE FROM members"))
        conn.execute(sa.text("DELETE FROM devices"))
        assert conn.execute(sa.select(sa.func.sum(_T.c.n))).scalar() in (None, 0)
    eng.dispose()


def _member(rng: random.Random, i: int) -> dict:
    segment = rng.choice(list(Segment)).value
    created = datetime(2026, 8, 1) + timedelta(minutes=rng.randrange(140 * 24 * 60))
    owner = segment == Segment.UMKM_OWNER and rng.random() < 0.8
    return {
        "nik": f"5203{i:012d}",
        "full_name": rng.choice(["Baiq Sari", "Lalu Amin", "Inaq Rabiah", "Amaq Hadi"]),
        "birth_date": date(1980, 1, 1),
        "sex": rng.choice("MF"),
        "village_code": rng.choice(VILLAGES),
        "segment": segment,
        "created_at": created,
        "updated_at": created,
        "funding": rng.choice(FUNDS),
        "income": rng.choice([None, -5, 0, 900_000, 1_500_000, 2_345_678, 20_000_000]),
        "jht": rng.random() < 0.3,
        "startup_cash": rng.choice([None, 0, 750_000, 1_000_000]) if owner else None,
        "conversion_due": TODAY + timedelta(days=rng.randrange(-60, 200)) if owner else None,
    }


def _fill(engine: sa.Engine, rng: random.Random, n: int, first: int = 0) -> None:
    """`n` members in batches of statements the way ingest writes them (one INSERT of
    many rows), with an education session's attendance and UMKM visits."""
    rows = [_member(rng, first + i) for i in range(n)]
    with engine.begin() as conn:
        for start in range(0, n, 37):
            conn.execute(sa.insert(_M), rows[start : start + 37])


def _activities(engine: sa.Engine, rng: random.Random) -> None:
    with engine.begin() as conn:
        device = conn.execute(
            sa.insert(Device.__table__).returning(Device.__table__.c.id),  # type: ignore[attr-defined]
            {"name": "t", "token_hash": "1" * 64, "created_at": datetime(2026, 8, 1)},
        ).scalar_one()
        ids = [r.id for r in conn.execute(sa.select(_M.c.id, _M.c.segment)).all()]
        owners = list(conn.execute(sa.select(_M.c.id).where(_M.c.startup_cash > 0)).scalars())
        session_id = conn.execute(
            sa.insert(EducationSession.__table__).returning(EducationSession.__table__.c.id),  # type: ignore[attr-defined]
            {
                "uid": "s1",
                "topic": "financial",
                "village_code": VILLAGES[0],
                "held_on": date(2026, 11, 1),
                "created_at": datetime(2026, 10, 1),
            },
        ).scalar_one()
        conn.execute(
            sa.insert(Attendance.__table__),  # type: ignore[attr-defined]
            [
                {
                    "device_id": device,
                    "client_id": f"a{m}",
                    "content_hash": "0",
                    "session_id": session_id,
                    "member_id": m,
                    "method": "nik",
                    "outcome": "recorded",
                    "received_at": datetime(2026, 11, 1),
                }
                for m in rng.sample(ids, len(ids) // 5)
            ],
        )
        outcomes = ["converted", "declined", "moved", "not_found"]
        conn.execute(
            sa.insert(UmkmVisit.__table__),  # type: ignore[attr-defined]
            [
                {
                    "device_id": device,
                    "client_id": f"v{m}-{k}",
                    "content_hash": "0",
                    "member_id": m,
                    "visit_outcome": rng.choice(outcomes),
                    "reason": rng.choice(["", "Belum ada uang", " belum ada uang", "pindah"]),
                    "visited_at": f"2026-11-{10 + k:02d}T03:00:00Z",
                    "outcome": "recorded",
                    "received_at": datetime(2026, 11, 20),
                }
                for m in rng.sample(owners, len(owners) // 2)
                for k in range(rng.randrange(1, 3))
            ],
        )


def _edit(engine: sa.Engine, rng: random.Random, n: int) -> None:
    """Edits as ingest makes them: one executemany UPDATE of every written column."""
    with engine.begin() as conn:
        ids = list(conn.execute(sa.select(_M.c.id)).scalars())
        rows = []
        for member_id in sorted(rng.sample(ids, n)):
            new = _member(rng, 0)
            rows.append({"b_id": member_id, **{f"b_{k}": v for k, v in new.items() if k != "nik"}})
        columns = [k for k in _member(rng, 0) if k != "nik"]
        conn.execute(
            sa.update(_M)
            .where(_M.c.id == sa.bindparam("b_id"))
            .values({k: sa.bindparam(f"b_{k}") for k in columns}),
            rows,
        )


def _retire(engine: sa.Engine, rng: random.Random, n: int) -> list[int]:
    """Merge or reject `n` members (one row each, as the review desk does)."""
    with engine.begin() as conn:
        ids = list(
            conn.execute(
                sa.select(_M.c.id).where(_M.c.id.not_in(sa.select(_R.c.member_id)))
            ).scalars()
        )
        dropped = rng.sample(ids, n)
        for member_id in dropped:
            conn.execute(
                sa.insert(_R),
                {
                    "member_id": member_id,
                    "merged_into_id": None,
                    "retired_at": datetime(2026, 11, 2),
                },
            )
    return dropped


def _assert_same(engine: sa.Engine) -> None:
    with Session(engine) as session:
        for today in (TODAY, TODAY + timedelta(days=45), date(2027, 6, 1)):
            live = coverage(session=session, today=today)
            assert live == coverage(session=session, today=today, until=LATER)
            assert live.total > 0
            now = money(session=session, today=today)
            assert now == money(session=session, today=today, until=LATER)


def test_live_figures_equal_the_plain_queries_through_every_change(engine: sa.Engine) -> None:
    rng = random.Random(15)
    _fill(engine, rng, 700)
    _activities(engine, rng)
    _assert_same(engine)

    _edit(engine, rng, 150)  # village, segment, payer, income, cash, dates change
    _assert_same(engine)

    dropped = _retire(engine, rng, 40)
    _edit(engine, rng, 150)  # retired members edited too: they stay uncounted
    _assert_same(engine)

    with engine.begin() as conn:  # un-retire some, delete a few never-retired members
        conn.execute(sa.delete(_R).where(_R.c.member_id.in_(dropped[:10])))
        keep = (
            set(conn.execute(sa.select(_R.c.member_id)).scalars())
            | set(
                conn.execute(sa.select(Attendance.__table__.c.member_id)).scalars()  # type: ignore[attr-defined]
            )
            | set(conn.execute(sa.select(UmkmVisit.__table__.c.member_id)).scalars())
        )  # type: ignore[attr-defined]
        gone = [i for i in conn.execute(sa.select(_M.c.id)).scalars() if i not in keep][:20]
        conn.execute(sa.delete(_M).where(_M.c.id.in_(gone)))
    _fill(engine, rng, 200, first=10_000)
    _assert_same(engine)


def test_compaction_keeps_every_sum(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(16)
    for k in range(6):
        _fill(engine, rng, 60, first=1000 * k)
        _edit(engine, rng, 30)
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(_T)).scalar_one()
    monkeypatch.setattr(member_tallies, "COMPACT_FLOOR", 0)
    monkeypatch.setattr(member_tallies, "_after_compaction", {})
    _assert_same(engine)  # compacts on PostgreSQL at the first live view
    with engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(_T)).scalar_one()
    if engine.dialect.name == "postgresql":
        assert after < before
    _assert_same(engine)


def test_concurrent_writers_leave_the_tallies_right(engine: sa.Engine) -> None:
    """Inserts, edits and retirements from three connections at once (on PostgreSQL three
    transactions in flight together, as two ingest workers and the review desk)."""
    rng = random.Random(17)
    _fill(engine, rng, 300)

    def inserts() -> None:
        for k in range(8):
            _fill(engine, random.Random(k), 40, first=50_000 + 100 * k)

    def edits() -> None:
        for k in range(8):
            _edit(engine, random.Random(100 + k), 25)

    def retirements() -> None:
        for k in range(4):
            _retire(engine, random.Random(200 + k), 5)

    with ThreadPoolExecutor(3) as pool:
        for done in [pool.submit(f) for f in (inserts, edits, retirements)]:
            done.result()
    _assert_same(engine)


def test_records_pushed_through_ingest_keep_the_tallies_right(server: Server) -> None:
    """The real push endpoint (ingest's own statements): new members, an edit that moves
    a member and changes who pays, a look-alike held, all counted as the plain queries."""
    token = server.pair()
    records = [
        replace(person(i, segment=seg, village=v), funding=f, income=inc)
        for i, (seg, v, f, inc) in enumerate(
            [
                ("tobacco_farmer", "52.03.07.1001", "", None),
                ("village_official", "52.03.07.1002", "add", 1_500_000),
                ("poor_household", "52.03.08.2001", "", 900_000),
                ("construction_worker", "52.03.01.2002", "employer", 3_000_000),
            ],
            start=1,
        )
    ]
    assert {r.outcome for r in server.push_results(token, records).values()} == {"created"}
    moved = replace(records[0], version=2, village_code="52.03.08.2001", funding="self")
    assert server.push_results(token, [moved])[moved.client_id].outcome != "rejected"
    _assert_same(server.engine)
