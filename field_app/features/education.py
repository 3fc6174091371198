"""Education sessions: the area's sessions as last pulled, and the attendance of one,
recorded by scanning a card (judged offline, as the card check does), by NIK, or as a
guest who is not a member (offered enrolment at once).

Nothing here syncs: the Sync button sends what is recorded (features/sync_status.py),
and each attendee shows the status the store keeps (waiting, sent, needs attention).
Every store call runs in a worker thread; a lock meanwhile ends it quietly (the
sign-in screen shows).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

import flet as ft

from enrolment import card_token
from enrolment.activities import Attendance, Kind, Method, activity_problems
from enrolment.card_check import CardCheck, Verdict, check_card
from enrolment.card_token import b64d
from enrolment.nik import mask_nik
from enrolment.problems import Problem
from enrolment.records import new_client_id
from enrolment.worklist import EducationSession
from field_app.i18n import t
from field_app.session import Session
from field_app.store import Locked
from field_app.store_activities import StoredActivity
from field_app.store_sync import now_iso
from field_app.typed_values import format_date


@dataclass(frozen=True)
class Said:
    """What the screen says about the last thing recorded: a message code, its
    parameters and its kind (error, warning, success), rendered in the current
    language (a language switch re-renders it)."""

    code: str
    kind: str
    params: tuple[tuple[str, str], ...] = ()
    coded: tuple[str, ...] = ()  # parameters that are message codes themselves

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        values = {k: t(v, lang) if k in self.coded else v for k, v in self.params}
        return t(self.code, lang, **values)


def said(code: str, kind: str, *, coded: tuple[str, ...] = (), **params: object) -> Said:
    """`Said` with keyword parameters (those named in `coded` are message codes)."""
    return Said(code, kind, tuple((k, str(v)) for k, v in params.items()), coded)


@ft.observable
@dataclass
class Education:
    """The sessions screen and the attendance screen of the session opened."""

    session: Session
    sessions: list[EducationSession] = field(default_factory=list)
    current: EducationSession | None = None
    attendance: list[StoredActivity] = field(default_factory=list)
    entry: str = ""  # the manual entry open: "" | "nik" | "guest"
    nik: str = ""
    guest_name: str = ""
    guest_nik: str = ""
    problems: list[Problem] = field(default_factory=list)  # of the entry open
    result: Said | None = None  # the outcome of the last scan or entry
    note: Said | None = None  # said beside it (an expired card)
    enrol_offer: tuple[str, str] | None = None  # (name, NIK) of the guest just recorded
    # Attendance the server refused, of any session (one no longer pulled too): shown on
    # the sessions screen with the reason, so nothing set aside drops out of sight.
    refused: list[StoredActivity] = field(default_factory=list)

    @property
    def store(self):
        return self.session.store

    def clear(self) -> None:
        """Forget every name (the tablet locks)."""
        self.sessions, self.attendance, self.current, self.refused = [], [], None, []
        self._reset_entry()

    def _reset_entry(self) -> None:
        self.entry, self.nik, self.guest_name, self.guest_nik = "", "", "", ""
        self.problems, self.result, self.note, self.enrol_offer = [], None, None, None

    # -- the sessions screen -----------------------------------------------------------
    async def open(self) -> None:
        """Home's "Sesi edukasi": the sessions as last pulled, nearest first."""
        store = self.store

        def read() -> tuple[list[EducationSession], list[StoredActivity]]:
            return store.sessions(), store.set_aside_activities(Kind.ATTENDANCE.value)

        try:
            self.sessions, self.refused = await asyncio.to_thread(read)
        except Locked:
            return
        self.current = None
        self.session.show("sessions")

    async def open_session(self, item: EducationSession) -> None:
        """A session tapped: its attendance screen."""
        self._reset_entry()
        self.current, self.attendance = item, []
        await self._reload()
        self.session.show("attendance")

    def back_to_list(self) -> None:
        """The attendance screen's back: the sessions again."""
        self._reset_entry()
        self.session.show("sessions")

    async def _reload(self) -> None:
        if self.current is None:
            return
        try:
            self.attendance = await asyncio.to_thread(self.store.attendance_for, self.current.id)
        except Locked:
            return

    # -- the attendance screen ---------------------------------------------------------
    def open_entry(self, entry: str) -> None:
        """Open (or close, tapped again) the NIK or the guest entry."""
        self.entry = "" if self.entry == entry else entry
        self.problems = []

    def set_field(self, name: str, value: str) -> None:
        """One of the entry's fields typed; errors shown are checked again, so each
        goes as soon as it is fixed."""
        setattr(self, name, value)
        if self.problems:
            self.problems = activity_problems(self._typed())

    def problem_for(self, name: str) -> Problem | None:
        """The problem shown under field `name`, if any."""
        return next((p for p in self.problems if p.field == name), None)

    def _typed(self) -> Attendance:
        session_id = self.current.id if self.current else ""
        if self.entry == "guest":
            return Attendance(
                cid=new_client_id(),
                session=session_id,
                method=Method.GUEST,
                at=now_iso(),
                name=self.guest_name.strip(),
                nik=self.guest_nik.strip(),
            )
        return Attendance(
            cid=new_client_id(),
            session=session_id,
            method=Method.NIK,
            at=now_iso(),
            nik=self.nik.strip(),
        )

    async def scanned(self, text: str) -> None:
        """A card's QR read: judged offline with the keys and revocations of the last
        pull. A valid card counts; so does an expired one (it still names its member
        and its signature is good: attendance is about the person, not the card). A
        revoked or forged card, or one signed with a key not known yet, does not."""
        if self.current is None:
            return
        store = self.store

        def judge() -> CardCheck:
            keys = {kid: b64d(x) for kid, x in store.public_keys().items()}
            return check_card(text, keys, store.is_revoked, date.today())

        self.enrol_offer, self.note = None, None
        try:
            check = await asyncio.to_thread(judge)
        except Locked:
            return
        claims = check.claims
        if check.verdict == Verdict.REVOKED and claims is not None:
            self.result = said("att_revoked", "error", name=claims.name)
            return
        if claims is None or check.verdict not in (Verdict.VALID, Verdict.EXPIRED):
            unknown = check.verdict == Verdict.UNKNOWN_KEY
            self.result = said(*(("att_unknown_key", "warning") if unknown else _FORGED))
            return
        attendance = Attendance(
            cid=new_client_id(),
            session=self.current.id,
            method=Method.CARD,
            at=now_iso(),
            card=card_token.token_from_text(text),
        )
        if await self._record(attendance, claims.member_no, claims.name):
            self.result = said("att_present", "success", name=claims.name)
            if check.verdict == Verdict.EXPIRED:
                self.note = said("att_expired_note", "warning", date=_day(claims.expires))

    async def record_entry(self) -> None:
        """The NIK entry's or the guest entry's button: check, then record."""
        if self.current is None or not self.entry:
            return
        attendance = self._typed()
        self.problems = activity_problems(attendance)
        self.result, self.note, self.enrol_offer = None, None, None
        if self.problems:
            return
        if attendance.method is Method.GUEST:
            name = attendance.name
            if await self._record(attendance, "", name):
                self.result = said("att_guest_recorded", "success", name=name)
                self.enrol_offer = (name, attendance.nik)
                self.guest_name, self.guest_nik = "", ""
            return
        member_no, name = await self._member_of(attendance.nik)
        label = name or mask_nik(attendance.nik)
        if await self._record(attendance, member_no, label):
            self.result = said("att_present", "success", name=label)
            self.nik = ""

    async def _member_of(self, nik: str) -> tuple[str, str]:
        """The member number and name of a member enrolled on this tablet with this
        NIK (("", "") if none): counted as that member, the same as their card."""

        def find() -> tuple[str, str]:
            for item in self.store.list_enrolments(nik, 5):
                if item.record.nik == nik:
                    return item.member_no or "", item.record.full_name
            return "", ""

        try:
            return await asyncio.to_thread(find)
        except Locked:
            return "", ""

    async def _record(self, attendance: Attendance, member_no: str, label: str) -> bool:
        """Record; False (and said so) when this person is recorded for this session
        on this tablet already."""
        try:
            added = await asyncio.to_thread(
                self.store.record_attendance, attendance, member_no=member_no, label=label
            )
        except Locked:
            return False
        if not added:
            self.result = said("att_already", "warning", name=label)
        await self._reload()
        return added


_FORGED = ("att_not_genuine", "error")


def _day(d: date) -> str:
    return format_date(d.isoformat())
