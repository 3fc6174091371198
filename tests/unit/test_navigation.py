"""Screens on the view stack: back walks down it, and never drops a form being filled."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from field_app import navigation
from field_app.state import AppState
from field_app.store import Status, Store
from tests.conftest import person
from tests.unit.test_card_revoked_state import token_for


def paired_state(tmp_path: Path) -> AppState:
    store = Store(tmp_path / "tablet.db")
    store.set_settings(server_url="https://x.example", device_token="t", device_id="d")
    return AppState(store=store)


def test_each_screen_sits_on_the_one_it_came_from():
    assert navigation.stack("pair") == ["pair"]
    assert navigation.stack("home") == ["home"]
    assert navigation.stack("form") == ["home", "form"]
    assert navigation.stack("consent") == ["home", "form", "consent"]
    assert navigation.stack("card") == ["home", "card"]
    assert navigation.stack("verify") == ["home", "verify"]
    routes = [navigation.route_of(s) for s in navigation.ROUTES]
    assert len(set(routes)) == len(routes)  # one route per screen


def test_back_from_the_form_returns_home_with_the_draft_kept(tmp_path: Path):
    state = paired_state(tmp_path)

    async def run() -> None:
        state.flow.new_enrolment()
        state.flow.form.set("full_name", "Baiq Nurul")
        await navigation.back(state)

    asyncio.run(run())
    assert state.screen == "home"
    assert [d.title for d in state.home.drafts] == ["Baiq Nurul"]


def test_back_from_consent_returns_to_the_same_form(tmp_path: Path):
    state = paired_state(tmp_path)
    state.flow.new_enrolment()
    form = state.flow.form
    state.session.screen = "consent"
    asyncio.run(navigation.back(state))
    assert state.screen == "form" and state.flow.form is form


def test_back_from_a_card_or_the_card_check_returns_home(tmp_path: Path):
    state = paired_state(tmp_path)
    member = person(1)
    state.store.save_enrolments([member])
    token = token_for(11, member.full_name)
    state.store.record_outcomes([(member.client_id, 1, Status.SENT, "LT1", token, "[]")])
    state.open_card(state.store.get(member.client_id))
    assert state.screen == "card"
    asyncio.run(navigation.back(state))
    assert state.screen == "home"
    state.checker.open()
    asyncio.run(navigation.back(state))
    assert state.screen == "home"
    asyncio.run(navigation.back(state))  # home is a root: nothing beneath it
    assert state.screen == "home"


def test_the_browser_back_button_walks_down_to_the_route(tmp_path: Path):
    state = paired_state(tmp_path)

    async def run() -> None:
        state.flow.new_enrolment()
        state.flow.form.set("nik", "5203074508900001")
        state.session.screen = "consent"
        await navigation.follow_route(state, "/")
        assert state.screen == "home"
        state.checker.open()
        await navigation.follow_route(state, "/form")  # not beneath: left alone
        assert state.screen == "verify"

    asyncio.run(run())
    assert len(state.home.drafts) == 1


def test_the_back_gesture_pops_the_form_and_keeps_its_draft(tmp_path: Path):
    state = paired_state(tmp_path)
    page = SimpleNamespace()
    navigation.install(page, state)

    async def run() -> None:
        state.flow.new_enrolment()
        state.flow.form.set("full_name", "Lalu Ahmad")
        await page.on_view_pop(SimpleNamespace(route="/form", view=None))
        assert state.screen == "home"
        state.checker.open()
        await page.on_route_change(SimpleNamespace(route="/"))
        assert state.screen == "home"

    asyncio.run(run())
    assert [d.title for d in state.home.drafts] == ["Lalu Ahmad"]
