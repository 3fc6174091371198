"""Fixtures for the sync server over real HTTP, on SQLite and on PostgreSQL.

One live uvicorn subprocess per backend and test module (PostgreSQL in a fresh
schema dropped afterwards); before each test every table but the signing keys is
emptied, so tests are independent without paying a server start each.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from enrolment.card_token import b64d, verify
from enrolment.protocol import KEYS_PATH, RecordResult, decode_push_reply
from enrolment.records import Enrolment
from tests.conftest import need
from tests.live import ServerProcess
from tests.store_vault import encrypted_stores, pytest_configure  # noqa: F401  (stores encrypted)

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("DATABASE_URL_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


class Server(ServerProcess):
    """A running sync server, with a direct line to its database for assertions."""

    _engine: sa.Engine | None = None
    _keys: dict[str, bytes] | None = None

    def pair_many(self, n: int) -> list[str]:
        """Pair `n` devices at once (each pairing code is a CLI run, ~1 s)."""
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(self.pair, [f"tablet-{i}" for i in range(n)]))

    @property
    def engine(self) -> sa.Engine:
        """The test's own connection to the server's database."""
        if self._engine is None:
            self._engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        return self._engine

    def count(self, table: str) -> int:
        """Rows in a table, read straight from the server's database."""
        with self.engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()

    def public_keys(self) -> dict[str, bytes]:
        """The server's card-signing keys from /api/v1/keys (the key outlives resets)."""
        if self._keys is None:
            keys = httpx.get(self.url + KEYS_PATH).json()["keys"]
            self._keys = {k["kid"]: b64d(k["x"]) for k in keys}
        return self._keys

    def decode(self, r: httpx.Response, sent: list[Enrolment]) -> list[RecordResult]:
        """A push reply read as the tablet reads it; every rebuilt card token must verify."""
        assert r.status_code == 200, r.text
        results = decode_push_reply(r.json(), sent)
        for res in results:
            if res.card is not None:
                claims = verify(res.card, self.public_keys())
                assert claims.member_no == res.member_no
        return results

    def push_results(
        self, token: str, records: list[Enrolment], *, gz: bool = False
    ) -> dict[str, RecordResult]:
        """Push Enrolments and return the decoded, verified results by client id."""
        results = self.decode(self.push(token, records, gz=gz), records)
        return {r.cid: r for r in results}

    def reset(self) -> None:
        """Empty every table except the signing keys, restarting ids at 1."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
            else:
                for table in TABLES:
                    conn.execute(sa.text(f"DELETE FROM {table}"))

    def close(self) -> None:
        """Release the test's own database connections."""
        if self._engine is not None:
            self._engine.dispose()


# Emptied before each test, children first; signing keys stay (the server caches its key).
TABLES = (
    # issue 14's field work: attendance and visits refer to sessions, members, devices
    "attendances",
    "umkm_visits",
    "education_sessions",
    # the desk's (issue 6): they refer to members, review items and users
    "user_sessions",
    "audit_log",
    "member_kpj",
    "retired_members",
    "users",
    "changes",
    "review_items",
    "cards",
    "submissions",
    "members",
    "pairing_codes",
    "devices",
    "throttles",  # issue 10: sign-in and pairing lockouts
    "rate_tables",  # issue 14: contribution tables entered on the desk
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'server.db'}"
        return
    admin = sa.create_engine(
        PG_URL, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as exc:
        need(False, f"PostgreSQL not reachable at {sa.make_url(PG_URL)!r}: {exc.orig}")
    schema = "t_" + secrets.token_hex(6)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="module")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real server (`python -m sync_server serve`) on a free loopback port."""
    srv = Server(tmp_path_factory.mktemp("server") / "data", database_url)
    try:
        srv.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield srv
    finally:
        srv.close()
        srv.stop()


@pytest.fixture
def server(live_server: Server) -> Iterator[Server]:
    """The live server with an empty database (signing key kept)."""
    live_server.reset()
    start = live_server.log.stat().st_size
    yield live_server
    # Every error a test provokes must have been handled, none logged as a crash.
    with live_server.log.open("rb") as f:
        f.seek(start)
        new_log = f.read().decode(errors="replace")
    assert "Traceback" not in new_log, new_log[-4000:]


@pytest.fixture
def fake() -> Iterator[Any]:
    """A scripted stand-in for the server (`test_sync_client_rules.FakeServer`), stopped
    after the test."""
    from tests.integration.test_sync_client_rules import FakeServer

    srv = FakeServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(5)
