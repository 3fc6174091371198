"""The root component: the view stack for the current screen, one view per route."""

from __future__ import annotations

import asyncio

import flet as ft

from field_app import navigation
from field_app.features.enrolment_form import FormFlow
from field_app.session import Session
from field_app.state import AppState
from field_app.views.attendance_view import AttendanceView
from field_app.views.card_view import CardView
from field_app.views.consent_view import ConsentView
from field_app.views.education_view import SessionsView
from field_app.views.form_view import FormView
from field_app.views.home_view import HomeView
from field_app.views.pair_view import PairView
from field_app.views.sign_in_view import AddOfficerView, SignInView
from field_app.views.umkm_view import UmkmView
from field_app.views.verify_view import VerifyView


def _screen(state: AppState, screen: str) -> ft.Control:
    """One screen, given the observables it shows (each re-renders it when it changes)."""
    session, flow = state.session, state.flow
    if screen == "sign_in":
        return SignInView(session, state.sign_in, state.unlock)
    if screen == "add_officer":
        first = not state.store.protected
        return AddOfficerView(session, state.new_officer, state.add_officer, first, state.go_home)
    if screen == "pair":
        return PairView(session)
    if screen == "form":
        return FormView(flow, session, flow.form)
    if screen == "consent":
        return ConsentView(flow, session, flow.form)
    if screen == "card":
        return CardView(session, state.card, state.go_home)
    if screen == "verify":
        return VerifyView(session, state.checker, state.go_home)
    if screen == "sessions":
        return SessionsView(session, state.education, state.go_home)
    if screen == "attendance":
        return AttendanceView(session, state.education, state.enrol_guest)
    if screen == "umkm":
        return UmkmView(session, state.umkm, state.go_home)
    return HomeView(state, session, state.home)


@ft.component
def App(state: AppState, session: Session, flow: FormFlow) -> list[ft.View]:
    """One view per screen on the stack (home under the form, the form under consent),
    so the back gesture pops to the screen beneath; the address follows the screen.
    Re-rendered when the session changes screen or the flow opens another form."""
    page = ft.context.page

    def show_route() -> None:
        route = navigation.route_of(session.screen)
        if page.route != route:
            asyncio.create_task(page.push_route(route))

    ft.on_updated(show_route, [session.screen])
    return [
        ft.View(
            route=navigation.route_of(screen),
            controls=[_screen(state, screen)],
            padding=0,
            key=screen,
        )
        for screen in navigation.stack(session.screen)
    ]
