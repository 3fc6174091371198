"""What the app does when Android shows it again or sends it to the background."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import flet as ft

from field_app.lifecycle import lifecycle_handler


def test_shown_wakes_the_sync_and_leaving_flushes_the_draft() -> None:
    left = []

    async def on_leave() -> None:
        left.append(True)

    async def main() -> None:
        wake = asyncio.Event()
        handle = lifecycle_handler(wake, on_leave)
        await handle(SimpleNamespace(state=ft.AppLifecycleState.PAUSE))
        assert left == [True] and not wake.is_set()
        await handle(SimpleNamespace(state=ft.AppLifecycleState.RESUME))
        assert wake.is_set() and left == [True]
        wake.clear()
        await handle(SimpleNamespace(state=ft.AppLifecycleState.DETACH))
        assert left == [True] and not wake.is_set()  # detached: nothing left to do

    asyncio.run(main())
