"""Screens as routes on Flet's view stack, and the way back through them.

Each screen has a route; the views on the page are the screens under the current one
(home under the form, the form under consent), so Android's back gesture and the
browser's back button walk back through them. Back from the form returns home and
keeps what was typed as a draft: nothing being filled is ever dropped.
Plain Python over the app state: no page needed to test it.
"""

from __future__ import annotations

from typing import Any

from field_app.state import AppState

ROUTES = {
    "sign_in": "/sign-in",
    "pair": "/pair",
    "home": "/",
    "form": "/form",
    "consent": "/form/consent",
    "card": "/card",
    "verify": "/verify",
    "add_officer": "/officers/new",
    "sessions": "/sessions",
    "attendance": "/sessions/attendance",
    "umkm": "/umkm",
}
SCREENS = {route: screen for screen, route in ROUTES.items()}
# The screen each one sits on (what back returns to); sign_in, pair and home are roots.
_PARENT = {
    "form": "home",
    "consent": "form",
    "card": "home",
    "verify": "home",
    "add_officer": "home",
    "sessions": "home",
    "attendance": "sessions",
    "umkm": "home",
}


def stack(screen: str) -> list[str]:
    """The screens on the view stack while `screen` shows, bottom first."""
    screens = [screen]
    while screens[0] in _PARENT:
        screens.insert(0, _PARENT[screens[0]])
    return screens


def route_of(screen: str) -> str:
    """The route that shows `screen`."""
    return ROUTES[screen]


async def back(state: AppState) -> None:
    """One step back: consent → form, form → home (the draft kept), a session's
    attendance → the sessions, card/verify/new officer/sessions/UMKM follow-up → home.
    On a root screen (sign-in, pairing, home) nothing happens."""
    screen = state.session.screen
    if state.session.busy:
        return  # pairing or a tapped sync is under way: its outcome lands on this screen
    if screen == "form":
        await state.flow.leave_form()
    elif screen == "consent":
        state.flow.back_to_form()
    elif screen == "attendance":
        state.education.back_to_list()
    elif screen in _PARENT:
        state.flow.go_home()


async def follow_route(state: AppState, route: str) -> None:
    """The route changed outside the app (the browser's back button): walk back to it
    if it is a screen under the current one; any other route is left alone, because a
    form or card cannot be rebuilt from its address."""
    target = SCREENS.get(route)
    for _ in range(len(ROUTES)):  # never more steps than there are screens
        if target not in stack(state.session.screen)[:-1] or state.session.busy:
            return
        await back(state)


def install(page: Any, state: AppState) -> None:
    """Make Android's back gesture (it pops the top view: `on_view_pop`) and the
    browser's back button (it changes the route) step back through the screens.
    The handlers are coroutine functions: Flet awaits only those."""

    async def view_pop(e: Any) -> None:
        await back(state)

    async def route_change(e: Any) -> None:
        await follow_route(state, e.route)

    page.on_view_pop = view_pop
    page.on_route_change = route_change
