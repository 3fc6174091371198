"""Officer sign-in on the tablet (issue 12, part 2, the screens' logic): the PIN at
pairing, unlocking with back-off shown, locking on idle, on leaving and on the button,
a form kept as a draft across the lock, another officer added."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import flet as ft
import pytest

from field_app import navigation, sync_client
from field_app.features import pairing
from field_app.features.sign_in import IdleLock, idle_seconds, pin_problem, wait_text
from field_app.i18n import t
from field_app.lifecycle import lifecycle_handler
from field_app.state import AppState
from field_app.store import Locked, Store
from field_app.vault import KdfParams
from tests.conftest import person

pytestmark = pytest.mark.own_keys
FAST = KdfParams(n=2**10)
PIN = "135790"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def open_store(path: Path, clock: Clock | None = None) -> Store:
    return Store(path, kdf=FAST, clock=clock or Clock())


def protected_tablet(tmp_path: Path, clock: Clock | None = None) -> tuple[Store, str]:
    """A paired tablet with officer Siti and one saved record, reopened (locked)."""
    store = open_store(tmp_path / "tablet.db")
    siti = store.add_officer("Siti", PIN)
    store.set_settings(server_url="https://x.example", device_token="t", device_id="d")
    store.save_enrolment(person(1, name="Baiq Nurul"))
    store.close()
    return open_store(tmp_path / "tablet.db", clock), siti.officer_id


def test_a_protected_tablet_starts_locked_at_the_sign_in_screen_and_shows_nothing(tmp_path):
    store, siti = protected_tablet(tmp_path)
    state = AppState(store)  # built before anyone unlocks: must not read personal data
    assert store.locked and state.screen == "sign_in"
    assert state.home.records == [] and state.home.drafts == [] and not state.has_pending()
    assert [o.name for o in state.sign_in.officers] == ["Siti"]
    assert state.sign_in.officer_id == siti  # the only officer is picked already
    assert asyncio.run(state.auto_sync()) is None  # background sync waits for an unlock


def test_a_wrong_pin_is_refused_and_the_right_one_goes_home_with_the_records(tmp_path):
    store, _ = protected_tablet(tmp_path)
    state = AppState(store)
    state.sign_in.set_pin("000000")
    asyncio.run(state.unlock())
    assert state.screen == "sign_in" and store.locked
    assert state.sign_in.error == t("pin_wrong", "id") and state.sign_in.pin == ""
    state.sign_in.set_pin(PIN)
    asyncio.run(state.unlock())
    assert not store.locked and state.screen == "home"
    assert state.message == t("signed_in", "id", name="Siti")
    assert [i.record.full_name for i in state.home.records] == ["Baiq Nurul"]
    assert state.has_pending() and state.officer_name == "Siti"


def test_wrong_pins_back_off_and_the_screen_says_how_long(tmp_path):
    clock = Clock()
    store, _ = protected_tablet(tmp_path, clock)
    state = AppState(store)
    for _ in range(2):
        state.sign_in.set_pin("111111")
        asyncio.run(state.unlock())
        assert state.sign_in.error == t("pin_wrong", "id")
    state.sign_in.set_pin("111111")
    asyncio.run(state.unlock())  # the 3rd wrong one: 30 s to wait
    assert state.sign_in.error == t("pin_wrong_wait", "id", wait=t("wait_seconds", "id", n=30))
    clock.now += 10
    state.sign_in.set_pin(PIN)  # even the right PIN waits: it is not checked
    asyncio.run(state.unlock())
    assert state.sign_in.error == t("pin_blocked", "id", wait=t("wait_seconds", "id", n=20))
    assert store.locked
    clock.now += 20
    state.sign_in.set_pin(PIN)
    asyncio.run(state.unlock())
    assert not store.locked and state.screen == "home"


def test_no_officer_picked_or_no_pin_is_said_without_a_try(tmp_path):
    store, siti = protected_tablet(tmp_path)
    store.unlock(siti, PIN)
    store.add_officer("Ahmad", "246800")
    store.lock()
    state = AppState(store)
    assert state.sign_in.officer_id == ""  # two officers: nobody picked
    asyncio.run(state.unlock())
    assert state.sign_in.error == t("pick_officer", "id")
    state.sign_in.pick(siti)
    asyncio.run(state.unlock())
    assert state.sign_in.error == t("pin_needed", "id")
    assert store.officers()[1].failures == 0  # neither was counted as a try


def test_locking_keeps_the_form_as_a_draft_to_resume_after_unlock(tmp_path):
    store, siti = protected_tablet(tmp_path)
    store.unlock(siti, PIN)
    state = AppState(store)

    async def run() -> None:
        state.flow.new_enrolment()
        state.flow.form.set("full_name", "Lalu Ahmad")
        await state.lock()

    asyncio.run(run())
    assert store.locked and state.screen == "sign_in"
    assert state.flow.form.full_name == ""  # nothing typed stays on screen
    assert state.home.records == [] and state.home.drafts == []
    with pytest.raises(Locked):
        store.drafts()
    state.sign_in.set_pin(PIN)
    asyncio.run(state.unlock())
    assert [d.title for d in state.home.drafts] == ["Lalu Ahmad"]
    state.flow.resume_draft(state.home.drafts[0])
    assert state.screen == "form" and state.flow.form.full_name == "Lalu Ahmad"


def test_going_to_the_background_flushes_the_draft_then_locks(tmp_path):
    store, siti = protected_tablet(tmp_path)
    store.unlock(siti, PIN)
    state = AppState(store)
    wake = asyncio.Event()

    async def run() -> None:
        handle = lifecycle_handler(wake, state.flow.flush_draft, state.lock)
        state.flow.new_enrolment()
        state.flow.form.set("full_name", "Baiq Sari")
        await handle(SimpleNamespace(state=ft.AppLifecycleState.INACTIVE))
        # Only inactive (a system dialog over the app): the draft is written, no lock.
        assert not store.locked and state.screen == "form"
        assert [d.title for d in store.drafts()] == ["Baiq Sari"]
        state.flow.form.set("full_name", "Baiq Sari Dewi")
        await handle(SimpleNamespace(state=ft.AppLifecycleState.HIDE))

    asyncio.run(run())
    assert store.locked and state.screen == "sign_in"
    store.unlock(siti, PIN)
    assert [d.title for d in store.drafts()] == ["Baiq Sari Dewi"]


def test_an_unprotected_tablet_neither_locks_nor_asks_a_pin_until_one_is_set(tmp_path):
    store = open_store(tmp_path / "tablet.db")
    store.set_settings(
        server_url="https://x.example", device_token="t", device_id="d", officer="Siti"
    )
    store.save_enrolment(person(1))
    state = AppState(store)
    assert state.screen == "home"
    asyncio.run(state.lock())
    assert state.screen == "home" and not store.locked  # nothing to lock it with
    state.open_add_officer()
    assert state.screen == "add_officer"
    form = state.new_officer
    assert form.name == "Siti"  # the officer the tablet was paired for
    form.set("pin", "12345")
    asyncio.run(state.add_officer())
    assert form.error == t("pin_too_short", "id", n=6) and not store.protected
    form.set("pin", "123456")
    form.set("pin_again", "123457")
    asyncio.run(state.add_officer())
    assert form.error == t("pin_mismatch", "id")
    form.set("pin_again", "123456")
    asyncio.run(state.add_officer())  # the first officer: the file is encrypted in place
    assert store.protected and not store.locked and state.screen == "home"
    assert state.message == t("pin_set", "id", name="Siti")
    assert len(state.home.records) == 1
    asyncio.run(state.lock())
    assert store.locked and state.screen == "sign_in"


def test_an_unlocked_officer_adds_a_colleague_who_can_then_sign_in(tmp_path):
    store, siti = protected_tablet(tmp_path)
    store.unlock(siti, PIN)
    state = AppState(store)
    state.open_add_officer()
    form = state.new_officer
    form.set("pin", "246800")
    form.set("pin_again", "246800")
    asyncio.run(state.add_officer())
    assert form.error == t("officer_name_needed", "id")
    form.set("name", "Ahmad")
    asyncio.run(state.add_officer())
    assert state.screen == "home" and state.message == t("officer_added", "id", name="Ahmad")
    assert state.officer_name == "Siti"  # still Siti's session
    asyncio.run(state.lock())
    assert [o.name for o in state.sign_in.officers] == ["Ahmad", "Siti"]
    state.sign_in.pick(next(o.officer_id for o in state.sign_in.officers if o.name == "Ahmad"))
    state.sign_in.set_pin("246800")
    asyncio.run(state.unlock())
    assert state.screen == "home" and state.officer_name == "Ahmad"


def test_pairing_with_a_pin_encrypts_from_the_first_record(tmp_path, monkeypatch):
    calls = []

    def fake_pair(url, code, device_name, officer):
        calls.append(code)
        return "dev-1", "secret-token"

    monkeypatch.setattr(sync_client, "pair", fake_pair)
    store = open_store(tmp_path / "tablet.db")
    state = AppState(store)
    assert state.screen == "pair" and pairing.asks_pin(state.session)
    inputs = pairing.PairingInputs(server_url="http://127.0.0.1:8700", pairing_code="ABC")
    inputs.set("officer", "Lalu Petugas")
    inputs.set("pin", "135790")
    inputs.set("pin_again", "135799")
    asyncio.run(pairing.pair(state.session, inputs))
    assert state.message == t("pin_mismatch", "id") and calls == []  # checked before asking
    inputs.set("pin_again", "135790")
    asyncio.run(pairing.pair(state.session, inputs))
    assert calls == ["ABC"] and state.screen == "home"
    assert store.protected and not store.locked and inputs.pin == ""
    assert state.officer_name == "Lalu Petugas" and not pairing.asks_pin(state.session)
    raw = (tmp_path / "tablet.db").read_bytes()
    assert b"secret-token" not in raw  # the token was written sealed
    store.close()
    again = open_store(tmp_path / "tablet.db")
    assert again.locked and again.has_setting("device_token")
    assert AppState(again).screen == "sign_in"


def test_a_first_pairing_needs_the_officer_and_a_pin(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sync_client, "pair", lambda *a: calls.append(a) or ("dev-1", "token"))
    store = open_store(tmp_path / "tablet.db")
    state = AppState(store)
    inputs = pairing.PairingInputs(server_url="http://127.0.0.1:8700", pairing_code="ABC")
    asyncio.run(pairing.pair(state.session, inputs))  # no name, no PIN
    assert state.message == t("officer_name_needed", "id")
    inputs.set("officer", "Lalu Petugas")
    asyncio.run(pairing.pair(state.session, inputs))  # both PIN boxes empty
    assert state.message == t("pin_too_short", "id", n=6)
    assert calls == [] and state.screen == "pair" and not store.has_setting("device_token")


def test_the_new_pin_rules():
    assert pin_problem("123456", "123456", "en") == ""
    assert pin_problem("12345678", "12345678", "en") == ""
    assert pin_problem("12345", "12345", "en") == t("pin_too_short", "en", n=6)
    assert pin_problem("12345a", "12345a", "en") == t("pin_too_short", "en", n=6)
    assert pin_problem("١٢٣٤٥٦", "١٢٣٤٥٦", "en") == t("pin_too_short", "en", n=6)
    assert pin_problem("123456", "654321", "en") == t("pin_mismatch", "en")


def test_waits_are_said_in_seconds_then_whole_minutes():
    assert wait_text(0.2, "id") == t("wait_seconds", "id", n=1)
    assert wait_text(29.1, "en") == t("wait_seconds", "en", n=30)
    assert wait_text(60, "id") == t("wait_minutes", "id", n=1)
    assert wait_text(3600, "id") == t("wait_minutes", "id", n=60)


def test_idle_time_comes_from_the_environment():
    assert idle_seconds({}) == 300
    assert idle_seconds({"FIELD_APP_IDLE_LOCK_SECONDS": "3"}) == 3
    assert idle_seconds({"FIELD_APP_IDLE_LOCK_SECONDS": "soon"}) == 300
    assert idle_seconds({"FIELD_APP_IDLE_LOCK_SECONDS": "0"}) == 0


def test_the_idle_lock_fires_once_after_the_quiet_time_and_a_touch_restarts_it():
    clock = Clock()
    fired = []

    async def on_idle() -> None:
        fired.append(clock.now)

    idle = IdleLock(300, on_idle, clock)

    async def run() -> None:
        clock.now += 299
        await idle.check()
        assert fired == []
        idle.touch()
        clock.now += 299
        await idle.check()
        assert fired == []
        clock.now += 1
        await idle.check()
        await idle.check()  # once per quiet stretch
        assert len(fired) == 1
        idle.touch()
        clock.now += 300
        await idle.check()
        assert len(fired) == 2

    asyncio.run(run())


def test_the_idle_loop_locks_the_app(tmp_path):
    store, siti = protected_tablet(tmp_path)
    store.unlock(siti, PIN)
    state = AppState(store)

    async def run() -> None:
        idle = IdleLock(0.05, state.lock)
        task = asyncio.create_task(idle.run())
        await asyncio.sleep(0.3)
        task.cancel()

    asyncio.run(run())
    assert store.locked and state.screen == "sign_in"


def test_sign_in_is_a_root_and_the_new_officer_screen_returns_home(tmp_path):
    assert navigation.stack("sign_in") == ["sign_in"]
    assert navigation.stack("add_officer") == ["home", "add_officer"]
    store, siti = protected_tablet(tmp_path)
    state = AppState(store)
    asyncio.run(navigation.back(state))
    assert state.screen == "sign_in"  # back does not get past the lock
    asyncio.run(navigation.follow_route(state, "/"))
    assert state.screen == "sign_in"
    store.unlock(siti, PIN)
    state.open_add_officer()
    asyncio.run(navigation.back(state))
    assert state.screen == "home"


def test_every_event_the_officer_causes_restarts_the_idle_time():
    from field_app.main import watch_events

    seen, touched = [], []

    async def dispatch(control_id, event_name, event_data):
        seen.append(event_name)

    page = SimpleNamespace(session=SimpleNamespace(dispatch_event=dispatch))
    watch_events(page, lambda: touched.append(True))

    async def run() -> None:
        await page.session.dispatch_event(3, "click", None)
        await page.session.dispatch_event(4, "change", "1")
        await page.session.dispatch_event(1, "app_lifecycle_state_change", "hide")

    asyncio.run(run())
    assert seen == ["click", "change", "app_lifecycle_state_change"]
    assert len(touched) == 2  # not the app going to the background
