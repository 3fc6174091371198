"""The server killed (SIGKILL) in the middle of a large push: nothing lost, nothing twice.

Several tablets push 20 batches of 500; the server process is killed as soon as
the first reply is in, so other batches are mid-transaction or not yet sent. It is
restarted on the same port and database, every batch without a reply is sent
again, and then every record must be on the server exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from enrolment.protocol import decode_push_reply
from enrolment.records import Enrolment
from tests.conftest import person, person_name
from tests.live import ServerProcess

BATCHES, BATCH, DEVICES = 20, 500, 4


def people(n: int) -> list[Enrolment]:
    """`n` valid enrolments with distinct NIKs (the 4-digit serial runs out at 9999)."""
    return [person(1 + i % 9000, day=1 + i // 9000, name=person_name(i)) for i in range(n)]


@pytest.fixture
def killable(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own (this test kills it), on the module's fresh database."""
    srv = ServerProcess(tmp_path / "server", database_url).start()
    yield srv
    srv.stop()


def count(database_url: str, sql: str) -> int:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_sigkill_mid_push_loses_nothing_and_duplicates_nothing(killable: ServerProcess) -> None:
    tokens = [killable.pair(f"tablet-{i}") for i in range(DEVICES)]
    records = people(BATCHES * BATCH)
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    replies: dict[int, list[str]] = {}  # batch -> outcomes, for batches that got a reply
    first_reply = threading.Event()

    def send(k: int) -> None:
        try:
            r = killable.push(tokens[k % DEVICES], batches[k], gz=True)
        except httpx.HTTPError:
            return  # no reply: the tablet keeps the batch pending and resends it later
        if r.status_code == 200:
            replies[k] = [res.outcome for res in decode_push_reply(r.json(), batches[k])]
            first_reply.set()

    with ThreadPoolExecutor(DEVICES) as pool:
        futures = [pool.submit(send, k) for k in range(BATCHES)]
        assert first_reply.wait(120), "no batch was answered before the kill"
        killable.kill()  # mid-push: the other threads' batches are in flight or queued
        for f in futures:
            f.result()
    unanswered = [k for k in range(BATCHES) if k not in replies]
    assert unanswered, "the kill came too late to test anything"
    for outcomes in replies.values():
        assert set(outcomes) == {"created"}

    killable.start()  # same port, same database
    for k in unanswered:
        r = killable.push(tokens[k % DEVICES], batches[k], gz=True)
        assert r.status_code == 200, r.text
        outcomes = {res.outcome for res in decode_push_reply(r.json(), batches[k])}
        # A batch is one transaction: it was committed before the kill or not at all.
        assert outcomes in ({"created"}, {"duplicate"}), outcomes

    url = killable.database_url
    n = len(records)
    assert count(url, "SELECT count(*) FROM submissions") == n
    assert count(url, "SELECT count(DISTINCT client_id) FROM submissions") == n
    assert count(url, "SELECT count(*) FROM members") == n
    assert count(url, "SELECT count(*) FROM cards") == n
