"""The tablet's data key and what it does: AES-GCM for stored values, keyed NIK hashes,
and wrapping the key under an officer's PIN (issue 12, part 2).

One random 256-bit data key (DEK) per tablet database. From it, by HMAC-SHA256 with
distinct labels: the AES-GCM key for stored values, the HMAC key for NIK lookups, and a
check value (stored in the clear, so a wrong key is refused before it writes anything).
The DEK itself is stored only wrapped (AES-GCM) under a key derived from one officer's
PIN with scrypt and a per-officer salt, optionally mixed with a platform secret (the
Android Keystore via flet-secure-storage: field_app/platform_secret.py). See
field_app/officers.py for the API.

A sealed value is `01 | nonce (12) | ciphertext+tag`, its associated data
`table.column.row-key`: a ciphertext moved to another row or column fails to open.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = ["KdfParams", "Locked", "Vault", "WrongKey", "derive_kek"]

_FORMAT = b"\x01"
_NONCE = 12
DEK_BYTES = 32


class WrongKey(Exception):
    """A key that does not open this value (wrong PIN, wrong vault, or tampering)."""


class Locked(PermissionError):
    """The store is locked (or has no officer yet where one is required): personal data
    can be neither read nor written until an officer unlocks it."""


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost. n=2**15, r=8: 32 MiB and ~0.2 s per try on a laptop core, about a
    second on a low-cost tablet; stored with each officer so it can be raised later."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def text(self) -> str:
        """How the officers table stores them: `scrypt:n:r:p`."""
        return f"scrypt:{self.n}:{self.r}:{self.p}"

    @classmethod
    def parse(cls, text: str) -> KdfParams:
        """The inverse of `text`."""
        name, n, r, p = text.split(":")
        if name != "scrypt":
            raise ValueError(f"unknown key derivation {name!r}")
        return cls(int(n), int(r), int(p))


def derive_kek(
    pin: str, salt: bytes, params: KdfParams, platform_secret: bytes | None = None
) -> bytes:
    """The key-encryption key of one officer: scrypt(PIN, salt), then, where the platform
    keeps a secret for this app, HMAC(secret, that): the file alone is then not enough."""
    kek = Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(
        pin.encode("utf-8")
    )
    if platform_secret:
        kek = hmac.new(platform_secret, b"lotim-tablet/kek/" + kek, hashlib.sha256).digest()
    return kek


def _subkey(dek: bytes, label: bytes) -> bytes:
    return hmac.new(dek, b"lotim-tablet/" + label, hashlib.sha256).digest()


class Vault:
    """An unlocked data key. Lives in memory only, while the store is unlocked."""

    def __init__(self, dek: bytes):
        if len(dek) != DEK_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._dek = dek
        self._aead = AESGCM(_subkey(dek, b"values"))
        self._nik_key = _subkey(dek, b"nik-index")
        self.check = _subkey(dek, b"check").hex()[:32]

    @classmethod
    def new(cls) -> Vault:
        """A fresh random data key (at the first officer's creation)."""
        return cls(os.urandom(DEK_BYTES))

    # -- stored values -----------------------------------------------------------
    def seal(self, data: bytes, ad: str) -> bytes:
        """Encrypt `data` with a fresh 96-bit nonce, bound to `ad` (table.column.row)."""
        nonce = os.urandom(_NONCE)
        return _FORMAT + nonce + self._aead.encrypt(nonce, data, ad.encode("utf-8"))

    def open(self, blob: bytes, ad: str) -> bytes:
        """Decrypt a sealed value; WrongKey if it is not this key's or not this place's."""
        if blob[:1] != _FORMAT:
            raise WrongKey("unknown sealed-value format")
        try:
            return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], ad.encode())
        except InvalidTag:
            raise WrongKey("value does not open with this key here") from None

    def seal_text(self, text: str, ad: str) -> bytes:
        """`seal` for text."""
        return self.seal(text.encode("utf-8"), ad)

    def open_text(self, blob: bytes, ad: str) -> str:
        """`open` for text."""
        return self.open(blob, ad).decode("utf-8")

    def nik_key(self, nik: str) -> str:
        """A keyed hash of a NIK for exact lookups (duplicates): 128 bits, hex. Without
        the data key nobody can test a guessed NIK against it."""
        return hmac.new(self._nik_key, nik.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    # -- wrapping under an officer's key --------------------------------------------
    def wrap(self, kek: bytes, officer_id: str) -> bytes:
        """The data key encrypted under one officer's key-encryption key."""
        nonce = os.urandom(_NONCE)
        ad = b"lotim-tablet/officer/" + officer_id.encode()
        return _FORMAT + nonce + AESGCM(kek).encrypt(nonce, self._dek, ad)

    @classmethod
    def unwrap(cls, wrapped: bytes, kek: bytes, officer_id: str) -> Vault:
        """The data key from an officer's wrapped copy; WrongKey for a wrong PIN."""
        ad = b"lotim-tablet/officer/" + officer_id.encode()
        try:
            dek = AESGCM(kek).decrypt(wrapped[1 : 1 + _NONCE], wrapped[1 + _NONCE :], ad)
        except InvalidTag:
            raise WrongKey("wrong PIN") from None
        return cls(dek)
