"""Each feature is its own observable: a change in one does not notify the others."""

from __future__ import annotations

import asyncio
from pathlib import Path

from field_app.state import AppState
from field_app.store import Store


def test_a_status_message_does_not_touch_the_home_list(tmp_path: Path):
    state = AppState(store=Store(tmp_path / "tablet.db"))
    heard: list[str | None] = []

    def listener(_sender: object, name: str | None) -> None:
        heard.append(name)

    state.home.subscribe(listener)
    state.session.message = "Mengirim 3 data…"
    state.session.busy = True
    assert heard == []
    state.home.query = "siti"
    assert heard  # the list's own change is heard


def test_a_verdict_belongs_to_the_text_it_was_given_for(tmp_path: Path):
    state = AppState(store=Store(tmp_path / "tablet.db"))
    state.checker.open()
    assert state.screen == "verify"
    asyncio.run(state.checker.verify("not a card"))
    assert state.checker.verdict_for("not a card") is not None
    assert state.checker.verdict_for("not a card, edited") is None
    state.checker.open()  # opened again: no old verdict
    assert state.checker.verdict_for("not a card") is None


def test_a_failed_pull_is_told_to_the_officer(tmp_path: Path, monkeypatch):
    from field_app import sync_client

    state = AppState(store=Store(tmp_path / "tablet.db"))
    report = sync_client.SyncReport(3, 3, 0, 900, pull_error="unreachable")
    monkeypatch.setattr(sync_client, "sync", lambda store, progress: report)
    ok = asyncio.run(state.syncing.sync(quiet=True))
    assert ok is False  # the background loop tries again later
    assert "3 diterima" in state.message and "gagal diambil" in state.message
    monkeypatch.setattr(
        sync_client, "sync", lambda store, progress: sync_client.SyncReport(0, 0, 0, 0)
    )
    assert asyncio.run(state.syncing.sync(quiet=True)) is True


def test_a_tap_after_a_background_delivery_answers_with_that_delivery(tmp_path: Path, monkeypatch):
    """The background sync delivered everything just before the officer tapped Sync:
    the tap's answer is that delivery (green), not "nothing to send"."""
    from field_app import sync_client

    state = AppState(store=Store(tmp_path / "tablet.db"))
    delivered = sync_client.SyncReport(2, 2, 0, 700)
    monkeypatch.setattr(sync_client, "sync", lambda store, progress: delivered)
    assert asyncio.run(state.syncing.sync(quiet=True)) is True
    nothing = sync_client.SyncReport(0, 0, 0, 0)
    monkeypatch.setattr(sync_client, "sync", lambda store, progress: nothing)
    assert asyncio.run(state.syncing.sync()) is True
    assert "2 diterima" in state.message and state.session.message_kind == "success"
    assert asyncio.run(state.syncing.sync()) is True  # the next tap: nothing new
    assert state.message == "Tidak ada data yang perlu dikirim."
