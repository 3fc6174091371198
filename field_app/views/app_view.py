"""The root component: the view stack for the current screen, one view per route."""

from __future__ import annotations

import asyncio

import flet as ft

from field_app import navigation
from field_app.state import AppState
from field_app.views.card_view import CardView
from field_app.views.consent_view import ConsentView
from field_app.views.form_view import FormView
from field_app.views.home_view import HomeView
from field_app.views.pair_view import PairView
from field_app.views.verify_view import VerifyView

_SCREENS = {"pair": PairView, "home": HomeView, "card": CardView, "verify": VerifyView}


def _screen(state: AppState, screen: str) -> ft.Control:
    # The form is an observable of its own: pass it so its changes re-render the screen.
    if screen == "form":
        return FormView(state, state.form)
    if screen == "consent":
        return ConsentView(state, state.form)
    return _SCREENS[screen](state)


@ft.component
def App(state: AppState) -> list[ft.View]:
    """One view per screen on the stack (home under the form, the form under consent),
    so the back gesture pops to the screen beneath; the address follows the screen."""
    page = ft.context.page

    def show_route() -> None:
        route = navigation.route_of(state.screen)
        if page.route != route:
            asyncio.create_task(page.push_route(route))

    ft.on_updated(show_route, [state.screen])
    return [
        ft.View(
            route=navigation.route_of(screen),
            controls=[_screen(state, screen)],
            padding=0,
            key=screen,
        )
        for screen in navigation.stack(state.screen)
    ]
