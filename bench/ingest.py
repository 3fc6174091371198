"""Ingest benchmark: a district's enrolments pushed over HTTP by many tablets at once.

    .venv/bin/python -m bench.ingest [--records 150000] [--devices 20] [--db sqlite|postgres]
                                     [--workers 2]

Reports end-to-end records/s (gzip JSON over loopback HTTP into the real server),
the rate of a plain `executemany` of the same rows into a table with the same
unique indexes, and the ratio between them; then checks one member per NIK.

Runs twice on fresh databases, the look-alike hold at ingest off (`HOLD_LOOKALIKES=0`)
and on (issue 13: `sync_server/services/ingest_hold.py`), and prints both rates (target:
on within 15 % of off). With it on, the few records that resemble a member under another
NIK are held instead of becoming members: every NIK is then a member or held.
"""

from __future__ import annotations

import argparse
import gzip
import json
import secrets
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.dataset import people
from enrolment.protocol import PUSH_PATH, record_to_wire
from tests.live import ServerProcess

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
BATCH = 500


def plain_insert_rate(rows: list[tuple], database_url: str) -> float:
    """Rows/s for one executemany into a bare table with the same two unique keys."""
    ddl = [
        "CREATE TABLE plain_members (id INTEGER PRIMARY KEY, nik TEXT UNIQUE, payload TEXT)",
        "CREATE TABLE plain_subs (id INTEGER PRIMARY KEY, device INTEGER, cid TEXT, ver INTEGER,"
        " payload TEXT, UNIQUE(device, cid, ver))",
    ]
    members = list({r[2]: (r[2], r[3]) for r in rows}.values())
    if database_url.startswith("sqlite"):
        db = sqlite3.connect(database_url.removeprefix("sqlite:///") + ".plain")
        for stmt in ddl:
            db.execute(stmt)
        started = time.perf_counter()
        db.executemany(
            "INSERT INTO plain_subs(device, cid, ver, payload) VALUES(?,?,?,?)",
            [(r[0], r[1], 1, r[3]) for r in rows],
        )
        db.executemany("INSERT INTO plain_members(nik, payload) VALUES(?,?)", members)
        db.commit()
        return len(rows) / (time.perf_counter() - started)
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        for stmt in ddl:
            conn.execute(sa.text(stmt.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")))
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO plain_subs(device, cid, ver, payload) VALUES(:d,:c,1,:p)"),
            [{"d": r[0], "c": r[1], "p": r[3]} for r in rows],
        )
        conn.execute(
            sa.text("INSERT INTO plain_members(nik, payload) VALUES(:n,:p)"),
            [{"n": n, "p": p} for n, p in members],
        )
    return len(rows) / (time.perf_counter() - started)


@dataclass(frozen=True)
class Run:
    """What one run measured."""

    hold: bool
    took: float
    answered: int
    busy: int
    members: int
    held: int  # NIKs held, not members


def run_once(args: argparse.Namespace, data: list, hold: bool) -> tuple[Run, str]:
    """Push `data` from `args.devices` tablets into a fresh server; the figures and the
    database's URL (for the plain-insert comparison)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    schema = None
    if args.db == "postgres":
        schema = "bench_" + secrets.token_hex(4)
        admin = sa.create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp / 'server.db'}"
    server = ServerProcess(tmp / "server", database_url=url)
    server.env["WEB_CONCURRENCY"] = str(args.workers)
    server.env["HOLD_LOOKALIKES"] = "1" if hold else "0"
    server.start()
    try:
        with ThreadPoolExecutor(args.devices) as pool:
            tokens = list(pool.map(lambda i: server.pair(f"bench-{i}"), range(args.devices)))
        # Each device takes every devices-th record, in batches, as a tablet would.
        by_device: dict[str, list[bytes]] = {}
        for d, token in enumerate(tokens):
            mine = data[d :: args.devices]
            for i in range(0, len(mine), BATCH):
                wire = [record_to_wire(r) for r in mine[i : i + BATCH]]
                raw = json.dumps({"proto": 1, "records": wire}, separators=(",", ":"))
                by_device.setdefault(token, []).append(gzip.compress(raw.encode()))

        busy = [0]  # pushes answered 500/503 (busy) and resent

        def device_run(token: str) -> int:
            n = 0
            with httpx.Client(timeout=300) as client:
                for body in by_device[token]:
                    for _attempt in range(20):  # as a tablet does: resend when busy
                        r = client.post(
                            server.url + PUSH_PATH,
                            content=body,
                            headers={
                                "Authorization": f"Bearer {token}",
                                "Content-Encoding": "gzip",
                                "Content-Type": "application/json",
                            },
                        )
                        if r.status_code not in (500, 503):
                            break
                        busy[0] += 1
                        time.sleep(1)
                    r.raise_for_status()
                    n += len(r.json()["results"])
            return n

        started = time.perf_counter()
        with ThreadPoolExecutor(args.devices) as pool:
            answered = sum(pool.map(device_run, tokens))
        took = time.perf_counter() - started

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            members = conn.execute(sa.text("SELECT count(*) FROM members")).scalar_one()
            subs = conn.execute(sa.text("SELECT count(*) FROM submissions")).scalar_one()
            held_payloads = conn.execute(
                sa.text("SELECT payload FROM submissions WHERE outcome = 'held'")
            ).scalars()
            held = len({json.loads(p)["nik"] for p in held_payloads})
        engine.dispose()
        assert subs == len(data)
        return Run(hold, took, answered, busy[0], members, held), url
    finally:
        server.stop()
        if schema:
            with sa.create_engine(PG_URL).begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=150_000)
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument(
        "--workers", type=int, default=2, help="server worker processes (one per core here)"
    )
    args = ap.parse_args()
    data = people(args.records)
    distinct = len({r.nik for r in data})
    runs = [run_once(args, data, hold)[0] for hold in (False, True)]
    if args.db == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-plain-')) / 'plain.db'}"
    else:
        url = PG_URL  # plain_* tables: dropped below
        with sa.create_engine(PG_URL).begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS plain_members, plain_subs"))
    rows = [
        (i % args.devices, r.client_id, r.nik, json.dumps(record_to_wire(r)))
        for i, r in enumerate(data)
    ]
    plain = plain_insert_rate(rows, url)
    if args.db == "postgres":
        with sa.create_engine(PG_URL).begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS plain_members, plain_subs"))
    print(f"backend            {args.db}, {args.workers} server worker(s)")
    print(
        f"records            {args.records} ({distinct} distinct NIKs), "
        f"{args.devices} devices, batches of {BATCH}"
    )
    print(f"plain executemany  {plain:,.0f} rows/s")
    for run in runs:
        rate = run.answered / run.took
        print(
            f"hold {'on ' if run.hold else 'off'}           {run.took:.1f} s, "
            f"{rate:,.0f} records/s "
            f"({100 * rate / plain:.1f} % of plain); {run.busy} pushes resent (busy); "
            f"members {run.members}, held {run.held} NIKs"
        )
        assert run.answered == args.records
        assert run.members + run.held == distinct, "every NIK is one member, or held"
        assert run.hold or run.held == 0
    off, on = (r.answered / r.took for r in runs)
    print(f"hold on / off      {100 * on / off:.1f} % (target: >= 85 %)")


if __name__ == "__main__":
    main()
