"""How many times a tablet save forces the disk (fsync/fdatasync), counted for real:
the save loop runs in a child process under `strace -f -c`, once with no saves and once
with `runs` of them, and the difference is divided by `runs` (so opening, migrating and
unlocking the file do not count).

    .venv/bin/python -m bench.tablet_store_fsyncs DB [--officer ID --pin PIN] [--runs 50]

Used by bench/tablet_store.py on its encrypted file, once the timings are taken (the
saves stay in the file: point it at a copy of anything you care about). Without strace (install
it: `apt-get install strace`) it says so instead of guessing a number.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.dataset import people
from enrolment.household import Household
from enrolment.records import Enrolment, new_client_id
from field_app.store import Store

TARGET = 3
KINDS = ("one", "household")
_CALLS = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)\s*$")


def household_of_three(fresh: list[Enrolment]) -> list[Enrolment]:
    """A poor household (head, spouse, child) made of the next three fresh people."""
    head = replace(fresh.pop(), client_id=new_client_id(), segment="poor_household")
    kk = "5203071203150007"
    members = [replace(head, household=Household(kk, "head", head.client_id))]
    for rel in ("spouse", "child"):
        m = replace(fresh.pop(), client_id=new_client_id(), segment="poor_household")
        members.append(replace(m, household=Household(kk, rel, head.client_id)))
    return members


def save_loop(db: Path, kind: str, runs: int, officer: str, pin: str) -> None:
    """The child's work: open (and unlock) the store, then `runs` saves as the app makes
    them: one enrolment per save, or a household of three in one save with its draft."""
    store = Store(db)
    if officer:
        store.unlock(officer, pin)
    fresh = list(people(runs * 3 + 3, seed=11, repeat_share=0))
    for _ in range(runs):
        if kind == "one":
            store.save_enrolment(replace(fresh.pop(), client_id=new_client_id()))
        else:
            members = household_of_three(fresh)
            store.save_enrolments(members, draft_id=members[0].client_id)
    store.close()


def traced_calls(db: Path, kind: str, runs: int, officer: str, pin: str) -> int:
    """fsync + fdatasync calls of one child doing `runs` saves on `db` (which keeps them)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "strace.txt"
        child = [sys.executable, "-m", "bench.tablet_store_fsyncs", str(db), "--child"]
        child += ["--kind", kind, "--runs", str(runs), "--officer", officer, "--pin", pin]
        trace = ["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(report)]
        subprocess.run(trace + child, check=True, stdout=subprocess.DEVNULL)
        total = 0
        for line in report.read_text().splitlines():
            match = _CALLS.match(line)
            if match:
                total += int(match.group(1))
        return total


def fsyncs_per_save(db: Path, runs: int, officer: str = "", pin: str = "") -> dict[str, float]:
    """Disk syncs per save of each kind ("one", "household"); empty if strace is missing."""
    if shutil.which("strace") is None:
        return {}
    out = {}
    for kind in KINDS:
        base = traced_calls(db, kind, 0, officer, pin)
        out[kind] = (traced_calls(db, kind, runs, officer, pin) - base) / runs
    return out


def print_fsyncs(db: Path, runs: int, officer: str = "", pin: str = "") -> bool:
    """Print the fsyncs per save (or why they cannot be counted); True if within TARGET."""
    counts = fsyncs_per_save(db, runs, officer, pin)
    if not counts:
        print("fsyncs per save: CANNOT COUNT (strace not found; apt-get install strace)")
        return False
    if not all(counts.values()):
        print(f"fsyncs per save: CANNOT COUNT (no fsync seen in strace's summary: {counts})")
        return False
    ok = all(n <= TARGET for n in counts.values())
    print(
        f"fsyncs per save (strace, {runs} saves each): one enrolment {counts['one']:.2f},"
        f" household of 3 {counts['household']:.2f} | <= {TARGET}: {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--officer", default="")
    parser.add_argument("--pin", default="")
    parser.add_argument("--kind", choices=KINDS, default="one")
    parser.add_argument("--child", action="store_true", help="run the save loop itself")
    args = parser.parse_args()
    if args.child:
        save_loop(args.db, args.kind, args.runs, args.officer, args.pin)
    else:
        print_fsyncs(args.db, args.runs, args.officer, args.pin)


if __name__ == "__main__":
    main()
