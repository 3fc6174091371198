"""The duplicate scan over a block large enough for rapidfuzz's vectorised `cdist`
(issue 10): it needs numpy, which the server extra must install, or the scan is a 500."""

from __future__ import annotations

import random
import string
from dataclasses import replace

from sync_server.services.duplicates import _VECTOR_BLOCK
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def _name(rng: random.Random) -> str:
    """Two random words: different people, whose names are not alike."""
    return " ".join(
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 9))).title()
        for _ in range(2)
    )


def test_a_scan_over_a_large_block_finds_the_pair(server: Server) -> None:
    rng = random.Random(10)
    size = _VECTOR_BLOCK + 6
    # One village, one birth date, one sex: all in one block (unknown birthdays look so).
    # The pair is made alike by an edit: a look-alike enrolled as one is held at ingest.
    names = [_name(rng) for _ in range(size - 2)] + ["Baiq Nurhayati", "Baiq Rohani"]
    records = [person(i + 1, name=name) for i, name in enumerate(names)]
    token = server.pair()
    results = server.push_results(token, records)
    assert all(r.outcome == "created" for r in results.values())
    edit = replace(records[-1], version=2, full_name="Baiq Nurhayatih")
    assert server.push_results(token, [edit])[edit.client_id].outcome == "merged"

    desk = Desk(server)
    r = desk.post("/desk/review/scan")
    assert r.status_code == 303, r.text[:500]
    assert r.headers["location"].startswith("/desk/review?scanned=1-1-"), r.headers["location"]
    page = desk.get("/desk/review").text
    assert "Baiq Nurhayati" in page
