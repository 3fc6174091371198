"""Likely duplicates that the NIK check misses: one person enrolled under a mistyped NIK.

Two members are candidates when they share a *block* — birth date, sex and village —
and their names are similar (rapidfuzz token-sort ratio >= NAME_CUTOFF). Comparing
only within blocks keeps the work near-linear: 200,000 members fall into tens of
thousands of blocks of a handful each, instead of 2 × 10^10 pairs. A person with a
mistyped NIK still has the same birth date, sex and village as typed by the officer,
so blocking loses little (the bench measures recall on planted pairs).

Found pairs are stored as review items of kind `possible_duplicate` on the earlier
member, pointing at the submission that created the later one; a pair is never
proposed twice, whatever was decided about it. Since issue 13 ingest holds a likely
duplicate before it becomes a member (`ingest_hold.py`); the scan remains for members
made before that, and for pairs an edit makes alike later.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import sqlalchemy as sa
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import Levenshtein
from sqlmodel import Session

from sync_server.models import Member, RetiredMember, ReviewItem, Submission, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.ingest_hold import HELD_DUPLICATE

POSSIBLE_DUPLICATE = "possible_duplicate"
#: Name similarity (0–100) from which two block-mates are proposed. 85 keeps one- or
#: two-letter typos and swapped name order, and drops different people sharing a
#: common first name ("Muhammad Saleh" / "Muhammad Sahnan" score ~70).
NAME_CUTOFF = 85.0
#: Blocks larger than this are scored with rapidfuzz's vectorised cdist instead of a loop
#: (a village's "1 January" block of people with unknown birthdays can be large).
_VECTOR_BLOCK = 64
_ACCEPTED = ("created", "merged")


@dataclass(frozen=True)
class PersonRow:
    """The fields the search needs of one member."""

    id: int
    nik: str
    name: str
    birth_date: date
    sex: str
    village: str


@dataclass(frozen=True)
class Candidate:
    """Two members that are probably one person (`a` < `b` by id)."""

    a: int
    b: int
    name_score: float
    nik_distance: int


@dataclass(frozen=True)
class ScanResult:
    """What one scan found and stored."""

    candidates: int
    stored: int
    seconds: float


def find_candidates(rows: Iterable[PersonRow], cutoff: float = NAME_CUTOFF) -> list[Candidate]:
    """Candidate pairs among `rows` (pure: no database), sorted by (a, b)."""
    blocks: dict[tuple[date, str, str], list[PersonRow]] = defaultdict(list)
    for r in rows:
        blocks[(r.birth_date, r.sex, r.village)].append(r)
    found: list[Candidate] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        names = [utils.default_process(r.name) for r in block]
        if len(block) <= _VECTOR_BLOCK:
            for i, j in combinations(range(len(block)), 2):
                score = fuzz.token_sort_ratio(names[i], names[j], score_cutoff=cutoff)
                if score:
                    found.append(_pair(block[i], block[j], score))
        else:
            matrix = process.cdist(
                names, names, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, workers=-1
            )
            for i, j in zip(*matrix.nonzero(), strict=True):
                if i < j:
                    found.append(_pair(block[i], block[j], float(matrix[i, j])))
    return sorted(found, key=lambda c: (c.a, c.b))


def _pair(x: PersonRow, y: PersonRow, score: float) -> Candidate:
    a, b = (x, y) if x.id < y.id else (y, x)
    return Candidate(a.id, b.id, round(float(score), 1), Levenshtein.distance(a.nik, b.nik))


def load_people(session: Session) -> list[PersonRow]:
    """Every member not merged away or rejected, as PersonRows (one query)."""
    m = Member.__table__  # type: ignore[attr-defined]
    retired = sa.select(RetiredMember.__table__.c.member_id)  # type: ignore[attr-defined]
    result = session.execute(
        sa.select(m.c.id, m.c.nik, m.c.full_name, m.c.birth_date, m.c.sex, m.c.village_code).where(
            m.c.id.not_in(retired)
        )
    )
    return [PersonRow(*r) for r in result]


def scan(*, session: Session, user: User | None) -> ScanResult:
    """Search all members, store new pairs as open review items, and say how many."""
    started = time.perf_counter()
    candidates = find_candidates(load_people(session))
    stored = store_candidates(session, candidates)
    audit(session, user, "duplicate_scan", "", "", {"found": len(candidates), "new": stored})
    return ScanResult(len(candidates), stored, time.perf_counter() - started)


def store_candidates(session: Session, candidates: list[Candidate]) -> int:
    """Add review items for pairs not proposed before; returns how many were added.

    The item hangs on member `a` and on the latest accepted submission of `b` (the
    tablet that sent it learns a merge). Members without any submission (loaded in
    bulk) cannot be reviewed this way and are skipped.
    """
    if not candidates:
        return 0
    items, subs = ReviewItem.__table__, Submission.__table__  # type: ignore[attr-defined]
    b_ids = sorted({c.b for c in candidates})
    latest: dict[int, int] = {}
    for chunk in _chunks(b_ids, 1000):
        latest.update(
            session.execute(
                sa.select(subs.c.member_id, sa.func.max(subs.c.id))
                .where(subs.c.member_id.in_(chunk), subs.c.outcome.in_(_ACCEPTED))
                .group_by(subs.c.member_id)
            ).all()
        )
    # Pairs proposed before, in any status: (a, b) through the submission's member; a
    # record held at ingest and released counts (the coordinator said: two people).
    seen = set(
        session.execute(
            sa.select(items.c.member_id, subs.c.member_id)
            .select_from(items.join(subs, subs.c.id == items.c.submission_id))
            .where(items.c.kind.in_((POSSIBLE_DUPLICATE, HELD_DUPLICATE)))
        ).all()
    )
    now = utcnow()
    rows = [
        {
            "member_id": c.a,
            "submission_id": latest[c.b],
            "kind": POSSIBLE_DUPLICATE,
            "fields": json.dumps(["nik", f"name_score:{c.name_score}"]),
            "status": "open",
            "created_at": now,
        }
        for c in candidates
        if c.b in latest and (c.a, c.b) not in seen
    ]
    if rows:
        session.execute(sa.insert(items), rows)
    return len(rows)


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
