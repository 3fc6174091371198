"""Pushes to a SQLite database: written in arrival order, several per commit.

SQLite has one write lock. Left to its busy handler (sleep and retry), a burst of
tablets is served in no order: a push can lose every retry to newer arrivals until its
busy timeout, and is answered 503. And each push committed alone writes every index
page it touched once per push: 500 records with random NIKs and record ids touch
nearly every leaf of each index, so a commit per batch wrote ~20 kB per record.

Here a push hands its database work to the process's queue and waits. The first
waiting thread becomes the leader: it takes every job queued so far (in arrival
order), takes the exclusive `flock` of a file beside the database (shared by every
server worker, so workers take turns), and runs the jobs in ONE transaction on its
own session, each in its own SAVEPOINT: a job that fails is rolled back alone and its
pusher gets the exception (ingest then isolates the bad record as before); the others
commit together, and each pusher gets its job's result. Meanwhile newer pushes queue
for the next group. A failed COMMIT fails every job of the group (a database outage:
answered 503, nothing stored, resent by the tablets).

PostgreSQL needs none of this: its row locks queue writers, batches touching other
members run at once, and it groups commits itself; a job runs and commits directly.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

T = TypeVar("T")
#: At most this many pushes share one commit (a group of 500-record batches).
MAX_GROUP = 16


class _Job(Generic[T]):
    def __init__(self, work: Callable[[Session], T]):
        self.work = work
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result


class WriteQueue:
    """Group commit of the pushes to one SQLite file (see the module docstring)."""

    def __init__(self, lock_path: str | None):
        self._path = lock_path
        self._cond = threading.Condition()
        self._pending: list[_Job[Any]] = []
        self._leading = False
        self._fd: int | None = None

    def run(self, session: Session, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in a committed transaction, possibly on another pusher's
        session together with theirs; its result, or the exception it raised."""
        if self._path is None:
            return _alone(session, work)
        job: _Job[T] = _Job(work)
        with self._cond:
            self._pending.append(job)
            while not job.done and self._leading:
                self._cond.wait()
            if job.done:
                return job.outcome()
            self._leading = True
            group, self._pending = self._pending[:MAX_GROUP], self._pending[MAX_GROUP:]
        try:
            self._commit_group(session, group)
        finally:
            with self._cond:
                self._leading = False
                for j in group:
                    j.done = True
                self._cond.notify_all()
        return job.outcome()

    def _commit_group(self, session: Session, group: list[_Job[Any]]) -> None:
        fd = self._file()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            for j in group:
                savepoint = session.begin_nested()
                try:
                    j.result = j.work(session)
                    savepoint.commit()
                except BaseException as exc:  # noqa: BLE001 - handed to its pusher
                    savepoint.rollback()
                    j.error = exc
            session.commit()
        except BaseException as exc:  # noqa: BLE001 - the commit failed: every job did
            session.rollback()
            for j in group:
                j.error = j.error or exc
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _file(self) -> int:
        # Opened once per process, by a leader only (one at a time): no race on _fd.
        if self._fd is None:
            assert self._path is not None
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd


def _alone(session: Session, work: Callable[[Session], T]) -> T:
    try:
        result = work(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


_queues: dict[str, WriteQueue] = {}
_queues_lock = threading.Lock()


def write_queue(engine: Engine) -> WriteQueue:
    """The queue of the database behind `engine` (jobs run alone unless a SQLite file)."""
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    key = os.path.abspath(path) if path and path != ":memory:" else ""
    with _queues_lock:
        if key not in _queues:
            _queues[key] = WriteQueue(key + "-writers.lock" if key else None)
        return _queues[key]
