"""Since when records wait to be sent (issue 12, part 4): the store's oldest pending save
time on a real SQLite file, and home's summary built from it (empty while locked)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from field_app import store as store_module
from field_app.features.home_list import HomeList
from field_app.store import Status, Store
from field_app.vault import KdfParams
from tests.conftest import person


class Stamps:
    """A save clock that ticks a minute per save, so "oldest" has something to tell."""

    def __init__(self) -> None:
        self.minute = 0

    def __call__(self) -> str:
        self.minute += 1
        return f"2026-12-02T00:{self.minute:02d}:00Z"


@pytest.fixture
def stamps(monkeypatch: pytest.MonkeyPatch) -> Stamps:
    clock = Stamps()
    monkeypatch.setattr(store_module, "now_iso", clock)  # what save_enrolments stamps
    return clock


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "tablet.db"


def test_the_oldest_pending_save_time_follows_the_queue(db: Path, stamps: Stamps) -> None:
    store = Store(db)
    assert store.oldest_pending_at() is None  # nothing saved: nothing waits
    first, second = person(1), person(2)
    store.save_enrolment(first)  # 00:01
    store.save_enrolment(second)  # 00:02
    assert store.oldest_pending_at() == "2026-12-02T00:01:00Z"

    # The server takes the older one: the newer one is what still waits.
    store.record_outcomes([(first.client_id, first.version, Status.SENT, "LT1", None, "[]")])
    assert store.oldest_pending_at() == "2026-12-02T00:02:00Z"

    # A record the server returned for correction does not wait to be sent...
    store.record_outcomes([(second.client_id, second.version, Status.REJECTED, None, None, "[]")])
    assert store.oldest_pending_at() is None
    # ...until it is corrected and saved again: it waits from that save on.
    store.save_enrolment(second)  # 00:03
    store.close()

    reopened = Store(db)  # the answer is the file's, not something held in memory
    assert reopened.oldest_pending_at() == "2026-12-02T00:03:00Z"
    reopened.close()


def test_home_shows_since_when_records_wait_and_nothing_while_locked(
    db: Path, stamps: Stamps
) -> None:
    store = Store(db, kdf=KdfParams(n=2**10))
    store.add_officer("Siti", "135790")
    store.save_enrolments([person(1), person(2)])  # 00:01 (one transaction, one stamp)
    store.save_enrolment(person(3))  # 00:02
    home = HomeList(store)
    assert home.waiting_since == "2026-12-02T00:01:00Z" and home.has_pending()

    store.lock()
    home.refresh()  # as AppState.lock does: no error, and nothing of the data stays
    assert home.waiting_since == "" and home.records == [] and not home.has_pending()
    store.close()
