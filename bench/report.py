"""Progress report benchmark: the desk's PDF report at district scale.

    python -m bench.report [--members 200000] [--seed 7] [--out report.pdf]

Fills a fresh SQLite database as bench.desk does (members straight into `members`, their
programme columns as ingest writes them: funding, income, UMKM start-up cash and
conversion date) and gives the household segments' members a family card shared by
two to five of them; then times GET /desk/report.pdf through the real app, signed in as
a coordinator (target: under 5 s). `--out` keeps the last PDF.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.desk import add_submissions, build_rows, signed_in, time_page
from enrolment.segments import HOUSEHOLD_SEGMENTS
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.models import Member

TARGET_S = 5.0


def add_households(conn: sa.Connection, seed: int) -> None:
    """Family cards for the household segments' members: 2–5 people a KK."""
    rng = random.Random(seed + 2)
    m = Member.__table__  # type: ignore[attr-defined]
    ids = conn.execute(
        sa.select(m.c.id).where(m.c.segment.in_(HOUSEHOLD_SEGMENTS)).order_by(m.c.id)
    ).scalars()
    kk, size, values = 0, 0, []
    for member_id in ids:
        if size == 0:
            kk, size = kk + 1, rng.randint(2, 5)
        size -= 1
        values.append({"b_id": member_id, "b_kk": f"520307{kk:010d}"})
    conn.execute(
        sa.update(m)
        .where(m.c.id == sa.bindparam("b_id"))
        .values(household_kk=sa.bindparam("b_kk")),
        values,
    )


def main(argv: list[str] | None = None) -> int:
    """Build the database, time the report, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        rows, _planted = build_rows(args.members, 0.0, args.seed)
        with engine.begin() as conn:
            conn.execute(sa.insert(Member.__table__), rows)  # type: ignore[attr-defined]
            add_submissions(conn, args.seed)
            add_households(conn, args.seed)
        print(f"members: {len(rows):,}, built and inserted in {time.perf_counter() - t0:.1f} s")

        settings = Settings(Path(tmp), url, "http://127.0.0.1:8700", "bench-secret-key")
        with signed_in(settings, engine) as client:
            times, r = time_page(client, "/desk/report.pdf?tanggal=30-11-2026", args.runs)
        assert r.headers["content-type"] == "application/pdf", r.headers
        if args.out:
            args.out.write_bytes(r.content)
        print(
            f"progress report with {len(rows):,} members: first {times[0]:.2f} s, "
            f"median {statistics.median(times):.2f} s, {len(r.content) / 1024:.0f} KiB "
            f"(target: < {TARGET_S:.0f} s)"
        )
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
