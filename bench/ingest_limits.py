"""The raw limits bench.ingest compares the server with, measured in the same run.

The same rows (one submission per record, one member per NIK, payload as pushed) go
into bare tables with the server's two unique keys through the driver alone:

- `one_transaction`: one executemany per table, one commit: the floor of any ingest;
- `commit_pattern`: the server's durability, on SQLite WAL + synchronous=FULL,
  committed every `batch` rows (a push), with the bytes written per row.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.server_usage import self_written

Row = tuple[int, str, str, str]  # device, client id, NIK, payload
_DDL = [
    "CREATE TABLE plain_members (id {pk}, nik TEXT UNIQUE, payload TEXT)",
    "CREATE TABLE plain_subs (id {pk}, device INTEGER, cid TEXT, ver INTEGER,"
    " payload TEXT, UNIQUE(device, cid, ver))",
]
_SUBS = "INSERT INTO plain_subs(device, cid, ver, payload) VALUES({p},{p},1,{p})"
_MEMBERS = "INSERT INTO plain_members(nik, payload) VALUES({p},{p}) ON CONFLICT (nik) DO NOTHING"


@dataclass(frozen=True)
class Limit:
    """Rows per second, and bytes written per row (None where not measurable)."""

    rate: float
    written_per_row: float | None


def _sqlite(path: Path, durable: bool) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    if durable:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    for stmt in _DDL:
        db.execute(stmt.format(pk="INTEGER PRIMARY KEY"))
    return db


def _chunks(rows: list[Row], size: int) -> list[list[Row]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _load(
    execute: Callable[[str, list[tuple]], object],
    begin: Callable[[], object],
    commit: Callable[[], object],
    p: str,
    rows: list[Row],
    batch: int,
) -> None:
    """Both tables' rows, one transaction per `batch` rows."""
    for part in _chunks(rows, batch):
        begin()
        execute(_SUBS.format(p=p), [(d, c, pl) for d, c, _, pl in part])
        execute(_MEMBERS.format(p=p), [(n, pl) for _, _, n, pl in part])
        commit()


def sqlite_limit(rows: list[Row], folder: Path, *, batch: int | None) -> Limit:
    """One transaction (`batch` None), or the server's commit pattern (every `batch` rows)."""
    path = folder / f"plain-{batch or 'one'}.db"
    db = _sqlite(path, durable=batch is not None)
    written, started = self_written(), time.perf_counter()
    _load(
        db.executemany,
        lambda: db.execute("BEGIN IMMEDIATE"),
        lambda: db.execute("COMMIT"),
        "?",
        rows,
        batch or len(rows),
    )
    took = time.perf_counter() - started
    db.close()
    return Limit(len(rows) / took, (self_written() - written) / len(rows))


def postgres_limit(rows: list[Row], dsn: str, *, batch: int | None) -> Limit:
    """As `sqlite_limit`, on PostgreSQL (bytes: the WAL written meanwhile, all sessions)."""
    with psycopg.connect(dsn, autocommit=False) as db:
        for table in ("plain_members", "plain_subs"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for stmt in _DDL:
            db.execute(stmt.format(pk="SERIAL PRIMARY KEY"))
        db.commit()
        wal = wal_position(dsn)
        started = time.perf_counter()
        with db.cursor() as cur:
            _load(cur.executemany, lambda: None, db.commit, "%s", rows, batch or len(rows))
        took = time.perf_counter() - started
        written = (wal_position(dsn) - wal) / len(rows)
        for table in ("plain_members", "plain_subs"):
            db.execute(f"DROP TABLE {table}")
        db.commit()
    return Limit(len(rows) / took, written)


def wal_position(dsn: str) -> int:
    """PostgreSQL's WAL position in bytes: all the WAL it has written, every session's."""
    with psycopg.connect(dsn) as db:
        row = db.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')").fetchone()
    return int(row[0]) if row else 0
