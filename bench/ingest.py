"""Ingest benchmark: a district's enrolments pushed over HTTP by many tablets at once.

    .venv/bin/python -m bench.ingest [--records 150000] [--devices 20] [--db sqlite|postgres]
                                     [--workers 2]

Reports end-to-end records/s (gzip JSON over loopback HTTP into the real server),
the rate of a plain `executemany` of the same rows into a table with the same
unique indexes, and the ratio between them; then checks one member per NIK.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=150_000)
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument(
        "--workers", type=int, default=2, help="server worker processes (one per core here)"
    )
    args = ap.parse_args()

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
    server.start()
    try:
        data = people(args.records)
        distinct = len({r.nik for r in data})
        with ThreadPoolExecutor(args.devices) as pool:
            tokens = list(pool.map(lambda i: server.pair(f"bench-{i}"), range(args.devices)))
        # Each device takes every devices-th record, in batches, as a tablet would.
        bodies: list[tuple[str, bytes]] = []
        for d, token in enumerate(tokens):
            mine = data[d :: args.devices]
            for i in range(0, len(mine), BATCH):
                wire = [record_to_wire(r) for r in mine[i : i + BATCH]]
                raw = json.dumps({"proto": 1, "records": wire}, separators=(",", ":"))
                bodies.append((token, gzip.compress(raw.encode())))
        by_device: dict[str, list[bytes]] = {}
        for token, body in bodies:
            by_device.setdefault(token, []).append(body)

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
        rate = answered / took

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            members = conn.execute(sa.text("SELECT count(*) FROM members")).scalar_one()
            subs = conn.execute(sa.text("SELECT count(*) FROM submissions")).scalar_one()
        engine.dispose()
        rows = [
            (i % args.devices, r.client_id, r.nik, json.dumps(record_to_wire(r)))
            for i, r in enumerate(data)
        ]
        plain = plain_insert_rate(rows, url)
        print(f"backend            {args.db}, {args.workers} server worker(s)")
        print(
            f"records            {args.records} ({distinct} distinct NIKs), "
            f"{args.devices} devices, batches of {BATCH}"
        )
        print(f"answered           {answered}")
        print(f"end to end         {took:.1f} s, {rate:,.0f} records/s")
        print(f"busy and resent    {busy[0]} pushes (500/503 answers)")
        print(f"plain executemany  {plain:,.0f} rows/s")
        print(f"ratio              {100 * rate / plain:.1f} % of plain insert rate")
        print(f"members            {members} (expected {distinct}); submissions {subs}")
        assert members == distinct and subs == args.records
    finally:
        server.stop()
        if schema:
            with sa.create_engine(PG_URL).begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
