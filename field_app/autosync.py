"""Background sync while the app is open: try when there is work, back off when the
server cannot be reached, and try again at once when it can."""

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
) -> None:
    """Forever: when there is work, `attempt()` (True = success, None = skipped);
    sleep as the back-off says. Cancel the task to stop."""
    backoff = backoff or Backoff()
    while True:
        await asyncio.sleep(backoff.next_delay())
        if not has_work():
            continue
        ok = await attempt()
        if ok is None:
            continue
        if ok:
            backoff.succeeded()
        else:
            backoff.failed()
