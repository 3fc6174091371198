"""The Android Keystore's secret (field_app/platform_secret.py) with a stand-in for
flet-secure-storage and a real store file: made once and read back, joined to the
officer's key, never replaced while a key needs it, and nothing changed on failure."""

from __future__ import annotations

import asyncio
import sys
import types
from dataclasses import dataclass

import flet as ft
import pytest

from field_app.platform_secret import adopt_platform_secret, decode_secret
from field_app.store import Locked, Store
from field_app.vault import KdfParams

pytestmark = pytest.mark.own_keys
FAST = KdfParams(n=2**10)


@dataclass
class Page:
    platform: ft.PagePlatform = ft.PagePlatform.ANDROID
    web: bool = False


class Keystore:
    """flet_secure_storage.SecureStorage's get/set over a dict (or failing)."""

    values: dict[str, str] = {}
    broken = False

    async def get(self, key: str) -> str | None:
        if Keystore.broken:
            raise RuntimeError("keystore busy")
        return Keystore.values.get(key)

    async def set(self, key: str, value: str) -> None:
        Keystore.values[key] = value


@pytest.fixture(autouse=True)
def keystore(monkeypatch):
    Keystore.values, Keystore.broken = {}, False
    monkeypatch.setitem(
        sys.modules, "flet_secure_storage", types.SimpleNamespace(SecureStorage=Keystore)
    )
    return Keystore


def adopt(page: Page, store: Store) -> None:
    asyncio.run(adopt_platform_secret(page, store))  # type: ignore[arg-type]


def test_first_start_makes_a_secret_that_the_officer_key_then_needs(tmp_path):
    store = Store(tmp_path / "a.db", kdf=FAST)
    adopt(Page(), store)
    assert store.platform_secret is not None and len(store.platform_secret) == 32
    assert len(Keystore.values) == 1
    officer = store.add_officer("Siti", "135790")
    assert store.keystore_bound()
    store.close()

    # The database copied off the tablet, opened without the keystore: the PIN alone fails.
    copy = Store(tmp_path / "a.db", kdf=FAST)
    with pytest.raises(Locked):
        copy.unlock(officer.officer_id, "135790")
    adopt(Page(), copy)  # on the tablet itself the keystore answers
    copy.unlock(officer.officer_id, "135790")
    assert not copy.locked
    copy.close()


def test_a_keystore_that_lost_its_secret_gets_no_new_one_while_a_key_needs_it(tmp_path):
    store = Store(tmp_path / "a.db", kdf=FAST)
    adopt(Page(), store)
    store.add_officer("Siti", "135790")
    store.close()
    Keystore.values.clear()
    again = Store(tmp_path / "a.db", kdf=FAST)
    adopt(Page(), again)
    assert again.platform_secret is None and Keystore.values == {}
    again.close()


def test_no_keystore_in_a_browser_and_nothing_changes_when_it_fails(tmp_path):
    store = Store(tmp_path / "a.db", kdf=FAST)
    adopt(Page(ft.PagePlatform.LINUX), store)
    adopt(Page(web=True), store)
    Keystore.broken = True
    adopt(Page(), store)
    assert store.platform_secret is None and Keystore.values == {}
    store.close()


def test_only_32_byte_base64_is_a_secret():
    assert decode_secret(None) is None and decode_secret("") is None
    assert decode_secret("not base64!") is None
    assert decode_secret("AAAA") is None
    assert decode_secret("A" * 43 + "=") == bytes(32)
