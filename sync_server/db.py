"""Database engine and schema migrations.

SQLite is the single-machine default, PostgreSQL (`postgresql+psycopg://`) the
multi-worker option. On SQLite every transaction starts with BEGIN IMMEDIATE:
taking the write lock up front means concurrent writers queue on busy_timeout
instead of failing with SQLITE_BUSY when a read lock is upgraded mid-transaction.
A session from `read_session` starts a plain (deferred) BEGIN instead: it only reads,
so it never holds the write lock (WAL readers do not block the writer).

Statement parameters are hidden from logs and error messages (`hide_parameters`):
they carry NIKs and names.

Alembic is imported only when a migration has to run: every start and CLI command
calls `migrate`, and on a database already at head it only compares the stored
revisions with the heads read from the version files (`_head_revisions`).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Row, Table, create_engine, event, inspect, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import Session as SQLModelSession

from sync_server.sqlite_insert import sqlite_insert_rows

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a push waits for SQLite's write lock before it fails. It must end well
# before the tablet gives up on the same request (field_app.sync_client.TIMEOUT, read
# timeout): a tablet that times out first retries while the original request is still
# queued, and the retry can then overtake it. 20 s of waiting plus the batch's own work
# stays far inside the tablet's 60 s (tests/unit/test_timeouts.py holds the two apart).
SQLITE_BUSY_TIMEOUT_MS = 20_000
# Sync routes run in Starlette's thread pool (40 threads by default); with fewer
# pooled connections, a burst of pushes timed out waiting for one and answered 500.
POOL_SIZE, POOL_OVERFLOW = 10, 30
# Arbitrary constant naming the migration lock on PostgreSQL.
_PG_MIGRATION_LOCK = 52_03_0001
# Execution option naming a read-only engine (see read_session).
_DEFERRED = "sqlite_deferred_begin"


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the SQLite pragmas and BEGIN IMMEDIATE applied."""
    if url.startswith("sqlite"):
        _create_private_file(url)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine.pool, "checkin", _sqlite_on_checkin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        hide_parameters=True,
    )


def read_session(engine: Engine) -> SQLModelSession:
    """A session for reads only: on SQLite its transactions start with a plain BEGIN, so
    it never takes (or waits for) the write lock. Writing through it may fail with
    `database is locked`; use an ordinary Session to write."""
    return SQLModelSession(engine.execution_options(**{_DEFERRED: True}))


def begin_read(session: SQLModelSession) -> None:
    """Start the session's next transaction as a read: on SQLite a plain BEGIN, which
    neither takes nor waits for the write lock. For a lookup that ends its transaction
    before anything is written (a push's token check waits behind no writer)."""
    if not session.in_transaction():
        session.connection(execution_options={_DEFERRED: True})


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[SQLModelSession]:
    """One unit of work: a session whose writes are committed when the block ends
    normally and rolled back when it raises (closing the session rolls back).

    The one place writes are committed: a request's transaction
    (`sync_server.dependencies.get_session`), a CLI command, the server's startup.
    Services only write; exceptions are listed in tests/unit/test_unit_of_work.py.
    """
    with SQLModelSession(engine) as session:
        yield session
        session.commit()


def _create_private_file(url: str) -> None:
    """Create the SQLite database file readable by the server's user only (0600), and
    tighten an existing one; SQLite gives its -wal and -shm files the same mode."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        return  # SQLite itself reports the missing folder
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so _sqlite_on_begin decides.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=FULL")  # an acknowledged push survives power loss
    # Checkpoint every ~40 MB of WAL, not 4 MB: an index page that many pushes touch is
    # then copied into the database once per checkpoint, not once every two pushes (a
    # sixth less written per record, bench.ingest); the WAL is cut back to 64 MB after.
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute(f"PRAGMA journal_size_limit={64 * 1024 * 1024}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_on_checkin(dbapi_connection: Any, _record: Any) -> None:
    # A COMMIT that failed (a deferred constraint, a full disk) leaves SQLite's own
    # transaction open while SQLAlchemy counts it as ended, and skips its reset: the next
    # user of the pooled connection would fail to BEGIN and hold the write lock meanwhile.
    if dbapi_connection is not None and dbapi_connection.in_transaction:
        dbapi_connection.rollback()


def _sqlite_on_begin(conn: Any) -> None:
    deferred = conn.get_execution_options().get(_DEFERRED)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def alembic_config() -> Config:
    """Alembic configuration built in code, so it works from any working directory."""
    from alembic.config import Config  # here: only a migration needs Alembic

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(engine_url: str) -> None:
    """Bring the database at `engine_url` to the latest schema (idempotent)."""
    engine = make_engine(engine_url)
    try:
        if _at_head(engine):
            return  # the common start: nothing to do, and no Alembic to load
        from alembic import command  # here: ~0.15 s of imports a start at head skips

        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise concurrent starters (server and `pair` CLI); released at commit.
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def _at_head(engine: Engine) -> bool:
    """True when the revisions stored in `alembic_version` are exactly the heads.

    A read only (on SQLite a deferred BEGIN: it never waits for the write lock). Anything
    else — no table yet, an older revision, one this code does not know, a migration
    under way elsewhere (not committed, so not seen) — answers False and leaves the
    decision to Alembic under the migration lock, as before.
    """
    heads = _head_revisions()
    if not heads:
        return False
    with engine.execution_options(**{_DEFERRED: True}).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return frozenset(stored) == heads


@cache
def _head_revisions() -> frozenset[str]:
    """The head revisions of the version files: every `revision` that no file names as
    its `down_revision` (what Alembic's `heads` computes). Empty if a file cannot be
    read that way, which sends `migrate` to Alembic itself.
    """
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        names = _revision_names(path)
        if names is None:
            return frozenset()
        revision, down = names
        revisions.add(revision)
        downs.update(down)
    return frozenset(revisions - downs)


def _revision_names(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """`(revision, down_revisions)` assigned at the top of a version file, or None."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                found[target.id] = ast.literal_eval(node.value)  # type: ignore[attr-defined]
            except ValueError:
                return None
    revision, down = found.get("revision"), found.get("down_revision")
    if not isinstance(revision, str):
        return None
    downs = (down,) if isinstance(down, str) else tuple(down or ())
    return revision, downs


def dialect_insert(session: Session) -> Any:
    """`insert()` of the session's dialect: the one that has ON CONFLICT."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"unsupported database dialect {name!r}")


def insert_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    returning: tuple[str, ...] = (),
    on_conflict: tuple[str, ...] = (),
    conflict_where: str = "",
) -> list[Row]:
    """Insert `rows` in their order with one statement, optionally `ON CONFLICT (...) DO
    NOTHING` and `RETURNING`; every row must have the same keys.

    On PostgreSQL the rows travel as one array per column (`INSERT … SELECT FROM
    unnest(…) WITH ORDINALITY ORDER BY ordinality`): the SQL text stays small, where a
    500-row VALUES list has thousands of placeholders that psycopg parses anew on
    every batch (a third of the ingest time). On SQLite, one cached multi-row
    statement on the driver's cursor (`sqlite_insert.py`).
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite_insert_rows(
            session,
            table,
            rows,
            returning=returning,
            on_conflict=on_conflict,
            conflict_where=conflict_where,
        )
    if dialect != "postgresql":
        stmt: Any = dialect_insert(session)(table)
        if on_conflict:
            where = text(conflict_where) if conflict_where else None
            stmt = stmt.on_conflict_do_nothing(index_elements=list(on_conflict), index_where=where)
        if returning:
            stmt = stmt.returning(*(table.c[c] for c in returning))
            return list(session.execute(stmt, rows).all())
        session.execute(stmt, rows)
        return []
    pg = postgresql.dialect()
    cols = list(rows[0])
    arrays = ", ".join(f"CAST(:{c} AS {table.c[c].type.compile(dialect=pg)}[])" for c in cols)
    names = ", ".join(cols)
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM unnest({arrays})"
        f" WITH ORDINALITY AS t({names}, ord) ORDER BY ord"
    )
    if on_conflict:
        sql += f" ON CONFLICT ({', '.join(on_conflict)})"
        sql += f" WHERE {conflict_where}" if conflict_where else ""
        sql += " DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    result = session.execute(text(sql), {c: [r[c] for r in rows] for c in cols})
    return list(result.all()) if returning else []
