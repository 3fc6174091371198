"""UMKM follow-up: the area's UMKM owners whose conversion to paid membership is due
(as last pulled), and the outcome of a visit to one (converted from a date, declined
with a reason, moved, not found), recorded here and sent by the Sync button.

Store calls run in a worker thread; a lock meanwhile ends them quietly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

import flet as ft

from enrolment.activities import Kind, UmkmVisit, VisitOutcome, activity_problems
from enrolment.problems import Problem, problem
from enrolment.records import new_client_id
from enrolment.worklist import UmkmDue
from field_app.features.education import Said, said
from field_app.session import Session
from field_app.store import Locked
from field_app.store_activities import StoredActivity
from field_app.store_sync import now_iso
from field_app.typed_values import parse_typed_date


@ft.observable
@dataclass
class UmkmFollowUp:
    """The follow-up screen: who is due, the latest visit to each, the visit being
    recorded."""

    session: Session
    due: list[UmkmDue] = field(default_factory=list)
    visits: dict[str, StoredActivity] = field(default_factory=dict)  # member_no -> latest
    # Visits the server refused to owners no longer listed: shown with the reason.
    refused: list[StoredActivity] = field(default_factory=list)
    due_count: int = 0  # on home's button
    chosen: str = ""  # member_no of the owner whose visit is being recorded
    outcome: str = ""  # a VisitOutcome value, "" until chosen
    starts: str = ""  # as typed, DD-MM-YYYY
    reason: str = ""
    problems: list[Problem] = field(default_factory=list)
    result: Said | None = None

    @property
    def store(self):
        return self.session.store

    def clear(self) -> None:
        """Forget every name (the tablet locks)."""
        self.due, self.visits, self.due_count, self.refused = [], {}, 0, []
        self._reset()
        self.result = None

    def _reset(self) -> None:
        self.chosen, self.outcome, self.starts, self.reason, self.problems = "", "", "", "", []

    async def load_count(self) -> None:
        """How many owners are due (home's button); 0 while locked."""
        try:
            due = await asyncio.to_thread(self.store.umkm_due)
        except Locked:
            due = []
        self.due_count = len(due)

    async def open(self) -> None:
        """Home's "Tindak lanjut UMKM": the owners due, earliest first."""
        self._reset()
        self.result = None
        if await self._reload():
            self.session.show("umkm")

    async def _reload(self) -> bool:
        store = self.store

        def read() -> tuple[list[UmkmDue], dict[str, StoredActivity], list[StoredActivity]]:
            return (
                store.umkm_due(),
                store.latest_visits(),
                store.set_aside_activities(Kind.UMKM_VISIT.value),
            )

        try:
            self.due, self.visits, refused = await asyncio.to_thread(read)
        except Locked:
            return False
        listed = {d.member_no for d in self.due}
        self.refused = [r for r in refused if r.member_no not in listed]
        self.due_count = len(self.due)
        return True

    def choose(self, member_no: str) -> None:
        """An owner tapped: record a visit to them (tapped again: closed)."""
        opened = self.chosen != member_no
        self._reset()
        self.chosen = member_no if opened else ""
        self.result = None

    def set_field(self, name: str, value: str) -> None:
        """The outcome, the start date or the reason changed; errors shown are checked
        again, so each goes as soon as it is fixed."""
        setattr(self, name, value)
        if self.problems:
            self.problems = self._check()[1]

    def problem_for(self, name: str) -> Problem | None:
        """The problem shown under field `name`, if any."""
        return next((p for p in self.problems if p.field == name), None)

    def _check(self) -> tuple[UmkmVisit | None, list[Problem]]:
        """The visit typed, and what is wrong with it."""
        if not self.outcome:
            return None, [problem("outcome", "umkm_choose")]
        outcome = VisitOutcome(self.outcome)
        starts: date | None = None
        found: list[Problem] = []
        if outcome is VisitOutcome.CONVERTED and self.starts.strip():
            try:
                starts = date.fromisoformat(parse_typed_date(self.starts))
            except ValueError:
                found.append(problem("starts", "umkm_starts_format"))
        visit = UmkmVisit(
            cid=new_client_id(),
            member_no=self.chosen,
            outcome=outcome,
            at=now_iso(),
            starts=starts,
            reason=self.reason.strip() if outcome is VisitOutcome.DECLINED else "",
        )
        if found:  # a date that does not read is not also "missing"
            return visit, found + [p for p in activity_problems(visit) if p.field != "starts"]
        return visit, activity_problems(visit)

    async def save(self) -> None:
        """Save the visit being recorded, then show it on the owner's row."""
        owner = next((d for d in self.due if d.member_no == self.chosen), None)
        if owner is None:
            return
        visit, self.problems = self._check()
        if self.problems or visit is None:
            return
        try:
            await asyncio.to_thread(self.store.record_visit, visit, label=owner.name)
        except Locked:
            return
        self._reset()
        outcome = f"visit_{visit.outcome.value}"
        self.result = said(
            "umkm_saved", "success", name=owner.name, outcome=outcome, coded=("outcome",)
        )
        await self._reload()


def days_overdue(due: date, today: date) -> int:
    """Days past the due date (0 on the day, negative before it)."""
    return (today - due).days
