"""Pushes to a SQLite file get the write lock in the order they asked, across workers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from sync_server.db import make_engine
from sync_server.services.write_queue import write_queue


def test_threads_get_their_turn_in_the_order_they_asked(tmp_path: Path) -> None:
    queue = write_queue(make_engine(f"sqlite:///{tmp_path / 'a.db'}"))
    order: list[int] = []
    holding = threading.Event()

    def first() -> None:
        with queue.turn():
            holding.set()
            time.sleep(0.3)  # the others queue up meanwhile, in a known order
            order.append(0)

    def later(i: int) -> None:
        with queue.turn():
            order.append(i)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait()
    for i in range(1, 9):
        t = threading.Thread(target=later, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.02)  # each asks after the one before
    for t in threads:
        t.join()
    assert order == list(range(9))


def test_a_turn_waits_for_another_worker_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from sync_server.db import make_engine\n"
            "from sync_server.services.write_queue import write_queue\n"
            f"with write_queue(make_engine({url!r})).turn():\n"
            "    print('holding', flush=True)\n"
            "    time.sleep(1.0)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    with write_queue(make_engine(url)).turn():
        waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited > 0.5, "the turn was taken while the other process held it"


def test_postgresql_and_memory_databases_need_no_queue() -> None:
    for url in ("postgresql+psycopg://root@127.0.0.1:5432/test", "sqlite://"):
        queue = write_queue(sa.create_engine(url))
        with queue.turn(), queue.turn():  # re-entering would deadlock a real queue
            pass
