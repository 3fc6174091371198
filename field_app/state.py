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
from datetime import UTC, date, datetime

import flet as ft

from enrolment.card_check import CardCheck, check_card, is_revoked_card
from enrolment.card_token import b64d
from enrolment.records import Enrolment
from enrolment.roster import roster_hash
from field_app import sync_client
from field_app.drafts import Debouncer
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.server_address import check_server_address
from field_app.store import Draft, Status, Store, StoredEnrolment

DRAFT_DELAY = 0.8  # seconds of quiet typing before the draft is written
# The server's answer to too many wrong pairing codes from this network (429).
PAIRING_THROTTLED = {
    "id": "Terlalu banyak kode yang salah dari jaringan ini. Tunggu beberapa menit, lalu coba"
    " lagi dengan kode dari koordinator.",
    "en": "Too many wrong codes from this network. Wait a few minutes, then try again with"
    " the coordinator's code.",
}
LIST_LIMIT = 50  # records rendered on the home screen; search narrows the rest


def start_of_local_day(now: datetime) -> str:
    """The tablet's local midnight of `now`, as the UTC timestamp records carry.

    "Today's work" follows the officer's clock: in Lombok (UTC+8) a UTC midnight would
    reset the count at 08:00 in the morning.
    """
    local = now.astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@ft.observable
@dataclass
class AppState:
    """Everything the screens show, and the actions behind their buttons."""

    store: Store
    lang: str = "id"
    screen: str = "home"  # pair | home | form | consent | card | verify
    records: list[StoredEnrolment] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    today_count: int = 0
    villages: list[str] = field(default_factory=list)  # village codes with records
    query: str = ""
    village_filter: str = ""
    segment_filter: str = ""
    status_filter: str = ""  # "" | pending | sent | attention
    message: str = ""
    busy: bool = False
    form: EnrolmentForm = field(default_factory=EnrolmentForm)
    card: StoredEnrolment | None = None
    card_revoked: bool = False  # the shown card's serial was revoked (learnt at a pull)
    card_text: str = ""  # QR text typed or scanned on the card-check screen
    card_check: CardCheck | None = None
    # pairing screen
    server_url: str = ""
    pairing_code: str = ""
    officer: str = ""

    def __post_init__(self) -> None:
        self.server_url = self.store.get_setting("server_url") or "http://127.0.0.1:8700"
        self.officer = self.store.get_setting("officer")
        self.screen = "home" if self.store.get_setting("device_token") else "pair"
        self._drafts = Debouncer(DRAFT_DELAY, self._save_draft)
        self._draft_lock = asyncio.Lock()
        self._sync_lock = asyncio.Lock()  # one sync at a time, background or tapped
        self._unsubscribe = None
        self._list_loads = self._summary_loads = 0  # see reload()
        self.refresh()

    @property
    def server_address(self) -> str:
        """The paired server's base URL."""
        return self.store.get_setting("server_url")

    def toggle_lang(self) -> None:
        """Switch between Bahasa Indonesia and English."""
        self.lang = "en" if self.lang == "id" else "id"
        self.message = ""

    # -- home -----------------------------------------------------------------
    def _load(self, summary: bool = True) -> dict[str, object]:
        """Read what home shows: the list, and with `summary` the drafts and counters
        (blocking: call from a worker thread or at start-up)."""
        status = self.status_filter
        loaded: dict[str, object] = {
            "records": self.store.list_enrolments(
                self.query,
                LIST_LIMIT,
                village=self.village_filter,
                segment=self.segment_filter,
                status=Status.ATTENTION if status == "attention" else status,
            )
        }
        if summary:
            midnight = start_of_local_day(datetime.now(UTC))
            loaded |= {
                "drafts": self.store.drafts(),
                "counts": self.store.count_by_status(),
                "today_count": self.store.count_since(midnight),
                "villages": self.store.villages_used(),
            }
        return loaded

    def _apply(self, loaded: dict[str, object]) -> None:
        for name, value in loaded.items():
            setattr(self, name, value)

    def refresh(self) -> None:
        """Reload the list, drafts and counters from the store, now."""
        self._apply(self._load())

    async def reload(self, *, summary: bool = True) -> None:
        """Reload off the event loop. A search or filter reloads the list alone
        (`summary=False`: drafts and counters do not change with it). When reloads
        overlap (fast typing in the search box), only the newest of each is shown."""
        self._list_loads += 1
        if summary:
            self._summary_loads += 1
        mine = (self._list_loads, self._summary_loads)
        loaded = await asyncio.to_thread(self._load, summary)
        if mine[0] != self._list_loads:
            del loaded["records"]
        if mine[1] != self._summary_loads:
            loaded = {k: v for k, v in loaded.items() if k == "records"}
        self._apply(loaded)

    async def search(self, query: str) -> None:
        """Filter the list by name or NIK."""
        self.query = query
        await self.reload(summary=False)

    async def set_filter(self, name: str, value: str) -> None:
        """Filter the list by `village`, `segment` or `status` ("" shows all)."""
        setattr(self, f"{name}_filter", value)
        await self.reload(summary=False)

    # -- pairing ------------------------------------------------------------
    async def pair(self) -> None:
        """Pair this tablet with the server using the code from the coordinator.

        The address must be https:// (plain http:// only for a server on this device):
        the token and every record would otherwise cross the network in clear.
        """
        address = check_server_address(self.server_url)
        if not address.ok:
            self.message = address.message(self.lang)
            return
        self.busy, self.message = True, t("pairing", self.lang)
        device_name = f"{self.officer or 'tablet'} ({platform.node() or 'android'})"
        try:
            device_id, token = await asyncio.to_thread(
                sync_client.pair, address.url, self.pairing_code, device_name, self.officer
            )
        except sync_client.SyncError as exc:
            self.busy, self.message = False, _pairing_error(exc, self.lang)
            return
        await asyncio.to_thread(
            self.store.set_settings,
            server_url=address.url,
            device_id=device_id,
            device_token=token,
            officer=self.officer,
        )
        self.busy, self.pairing_code = False, ""
        self.screen, self.message = "home", t("paired_ok", self.lang)

    # -- the form and its draft ---------------------------------------------------
    def _open_form(self, form: EnrolmentForm) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        self._drafts.cancel()
        self.form = form
        # Observable listeners are held weakly: keep the bound method alive here.
        self._form_listener = self._on_form_change
        self._unsubscribe = form.subscribe(self._form_listener)
        self.screen, self.message = "form", ""

    def _on_form_change(self, _sender: object, name: str | None) -> None:
        if name not in ("errors", "warning", "warned"):
            self._drafts.poke()

    async def _save_draft(self) -> None:
        async with self._draft_lock:
            form = self.form
            if self.screen not in ("form", "consent") or not form.has_content():
                return
            # The snapshot is taken under the lock, so writes land in typing order.
            payload, title = form.to_draft(), form.title()
            await asyncio.to_thread(self.store.save_draft, form.client_id, title, payload)

    def new_enrolment(self) -> None:
        """Open an empty form."""
        self._open_form(EnrolmentForm())

    def resume_draft(self, draft: Draft) -> None:
        """Open an unfinished form where the officer left it."""
        self._open_form(EnrolmentForm.from_draft(draft.payload))

    async def discard_draft(self, draft: Draft) -> None:
        """Throw an unfinished form away."""
        await asyncio.to_thread(self.store.delete_draft, draft.draft_id)
        await self.reload()

    def open_record(self, item: StoredEnrolment) -> None:
        """A synced record opens its card; any other opens the form to correct it."""
        if item.status == Status.SENT and item.card_token:
            self.open_card(item)
        else:
            self.edit_record(item)

    def open_card(self, item: StoredEnrolment) -> None:
        """Show a synced member's card (from local data: works offline)."""
        if item.card_token:
            # One indexed lookup in the local file: quick enough for the UI thread.
            self.card_revoked = is_revoked_card(item.card_token, self.store.is_revoked)
            self.card, self.screen = item, "card"

    def edit_record(self, item: StoredEnrolment) -> None:
        """Open a record (with its whole household) in the form; saving makes a new
        version of each, shown with the server's reasons if it was returned."""
        household = item.record.household
        items = self.store.household(household.head) if household else []
        if not items:
            items = [item]
        self._open_form(EnrolmentForm.for_correction(items, self.lang))

    async def leave_form(self) -> None:
        """Back to home; what was typed stays as a draft to resume later."""
        await self._drafts.flush()
        self.go_home()

    async def discard_form(self) -> None:
        """Leave the form and throw its draft away."""
        self._drafts.cancel()
        async with self._draft_lock:
            await asyncio.to_thread(self.store.delete_draft, self.form.client_id)
        self.go_home()

    def _check_duplicates(self, records: list[Enrolment]) -> tuple[dict[int, str], bool]:
        """NIKs already on this tablet (errors by record index), and whether any NIK
        is known to the server (a warning). Runs in a worker thread."""
        niks = [r.nik for r in records]
        # A household re-saved while its members swap NIKs is not a duplicate of itself.
        taken = self.store.niks_taken(niks, [r.client_id for r in records])
        on_tablet = {
            i: t("nik_on_tablet", self.lang) for i, r in enumerate(records) if r.nik in taken
        }
        return on_tablet, self._known_to_server(niks)

    async def review(self) -> None:
        """Step 1 → 2: check the form (all but consent) and the NIKs, then ask consent."""
        records = self.form.check(self.lang, with_consent=False)
        if records is None:
            self.message = t("fix_errors", self.lang)
            return
        on_tablet, on_server = await asyncio.to_thread(self._check_duplicates, records)
        if on_tablet:
            for i, text in on_tablet.items():
                if i == 0:
                    self.form.errors = {**self.form.errors, "nik": text}
                else:
                    self.form.members[i - 1].errors["nik"] = text
            self.form.notify()
            self.message = t("fix_errors", self.lang)
            return
        if on_server and not self.form.warned:
            # Warn once; going on is allowed (the server merges or asks for review).
            self.form.warned = True
            self.form.warning = t("nik_on_server", self.lang)
            self.message = t("nik_on_server", self.lang)
            return
        if not self.form.consent_by:
            self.form.consent_by = self.form.full_name.strip()
        self.screen, self.message = "consent", ""

    def back_to_form(self) -> None:
        """From the consent screen back to the form."""
        self.screen, self.message = "form", ""

    async def save(self) -> None:
        """Validate with consent and save every record of the form in one transaction;
        the records are on disk, and the draft gone, when this returns."""
        records = self.form.check(self.lang)
        if records is None:
            bad_consent = set(self.form.errors) == {"consent"}
            self.screen = "consent" if bad_consent else "form"
            self.message = t("consent_needed" if bad_consent else "fix_errors", self.lang)
            return
        self._drafts.cancel()
        async with self._draft_lock:
            await asyncio.to_thread(
                self.store.save_enrolments, records, draft_id=self.form.client_id
            )
        await self.reload()
        self.screen = "home"
        self.message = t(
            "saved_ok_n" if len(records) > 1 else "saved_ok", self.lang, n=len(records)
        )

    def _known_to_server(self, niks: list[str]) -> bool:
        salt = self.store.get_setting("roster_salt")
        if not salt:
            return False
        key = b64d(salt)
        return any(self.store.in_roster(roster_hash(key, nik)) for nik in niks)

    def go_home(self) -> None:
        """Back to the list."""
        self.screen, self.message = "home", ""
        self.refresh()

    # -- checking a card offline ---------------------------------------------------
    def open_verify(self) -> None:
        """Open the card-check screen."""
        self.card_text, self.card_check = "", None
        self.screen, self.message = "verify", ""

    def set_card_text(self, text: str) -> None:
        """The QR text changed: the previous verdict no longer applies."""
        self.card_text, self.card_check = text, None

    async def verify_card(self) -> None:
        """Judge the typed or scanned QR text with the keys cached at the last sync."""
        text = self.card_text

        def run() -> CardCheck:
            keys = {kid: b64d(x) for kid, x in self.store.public_keys().items()}
            return check_card(text, keys, self.store.is_revoked, date.today())

        self.card_check = await asyncio.to_thread(run)

    # -- sync ----------------------------------------------------------------
    def has_pending(self) -> bool:
        """True while records wait to be sent."""
        return self.counts.get(Status.PENDING, 0) > 0

    async def auto_sync(self) -> bool | None:
        """A background attempt: quiet unless it delivers something. None if skipped."""
        if self.busy or self.screen == "pair" or self._sync_lock.locked():
            return None
        return await self.sync(quiet=True)

    async def sync_now(self) -> None:
        """The Sync button (Flet passes an event to handlers that take parameters, so
        the button cannot call `sync(quiet=...)` directly)."""
        await self.sync()

    async def sync(self, quiet: bool = False) -> bool:
        """Send every pending record; report progress and the outcome. True on success.

        A tap on Sync during a background attempt waits for it, then runs and reports:
        the officer always gets an answer to the button.
        """
        async with self._sync_lock:
            if not quiet:
                self.busy = True
                self.message = t("syncing", self.lang, sent=0, kb=0)
            try:
                return await self._sync_once(quiet)
            finally:
                self.busy = False
                await self.reload()

    async def _sync_once(self, quiet: bool) -> bool:
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
        if report.sent or not quiet:
            self.message = (
                t("sync_done", self.lang, accepted=report.accepted, set_aside=report.set_aside)
                if report.sent
                else t("sync_nothing", self.lang)
            )
        return True


def _pairing_error(exc: sync_client.SyncError, lang: str) -> str:
    """The officer's message for a failed pairing (a throttled one says to wait)."""
    if exc.kind == "pairing_invalid" and exc.detail == "too_many_attempts":
        return PAIRING_THROTTLED["en" if lang == "en" else "id"]
    return t(f"err_{exc.kind}", lang)


def data_dir() -> str:
    """Where the app keeps its database: Flet's app storage on a device, else ./data."""
    return os.environ.get("FLET_APP_STORAGE_DATA") or os.path.join("data", "field_app")
