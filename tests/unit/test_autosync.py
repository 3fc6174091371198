"""Back-off with jitter, and the background loop's decisions."""

from __future__ import annotations

import asyncio
import random

from field_app.autosync import Backoff, run


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    b = Backoff(base=10, cap=600, rng=random.Random(1))
    assert b.next_delay() == 10
    ceilings = []
    for n in range(1, 10):
        b.failed()
        d = b.next_delay()
        ceiling = min(600, 10 * 2**n)
        assert 5 <= d <= ceiling
        ceilings.append(ceiling)
    assert ceilings[-1] == 600
    delays = {Backoff(base=10, failures=3, rng=random.Random(s)).next_delay() for s in range(5)}
    assert len(delays) == 5  # jitter: tablets do not retry in lockstep
    b.succeeded()
    assert b.next_delay() == 10


def test_loop_attempts_only_with_work_and_backs_off_on_failure():
    outcomes = [False, False, True]
    calls = []

    async def attempt():
        calls.append(backoff.failures)
        return outcomes.pop(0) if outcomes else None

    backoff = Backoff(base=0.001, cap=0.01)
    work = iter([False, True, True, True, True, True])

    async def main():
        task = asyncio.create_task(run(attempt, lambda: next(work, False), backoff))
        await asyncio.sleep(0.3)
        task.cancel()

    asyncio.run(main())
    assert calls[:3] == [0, 1, 2]  # two failures counted before the success
    assert backoff.failures == 0


def test_the_first_look_is_at_once_and_a_wake_cuts_the_sleep_short():
    calls = []

    async def attempt():
        calls.append(asyncio.get_running_loop().time())
        return True

    async def main():
        wake = asyncio.Event()
        start = asyncio.get_running_loop().time()
        task = asyncio.create_task(run(attempt, lambda: True, Backoff(base=30), wake))
        await asyncio.sleep(0.05)
        assert len(calls) == 1 and calls[0] - start < 1  # no 30 s wait at start
        wake.set()  # e.g. the app resumed
        await asyncio.sleep(0.05)
        assert len(calls) == 2 and not wake.is_set()
        await asyncio.sleep(0.05)
        assert len(calls) == 2  # back to sleeping the back-off's 30 s
        task.cancel()

    asyncio.run(main())
