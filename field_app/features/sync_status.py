"""Sending pending records: the background attempts and the Sync button.

Progress and the outcome go to the session's status line; the home list reloads after.
"""

from __future__ import annotations

import asyncio

from field_app import sync_client
from field_app.features.home_list import HomeList
from field_app.i18n import t
from field_app.session import Session
from field_app.store import Status
from field_app.sync_client import SyncReport


class SyncStatus:
    """One sync at a time, background or tapped."""

    def __init__(self, session: Session, home: HomeList):
        self.session, self.home = session, home
        self._lock = asyncio.Lock()
        self._delivered: SyncReport | None = None  # the last sending's report, to say
        # A background delivery the officer has not had a tapped answer about yet: a tap
        # that finds nothing left to send answers with it, not with "nothing to send".
        self._unanswered: SyncReport | None = None

    @property
    def running(self) -> bool:
        """True while a sync (either kind) is under way."""
        return self._lock.locked()

    async def auto_sync(self) -> bool | None:
        """A background attempt: quiet unless it delivers something. None if skipped."""
        if self.session.busy or self.session.screen == "pair" or self.running:
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
        session = self.session
        async with self._lock:
            if not quiet:
                session.busy = True
                session.say(t("syncing", session.lang, sent=0, kb=0))
            self._delivered = None
            try:
                return await self._sync_once(quiet)
            finally:
                session.busy = False
                await self.home.reload()
                self._say_totals()

    def _say_totals(self) -> None:
        """What this sending did, and the totals the counters beside it now show: read
        after home reloaded, so the line and the counters are the same store's state
        (earlier records set aside still count under "perlu perhatian")."""
        report, session = self._delivered, self.session
        if report is None:
            return
        counts = self.home.counts
        pull = f" {t('pull_failed', session.lang)}" if report.pull_error else ""
        attention = sum(counts.get(s, 0) for s in Status.ATTENTION)
        session.say(
            t(
                "sync_done_totals",
                session.lang,
                accepted=report.accepted,
                set_aside=report.set_aside,
                sent=counts.get(Status.SENT, 0),
                attention=attention,
                pending=counts.get(Status.PENDING, 0),
            )
            + _activities_part(report, session.lang)
            + pull,
            "warning"
            if report.set_aside or report.activities_set_aside or report.pull_error
            else "success",
        )

    async def _sync_once(self, quiet: bool) -> bool:
        session = self.session
        loop = asyncio.get_running_loop()

        def progress(sent: int, nbytes: int) -> None:
            msg = t("syncing", session.lang, sent=sent, kb=round(nbytes / 1024, 1))
            loop.call_soon_threadsafe(session.say, msg)

        try:
            report = await asyncio.to_thread(sync_client.sync, session.store, progress)
        except sync_client.SyncError as exc:
            if exc.kind == "revoked":  # its data is wiped: pair again to send the rest
                session.show("pair", t("err_revoked", session.lang), "error")
            elif not quiet or exc.kind == "unauthorized":
                # Out of reach is the village's normal state (the records wait here): amber.
                kind = "warning" if exc.kind == "unreachable" else "error"
                session.say(t(f"err_{exc.kind}", session.lang), kind)
            return False
        if report.sent or report.activities_sent:
            self._delivered = report  # said once home has reloaded (_say_totals)
            self._unanswered = report if quiet else None
            return not report.pull_error
        if not quiet and self._unanswered is not None and not report.pull_error:
            self._delivered, self._unanswered = self._unanswered, None
            return True
        if not quiet or report.pull_error:
            session.say(t("sync_nothing", session.lang))
        if report.pull_error:
            session.say(f"{session.message} {t('pull_failed', session.lang)}", "warning")
        return not report.pull_error


def _activities_part(report: SyncReport, lang: str) -> str:
    """ " 3 attendance/visits sent, 1 needs attention." when the sync sent any."""
    if not report.activities_sent:
        return ""
    sent, aside = report.activities_sent, report.activities_set_aside
    return " " + t("sync_activities_part", lang, sent=sent - aside, set_aside=aside)
