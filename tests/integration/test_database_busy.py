"""A database that stays locked past the server's wait is a 503 the tablet resends,
never a 500, and changes nothing (SQLite: another process holds the write lock)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from tests.conftest import person
from tests.integration.conftest import Server


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only: a write lock held from outside is SQLite's way of being busy."""
    yield f"sqlite:///{tmp_path_factory.mktemp('busy') / 'server.db'}"


def test_a_locked_database_is_503_and_the_resend_works(server: Server) -> None:
    token = server.pair()
    records = [person(i) for i in range(1, 6)]
    holder = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # e.g. a long maintenance job
        r = server.push(token, records)
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "5"
        assert r.json()["error"]["code"] == "busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert server.count("members") == 0
    assert all(res.outcome == "created" for res in server.push_results(token, records).values())
