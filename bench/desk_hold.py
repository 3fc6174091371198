"""The hold at ingest (issue 13) measured on bench.desk's planted pairs, without a server:
the same rule (`ingest_hold.Lookalikes`) over the people in the order they enrolled."""

from __future__ import annotations

import time
from types import SimpleNamespace

from sync_server.services.ingest_hold import Known, Lookalikes
from sync_server.services.name_match import tokens


def hold_figures(
    rows: list[dict], planted: set[tuple[str, str]]
) -> tuple[float, float, int, float]:
    """The ingest-time hold run over `rows` in the order they were enrolled: recall and
    precision on the planted pairs, how many were held, and the seconds it took."""
    started = time.perf_counter()
    index = Lookalikes()
    held: set[frozenset[str]] = set()
    for n, row in enumerate(sorted(rows, key=lambda r: (r["created_at"], r["nik"]))):
        record = SimpleNamespace(
            nik=row["nik"],
            full_name=row["full_name"],
            sex=row["sex"],
            village_code=row["village_code"],
            client_id=f"c{n}",
        )
        block = (row["birth_date"], row["sex"], row["village_code"][:8])
        found = index.find(record, row["birth_date"])  # type: ignore[arg-type]
        if found is not None:
            held.add(frozenset((found.nik, row["nik"])))
        else:
            words = tuple(tokens(row["full_name"]))
            index.add(block, Known(n, row["nik"], words, row["village_code"]))
    seconds = time.perf_counter() - started
    truth = {frozenset(p) for p in planted}
    hits = len(held & truth)
    recall = hits / len(truth) if truth else 1.0
    precision = hits / len(held) if held else 1.0
    return recall, precision, len(held), seconds
