"""Tablet database benchmark: a full tablet (50,000 records) stays quick to use.

    .venv/bin/python -m bench.tablet_store [--records 50000] [--runs 200] [--dir DIR]

Measures, on a real SQLite file with the app's pragmas (WAL, synchronous=FULL):
saving one enrolment and one household of three (each one durable transaction, as
the app saves), and the home screen's search by name and by NIK (as the app asks:
newest first, 50 rows, rows decoded). Targets: save <= 20 ms p95, search <= 50 ms.
The file lives in --dir (default: a temporary directory); put it on the storage you
care about, since fsync dominates the save time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.dataset import FIRST_F, FIRST_M, LAST, people
from enrolment.household import Household
from enrolment.records import Enrolment, new_client_id
from enrolment.segments import DEFAULT_FUNDING
from field_app.state import LIST_LIMIT
from field_app.store import Store

SAVE_TARGET_MS, SEARCH_TARGET_MS = 20.0, 50.0


def with_programme_fields(rec: Enrolment, rng: random.Random) -> Enrolment:
    """A record as the current app writes it: details, income and funding filled in."""
    return replace(
        rec,
        details={"farmer_group": "Poktan Maju Bersama", "land_ha": 0.5, "season": "2026"},
        income=rng.randrange(500_000, 5_000_000, 50_000),
        funding=DEFAULT_FUNDING.get(rec.segment, "self"),
    )


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds taken by each of `runs` calls."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, samples: list[float], target: float) -> bool:
    """Print p50/p95/max and whether p95 meets the target."""
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[18]
    ok = p95 <= target
    print(
        f"{label:<34} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {max(samples):7.2f} ms"
        f"   target p95 <= {target:g} ms: {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> None:
    """Fill a tablet database and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(52_03)

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "field_app.db"
        store = Store(path)
        print(f"filling {args.records:,} records into {path} …", flush=True)
        start = time.perf_counter()
        everyone = [with_programme_fields(r, rng) for r in people(args.records, repeat_share=0)]
        for i in range(0, len(everyone), 2_000):
            store.save_enrolments(everyone[i : i + 2_000])
        print(f"filled in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB")

        fresh = iter(people(args.runs * 4, seed=7, repeat_share=0))

        def save_one() -> None:
            store.save_enrolment(replace(next(fresh), client_id=new_client_id()))

        def save_household() -> None:
            head = replace(next(fresh), client_id=new_client_id(), segment="poor_household")
            kk = "5203071203150007"
            members = [replace(head, household=Household(kk, "head", head.client_id))]
            for rel in ("spouse", "child"):
                m = replace(next(fresh), client_id=new_client_id(), segment="poor_household")
                members.append(replace(m, household=Household(kk, rel, head.client_id)))
            store.save_enrolments(members, draft_id=head.client_id)

        names = [rng.choice(FIRST_F + FIRST_M + LAST) for _ in range(args.runs)]
        partial = [n[1 : 1 + rng.randrange(3, 6)].lower() for n in names]
        niks = [rng.choice(everyone).nik for _ in range(args.runs)]
        queries = {
            "search name (whole word)": iter(names),
            "search name (part, any case)": iter(partial),
            "search name (no match: full scan)": iter(["Xyzzy"] * args.runs),
            "search NIK (full 16 digits)": iter(niks),
            "search NIK (first 8 digits)": iter(n[:8] for n in niks),
        }

        ok = report("save one enrolment", timed(save_one, args.runs), SAVE_TARGET_MS)
        ok &= report("save a household of 3", timed(save_household, args.runs), SAVE_TARGET_MS)
        for label, source in queries.items():
            samples = timed(lambda s=source: store.list_enrolments(next(s), LIST_LIMIT), args.runs)
            ok &= report(label, samples, SEARCH_TARGET_MS)
        filtered = timed(
            lambda: store.list_enrolments(rng.choice(partial), LIST_LIMIT, segment="umkm_owner"),
            args.runs,
        )
        ok &= report("search name + segment filter", filtered, SEARCH_TARGET_MS)
        store.close()
    print("all targets met" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
