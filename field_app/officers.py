"""Officers with PINs, and the lock on the tablet's personal data (issue 12, part 2).

A part of `Store` (field_app/store.py). The API the app builds its PIN screen on:

    store = Store(path)                      # opens locked (or unprotected, see below)
    store.protected                          # True once any officer exists
    store.locked                             # protected and not unlocked
    store.officers()                         # [Officer(officer_id, name, failures, blocked_until)]
    store.unlock(officer_id, pin) -> Officer # WrongPin / PinBlocked / UnknownOfficer
    store.lock()                             # forget the key and the search index
    store.add_officer(name, pin) -> Officer  # first officer: creates the key; else: unlocked
    store.change_pin(old_pin, new_pin)       # the unlocked officer's own PIN
    store.remove_officer(officer_id)         # unlocked; never the last one
    store.unlock_wait(officer_id) -> float   # seconds before the next try is allowed
    store.officer_id                         # who is unlocked (stamped on every save)

How the app should use it:

- **Pairing (first officer).** The pairing screen asks the officer's name and a PIN
  (6 digits or more, typed twice). After `sync_client.pair` succeeds, call
  `store.add_officer(name, pin)` *before* `store.set_settings(device_token=...)`: the
  first officer creates the tablet's random data key, wraps it under the PIN and leaves
  the store unlocked, so the token is written sealed.
- **Start.** `Store(path)`. If `store.protected`, show the PIN screen (pick a name from
  `store.officers()`, type the PIN) and call `store.unlock`; build `AppState` only after
  it. `store.has_setting("device_token")` says paired or not without the key. A tablet
  paired before issue 12 is unprotected (no officer, plaintext file): ask its officer to
  set a PIN and call `add_officer`; that encrypts the whole file in place (about 5 s
  for 50,000 records on a laptop core: show a spinner; run it in a thread). A file
  interrupted half-way is finished by the next unlock.
- **Idle and background.** On idle (say 5 minutes) and on the app going to the
  background, call `store.lock()` and show the PIN screen; unlock again with `unlock`.
  Background sync must check `store.locked` first: a locked store refuses personal
  data (`Locked`), so a push or pull does nothing until an officer unlocks.
- **Another officer.** Any unlocked officer can add a colleague: `add_officer(name,
  pin)` wraps the same data key under the colleague's PIN. Each record is stamped with
  the officer who saved it (`StoredEnrolment.officer`).
- **Wrong PINs.** Every try is counted *before* the PIN is checked (killing the app
  mid-check does not reset the count). The first 3 wrong tries cost nothing; from the
  3rd on, the officer waits 30 s, doubling with each further wrong try, at most an hour
  (`WrongPin.retry_after`, `WrongPin.failures`). A try during the wait raises
  `PinBlocked(retry_after)` without checking the PIN. A right PIN resets the count.

What a PIN protects against: the file alone does not open without a PIN, and on the
Android app not without that tablet's Keystore either (`platform_secret`, from
field_app/platform_secret.py). Without the platform secret (browser, desktop) a 6-digit PIN is
one of a million: scrypt makes each guess cost ~0.2 s of a core and 32 MiB, which slows
an offline attack on a copied file to days per core, not forever; the back-off guards
only the app's own screen. Officer names are stored in the clear (the PIN screen lists
them before anyone is unlocked).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from field_app import sealing
from field_app.sealing import SEAL_PENDING, VAULT_CHECK
from field_app.search_index import SearchIndex
from field_app.vault import KdfParams, Locked, Vault, WrongKey, derive_kek

__all__ = ["Officer", "OfficerAccess", "PinBlocked", "UnknownOfficer", "WrongPin", "backoff"]

FREE_TRIES = 3  # wrong PINs before the first wait
FIRST_WAIT = 30.0  # seconds, after the 3rd wrong PIN; doubling after each further one
MAX_WAIT = 3600.0
MIN_PIN_DIGITS = 6


@dataclass(frozen=True)
class Officer:
    """An officer who can unlock this tablet (what the PIN screen lists)."""

    officer_id: str
    name: str
    failures: int = 0  # wrong PINs in a row
    blocked_until: float = 0.0  # clock time before which no PIN is checked


class UnknownOfficer(LookupError):
    """No officer with this id on this tablet."""


class PinBlocked(Exception):
    """Too many wrong PINs: wait `retry_after` seconds before the next try."""

    def __init__(self, retry_after: float):
        super().__init__(f"try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class WrongPin(Exception):
    """The PIN does not open this officer's key. `retry_after`: seconds to wait before
    the next try (0 for the first wrong tries); `failures`: wrong tries in a row."""

    def __init__(self, failures: int, retry_after: float):
        super().__init__(f"wrong PIN ({failures} in a row)")
        self.failures, self.retry_after = failures, retry_after


def backoff(failures: int) -> float:
    """Seconds to wait after `failures` wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT * 2 ** (failures - FREE_TRIES), MAX_WAIT)


def check_pin(pin: str) -> None:
    """A PIN is at least MIN_PIN_DIGITS digits (ValueError otherwise)."""
    if not (pin.isascii() and pin.isdigit() and len(pin) >= MIN_PIN_DIGITS):
        raise ValueError(f"a PIN is at least {MIN_PIN_DIGITS} digits")


class OfficerAccess:
    """The officers' share of the tablet database (mixed into `Store`)."""

    _lock: threading.RLock
    _db: sqlite3.Connection
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _vault: Vault | None
    _officer: str | None
    _index: SearchIndex | None
    has_setting: Callable[[str], bool]
    clock: Callable[[], float]
    platform_secret: bytes | None
    kdf: KdfParams

    @property
    def protected(self) -> bool:
        """True once the file has a data key (an officer, or a vault it was opened with)."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM settings WHERE key=?", (VAULT_CHECK,))
            return row.fetchone() is not None

    @property
    def locked(self) -> bool:
        """True while personal data cannot be read: protected and nobody unlocked."""
        return self._vault is None and self.protected

    @property
    def officer_id(self) -> str | None:
        """The officer who unlocked the store (None when locked or opened with a vault)."""
        return self._officer

    def officers(self) -> list[Officer]:
        """Every officer of this tablet, by name (readable while locked)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT officer_id, name, failures, blocked_until FROM officers ORDER BY name"
            ).fetchall()
        return [Officer(r[0], r[1], int(r[2]), float(r[3])) for r in rows]

    def keystore_bound(self) -> bool:
        """True if some officer's key needs the platform secret (so a keystore that has
        lost its secret must never be given a new one: those keys would be lost)."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM officers WHERE platform=1 LIMIT 1").fetchone()
        return row is not None

    def unlock_wait(self, officer_id: str) -> float:
        """Seconds before this officer's next PIN is checked (0: now)."""
        return max(0.0, self._officer_row(officer_id)["blocked_until"] - self.clock())

    def lock(self) -> None:
        """Forget the data key and the search index (idle, background, sign-out)."""
        with self._lock:
            self._vault, self._officer, self._index = None, None, None

    def unlock(self, officer_id: str, pin: str) -> Officer:
        """Open the store with an officer's PIN; encrypts what is still plaintext."""
        vault = self._check_pin(officer_id, pin)
        if self.platform_secret and not self._officer_row(officer_id)["platform"]:
            self._rewrap(vault, officer_id, pin)  # from now on the keystore is needed too
        self._adopt(vault, officer_id)
        return next(o for o in self.officers() if o.officer_id == officer_id)

    def add_officer(self, name: str, pin: str) -> Officer:
        """A new officer with a PIN. The first one creates the data key and leaves the
        store unlocked as them (encrypting any plaintext already stored); later ones
        need an unlocked store and get the same data key, wrapped under their PIN."""
        check_pin(pin)
        name = name.strip()
        if not name:
            raise ValueError("an officer has a name")
        first = not self.protected
        if not first and self._vault is None:
            raise Locked("unlock first: a new officer gets the key of an unlocked one")
        vault = Vault.new() if first else self._vault
        assert vault is not None
        officer_id = secrets.token_hex(6)
        row = self._wrapped_row(vault, officer_id, pin)
        with self._tx() as db:
            db.execute(
                "INSERT INTO officers(officer_id, name, kdf, salt, wrapped, platform, "
                "created_at) VALUES(?, ?, ?, ?, ?, ?, ?)",
                (officer_id, name, *row, _now()),
            )
            if first:
                db.executemany(
                    "INSERT INTO settings(key, value) VALUES(?, ?)",
                    [(VAULT_CHECK, vault.check), (SEAL_PENDING, "1")],
                )
        if first:
            self._adopt(vault, officer_id)
        return Officer(officer_id, name)

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        """The unlocked officer's new PIN (the old one is checked, and counted if wrong)."""
        check_pin(new_pin)
        if self._officer is None:
            raise Locked("unlock as the officer whose PIN changes")
        self._rewrap(self._check_pin(self._officer, old_pin), self._officer, new_pin)

    def remove_officer(self, officer_id: str) -> None:
        """Take an officer off this tablet (their wrapped key is deleted). Needs an
        unlocked store; the last officer cannot be removed."""
        if self._vault is None:
            raise Locked("unlock first")
        with self._tx() as db:
            if db.execute("SELECT COUNT(*) FROM officers").fetchone()[0] <= 1:
                raise ValueError("the last officer cannot be removed")
            db.execute("DELETE FROM officers WHERE officer_id=?", (officer_id,))

    # -- the key (internals) ------------------------------------------------------------------
    def _key(self) -> Vault | None:
        """The data key for personal data; None for a file without one (plaintext).
        Locked when the file has a key and nobody has unlocked it."""
        vault = self._vault
        if vault is None and self.protected:
            raise Locked("the store is locked: unlock with an officer's PIN")
        return vault

    def _adopt(self, vault: Vault, officer_id: str | None) -> None:
        """Start using `vault`: check it is this file's (a file without a key takes it),
        encrypt whatever is still plaintext, build the search index."""
        with self._tx() as db:
            row = db.execute(
                "SELECT value FROM settings WHERE key=?", (sealing.VAULT_CHECK,)
            ).fetchone()
            if row is None:
                db.executemany(
                    "INSERT INTO settings(key, value) VALUES(?, ?)",
                    [(sealing.VAULT_CHECK, vault.check), (sealing.SEAL_PENDING, "1")],
                )
            elif row[0] != vault.check:
                raise WrongKey("this is not the data key of this file")
            pending = self.has_setting(sealing.SEAL_PENDING)
        if pending:
            sealing.seal_plaintext(self._tx, vault)
            with self._lock:  # the WAL's copies of plaintext pages go too
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index = SearchIndex()
        with self._lock:
            index.load(sealing.index_entries(self._db, vault))
            index.data_version = self._data_version()
            self._vault, self._officer, self._index = vault, officer_id, index

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _search_index(self, vault: Vault) -> SearchIndex:
        """The in-memory index, reloaded if another connection wrote to the file."""
        index = self._index
        if index is None or index.data_version != self._data_version():
            index = SearchIndex()
            index.load(sealing.index_entries(self._db, vault))
            index.data_version = self._data_version()
            self._index = index
        return index

    # -- internals -----------------------------------------------------------------
    def _officer_row(self, officer_id: str) -> sqlite3.Row:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM officers WHERE officer_id=?", (officer_id,)
            ).fetchone()
        if row is None:
            raise UnknownOfficer(officer_id)
        return row

    def _wrapped_row(self, vault: Vault, officer_id: str, pin: str) -> tuple[object, ...]:
        """`(kdf, salt, wrapped, platform)` for one officer's PIN."""
        salt = os.urandom(16)
        kek = derive_kek(pin, salt, self.kdf, self.platform_secret)
        return self.kdf.text(), salt, vault.wrap(kek, officer_id), int(bool(self.platform_secret))

    def _rewrap(self, vault: Vault, officer_id: str, pin: str) -> None:
        kdf, salt, wrapped, platform = self._wrapped_row(vault, officer_id, pin)
        with self._tx() as db:
            db.execute(
                "UPDATE officers SET kdf=?, salt=?, wrapped=?, platform=? WHERE officer_id=?",
                (kdf, salt, wrapped, platform, officer_id),
            )

    def _check_pin(self, officer_id: str, pin: str) -> Vault:
        """The data key if `pin` is right; the try is counted first, reset on success."""
        row = self._officer_row(officer_id)
        now = self.clock()
        if now < row["blocked_until"]:
            raise PinBlocked(row["blocked_until"] - now)
        failures = int(row["failures"]) + 1
        with self._tx() as db:
            db.execute(
                "UPDATE officers SET failures=?, blocked_until=? WHERE officer_id=?",
                (failures, now + backoff(failures), officer_id),
            )
        if row["platform"] and not self.platform_secret:
            raise Locked("this officer's key also needs the platform secret")
        secret = self.platform_secret if row["platform"] else None
        kek = derive_kek(pin, row["salt"], KdfParams.parse(row["kdf"]), secret)
        try:
            vault = Vault.unwrap(row["wrapped"], kek, officer_id)
        except WrongKey:
            raise WrongPin(failures, backoff(failures)) from None
        with self._tx() as db:
            db.execute(
                "UPDATE officers SET failures=0, blocked_until=0 WHERE officer_id=?",
                (officer_id,),
            )
        return vault


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def default_clock() -> float:
    """Wall-clock seconds (persisted waits must survive a restart)."""
    return time.time()
