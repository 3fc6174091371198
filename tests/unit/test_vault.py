"""The data key: sealed values bound to their place, keyed NIK hashes, wrapping under a PIN."""

from __future__ import annotations

import os

import pytest

from field_app.vault import KdfParams, Vault, WrongKey, derive_kek

FAST = KdfParams(n=2**10)


def test_a_sealed_value_opens_only_with_its_key_and_in_its_place():
    vault = Vault.new()
    blob = vault.seal_text("5203071708850001", "enrolments.payload.cid-a")
    assert b"5203071708850001" not in blob
    assert vault.open_text(blob, "enrolments.payload.cid-a") == "5203071708850001"
    # Swapped to another row or column, or opened with another key: refused.
    for place in ("enrolments.payload.cid-b", "enrolments.ident.cid-a"):
        with pytest.raises(WrongKey):
            vault.open_text(blob, place)
    with pytest.raises(WrongKey):
        Vault.new().open_text(blob, "enrolments.payload.cid-a")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(WrongKey):
        vault.open_text(tampered, "enrolments.payload.cid-a")


def test_every_seal_has_a_fresh_nonce():
    vault = Vault.new()
    blobs = {vault.seal_text("same", "t.c.k") for _ in range(100)}
    assert len(blobs) == 100
    assert {b[1:13] for b in blobs}.__len__() == 100  # 96-bit nonces, none repeated


def test_nik_keys_are_stable_per_key_and_useless_without_it():
    a, b = Vault(bytes(32)), Vault(bytes(31) + b"\1")
    assert a.nik_key("5203071708850001") == Vault(bytes(32)).nik_key("5203071708850001")
    assert a.nik_key("5203071708850001") != b.nik_key("5203071708850001")
    assert a.nik_key("5203071708850001") != a.nik_key("5203071708850002")
    assert a.check != b.check and len(a.check) == 32


def test_the_data_key_unwraps_only_with_the_right_pin_and_platform_secret():
    vault, salt = Vault.new(), os.urandom(16)
    kek = derive_kek("246810", salt, FAST)
    wrapped = vault.wrap(kek, "officer-1")
    assert Vault.unwrap(wrapped, kek, "officer-1").check == vault.check
    with pytest.raises(WrongKey):
        Vault.unwrap(wrapped, derive_kek("246811", salt, FAST), "officer-1")
    with pytest.raises(WrongKey):  # another officer's slot
        Vault.unwrap(wrapped, kek, "officer-2")
    with_secret = derive_kek("246810", salt, FAST, platform_secret=b"keystore")
    assert with_secret != kek
    wrapped = vault.wrap(with_secret, "officer-1")
    with pytest.raises(WrongKey):
        Vault.unwrap(wrapped, kek, "officer-1")
    assert KdfParams.parse(FAST.text()) == FAST
