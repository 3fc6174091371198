"""Entry point of the field app: open the local store and render the app.

Run `python -m field_app.main` (desktop window, or a browser tab where there is
no desktop; `FLET_FORCE_WEB_SERVER=1` forces web mode). In web mode the app listens on
127.0.0.1 only: whoever reaches it can read and enrol as the paired officer, so
opening it to the network takes an explicit `FLET_SERVER_IP=0.0.0.0`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from typing import Any

import flet as ft

from field_app import autosync, navigation
from field_app.features.sign_in import IdleLock, idle_seconds
from field_app.lifecycle import lifecycle_handler
from field_app.platform_secret import adopt_platform_secret
from field_app.state import AppState, data_dir
from field_app.store import Store
from field_app.views.app_view import App

DEFAULT_WEB_HOST = "127.0.0.1"
_store: Store | None = None


def _shared_store() -> Store:
    # One connection per process: web mode serves many sessions from one process.
    global _store
    if _store is None:
        _store = Store(os.path.join(data_dir(), "field_app.db"))
    return _store


def main(page: ft.Page) -> None:
    """Set up one app session on `page`."""
    page.title = "Pendaftaran BPJS-TK Lombok Timur"
    page.theme = ft.Theme(color_scheme_seed=ft.Colors.GREEN)
    page.theme_mode = ft.ThemeMode.LIGHT
    page.padding = 0
    state = AppState(store=_shared_store())
    # On Android the Keystore's secret joins the PIN in every officer's key (ms, before
    # any PIN can be typed).
    page.run_task(adopt_platform_secret, page, state.store)
    navigation.install(page, state)  # the back gesture walks the view stack
    page.render_views(App, state, state.session, state.flow)
    # Sync at start, in the background whenever records wait and the server answers,
    # and at once when the app comes back to the foreground.
    wake = asyncio.Event()
    state.wake = wake
    task = page.run_task(autosync.run, state.auto_sync, state.has_pending, None, wake)
    # Going to the background writes the draft and locks; so do minutes without a tap.
    page.on_app_lifecycle_state_change = lifecycle_handler(wake, state.flow.flush_draft, state.lock)
    idle = IdleLock(idle_seconds(), state.lock)
    watch_events(page, idle.touch)
    idle_task = page.run_task(idle.run)

    def stop(e: object) -> None:
        task.cancel()
        idle_task.cancel()

    page.on_disconnect = stop


def watch_events(page: ft.Page, touched: Callable[[], None]) -> None:
    """Call `touched` before each event the officer causes (a tap, typing, back), so the
    idle lock counts from the last one. Flet has no page-wide hook for this: the
    session's dispatcher of control events is wrapped (lifecycle changes excluded)."""
    session = page.session
    dispatch = session.dispatch_event

    async def dispatch_touched(control_id: int, event_name: str, event_data: Any) -> None:
        if event_name not in _NOT_THE_OFFICER:
            touched()
        await dispatch(control_id, event_name, event_data)

    session.dispatch_event = dispatch_touched


_NOT_THE_OFFICER = frozenset({"app_lifecycle_state_change", "connect", "disconnect", "close"})


def web_host(environ: Mapping[str, str] | None = None) -> str:
    """The address web mode binds to: FLET_SERVER_IP, else loopback only (Flet's own
    default would listen on every interface)."""
    env = os.environ if environ is None else environ
    return env.get("FLET_SERVER_IP", "").strip() or DEFAULT_WEB_HOST


def run() -> None:
    """Start the app; web mode serves the assets locally (no CDN: works offline)."""
    ft.run(
        main,
        assets_dir=os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets"),
        no_cdn=True,
        host=web_host(),
        port=int(os.environ.get("FLET_SERVER_PORT", "8550")),
    )


if __name__ == "__main__":
    run()
