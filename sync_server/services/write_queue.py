"""Pushes to a SQLite database take its one write lock in the order they asked for it.

SQLite's own busy handler sleeps and retries: under a burst of tablets a writer can
lose every retry to newer arrivals until its busy timeout, and is answered 503. Here
each push waits its turn instead: first in a FIFO queue of this process's threads,
then, for the process's head of queue, on an exclusive `flock` of a file beside the
database, shared by every server worker. A push thus waits about (pushes ahead of it)
x (one batch's write time), never a timeout, and the database lock it then takes
(BEGIN IMMEDIATE) is free but for the rare desk writer.

PostgreSQL needs none of this: its row locks queue writers, and batches touching
different members run at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine


class _FifoLock:
    """A lock that threads get in the order they asked for it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()

    def acquire(self) -> object:
        me = object()
        with self._cond:
            self._queue.append(me)
            self._cond.wait_for(lambda: self._queue[0] is me)
        return me

    def release(self, me: object) -> None:
        with self._cond:
            assert self._queue[0] is me
            self._queue.popleft()
            self._cond.notify_all()


class WriteQueue:
    """The turn of one push at the database's write lock (see the module docstring)."""

    def __init__(self, lock_path: str | None):
        self._path = lock_path
        self._local = _FifoLock()
        self._fd: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this thread's turn to write; the turn ends when the block does."""
        if self._path is None:
            yield
            return
        me = self._local.acquire()
        try:
            fd = self._file()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._local.release(me)

    def _file(self) -> int:
        # Opened once per process, by the head of the queue only: no race on _fd.
        if self._fd is None:
            assert self._path is not None
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd


_queues: dict[str, WriteQueue] = {}
_queues_lock = threading.Lock()


def write_queue(engine: Engine) -> WriteQueue:
    """The queue of the database behind `engine` (a no-op one unless a SQLite file)."""
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    key = os.path.abspath(path) if path and path != ":memory:" else ""
    with _queues_lock:
        if key not in _queues:
            _queues[key] = WriteQueue(key + "-writers.lock" if key else None)
        return _queues[key]
