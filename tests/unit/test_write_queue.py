"""Pushes to a SQLite file are written in arrival order, several per commit, each alone
in its savepoint, and take turns with the other worker processes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from sync_server.db import make_engine
from sync_server.services.write_queue import write_queue


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (i INTEGER UNIQUE)")
    return engine


def _insert(i: int, order: list[int]):
    def work(session: Session) -> int:
        session.execute(sa.text("INSERT INTO t (i) VALUES (:i)"), {"i": i})
        order.append(i)
        return i * 10

    return work


def _stored(engine: sa.Engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT i FROM t ORDER BY rowid")]


def test_pushes_are_written_in_arrival_order_and_grouped(engine: sa.Engine) -> None:
    queue = write_queue(engine)
    order: list[int] = []
    results: dict[int, int] = {}
    sessions: dict[int, tuple[Session, Session]] = {}
    holding, release = threading.Event(), threading.Event()

    def slow_first(session: Session) -> int:
        holding.set()
        release.wait(5)  # the others queue up meanwhile, in a known order
        return _insert(0, order)(session)

    def push(i: int) -> None:
        with Session(engine) as own:
            seen: list[Session] = []

            def work(session: Session) -> int:
                seen.append(session)
                return _insert(i, order)(session)

            results[i] = queue.run(own, slow_first if i == 0 else work)
            if seen:
                sessions[i] = (own, seen[0])

    threads = [threading.Thread(target=push, args=(0,))]
    threads[0].start()
    holding.wait(5)
    for i in range(1, 9):
        threads.append(threading.Thread(target=push, args=(i,)))
        threads[-1].start()
        time.sleep(0.02)  # each asks after the one before
    release.set()
    for t in threads:
        t.join()
    assert order == list(range(9)) == _stored(engine)
    assert results == {i: i * 10 for i in range(9)}
    # The eight that queued behind the first were written by one leader, on its session.
    leaders = {id(ran) for own, ran in sessions.values() if ran is not own}
    assert len(leaders) == 1 and len(sessions) == 8


def test_a_failing_push_is_rolled_back_alone(engine: sa.Engine) -> None:
    queue = write_queue(engine)
    order: list[int] = []
    with Session(engine) as session:
        assert queue.run(session, _insert(1, order)) == 10
    errors: dict[int, str] = {}
    holding, release = threading.Event(), threading.Event()

    def blocker(session: Session) -> int:
        holding.set()
        release.wait(5)
        return _insert(2, order)(session)

    def push(i: int, work) -> None:  # noqa: ANN001
        with Session(engine) as own:
            try:
                queue.run(own, work)
            except sa.exc.IntegrityError:
                errors[i] = "duplicate"

    first = threading.Thread(target=push, args=(2, blocker))
    first.start()
    holding.wait(5)
    rest = [
        threading.Thread(target=push, args=(i, _insert(v, order)))
        for i, v in ((3, 3), (4, 1), (5, 5))  # 1 is already stored: its push fails
    ]
    for t in rest:
        t.start()
        time.sleep(0.02)
    release.set()
    for t in [first, *rest]:
        t.join()
    assert errors == {4: "duplicate"}
    assert _stored(engine) == [1, 2, 3, 5]


def test_a_push_waits_for_another_worker_process(tmp_path: Path, engine: sa.Engine) -> None:
    url = str(engine.url)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from sqlmodel import Session\n"
            "from sync_server.db import make_engine\n"
            "from sync_server.services.write_queue import write_queue\n"
            f"engine = make_engine({url!r})\n"
            "def work(session):\n"
            "    print('holding', flush=True)\n"
            "    time.sleep(1.0)\n"
            "with Session(engine) as s:\n"
            "    write_queue(engine).run(s, work)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    with Session(engine) as session:
        write_queue(engine).run(session, _insert(7, []))
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited > 0.5, "written while the other process held the turn"
    assert _stored(engine) == [7]


def test_postgresql_and_memory_databases_run_each_push_alone() -> None:
    for url in ("postgresql+psycopg://root@127.0.0.1:5432/test", "sqlite://"):
        engine = sa.create_engine(url)
        got: list[int] = []

        def nested(session: Session, engine: sa.Engine = engine) -> int:
            # A push inside a push: a real queue's leader would wait for itself here.
            return write_queue(engine).run(session, lambda s: 1) + 1

        def push(engine: sa.Engine = engine, got: list[int] = got) -> None:
            with Session(engine) as session:
                got.append(write_queue(engine).run(session, nested))

        t = threading.Thread(target=push, daemon=True)
        t.start()
        t.join(10)
        assert got == [2], url
