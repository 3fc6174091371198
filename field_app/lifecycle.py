"""Android's lifecycle: what the app does when it comes and goes.

No background work runs once Android stops the app, so the moments it is shown again
are when to sync (autosync's `wake`), and the moment it goes to the background is the
last chance to keep what was being typed (the form's draft is written at once) and the
moment to lock the tablet once it is out of sight (hidden or paused: flush the draft,
then lock). Merely inactive (the notification shade, a system dialog such as the
camera permission) flushes the draft but does not lock: the officer is still there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

#: States in which the app is in front of the officer again.
SHOWN = frozenset({ft.AppLifecycleState.RESUME, ft.AppLifecycleState.SHOW})
#: States after which Android may stop the app without another word.
LEAVING = frozenset(
    {ft.AppLifecycleState.INACTIVE, ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE}
)
#: States in which the app is out of the officer's sight: the tablet locks.
HIDDEN = frozenset({ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE})


def lifecycle_handler(
    wake: asyncio.Event,
    on_leave: Callable[[], Awaitable[None]],
    on_hidden: Callable[[], Awaitable[None]] | None = None,
) -> Callable[[ft.AppLifecycleStateChangeEvent], Awaitable[None]]:
    """The page's `on_app_lifecycle_state_change` handler: shown again, wake the
    background sync; leaving, run `on_leave` (flush the draft), then, once hidden or
    paused, `on_hidden` (lock)."""

    async def on_change(e: ft.AppLifecycleStateChangeEvent) -> None:
        if e.state in SHOWN:
            wake.set()
        elif e.state in LEAVING:
            await on_leave()
            if on_hidden is not None and e.state in HIDDEN:
                await on_hidden()

    return on_change
