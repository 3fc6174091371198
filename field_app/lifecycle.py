"""Android's lifecycle: what the app does when it comes and goes.

No background work runs once Android stops the app, so the moments it is shown again
are when to sync (autosync's `wake`), and the moment it goes to the background is the
last chance to keep what was being typed (the form's draft is written at once).
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


def lifecycle_handler(
    wake: asyncio.Event, on_leave: Callable[[], Awaitable[None]]
) -> Callable[[ft.AppLifecycleStateChangeEvent], Awaitable[None]]:
    """The page's `on_app_lifecycle_state_change` handler: shown again, wake the
    background sync; leaving, run `on_leave` (flush the draft; later, lock)."""

    async def on_change(e: ft.AppLifecycleStateChangeEvent) -> None:
        if e.state in SHOWN:
            wake.set()
        elif e.state in LEAVING:
            await on_leave()

    return on_change
