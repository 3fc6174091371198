"""Background sync while the app is open: try at start and whenever there is work, back
off when the server cannot be reached, and try again at once when the app is woken
(brought back to the foreground). Android runs no background work once the app is
closed, so these moments are the only chances to send."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Exponential back-off with full jitter: after n failures wait up to base * 2**n."""

    base: float = 10.0
    cap: float = 600.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt."""
        if self.failures == 0:
            return self.base
        ceiling = min(self.cap, self.base * 2**self.failures)
        return self.rng.uniform(self.base / 2, ceiling)

    def failed(self) -> None:
        """Count a failed attempt."""
        self.failures += 1

    def succeeded(self) -> None:
        """Reset after a successful attempt."""
        self.failures = 0


async def run(
    attempt: Callable[[], Awaitable[bool | None]],
    has_work: Callable[[], bool],
    backoff: Backoff | None = None,
    wake: asyncio.Event | None = None,
) -> None:
    """Forever: when there is work, `attempt()` (True = success, None = skipped);
    sleep as the back-off says. The first look is at once (the app just started), and
    setting `wake` (the app came back to the foreground, the network returned) cuts a
    sleep short. Cancel the task to stop."""
    backoff = backoff or Backoff()
    first = True
    while True:
        if not first:
            await _sleep(backoff.next_delay(), wake)
        first = False
        if not has_work():
            continue
        ok = await attempt()
        if ok is None:
            continue
        if ok:
            backoff.succeeded()
        else:
            backoff.failed()


async def _sleep(delay: float, wake: asyncio.Event | None) -> None:
    """Sleep `delay` seconds, or less if `wake` is set meanwhile (then clear it)."""
    if wake is None:
        await asyncio.sleep(delay)
        return
    try:
        await asyncio.wait_for(wake.wait(), delay)
    except TimeoutError:
        return
    wake.clear()
