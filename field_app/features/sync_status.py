"""Sending pending records: the background attempts and the Sync button.

Progress and the outcome go to the session's status line; the home list reloads after.
"""

from __future__ import annotations

import asyncio

from field_app import sync_client
from field_app.features.home_list import HomeList
from field_app.i18n import t
from field_app.session import Session


class SyncStatus:
    """One sync at a time, background or tapped."""

    def __init__(self, session: Session, home: HomeList):
        self.session, self.home = session, home
        self._lock = asyncio.Lock()

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
                session.message = t("syncing", session.lang, sent=0, kb=0)
            try:
                return await self._sync_once(quiet)
            finally:
                session.busy = False
                await self.home.reload()

    async def _sync_once(self, quiet: bool) -> bool:
        session = self.session
        loop = asyncio.get_running_loop()

        def progress(sent: int, nbytes: int) -> None:
            msg = t("syncing", session.lang, sent=sent, kb=round(nbytes / 1024, 1))
            loop.call_soon_threadsafe(setattr, session, "message", msg)

        try:
            report = await asyncio.to_thread(sync_client.sync, session.store, progress)
        except sync_client.SyncError as exc:
            if exc.kind == "revoked":  # its data is wiped: pair again to send the rest
                session.show("pair", t("err_revoked", session.lang))
            elif not quiet or exc.kind == "unauthorized":
                session.message = t(f"err_{exc.kind}", session.lang)
            return False
        if report.sent or not quiet or report.pull_error:
            session.message = (
                t("sync_done", session.lang, accepted=report.accepted, set_aside=report.set_aside)
                if report.sent
                else t("sync_nothing", session.lang)
            )
        if report.pull_error:
            session.message = f"{session.message} {t('pull_failed', session.lang)}"
        return not report.pull_error
