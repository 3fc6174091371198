"""Desk benchmark: the duplicate-candidate search and the coverage page at district scale.

    python -m bench.desk [--members 200000] [--planted 0.01] [--seed 7]

Fills a fresh SQLite database (executemany, straight into `members`) with people of
Lombok Timur — names from common Sasak/Indonesian parts, a fifth with the "1 January"
birthday of people who do not know theirs — and plants near-duplicates: the same
person again under a mistyped NIK (one digit changed or two swapped) and, half the
time, a one-letter name typo. Prints

- the search time over all members and recall / precision on the planted pairs
  (goals at 1,000,000 members: under 10 s, recall >= 98 %, precision >= 97 %);
- recall / precision on the same pairs of the hold at ingest (issue 13,
  `sync_server/services/ingest_hold.py`): the people arrive in enrolment order, each
  checked against the members before it, and a held one makes no member (targets:
  recall >= 98 % at precision >= 95 %);
- the desk's coverage and money pages rendered through the real app (issue 15: they
  read the member tallies the database keeps, services/member_tallies.py): first view
  and repeats (goals: coverage < 200 ms, money first view < 500 ms), then again right
  after a sync (records pushed through the real push endpoint, as a tablet sends them).

The members (with the programme columns ingest writes: funding, income, JHT, an UMKM
owner's start-up cash and conversion date) go in with one executemany into the schema
as it was before migration 0010, which then backfills the tallies as it would on an
existing server (both timed): at 1,000,000 members the whole run takes ~5 minutes (2 shared cores).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from bench.dataset import people as enrolments
from bench.desk_hold import hold_figures
from enrolment.areas import home_areas
from enrolment.member_columns import programme_values
from enrolment.protocol import PUSH_PATH, record_from_wire, record_to_wire
from enrolment.segments import Segment
from sync_server.config import Settings
from sync_server.db import alembic_config, make_engine, migrate
from sync_server.main import create_app
from sync_server.models import Device, Member, Submission
from sync_server.services.accounts import create_user, start_session
from sync_server.services.devices import hash_token
from sync_server.services.duplicates import find_candidates, load_people
from sync_server.services.ingest_decision import PROGRAMME
from sync_server.web.deps import COOKIE

#: The schema before the tallies (migration 0010 backfills them from the members).
BEFORE_TALLIES = "0009"
SYNC_RECORDS = 2_000  # pushed in batches of 500 before the "after a sync" views

FIRST_M = [
    "Lalu",
    "Amaq",
    "Muhammad",
    "Ahmad",
    "Abdul",
    "Hasan",
    "Husni",
    "Zainal",
    "Saiful",
    "Junaidi",
    "Hamdan",
    "Samsul",
    "Rusdi",
    "Fauzi",
    "Sahnan",
    "Mahsun",
    "Ridwan",
    "Sukri",
    "Zulkifli",
    "Hairul",
    "Wahyu",
    "Agus",
    "Rizal",
    "Fathul",
    "Lukman",
    "Suhaili",
    "Mustiadi",
    "Nasrul",
    "Jumadil",
    "Ilham",
    "Khairul",
    "Zaenudin",
    "Marzuki",
    "Sapri",
    "Kurniawan",
    "Budi",
]
FIRST_F = [
    "Baiq",
    "Inaq",
    "Siti",
    "Nurul",
    "Sri",
    "Rohani",
    "Salmah",
    "Rukiah",
    "Sumarni",
    "Hartini",
    "Mariani",
    "Saptiani",
    "Nuraini",
    "Zuhriah",
    "Hasanah",
    "Rabiah",
    "Juwairiyah",
    "Fitriani",
    "Wahidah",
    "Lina",
    "Rahmawati",
    "Suhartini",
    "Yuliana",
    "Masitah",
    "Nurhayati",
    "Mulianah",
    "Sahnun",
    "Halimah",
    "Kamariah",
    "Marhamah",
    "Aisyah",
    "Atun",
]
LAST = [
    "Saleh",
    "Hamid",
    "Rahman",
    "Yusuf",
    "Idris",
    "Salam",
    "Amin",
    "Hadi",
    "Wijaya",
    "Putra",
    "Putri",
    "Sari",
    "Hidayat",
    "Rosyid",
    "Ismail",
    "Anwar",
    "Fadli",
    "Ramdhani",
    "Jayadi",
    "Sapturi",
    "Kasim",
    "Mahmud",
    "Sahabudin",
    "Ardiansyah",
    "Suparman",
    "Hendra",
    "Munir",
    "Arifin",
    "Rasyid",
    "Nasir",
    "Maulana",
    "Safitri",
    "Lestari",
    "Apriani",
    "Wulandari",
    "Hariyadi",
    "Mustafa",
    "Kadri",
    "Bahri",
]


def _typo_name(name: str, rng: random.Random) -> str:
    """A one-letter slip an officer makes: substitute, drop or double a letter."""
    i = rng.randrange(1, len(name))
    if name[i] == " ":
        return name
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + rng.choice("aeiouy") + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _typo_nik(nik: str, rng: random.Random) -> str:
    """One digit changed, or two neighbours swapped, in the serial or kecamatan part."""
    pos = rng.choice([4, 5, 12, 13, 14, 15])
    if rng.random() < 0.5 and pos < 15 and nik[pos] != nik[pos + 1]:
        return nik[:pos] + nik[pos + 1] + nik[pos] + nik[pos + 2 :]
    digit = rng.choice([d for d in "0123456789" if d != nik[pos]])
    return nik[:pos] + digit + nik[pos + 1 :]


def build_rows(
    total: int, planted_share: float, seed: int
) -> tuple[list[dict], set[tuple[str, str]]]:
    """Member rows and the planted (original NIK, typo NIK) pairs."""
    rng = random.Random(seed)
    villages = [a.code for a in home_areas() if a.code.count(".") == 3]
    segments = [s.value for s in Segment]
    planted_n = int(total * planted_share)
    rows: list[dict] = []
    niks: set[str] = set()
    start = datetime(2026, 8, 1)
    while len(rows) < total - planted_n:
        female = rng.random() < 0.5
        first = rng.choice(FIRST_F if female else FIRST_M)
        name = f"{first} {rng.choice(LAST)}"
        if rng.random() < 0.4:
            name = f"{first} {rng.choice(FIRST_F if female else FIRST_M)} {rng.choice(LAST)}"
        year = rng.randint(1960, 2005)
        birth = (
            date(year, 1, 1)
            if rng.random() < 0.2
            else date(year, 1, 1) + timedelta(rng.randrange(365))
        )
        village = rng.choice(villages)
        dd = birth.day + (40 if female else 0)
        serial = rng.randrange(1, 10000)
        nik = f"5203{village[6:8]}{dd:02d}{birth.month:02d}{year % 100:02d}{serial:04d}"
        if nik in niks:
            continue
        niks.add(nik)
        created = start + timedelta(seconds=rng.randrange(120 * 86400))
        rows.append(
            {
                "nik": nik,
                "full_name": name,
                "birth_date": birth,
                "sex": "F" if female else "M",
                "village_code": village,
                "phone": "",
                "segment": rng.choice(segments),
                "created_at": created,
                "updated_at": created,
            }
        )
    planted: set[tuple[str, str]] = set()
    for original in rng.sample(rows, planted_n):
        nik = _typo_nik(original["nik"], rng)
        if nik in niks:
            continue
        niks.add(nik)
        name = original["full_name"]
        name = _typo_name(name, rng) if rng.random() < 0.5 else name
        rows.append({**original, "nik": nik, "full_name": name})
        planted.add((original["nik"], nik))
    rng.shuffle(rows)
    return rows, planted


FUNDS = ("self", "add", "dbhcht", "apbd", "employer")


def add_programme(rows: list[dict], seed: int) -> None:
    """The programme columns ingest writes, into each member row: funding and income,
    and an UMKM owner's start-up cash, its date and the conversion date (computed by
    ingest's own rule, `programme_values`, for the owners)."""
    rng = random.Random(seed + 1)
    for i, row in enumerate(rows):
        sent: dict = {
            "cid": f"{i:016d}",
            "nik": row["nik"],
            "name": "Baiq Nurul Hidayati",
            "birth_date": "1990-08-05",
            "sex": "F",
            "village": row["village_code"],
            "segment": row["segment"],
            "consent": {
                "given": True,
                "by": "Baiq",
                "method": "ticked",
                "at": "2026-11-25T03:00:00Z",
            },
            "created_at": "2026-11-25T03:00:00Z",
            "funding": rng.choice(FUNDS),
            "income": rng.randrange(5, 40) * 100_000,
        }
        if row["segment"] == Segment.UMKM_OWNER:
            cash_date = date(2025, 9, 1) + timedelta(rng.randrange(420))
            sent["details"] = {"startup_cash": 750_000, "cash_date": cash_date.isoformat()}
            row.update(_programme_columns(sent))
            continue
        # Everyone else: what programme_values makes of funding and income alone.
        row.update(
            funding=sent["funding"],
            income=sent["income"],
            jht=False,
            household_kk="",
            household_relation="",
            household_head="",
            details=None,
            startup_cash=None,
            conversion_due=None,
        )
        if i < 50:  # the shortcut is ingest's rule (checked on a few)
            assert {k: row[k] for k in _programme_columns(sent)} == _programme_columns(sent)


def fill(url: str, rows: list[dict]) -> float:
    """Insert `rows` (one executemany, one transaction) into the schema before the
    tallies, then migrate to the latest: the seconds the tally backfill took."""
    engine = make_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE_TALLIES)
    with engine.begin() as conn:
        conn.execute(sa.insert(Member.__table__), rows)  # type: ignore[attr-defined]
    engine.dispose()
    t0 = time.perf_counter()
    migrate(url)
    return time.perf_counter() - t0


def add_submissions(conn: sa.Connection, seed: int) -> None:
    """One accepted submission per member, with the programme fields, written into the
    members' programme columns as ingest writes them (bench.report fills this way)."""
    rng = random.Random(seed + 1)
    conn.execute(
        sa.insert(Device.__table__),  # type: ignore[attr-defined]
        [{"name": "bench", "token_hash": "0" * 64, "created_at": datetime(2026, 8, 1)}],
    )
    members = conn.execute(sa.select(Member.__table__.c.id, Member.__table__.c.segment)).all()  # type: ignore[attr-defined]
    subs, programme = [], []
    for member_id, segment in members:
        # The rest of a real record (identity, consent, ...) makes a payload ~450 bytes.
        sent: dict = {
            "cid": f"{member_id:016d}",
            "nik": "5203070000000000",
            "name": "Baiq Nurul Hidayati Binti Lalu Muhammad",
            "birth_date": "1990-08-05",
            "sex": "F",
            "village": "52.03.07.1001",
            "phone": "081234567890",
            "segment": segment,
            "consent": {
                "given": True,
                "by": "Baiq Nurul",
                "method": "ticked",
                "at": "2026-11-25T03:00:00Z",
            },
            "created_at": "2026-11-25T03:00:00Z",
            "funding": rng.choice(FUNDS),
            "income": rng.randrange(5, 40) * 100_000,
        }
        if segment == Segment.UMKM_OWNER:
            cash_date = date(2025, 9, 1) + timedelta(rng.randrange(420))
            sent["details"] = {"startup_cash": 750_000, "cash_date": cash_date.isoformat()}
        # What ingest writes into the member's programme columns from that record.
        programme.append(
            {"b_id": member_id, **{f"b_{k}": v for k, v in _programme_columns(sent).items()}}
        )
        subs.append(
            {
                "device_id": 1,
                "client_id": f"c{member_id}",
                "version": 1,
                "content_hash": "0" * 64,
                "payload": json.dumps(sent),
                "outcome": "created",
                "member_id": member_id,
                "received_at": datetime(2026, 8, 1),
            }
        )
    conn.execute(sa.insert(Submission.__table__), subs)  # type: ignore[attr-defined]
    m = Member.__table__  # type: ignore[attr-defined]
    conn.execute(
        sa.update(m)
        .where(m.c.id == sa.bindparam("b_id"))
        .values({name: sa.bindparam(f"b_{name}") for name in PROGRAMME}),
        programme,
    )


def _programme_columns(sent: dict) -> dict:
    """The programme columns of a member whose record is `sent` (as ingest makes them)."""
    record = record_from_wire({**sent, "ver": 1})
    return dict(programme_values(record))


@contextmanager
def signed_in(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    """The real app in process, signed in as a coordinator made for the run."""
    with Session(engine) as session:
        user = create_user(
            session=session, username="bench", password="bench-password", role="coordinator"
        )
        token, _ = start_session(session=session, user=user)
        session.commit()  # services leave the commit to their caller (the unit of work)
    with TestClient(create_app(settings)) as client:
        client.cookies.set(COOKIE, token)
        yield client


def time_page(client: TestClient, path: str, runs: int = 5) -> tuple[list[float], Response]:
    """Seconds for each of `runs` renders of `path`, and the last response."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text[:300]
        # A lost sign-in would measure the login page instead (a redirect, followed).
        assert str(r.url).endswith(path), f"{path} answered {r.url}"
    return times, r


def push_sync(engine: sa.Engine, client: TestClient, n: int, seed: int) -> float:
    """A tablet's sync: `n` records pushed in batches of 500 through the real push
    endpoint (gzip JSON, a device's bearer token). The seconds it took."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Device.__table__),  # type: ignore[attr-defined]
            [
                {
                    "name": "bench-sync",
                    "token_hash": hash_token(token),
                    "created_at": datetime(2026, 8, 1),
                }
            ],
        )
    wire = [record_to_wire(r) for r in enrolments(n, seed=seed)]
    headers = {"Authorization": f"Bearer {token}", "Content-Encoding": "gzip"}
    t0 = time.perf_counter()
    for i in range(0, len(wire), 500):
        body = gzip.compress(json.dumps({"proto": 1, "records": wire[i : i + 500]}).encode())
        r = client.post(PUSH_PATH, content=body, headers=headers)
        assert r.status_code == 200, r.text[:300]
    return time.perf_counter() - t0


PAGES = (("coverage", "/desk/", 200), ("money", "/desk/money", 500))


def page_figures(client: TestClient, members: int, when: str) -> None:
    """Time the coverage and money pages: first view and the median of four repeats."""
    for name, path, goal in PAGES:
        times, page = time_page(client, path)
        print(
            f"{name} page {when}, {members:,} members: first {times[0] * 1000:.0f} ms, "
            f"repeat (median) {statistics.median(times[1:]) * 1000:.0f} ms, "
            f"{len(page.content) / 1024:.0f} KiB (goal: < {goal} ms)"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.desk")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--planted", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        rows, planted = build_rows(args.members, args.planted, args.seed)
        add_programme(rows, args.seed)
        backfill = fill(url, rows)
        engine = make_engine(url)
        print(
            f"members: {len(rows):,} ({len(planted):,} planted near-duplicates), "
            f"built and inserted in {time.perf_counter() - t0:.1f} s "
            f"(of which migration 0010's tally backfill {backfill:.1f} s)"
        )

        with Session(engine) as session:
            t0 = time.perf_counter()
            people = load_people(session)
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            found = find_candidates(people)
            t_find = time.perf_counter() - t0
        nik_of = {p.id: p.nik for p in people}
        pairs = {frozenset((nik_of[c.a], nik_of[c.b])) for c in found}
        truth = {frozenset(p) for p in planted}
        hits = len(pairs & truth)
        recall = hits / len(truth) if truth else 1.0
        precision = hits / len(pairs) if pairs else 1.0
        print(
            f"duplicate search: {t_load + t_find:.2f} s (load {t_load:.2f} s + match "
            f"{t_find:.2f} s) over {len(people):,} members; {len(found):,} candidates; "
            f"recall {recall:.1%}, precision {precision:.1%} on the planted pairs "
            f"(goals at 1,000,000 members: < 10 s, recall >= 98 %, precision >= 97 %)"
        )

        recall, precision, n_held, seconds = hold_figures(rows, planted)
        print(
            f"hold at ingest: {n_held:,} of {len(rows):,} records held in {seconds:.2f} s; "
            f"recall {recall:.1%}, precision {precision:.1%} on the planted pairs "
            f"(targets: recall >= 98 % at precision >= 95 %)"
        )

        settings = Settings(Path(tmp), url, "http://127.0.0.1:8700", "bench-secret-key")
        with signed_in(settings, engine) as client:
            page_figures(client, len(rows), "at the start")
            seconds = push_sync(engine, client, SYNC_RECORDS, args.seed)
            with engine.connect() as conn:
                total = conn.execute(sa.select(sa.func.count()).select_from(Member)).scalar_one()
            print(f"sync: {SYNC_RECORDS:,} records pushed in {seconds:.1f} s")
            page_figures(client, total, "right after the sync")
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
