"""The server's waits end before the tablet stops waiting for the same request.

If SQLite's busy timeout were as long as the tablet's read timeout, a push queued
behind another tablet's batch could still be waiting (and later succeed) after the
tablet gave up and sent the batch again: the retry would then race the request it
retries. So the busy timeout, plus time for the batch's own work, must fit well
inside the tablet's deadline.
"""

from __future__ import annotations

from field_app import sync_client
from sync_server.db import SQLITE_BUSY_TIMEOUT_MS

# Time a 500-record batch needs once it holds the lock (ingest, commit, signing), with
# room for a loaded server: at the ~2,000 records/s measured on 2 shared cores
# (docs/protocol.md) a full batch takes well under a second.
WORK_MARGIN_S = 15.0


def test_busy_timeout_ends_well_before_the_tablet_gives_up() -> None:
    read_timeout = sync_client.TIMEOUT.read
    assert read_timeout is not None, "the tablet must not wait for a reply forever"
    busy_s = SQLITE_BUSY_TIMEOUT_MS / 1000
    assert busy_s + WORK_MARGIN_S < read_timeout, (
        f"SQLite busy timeout {busy_s:g} s + {WORK_MARGIN_S:g} s of work must end before the"
        f" tablet's read timeout ({read_timeout:g} s)"
    )


def test_busy_timeout_is_long_enough_to_queue_behind_a_batch() -> None:
    # Too short, and pushes from 20 tablets at once fail with "database is locked".
    assert SQLITE_BUSY_TIMEOUT_MS >= 10_000
