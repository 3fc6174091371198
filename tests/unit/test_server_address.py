"""The tablet pairs only over https:// (plain http:// only with a server on the device
itself), and the field app in web mode listens on loopback unless told otherwise."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from field_app import sync_client
from field_app.features.pairing import PairingInputs, pair
from field_app.main import web_host
from field_app.server_address import check_server_address, is_loopback_host
from field_app.session import Session
from field_app.store import Store


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("https://bpjs.lomboktimurkab.go.id", "https://bpjs.lomboktimurkab.go.id"),
        ("  https://bpjs.lomboktimurkab.go.id:8443/  ", "https://bpjs.lomboktimurkab.go.id:8443"),
        ("HTTPS://Server.Example/", "HTTPS://Server.Example"),
        ("https://203.0.113.9", "https://203.0.113.9"),
        ("http://127.0.0.1:8700", "http://127.0.0.1:8700"),
        ("http://127.8.9.10:8700/", "http://127.8.9.10:8700"),
        ("http://localhost:8700", "http://localhost:8700"),
        ("http://LocalHost", "http://LocalHost"),
        ("http://[::1]:8700", "http://[::1]:8700"),
    ],
)
def test_usable_addresses(typed: str, url: str) -> None:
    check = check_server_address(typed)
    assert check.ok and check.url == url and check.message("id") == ""


@pytest.mark.parametrize(
    "typed",
    [
        "http://192.168.1.10:8700",
        "http://10.0.0.5",
        "http://bpjs.lomboktimurkab.go.id",
        "http://127.0.0.1.nip.io:8700",  # a name that merely starts like loopback
        "http://localhost.contoh.id",
        "http://0.0.0.0:8700",
        "http://[::ffff:c0a8:10a]",
    ],
)
def test_plain_http_to_another_machine_is_refused(typed: str) -> None:
    check = check_server_address(typed)
    assert not check.ok and check.problem == "address_insecure" and check.url == ""
    assert "https://" in check.message("id") and "harus" in check.message("id")
    assert "must start with https://" in check.message("en")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "bpjs.lomboktimurkab.go.id",
        "ftp://bpjs.lomboktimurkab.go.id",
        "https://",
        "https://user:sandi@bpjs.lomboktimurkab.go.id",
        "https://bpjs.lomboktimurkab.go.id:port",
        "https://bpjs.lomboktimurkab.go.id/?x=1",
        "http://[::1",
    ],
)
def test_malformed_addresses_are_refused(typed: str) -> None:
    check = check_server_address(typed)
    assert check.problem == "address_invalid"
    assert "Contoh" in check.message("id") and "Example" in check.message("en")


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.0.0.1") and is_loopback_host("127.255.0.1")
    assert is_loopback_host("[::1]") and is_loopback_host("localhost.")
    assert not is_loopback_host("128.0.0.1") and not is_loopback_host("::2")


def test_pairing_refuses_plain_http_before_any_request(tmp_path: Path, monkeypatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(sync_client, "pair", lambda *a: calls.append(a) or ("1", "token"))
    state = Session(store=Store(tmp_path / "tablet.db"))
    inputs = PairingInputs("http://192.168.1.10:8700", "X", "Ani")
    asyncio.run(pair(state, inputs))
    assert calls == [] and state.screen == "pair"
    assert "https://" in state.message and not state.busy
    state.lang = "en"
    asyncio.run(pair(state, inputs))
    assert "must start with https://" in state.message
    # A https address pairs, stored without its trailing slash.
    inputs.server_url = "https://bpjs.lomboktimurkab.go.id/"
    asyncio.run(pair(state, inputs))
    assert calls and calls[0][0] == "https://bpjs.lomboktimurkab.go.id"
    assert state.screen == "home"
    assert state.store.get_setting("server_url") == "https://bpjs.lomboktimurkab.go.id"


def test_a_throttled_pairing_says_to_wait(tmp_path: Path, monkeypatch) -> None:
    def throttled(*_a: object) -> tuple[str, str]:
        raise sync_client.SyncError("pairing_invalid", "too_many_attempts")

    monkeypatch.setattr(sync_client, "pair", throttled)
    state = Session(store=Store(tmp_path / "tablet.db"))
    asyncio.run(pair(state, PairingInputs(server_url="http://127.0.0.1:8700")))
    assert "Tunggu beberapa menit" in state.message


def test_web_mode_listens_on_loopback_unless_told() -> None:
    assert web_host({}) == "127.0.0.1"
    assert web_host({"FLET_SERVER_IP": ""}) == "127.0.0.1"
    assert web_host({"FLET_SERVER_IP": "0.0.0.0"}) == "0.0.0.0"
