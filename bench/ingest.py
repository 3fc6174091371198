"""Ingest benchmark: a district's enrolments pushed over HTTP by many tablets at once.

    .venv/bin/python -m bench.ingest [--records 150000] [--devices 16] [--db sqlite|postgres]
                                     [--workers 2] [--before PATH] [--repeat 1]

Pushes the same records (gzip JSON, batches of 500, one thread per tablet, resending
when answered busy as a tablet does) into the real server under uvicorn, and prints
the rows of issue 15's table:

- server CPU per record (the whole process tree, from /proc) and the rate;
- that rate against the raw limits of the same run (`bench/ingest_limits.py`): one
  executemany transaction, and the server's commit pattern (a commit per 500 rows);
- the wall time with `--workers` workers, and against one worker;
- bytes written to disk per record (SQLite: the server processes' block writes; on
  PostgreSQL the WAL, which is only part of its writes);
- the answers under load: every push answered 200, how many answered busy or 500;
- correctness: members, held NIKs, and, with `--before`, the answers, members, cards
  and submissions of the same input pushed in one fixed order into this checkout and
  into the one at PATH (e.g. `git worktree add /tmp/before HEAD~1`): they must match.

With `--before`, every load run is done for both checkouts, alternately (before,
after, before, ...), so both see the same machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.dataset import people
from bench.ingest_limits import Limit, postgres_limit, sqlite_limit, wal_position
from bench.ingest_state import state_digest
from bench.server_usage import Usage, tree_usage
from enrolment.protocol import PUSH_PATH, record_to_wire
from tests.live import ROOT, ServerProcess

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
PG_DSN = PG_URL.replace("+psycopg", "")
BATCH = 500


@dataclass(frozen=True)
class Run:
    """What one load run measured."""

    tree: str
    workers: int
    took: float
    answered: int
    statuses: Counter
    usage: Usage
    members: int
    held: int  # NIKs held, not members


@contextmanager
def server_on_fresh_db(root: Path, db: str, workers: int) -> Iterator[ServerProcess]:
    """The server of checkout `root` on a fresh database (a new schema on PostgreSQL)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    schema = None
    if db == "postgres":
        schema = "bench_" + secrets.token_hex(4)
        with sa.create_engine(PG_URL).begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp / 'server.db'}"
    server = ServerProcess(tmp / "server", database_url=url, root=root)
    server.env["WEB_CONCURRENCY"] = str(workers)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if schema:
            with sa.create_engine(PG_URL).begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def bodies(data: list, devices: int) -> list[list[bytes]]:
    """Each tablet's batches: it takes every devices-th record, 500 at a time."""
    out = []
    for d in range(devices):
        mine = data[d::devices]
        wire = [record_to_wire(r) for r in mine]
        out.append(
            [
                gzip.compress(json.dumps({"proto": 1, "records": wire[i : i + BATCH]}).encode())
                for i in range(0, len(wire), BATCH)
            ]
        )
    return out


def post(client: httpx.Client, url: str, token: str, body: bytes, statuses: Counter) -> dict:
    """One push as a tablet sends it; resent while answered busy. The reply's JSON."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
    }
    for _attempt in range(30):
        r = client.post(url + PUSH_PATH, content=body, headers=headers)
        statuses[r.status_code] += 1
        if r.status_code not in (500, 503):
            break
        time.sleep(1)
    r.raise_for_status()
    return r.json()


def load_run(
    name: str, root: Path, args: argparse.Namespace, batches: list[list[bytes]], workers: int
) -> Run:
    """Every tablet pushes its batches at once; what the server took and answered."""
    with server_on_fresh_db(root, args.db, workers) as server:
        with ThreadPoolExecutor(len(batches)) as pool:
            tokens = list(pool.map(lambda i: server.pair(f"bench-{i}"), range(len(batches))))
        statuses: Counter = Counter()

        def tablet(i: int) -> int:
            with httpx.Client(timeout=300) as client:
                return sum(
                    len(post(client, server.url, tokens[i], b, statuses)["results"])
                    for b in batches[i]
                )

        assert server.proc is not None
        wal = wal_position(PG_DSN) if args.db == "postgres" else 0
        before, started = tree_usage(server.proc.pid), time.perf_counter()
        with ThreadPoolExecutor(len(batches)) as pool:
            answered = sum(pool.map(tablet, range(len(batches))))
        took = time.perf_counter() - started
        usage = tree_usage(server.proc.pid) - before
        if args.db == "postgres":  # its writes are the database server's: count its WAL
            usage = Usage(usage.cpu_s, wal_position(PG_DSN) - wal)
        members, held = _members_and_held(server.database_url)
    return Run(name, workers, took, answered, statuses, usage, members, held)


def _members_and_held(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        members = conn.execute(sa.text("SELECT count(*) FROM members")).scalar_one()
        payloads = conn.execute(
            sa.text("SELECT payload FROM submissions WHERE outcome = 'held'")
        ).scalars()
        held = len({json.loads(p)["nik"] for p in payloads})
    engine.dispose()
    return members, held


def ordered_run(root: Path, args: argparse.Namespace, batches: list[list[bytes]]) -> str:
    """The same batches pushed one at a time in a fixed order (tablet 0's first batch,
    tablet 1's first, ...): a digest of the replies and of what the database holds."""
    with server_on_fresh_db(root, args.db, 1) as server:
        tokens = [server.pair(f"bench-{i}") for i in range(len(batches))]
        replies = []
        with httpx.Client(timeout=300) as client:
            for k in range(max(len(b) for b in batches)):
                for i, mine in enumerate(batches):
                    if k < len(mine):
                        replies.append(post(client, server.url, tokens[i], mine[k], Counter()))
        return state_digest(replies, server.database_url)


def limits(args: argparse.Namespace, data: list) -> tuple[Limit, Limit]:
    """The raw limits on these records: one transaction, and a commit per batch."""
    rows = [
        (i % args.devices, r.client_id, r.nik, json.dumps(record_to_wire(r)))
        for i, r in enumerate(data)
    ]
    if args.db == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="bench-plain-"))
        return sqlite_limit(rows, folder, batch=None), sqlite_limit(rows, folder, batch=BATCH)
    return postgres_limit(rows, PG_DSN, batch=None), postgres_limit(rows, PG_DSN, batch=BATCH)


def _per_record(run: Run) -> str:
    n = run.answered
    cpu, disk = 1000 * run.usage.cpu_s / n, run.usage.written / n / 1000
    rate = n / run.took
    return f"{run.took:6.1f} s  {rate:7,.0f} rec/s  CPU {cpu:.3f} ms/rec  disk {disk:5.1f} kB/rec"


def report(args: argparse.Namespace, runs: list[Run], one: Limit, pattern: Limit) -> None:
    """The table's rows, each run on its own line, then the ratios per checkout."""
    print(
        f"backend              {args.db}; {args.records:,} records, {args.devices} tablets, "
        f"batches of {BATCH}"
    )
    print(f"raw, one transaction {one.rate:9,.0f} rows/s")
    print(
        f"raw, commit per {BATCH}  {pattern.rate:9,.0f} rows/s, "
        f"disk {(pattern.written_per_row or 0) / 1000:.1f} kB/row"
    )
    for run in runs:
        busy = sum(n for code, n in run.statuses.items() if code != 200)
        print(
            f"{run.tree:6} {run.workers} worker(s)  {_per_record(run)}  "
            f"answers {dict(sorted(run.statuses.items()))} ({busy} not 200)  "
            f"members {run.members:,}, held {run.held:,} NIKs"
        )
    for tree in dict.fromkeys(r.tree for r in runs):
        mine = [r for r in runs if r.tree == tree]
        many = [r.answered / r.took for r in mine if r.workers == args.workers]
        single = [r.answered / r.took for r in mine if r.workers == 1]
        rate = max(many)
        print(
            f"{tree:6} rate vs raw one transaction {100 * rate / one.rate:5.1f} %  "
            f"(goal >= 25 %); vs raw commit pattern {100 * rate / pattern.rate:5.1f} % "
            f"(goal >= 60 %)"
        )
        if single and args.workers > 1:
            print(
                f"{tree:6} {args.workers} workers vs 1: {max(many) / max(single):.2f}x "
                f"(goal >= 1.7x)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=150_000)
    ap.add_argument("--devices", type=int, default=16)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--before", type=Path, help="a checkout of the previous commit")
    ap.add_argument("--repeat", type=int, default=1, help="load runs per checkout")
    ap.add_argument("--no-single", action="store_true", help="skip the one-worker runs")
    args = ap.parse_args()
    data = people(args.records)
    distinct = len({r.nik for r in data})
    batches = bodies(data, args.devices)
    trees = [("before", args.before)] if args.before else []
    trees.append(("after", ROOT))
    runs: list[Run] = []
    for _ in range(args.repeat):
        for workers in [args.workers] + ([] if args.no_single or args.workers == 1 else [1]):
            for name, root in trees:
                runs.append(load_run(name, root, args, batches, workers))
                run = runs[-1]
                assert run.answered == args.records
                assert run.members + run.held == distinct, "every NIK is one member, or held"
    one, pattern = limits(args, data)
    report(args, runs, one, pattern)
    if args.before:
        digests = {name: ordered_run(root, args, batches) for name, root in trees}
        same = len(set(digests.values())) == 1
        print(
            f"same input in one order: answers, members, cards, submissions "
            f"{'IDENTICAL' if same else 'DIFFER'} {digests}"
        )
        assert same


if __name__ == "__main__":
    main()
