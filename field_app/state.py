"""The app's state: the session and one observable per feature, wired together.

Views render this state and call its methods; they never touch the database.
Methods that do I/O are async and push the blocking part to a thread, because
Flet runs handlers on its event loop. Each feature lives in field_app/features/.
"""

from __future__ import annotations

import os

from field_app.features.card import CardChecker, ShownCard
from field_app.features.enrolment_form import FormFlow
from field_app.features.home_list import LIST_LIMIT, HomeList, start_of_local_day
from field_app.features.sync_status import SyncStatus
from field_app.session import Session
from field_app.store import Status, Store, StoredEnrolment

__all__ = ["LIST_LIMIT", "AppState", "data_dir", "start_of_local_day"]


class AppState:
    """The session and the features of one app session (one page)."""

    def __init__(self, store: Store):
        self.store = store
        self.session = Session(store)
        self.home = HomeList(store)
        self.flow = FormFlow(self.session, self.home)
        self.card = ShownCard(self.session)
        self.checker = CardChecker(self.session)
        self.syncing = SyncStatus(self.session, self.home)

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

    def has_pending(self) -> bool:
        """True while records wait to be sent."""
        return self.home.has_pending()

    async def auto_sync(self) -> bool | None:
        """A background sync attempt (see features/sync_status.py)."""
        return await self.syncing.auto_sync()


def data_dir() -> str:
    """Where the app keeps its database: Flet's app storage on a device, else ./data."""
    return os.environ.get("FLET_APP_STORAGE_DATA") or os.path.join("data", "field_app")
