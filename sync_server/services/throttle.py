"""Lockout with back-off: failed attempts counted per key, and a growing wait once a key
has failed too often (sign-in per account and per address, pairing per address and for
everyone together).

An attempt is *charged* before the expensive or secret check runs (a password's argon2,
a pairing code's lookup) and *forgiven* if it succeeds. Charging first means a burst
of parallel guesses is counted one by one under the database's lock, so no more than
`limit` of them get through before the wait starts. Counters live in the database
(`throttles`), so every worker process and a restart see the same ones.

Reading whether a key is blocked (`blocked_for`) needs no write, so a flood of refused
attempts costs only reads: on SQLite it never takes the write lock tablets need.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.db import dialect_insert, read_session
from sync_server.models import Throttle, utcnow

_T = Throttle.__table__  # type: ignore[attr-defined]
# Keys nobody has failed with for this long are deleted (past every policy's forget_after),
# swept by about one charge in SWEEP_ONE_IN so a flood of new names cannot grow the table
# without end.
STALE_AFTER = timedelta(days=2)
SWEEP_ONE_IN = 100


@dataclass(frozen=True)
class Policy:
    """How many failures a key may have, and how long it then waits."""

    limit: int  # failures allowed before the first wait
    first_wait: timedelta  # the wait after `limit` failures; doubles with each one more
    max_wait: timedelta
    forget_after: timedelta  # a key with no failure for this long starts again from zero

    def wait_after(self, failures: int) -> timedelta:
        """The wait once a key has `failures` failures (zero below the limit)."""
        if failures < self.limit:
            return timedelta(0)
        doublings = min(failures - self.limit, 30)  # 2**30 × anything is past max_wait
        return min(self.first_wait * (2**doublings), self.max_wait)


@dataclass(frozen=True)
class Charge:
    """The outcome of charging an attempt: refused for `wait` seconds, or let through;
    `locked` names the keys this very attempt locked (for the audit log)."""

    wait: int = 0
    locked: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """True when the attempt must not go ahead."""
        return self.wait > 0


def blocked_for(session: Session, keys: Iterable[str], now: datetime | None = None) -> int:
    """Seconds until every one of `keys` may try again (0: none is blocked). Read only."""
    now = now or utcnow()
    until = session.execute(
        sa.select(sa.func.max(_T.c.blocked_until)).where(
            _T.c.key.in_(list(keys)), _T.c.blocked_until > now
        )
    ).scalar_one_or_none()
    return _seconds(until - now) if until else 0


def charge(session: Session, keys: dict[str, Policy], now: datetime | None = None) -> Charge:
    """Count one failed attempt against each key, unless one of them is blocked already
    (then nothing is counted and the attempt is refused). The caller commits."""
    now = now or utcnow()
    if random.randrange(SWEEP_ONE_IN) == 0:
        sweep(session, now)
    rows = _lock_rows(session, sorted(keys), now)
    waits = [
        r.blocked_until - now for r in rows.values() if r.blocked_until and r.blocked_until > now
    ]
    if waits:
        return Charge(wait=_seconds(max(waits)))
    locked = []
    for key in sorted(keys):
        row, policy = rows[key], keys[key]
        fresh = now - row.last_failure_at > policy.forget_after
        failures = 1 if fresh else row.failures + 1
        wait = policy.wait_after(failures)
        if wait:
            locked.append(key)
        session.execute(
            sa.update(_T)
            .where(_T.c.key == key)
            .values(
                failures=failures, last_failure_at=now, blocked_until=now + wait if wait else None
            )
        )
    return Charge(locked=tuple(locked))


def attempt(engine: sa.Engine, session: Session, keys: dict[str, Policy]) -> Charge:
    """Let one attempt through the lockout, as sign-in and pairing both do: a key that is
    blocked already is refused after a read in a deferred transaction (a refused flood
    costs no write, nor SQLite's write lock); otherwise the attempt is charged on
    `session` (the caller commits the charge before the slow or secret check runs)."""
    with read_session(engine) as reader:
        wait = blocked_for(reader, keys)
    if wait:
        return Charge(wait=wait)
    return charge(session, keys)


def sweep(session: Session, now: datetime | None = None) -> int:
    """Delete keys with no failure for STALE_AFTER and no wait running; returns how many."""
    now = now or utcnow()
    stale = sa.delete(_T).where(
        _T.c.last_failure_at < now - STALE_AFTER,
        sa.or_(_T.c.blocked_until.is_(None), _T.c.blocked_until < now),
    )
    return session.execute(stale).rowcount


def forgive(session: Session, keys: dict[str, Policy], *, reset: Iterable[str] = ()) -> None:
    """Undo one charge of each key after the attempt succeeded, and forget `reset` keys
    altogether (an account's own count ends with its correct password). Caller commits."""
    reset = list(reset)
    if reset:
        session.execute(sa.delete(_T).where(_T.c.key.in_(reset)))
    for key in sorted(set(keys) - set(reset)):
        row = session.execute(sa.select(_T).where(_T.c.key == key)).first()
        if row is None:
            continue
        failures = max(row.failures - 1, 0)
        still = keys[key].wait_after(failures)
        session.execute(
            sa.update(_T)
            .where(_T.c.key == key)
            .values(failures=failures, blocked_until=row.blocked_until if still else None)
        )


def _lock_rows(session: Session, keys: list[str], now: datetime) -> dict[str, sa.Row]:
    """The rows of `keys`, created if missing, locked for this transaction (PostgreSQL:
    FOR UPDATE, in key order so two attempts cannot deadlock; SQLite: BEGIN IMMEDIATE
    holds the whole database already)."""
    insert = dialect_insert(session)(_T).on_conflict_do_nothing(index_elements=["key"])
    session.execute(
        insert,
        [{"key": k, "failures": 0, "last_failure_at": now, "blocked_until": None} for k in keys],
    )
    found = session.execute(
        sa.select(_T).where(_T.c.key.in_(keys)).order_by(_T.c.key).with_for_update()
    ).all()
    return {r.key: r for r in found}


def _seconds(delta: timedelta) -> int:
    """Whole seconds, rounded up: a wait of 0.2 s is still a wait."""
    return max(1, int(-(-delta.total_seconds() // 1)))
