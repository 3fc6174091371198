"""'Today's work' on the home screen starts at the officer's midnight, not UTC's."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from field_app.state import start_of_local_day


@pytest.fixture
def in_lombok() -> Iterator[None]:
    """The process clock in WITA (UTC+8), as a tablet in Lombok Timur has it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Makassar"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_morning_in_lombok_counts_from_local_midnight(in_lombok) -> None:
    # 07:30 WITA on 26 November is 23:30 UTC on the 25th.
    now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert start_of_local_day(now) == "2026-11-25T16:00:00Z"


def test_afternoon_in_lombok(in_lombok) -> None:
    now = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 14:00 WITA
    assert start_of_local_day(now) == "2026-11-25T16:00:00Z"
