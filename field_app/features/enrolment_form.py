"""The enrolment form's flow: open, autosave as a draft, check, ask consent, save."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import flet as ft

from enrolment.card_token import b64d
from enrolment.records import Enrolment
from enrolment.roster import roster_hash
from field_app.drafts import Debouncer
from field_app.features.home_list import HomeList
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.session import Session
from field_app.store import Draft, StoredEnrolment

DRAFT_DELAY = 0.8  # seconds of quiet typing before the draft is written


@ft.observable
@dataclass
class FormFlow:
    """The form being filled (an observable of its own), and the steps around it."""

    session: Session
    home: HomeList
    form: EnrolmentForm = field(default_factory=EnrolmentForm)

    def __post_init__(self) -> None:
        self._drafts = Debouncer(DRAFT_DELAY, self._save_draft)
        self._draft_lock = asyncio.Lock()
        self._unsubscribe = None

    @property
    def store(self):
        return self.session.store

    def _open_form(self, form: EnrolmentForm) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        self._drafts.cancel()
        # The estimate uses the contribution tables of the last pull (else the shipped file).
        form.schedule = self.store.rate_schedule()
        self.form = form
        # Observable listeners are held weakly: keep the bound method alive here.
        self._form_listener = self._on_form_change
        self._unsubscribe = form.subscribe(self._form_listener)
        self.session.show("form")

    def _on_form_change(self, _sender: object, name: str | None) -> None:
        if name not in ("errors", "warning", "warned", "lang", "focus_key", "focus_seq"):
            self._drafts.poke()

    async def _save_draft(self) -> None:
        async with self._draft_lock:
            form = self.form
            if self.session.screen not in ("form", "consent") or not form.has_content():
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

    def edit_record(self, item: StoredEnrolment) -> None:
        """Open a record (with its whole household) in the form; saving makes a new
        version of each, shown with the server's reasons if it was returned."""
        household = item.record.household
        items = self.store.household(household.head) if household else []
        if not items:
            items = [item]
        self._open_form(EnrolmentForm.for_correction(items, self.session.lang))

    def go_home(self) -> None:
        """Back to the list."""
        self.session.show("home")
        self.home.refresh()

    async def flush_draft(self) -> None:
        """Write what was typed now (the app is going to the background, where Android
        may end it without a word); nothing happens outside the form."""
        await self._drafts.flush()

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
        lang = self.session.lang
        on_tablet = {i: t("nik_on_tablet", lang) for i, r in enumerate(records) if r.nik in taken}
        return on_tablet, self._known_to_server(niks)

    def _known_to_server(self, niks: list[str]) -> bool:
        salt = self.store.get_setting("roster_salt")
        if not salt:
            return False
        key = b64d(salt)
        return any(self.store.in_roster(roster_hash(key, nik)) for nik in niks)

    async def review(self) -> None:
        """Step 1 → 2: check the form (all but consent) and the NIKs, then ask consent."""
        session, form = self.session, self.form
        records = form.check(session.lang, with_consent=False)
        if records is None:
            form.request_focus()
            session.say(t("fix_errors", session.lang), "error")
            return
        on_tablet, on_server = await asyncio.to_thread(self._check_duplicates, records)
        if on_tablet:
            for i, text in on_tablet.items():
                if i == 0:
                    form.errors = {**form.errors, "nik": text}
                else:
                    form.members[i - 1].errors["nik"] = text
            form.notify()
            form.request_focus()
            session.say(t("fix_errors", session.lang), "error")
            return
        if on_server and not form.warned:
            # Warn once; going on is allowed (the server merges or asks for review).
            form.warned = True
            form.warning = t("nik_on_server", session.lang)
            session.say(t("nik_on_server", session.lang), "warning")
            return
        if not form.consent_by:
            form.consent_by = form.full_name.strip()
        # Warnings do not stop the officer: the consent step shows them again, read
        # with the person and their KTP before anything is saved.
        session.show("consent")

    def back_to_form(self) -> None:
        """From the consent screen back to the form."""
        self.session.show("form")

    async def save(self) -> None:
        """Validate with consent and save every record of the form in one transaction;
        the records are on disk, and the draft gone, when this returns."""
        session = self.session
        records = self.form.check(session.lang)
        if records is None:
            bad_consent = set(self.form.errors) == {"consent"}
            if not bad_consent:
                self.form.request_focus()
            session.show(
                "consent" if bad_consent else "form",
                t("consent_needed" if bad_consent else "fix_errors", session.lang),
                "error",
            )
            return
        self._drafts.cancel()
        async with self._draft_lock:
            await asyncio.to_thread(
                self.store.save_enrolments, records, draft_id=self.form.client_id
            )
        await self.home.reload()
        n = len(records)
        session.show("home", t("saved_ok_n" if n > 1 else "saved_ok", session.lang, n=n), "success")
