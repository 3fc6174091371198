"""The platform secret from the Android Keystore (flet-secure-storage), mixed into every
officer's key so a copy of the tablet's database is useless without that tablet's
keystore, even to someone who guesses a 6-digit PIN offline (see field_app/officers.py).

Only on the Android and iOS apps; in a browser or on a desktop there is no keystore and
the PIN alone wraps the key. A secret is made once, read back before it is used, and
never replaced while a key depends on it.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets

import flet as ft

from field_app.store import Store

SECRET_KEY = "lotim-enrolment/platform-secret"
log = logging.getLogger(__name__)


def has_keystore(page: ft.Page) -> bool:
    """True on the Android and iOS apps (Keystore, Keychain)."""
    return not page.web and page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)


async def adopt_platform_secret(page: ft.Page, store: Store) -> None:
    """Give the store this device's platform secret, making it on first use. Any failure
    leaves the store as it was: an officer bound to the keystore then cannot unlock until
    it answers (the next start), which loses nothing."""
    if not has_keystore(page):
        return
    import flet_secure_storage as fss  # the Android build's extension; imported there only

    storage = fss.SecureStorage()
    try:
        value = await storage.get(SECRET_KEY)
        if value is None and not store.keystore_bound():
            await storage.set(SECRET_KEY, base64.b64encode(secrets.token_bytes(32)).decode())
            value = await storage.get(SECRET_KEY)
    except (RuntimeError, TimeoutError) as exc:
        log.warning("keystore unavailable: %s", type(exc).__name__)
        return
    secret = decode_secret(value)
    if secret is not None:
        store.platform_secret = secret


def decode_secret(value: str | None) -> bytes | None:
    """The 32 bytes stored as base64, or None for anything else."""
    if not value:
        return None
    try:
        secret = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return secret if len(secret) == 32 else None
