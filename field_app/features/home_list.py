"""Home: the list of enrolments with its search and filters, the drafts, the counters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import flet as ft

from field_app.store import Draft, Locked, Status, Store, StoredEnrolment
from field_app.store_activities import ActivityStatus

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
class HomeList:
    """What home lists, and the search and filters that choose it."""

    store: Store
    records: list[StoredEnrolment] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    today_count: int = 0
    waiting_since: str = ""  # UTC save time of the oldest record waiting to be sent, or ""
    villages: list[str] = field(default_factory=list)  # village codes with records
    query: str = ""
    village_filter: str = ""
    segment_filter: str = ""
    status_filter: str = ""  # "" | pending | sent | attention
    filters_open: bool = False  # the village and segment filters shown (Saring)

    def __post_init__(self) -> None:
        self._list_loads = self._summary_loads = 0  # see reload()
        self.refresh()

    def _load(self, summary: bool = True) -> dict[str, object]:
        """Read what home shows: the list, and with `summary` the drafts and counters
        (blocking: call from a worker thread or at start-up). Empty while the store is
        locked: home is built at start, before anyone unlocks, and emptied when the
        tablet locks, so no name stays in memory behind the sign-in screen."""
        try:
            return self._read(summary)
        except Locked:
            empty: dict[str, object] = {"records": []}
            if summary:
                empty |= {
                    "drafts": [],
                    "counts": {},
                    "today_count": 0,
                    "waiting_since": "",
                    "villages": [],
                }
            return empty

    def _read(self, summary: bool) -> dict[str, object]:
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
                "waiting_since": self.store.oldest_pending_at() or "",
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

    def toggle_filters(self) -> None:
        """Show or hide the village and segment filters (hidden, home fits a phone)."""
        self.filters_open = not self.filters_open

    def filtering(self) -> bool:
        """True when a village or segment filter narrows the list."""
        return bool(self.village_filter or self.segment_filter)

    async def discard_draft(self, draft: Draft) -> None:
        """Throw an unfinished form away."""
        await asyncio.to_thread(self.store.delete_draft, draft.draft_id)
        await self.reload()

    def has_pending(self) -> bool:
        """True while records, or attendance and visits, wait to be sent (the activities
        are counted at each look: they are saved from other screens than this list's)."""
        if self.counts.get(Status.PENDING, 0) > 0:
            return True
        return self.store.activity_counts().get(ActivityStatus.PENDING, 0) > 0


def grouped(records: list[StoredEnrolment]) -> list[list[StoredEnrolment]]:
    """The list's records with each household's together: groups in the order their
    first record is listed (newest first), a household's head (by KK relation; else its
    anchor record) first, then its other members in the order they were added. A record
    without a household is a group of one."""
    groups: dict[str, list[tuple[int, StoredEnrolment]]] = {}
    for index, item in enumerate(records):
        household = item.record.household
        key = household.head if household is not None else item.record.client_id
        groups.setdefault(key, []).append((index, item))

    def rank(entry: tuple[int, StoredEnrolment]) -> tuple[bool, bool, int]:
        index, item = entry
        household = item.record.household
        if household is None:
            return (False, False, 0)
        # Newest first in the list, so a higher index was added earlier.
        return (household.relation != "head", item.record.client_id != household.head, -index)

    return [[item for _, item in sorted(members, key=rank)] for members in groups.values()]
