"""The root component: picks the screen the state asks for."""

from __future__ import annotations

import flet as ft

from field_app.state import AppState
from field_app.views.card_view import CardView
from field_app.views.consent_view import ConsentView
from field_app.views.form_view import FormView
from field_app.views.home_view import HomeView
from field_app.views.pair_view import PairView
from field_app.views.verify_view import VerifyView

_SCREENS = {"pair": PairView, "home": HomeView, "card": CardView, "verify": VerifyView}


@ft.component
def App(state: AppState) -> ft.Control:
    """Render the current screen."""
    # The form is an observable of its own: pass it so its changes re-render the screen.
    if state.screen == "form":
        return FormView(state, state.form)
    if state.screen == "consent":
        return ConsentView(state, state.form)
    return _SCREENS[state.screen](state)
