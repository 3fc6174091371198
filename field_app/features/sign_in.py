"""Officer sign-in on the tablet (issue 12, part 2): unlock with a PIN, lock on idle and
on going to the background, add a colleague, set the first PIN of an unprotected tablet.

The keys, the PIN check and its back-off are the store's (field_app/officers.py); this
is what the screens show around them. Unlocking costs scrypt (~0.2 s a try, about a
second on a low-cost tablet) and a first unlock may still encrypt a plaintext file
(seconds): both run in a worker thread, with the screen busy meanwhile.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import flet as ft

from field_app.i18n import t
from field_app.officers import MIN_PIN_DIGITS, Officer, PinBlocked, UnknownOfficer, WrongPin
from field_app.store import Locked

IDLE_LOCK_SECONDS = 300.0  # five minutes without a tap, then the tablet locks
IDLE_ENV = "FIELD_APP_IDLE_LOCK_SECONDS"


def idle_seconds(environ: Mapping[str, str] | None = None) -> float:
    """How long without interaction before the tablet locks: FIELD_APP_IDLE_LOCK_SECONDS
    (the e2e tests shorten it), else five minutes. 0 or less: never on idle."""
    env = os.environ if environ is None else environ
    try:
        return float(env.get(IDLE_ENV, "") or IDLE_LOCK_SECONDS)
    except ValueError:
        return IDLE_LOCK_SECONDS


def wait_text(seconds: float, lang: str) -> str:
    """A wait as the officer reads it: "30 detik", "2 menit" (rounded up)."""
    if seconds < 60:
        return t("wait_seconds", lang, n=max(1, math.ceil(seconds)))
    return t("wait_minutes", lang, n=math.ceil(seconds / 60))


def pin_problem(pin: str, again: str, lang: str) -> str:
    """What is wrong with a new PIN typed twice ("" if nothing)."""
    if not (pin.isascii() and pin.isdigit() and len(pin) >= MIN_PIN_DIGITS):
        return t("pin_too_short", lang, n=MIN_PIN_DIGITS)
    if pin != again:
        return t("pin_mismatch", lang)
    return ""


@ft.observable
@dataclass
class SignIn:
    """The sign-in screen's state: which officer, the PIN typed, the outcome of a try."""

    officers: list[Officer] = field(default_factory=list)
    officer_id: str = ""  # the one picked
    pin: str = ""
    error: str = ""
    busy: bool = False  # a PIN is being checked (or the file encrypted)

    def reset(self, officers: list[Officer]) -> None:
        """Fresh screen: the officers to list; with only one, it is picked already."""
        self.officers, self.pin, self.error, self.busy = officers, "", "", False
        if self.officer_id not in {o.officer_id for o in officers}:
            self.officer_id = officers[0].officer_id if len(officers) == 1 else ""

    def pick(self, officer_id: str) -> None:
        """An officer's name was tapped."""
        self.officer_id, self.pin, self.error = officer_id, "", ""

    def set_pin(self, pin: str) -> None:
        """The PIN box changed."""
        self.pin = pin


@ft.observable
@dataclass
class NewOfficer:
    """The add-officer screen's fields (a colleague, or the first PIN of the tablet)."""

    name: str = ""
    pin: str = ""
    pin_again: str = ""
    error: str = ""
    busy: bool = False

    def set(self, name: str, value: str) -> None:
        """One field changed."""
        setattr(self, name, value)


async def try_unlock(store, form: SignIn, lang: str) -> Officer | None:
    """Check the typed PIN (in a worker thread). The officer on success; else None with
    `form.error` saying why (wrong, or how long to wait)."""
    if not form.officer_id:
        form.error = t("pick_officer", lang)
        return None
    if not form.pin:
        form.error = t("pin_needed", lang)
        return None
    form.busy, form.error = True, ""
    try:
        return await asyncio.to_thread(store.unlock, form.officer_id, form.pin)
    except WrongPin as exc:
        form.error = (
            t("pin_wrong_wait", lang, wait=wait_text(exc.retry_after, lang))
            if exc.retry_after > 0
            else t("pin_wrong", lang)
        )
    except PinBlocked as exc:
        form.error = t("pin_blocked", lang, wait=wait_text(exc.retry_after, lang))
    except UnknownOfficer:
        form.reset(store.officers())
        form.error = t("pick_officer", lang)
    finally:
        form.busy, form.pin = False, ""
    return None


async def try_add_officer(store, form: NewOfficer, lang: str) -> Officer | None:
    """Add the officer typed on the screen (in a worker thread: the first one encrypts
    the whole file). The officer on success; else None with `form.error` set."""
    name = form.name.strip()
    problem = "" if name else t("officer_name_needed", lang)
    problem = problem or pin_problem(form.pin, form.pin_again, lang)
    if problem:
        form.error = problem
        return None
    form.busy, form.error = True, ""
    try:
        return await asyncio.to_thread(store.add_officer, name, form.pin)
    except Locked:
        form.error = t("locked_now", lang)
    finally:
        form.busy = False
    return None


class IdleLock:
    """Locks the tablet after `seconds` without a user event. `touch()` on every event;
    `run()` is the loop (cancel its task to stop). `on_idle` is awaited once per idle
    stretch; `clock` and the short sleeps make it testable without waiting minutes."""

    def __init__(
        self,
        seconds: float,
        on_idle: Callable[[], Awaitable[None]],
        clock: Callable[[], float] = time.monotonic,
    ):
        self.seconds, self.on_idle, self.clock = seconds, on_idle, clock
        self.last = clock()
        self.fired = False

    def touch(self) -> None:
        """The officer did something: the idle time starts again."""
        self.last, self.fired = self.clock(), False

    def due(self) -> bool:
        """True when the idle time has run out since the last touch (and not yet acted on)."""
        return self.seconds > 0 and not self.fired and self.clock() - self.last >= self.seconds

    async def check(self) -> None:
        """Lock now if idle for long enough."""
        if self.due():
            self.fired = True
            await self.on_idle()

    async def run(self) -> None:
        """Check every second or so (a fifth of the idle time when that is shorter)."""
        if self.seconds <= 0:
            return
        step = min(1.0, self.seconds / 5)
        while True:
            await asyncio.sleep(step)
            await self.check()
