"""The progress report's day boundary and family figures (services/progress_report.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.db import make_engine, migrate
from sync_server.models import Member, RetiredMember
from sync_server.services.progress_report import EARLIEST_DAY, end_of_day, families, progress_report


def test_a_day_ends_at_wita_midnight_stored_as_utc() -> None:
    assert end_of_day(date(2026, 12, 2)) == datetime(2026, 12, 2, 16, 0)
    assert end_of_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 16, 0)
    assert end_of_day(date(2028, 2, 28)) == datetime(2028, 2, 28, 16, 0)  # leap year
    assert end_of_day(date(2028, 2, 29)) == datetime(2028, 2, 29, 16, 0)


def _member(n: int, kk: str, created: datetime) -> dict:
    return {
        "nik": f"52030700{n:08d}",
        "full_name": f"Warga {n}",
        "birth_date": date(1985, 8, 17),
        "sex": "M",
        "village_code": "52.03.07.1001",
        "segment": "poor_household",
        "household_kk": kk,
        "created_at": created,
        "updated_at": created,
    }


def test_families_count_the_households_there_were_then(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate(url)
    engine = make_engine(url)
    early, late = datetime(2026, 11, 1, 3), datetime(2026, 11, 20, 3)
    rows = [
        _member(1, "5203070101010001", early),
        _member(2, "5203070101010001", early),
        _member(3, "5203070101010002", early),  # retired on 10 November
        _member(4, "5203070101010002", late),
        _member(5, "", early),  # enrolled alone: no family
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(Member.__table__), rows)  # type: ignore[attr-defined]
        third = conn.execute(sa.text("SELECT id FROM members WHERE full_name = 'Warga 3'"))
        conn.execute(
            sa.insert(RetiredMember.__table__),  # type: ignore[attr-defined]
            [{"member_id": third.scalar_one(), "retired_at": datetime(2026, 11, 10)}],
        )
    with Session(engine) as session:
        now = families(session=session)
        assert (now.households, now.members, now.average_size) == (2, 3, 1.5)
        before = families(session=session, until=end_of_day(date(2026, 11, 5)))
        assert (before.households, before.members) == (2, 3)  # 3 was still a member
        between = families(session=session, until=end_of_day(date(2026, 11, 15)))
        assert (between.households, between.members) == (1, 2)
        none = families(session=session, until=end_of_day(date(2026, 10, 1)))
        assert (none.households, none.members, none.average_size) == (0, 0, None)
        # The whole report can be made for the earliest day it accepts.
        report = progress_report(session=session, day=EARLIEST_DAY)
        assert report.coverage.total == 0 and report.families.households == 0
    engine.dispose()
