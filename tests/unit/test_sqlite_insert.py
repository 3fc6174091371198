"""The SQLite fast insert stores and returns exactly what SQLAlchemy's insert does."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from sync_server.db import make_engine, migrate
from sync_server.models import Card, Member
from sync_server.sqlite_insert import sqlite_insert_rows

_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_CARDS = Card.__table__  # type: ignore[attr-defined]

_member = st.fixed_dictionaries(
    {
        "full_name": st.text(max_size=20),
        "birth_date": st.dates(),
        "sex": st.sampled_from(["M", "F"]),
        "village_code": st.text("0123456789.", max_size=13),
        "phone": st.text(max_size=5),
        "segment": st.text(max_size=8),
        "created_at": st.datetimes(),  # microsecond 0 included: SQLite's text keeps it
        "updated_at": st.datetimes(),
        "jht": st.booleans(),
        "income": st.none() | st.integers(0, 10**12),
        "details": st.none() | st.text(max_size=10),
        "conversion_due": st.none() | st.dates(),
    }
)


def _stored(path: Path, table: str) -> list[tuple]:
    db = sqlite3.connect(path)
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    typed = ", ".join(f"{c}, typeof({c})" for c in cols if c != "id")
    return db.execute(f"SELECT {typed} FROM {table} ORDER BY id").fetchall()


@settings(max_examples=25, deadline=None)
@given(st.lists(_member, min_size=1, max_size=30, unique_by=lambda m: m["full_name"]))
def test_members_stored_and_returned_alike(tmp_path_factory, members: list[dict]) -> None:
    folder = tmp_path_factory.mktemp("ins")
    returned = []
    for name, insert in (("sa", _sa_insert), ("fast", sqlite_insert_rows)):
        url = f"sqlite:///{folder / name}.db"
        migrate(url)
        rows = [{"nik": f"{i:016d}", **m} for i, m in enumerate(members)]
        with Session(make_engine(url)) as session:
            got = insert(
                session,
                _MEMBERS,
                rows,
                returning=("nik", "birth_date", "created_at", "jht"),
                on_conflict=("nik",),
            )
            session.commit()
        returned.append(sorted(tuple(r) for r in got))
    assert returned[0] == returned[1]
    assert _stored(folder / "sa.db", "members") == _stored(folder / "fast.db", "members")


def test_a_conflict_returns_nothing_and_dates_come_back_as_dates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate(url)
    with Session(make_engine(url)) as session:
        session.execute(
            sa.insert(_MEMBERS),
            [
                {
                    "nik": "5203000000000001",
                    "full_name": "A",
                    "birth_date": date(1990, 1, 1),
                    "sex": "M",
                    "village_code": "",
                    "phone": "",
                    "segment": "",
                    "created_at": datetime(2026, 1, 1),
                    "updated_at": datetime(2026, 1, 1),
                }
            ],
        )
        rows = [
            {
                "member_id": 1,
                "kid": "k1",
                "issued_on": date(2026, 12, 1),
                "expires_on": date(2031, 12, 1),
            }
        ]
        first = sqlite_insert_rows(
            session,
            _CARDS,
            rows,
            returning=("id", "issued_on"),
            on_conflict=("member_id",),
            conflict_where="revoked_at IS NULL",
        )
        again = sqlite_insert_rows(
            session,
            _CARDS,
            rows,
            returning=("id",),
            on_conflict=("member_id",),
            conflict_where="revoked_at IS NULL",
        )
        assert [tuple(r) for r in first] == [(1, date(2026, 12, 1))]
        assert first[0].issued_on == date(2026, 12, 1)
        assert again == []


def _sa_insert(session: Session, table: sa.Table, rows: list[dict], **kw) -> list:
    from sync_server.db import dialect_insert

    stmt = dialect_insert(session)(table).on_conflict_do_nothing(
        index_elements=list(kw["on_conflict"])
    )
    stmt = stmt.returning(*(table.c[c] for c in kw["returning"]))
    return list(session.execute(stmt, rows).all())
