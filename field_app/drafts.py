"""Saving drafts while the officer types: at most one write per pause in typing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class Debouncer:
    """Run `action` once, `delay` seconds after the last `poke()`.

    Runs on the app's event loop. The wait is cancelled by the next poke; the
    action itself is shielded, so a write that has started always completes (and
    the caller serialises writes, so an older snapshot never lands after a newer one).
    """

    def __init__(self, delay: float, action: Callable[[], Awaitable[None]]):
        self.delay = delay
        self.action = action
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        """Something changed: (re)start the wait. Without a running loop, do nothing
        (callers outside the app flush explicitly)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.cancel()
        self._task = loop.create_task(self._later())

    def cancel(self) -> None:
        """Forget a pending run (e.g. the form was just saved for good)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def flush(self) -> None:
        """Run now instead of later."""
        self.cancel()
        await self.action()

    async def _later(self) -> None:
        await asyncio.sleep(self.delay)
        self._task = None
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(self.action())
