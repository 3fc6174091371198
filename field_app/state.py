"""The app's state and the actions officers take, as plain Python over the store.

Views render this state and call its methods; they never touch the database.
Methods that do I/O are async and push the blocking part to a thread, because
Flet runs handlers on its event loop.
"""

from __future__ import annotations

import asyncio
import os
import platform
from dataclasses import dataclass, field

import flet as ft
from enrolment.roster import roster_hash

from enrolment.card_token import b64d
from field_app import sync_client
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.store import Status, Store, StoredEnrolment


@ft.observable
@dataclass
class AppState:
    """Everything the screens show, and the actions behind their buttons."""

    store: Store
    lang: str = "id"
    screen: str = "home"  # pair | home | form | card
    records: list[StoredEnrolment] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    query: str = ""
    message: str = ""
    busy: bool = False
    form: EnrolmentForm = field(default_factory=EnrolmentForm)
    card: StoredEnrolment | None = None
    # pairing screen
    server_url: str = ""
    pairing_code: str = ""
    officer: str = ""

    def __post_init__(self) -> None:
        self.server_url = self.store.get_setting("server_url") or "http://127.0.0.1:8700"
        self.officer = self.store.get_setting("officer")
        self.screen = "home" if self.store.get_setting("device_token") else "pair"
        self.refresh()

    @property
    def server_address(self) -> str:
        """The paired server's base URL."""
        return self.store.get_setting("server_url")

    def toggle_lang(self) -> None:
        """Switch between Bahasa Indonesia and English."""
        self.lang = "en" if self.lang == "id" else "id"
        self.message = ""

    def refresh(self) -> None:
        """Reload the list and counters from the store."""
        self.records = self.store.list_enrolments(self.query)
        self.counts = self.store.count_by_status()

    def search(self, query: str) -> None:
        """Filter the list by name or NIK."""
        self.query = query
        self.refresh()

    # -- pairing ------------------------------------------------------------
    async def pair(self) -> None:
        """Pair this tablet with the server using the code from the coordinator."""
        self.busy, self.message = True, t("pairing", self.lang)
        device_name = f"{self.officer or 'tablet'} ({platform.node() or 'android'})"
        try:
            device_id, token = await asyncio.to_thread(
                sync_client.pair, self.server_url, self.pairing_code, device_name, self.officer
            )
        except sync_client.SyncError as exc:
            self.busy, self.message = False, t(f"err_{exc.kind}", self.lang)
            return
        await asyncio.to_thread(
            self.store.set_settings,
            server_url=self.server_url.rstrip("/"),
            device_id=device_id,
            device_token=token,
            officer=self.officer,
        )
        self.busy, self.pairing_code = False, ""
        self.screen, self.message = "home", t("paired_ok", self.lang)

    # -- enrolment ----------------------------------------------------------
    def new_enrolment(self) -> None:
        """Open an empty form."""
        self.form = EnrolmentForm()
        self.screen, self.message = "form", ""

    def open_card(self, item: StoredEnrolment) -> None:
        """Show a synced member's card (from local data: works offline)."""
        if item.card_token:
            self.card, self.screen = item, "card"

    def edit_record(self, item: StoredEnrolment) -> None:
        """Open a record in the form; saving makes a new version (the server may hold
        the old one), shown with the server's reasons if it was returned."""
        self.form = EnrolmentForm.for_correction(item.record, item.problems, self.lang)
        self.screen, self.message = "form", ""

    async def save(self) -> None:
        """Validate and save the form; the record is on disk when this returns."""
        record = self.form.check(self.lang)
        if record is None:
            self.message = t("fix_errors", self.lang)
            return
        if await asyncio.to_thread(self.store.nik_exists, record.nik, record.client_id):
            self.form.errors = {**self.form.errors, "nik": t("nik_on_tablet", self.lang)}
            self.message = t("fix_errors", self.lang)
            return
        if not self.form.warned and await asyncio.to_thread(self._known_to_server, record.nik):
            # Warn once; saving again goes ahead (the server merges or asks for review).
            self.form.warned = True
            self.form.warning = t("nik_on_server", self.lang)
            self.message = t("nik_on_server", self.lang)
            return
        await asyncio.to_thread(self.store.save_enrolment, record)
        self.refresh()
        self.screen, self.message = "home", t("saved_ok", self.lang)

    def _known_to_server(self, nik: str) -> bool:
        salt = self.store.get_setting("roster_salt")
        return bool(salt) and self.store.in_roster(roster_hash(b64d(salt), nik))

    def go_home(self) -> None:
        """Back to the list."""
        self.screen, self.message = "home", ""
        self.refresh()

    # -- sync ----------------------------------------------------------------
    def has_pending(self) -> bool:
        """True while records wait to be sent."""
        return self.counts.get(Status.PENDING, 0) > 0

    async def auto_sync(self) -> bool | None:
        """A background attempt: quiet unless it delivers something. None if skipped."""
        if self.busy or self.screen == "pair":
            return None
        return await self.sync(quiet=True)

    async def sync(self, quiet: bool = False) -> bool:
        """Send every pending record; report progress and the outcome. True on success."""
        if self.busy:
            return False
        self.busy = True
        if not quiet:
            self.message = t("syncing", self.lang, sent=0, kb=0)
        loop = asyncio.get_running_loop()

        def progress(sent: int, nbytes: int) -> None:
            msg = t("syncing", self.lang, sent=sent, kb=round(nbytes / 1024, 1))
            loop.call_soon_threadsafe(setattr, self, "message", msg)

        try:
            report = await asyncio.to_thread(sync_client.sync, self.store, progress)
        except sync_client.SyncError as exc:
            if not quiet or exc.kind == "unauthorized":
                self.message = t(f"err_{exc.kind}", self.lang)
            return False
        else:
            if report.sent or not quiet:
                self.message = (
                    t("sync_done", self.lang, accepted=report.accepted, set_aside=report.set_aside)
                    if report.sent
                    else t("sync_nothing", self.lang)
                )
            return True
        finally:
            self.busy = False
            self.refresh()


def data_dir() -> str:
    """Where the app keeps its database: Flet's app storage on a device, else ./data."""
    return os.environ.get("FLET_APP_STORAGE_DATA") or os.path.join("data", "field_app")
