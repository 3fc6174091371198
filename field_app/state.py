"""The app's state: the session and one observable per feature, wired together.

Views render this state and call its methods; they never touch the database.
Methods that do I/O are async and push the blocking part to a thread, because
Flet runs handlers on its event loop. Each feature lives in field_app/features/.
"""

from __future__ import annotations

import asyncio
import os

from field_app.features.card import CardChecker, ShownCard
from field_app.features.education import Education
from field_app.features.enrolment_form import FormFlow
from field_app.features.home_list import LIST_LIMIT, HomeList, start_of_local_day
from field_app.features.sign_in import NewOfficer, SignIn, try_add_officer, try_unlock
from field_app.features.sync_status import SyncStatus
from field_app.features.umkm_followup import UmkmFollowUp
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.session import Session
from field_app.store import Locked, Status, Store, StoredEnrolment

__all__ = ["LIST_LIMIT", "AppState", "data_dir", "start_of_local_day"]


class AppState:
    """The session and the features of one app session (one page)."""

    def __init__(self, store: Store):
        self.store = store
        self.session = Session(store)
        self.home = HomeList(store)  # empty while locked
        self.flow = FormFlow(self.session, self.home)
        self.card = ShownCard(self.session)
        self.checker = CardChecker(self.session)
        self.syncing = SyncStatus(self.session, self.home)
        self.education = Education(self.session)  # sessions and attendance
        self.umkm = UmkmFollowUp(self.session)  # UMKM follow-up visits
        self.sign_in = SignIn()
        self.sign_in.reset(store.officers())
        self.new_officer = NewOfficer()
        self.wake: asyncio.Event | None = None  # the background sync's (main.py)

    # What every screen reads, and the tests ask about.
    @property
    def screen(self) -> str:
        return self.session.screen

    @property
    def message(self) -> str:
        return self.session.message

    @property
    def busy(self) -> bool:
        return self.session.busy

    @property
    def card_revoked(self) -> bool:
        return self.card.revoked

    def open_card(self, item: StoredEnrolment) -> None:
        """Show a synced member's card (from local data: works offline)."""
        self.card.open(item)

    def open_record(self, item: StoredEnrolment) -> None:
        """A synced record opens its card; any other opens the form to correct it."""
        if item.status == Status.SENT and item.card_token:
            self.card.open(item)
        else:
            self.flow.edit_record(item)

    def _known_to_server(self, niks: list[str]) -> bool:
        return self.flow._known_to_server(niks)

    def go_home(self) -> None:
        """Back to the list."""
        self.flow.go_home()

    def enrol_guest(self, name: str, nik: str) -> None:
        """The attendance screen's "Daftarkan sekarang": the enrolment form, with the
        guest's name (and NIK, if given) typed in already."""
        self.flow.new_enrolment()
        if name:
            self.flow.form.set("full_name", name)
        if nik:
            self.flow.form.set("nik", nik)

    def has_pending(self) -> bool:
        """True while records wait to be sent (never while locked: nothing can be read)."""
        return not self.store.locked and self.home.has_pending()

    async def auto_sync(self) -> bool | None:
        """A background sync attempt (see features/sync_status.py); skipped while locked,
        and one the lock overtook counts as skipped."""
        if self.store.locked:
            return None
        try:
            return await self.syncing.auto_sync()
        except Locked:
            return None

    async def sync_now(self) -> None:
        """The Sync button (a lock meanwhile ends it quietly: the sign-in screen shows)."""
        try:
            await self.syncing.sync_now()
        except Locked:
            self.session.busy = False

    # -- officers and the lock (features/sign_in.py) -------------------------------------
    @property
    def officer_name(self) -> str:
        """The officer who unlocked the tablet ("" when locked or unprotected)."""
        me = self.store.officer_id
        return next((o.name for o in self.store.officers() if o.officer_id == me), "")

    async def lock(self) -> None:
        """Lock the tablet now (the Kunci button, idle, the app going to the background):
        the form being typed is written as its draft first, then the key is forgotten,
        the lists emptied and the sign-in screen shown. Nothing happens on a tablet
        without officers (nothing to lock it with) or one already locked."""
        store = self.store
        if not store.protected or store.locked or self.new_officer.busy or self.sign_in.busy:
            return  # (an officer being added or a PIN checked: the key is being set)
        await self.flow.flush_draft()
        self.session.show("sign_in")
        self.flow.form = EnrolmentForm()  # resumed from its draft after unlock
        store.lock()
        self.home.refresh()  # empties the lists (locked)
        self.education.clear()
        self.umkm.clear()
        self.sign_in.reset(store.officers())

    async def unlock(self) -> None:
        """The sign-in screen's Unlock: check the PIN; on success go home (or to pairing,
        for a tablet not paired yet) and wake the background sync."""
        lang = self.session.lang
        officer = await try_unlock(self.store, self.sign_in, lang)
        if officer is None:
            return
        await self.home.reload()
        paired = self.store.has_setting("device_token")
        self.session.show(
            "home" if paired else "pair", t("signed_in", lang, name=officer.name), "success"
        )
        if self.wake is not None:
            self.wake.set()

    def open_add_officer(self) -> None:
        """Home's "Tambah petugas" (or "Pasang PIN" on a tablet without officers)."""
        first = not self.store.protected  # the first PIN is the paired officer's
        self.new_officer = NewOfficer(name=self.session.officer if first else "")
        self.session.show("add_officer")

    async def add_officer(self) -> None:
        """Save the officer typed on the add-officer screen, then back home."""
        lang, form = self.session.lang, self.new_officer
        first = not self.store.protected
        officer = await try_add_officer(self.store, form, lang)
        if officer is None:
            return
        await self.home.reload()
        done = "pin_set" if first else "officer_added"
        self.session.show("home", t(done, lang, name=officer.name), "success")


def data_dir() -> str:
    """Where the app keeps its database: Flet's app storage on a device, else ./data."""
    return os.environ.get("FLET_APP_STORAGE_DATA") or os.path.join("data", "field_app")
