"""Likely duplicates that the NIK check misses: one person enrolled under a mistyped NIK.

Two members are candidates when they share a *block* — birth date, sex and village —
and either

- their NIKs are at most NIK_SLIPS slips of the keyboard apart (a digit changed,
  dropped, added, or two neighbours swapped: the optimal-string-alignment distance) and
  their names are similar (`name_match.similarity` >= NAME_CUTOFF, as the hold at
  ingest compares them); or
- they have the same name (the same normalised words, in any order) and a real birthday:
  a NIK typed wholly wrong (the family card's number, say) still shows. On 1 January,
  the date of everyone who does not know theirs, a shared name is no evidence: such a
  village block holds many people, and the common names recur in it.

Comparing only within blocks keeps the work near-linear: a million members fall into
tens of thousands of blocks of a handful each, instead of 5 × 10^11 pairs. Within a
block the NIKs are compared first (one C call a pair, or rapidfuzz's vectorised cdist
for a large block), and only the close pairs' names are scored. A person with a
mistyped NIK still has the same birth date, sex and village as typed by the officer,
so blocking loses little (bench.desk measures recall and precision on planted pairs).

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import chain, combinations
from operator import attrgetter, itemgetter
from typing import NamedTuple

import numpy as np
import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from sqlmodel import Session

from sync_server.gc_pause import collector_paused
from sync_server.models import Member, RetiredMember, ReviewItem, Submission, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.ingest_hold import HELD_DUPLICATE
from sync_server.services.name_match import similarity_of_tokens, tokens

POSSIBLE_DUPLICATE = "possible_duplicate"
#: Name similarity (0–100) from which two block-mates with close NIKs are proposed. 85
#: keeps one- or two-letter typos and swapped name order, and drops different people
#: sharing a common first name ("Muhammad Saleh" / "Muhammad Sahnan" score ~70).
NAME_CUTOFF = 85.0
#: How many slips apart two NIKs of one person may be (as the hold's `NIK_SLIPS`).
NIK_SLIPS = 2
#: The name score given to a pair proposed for the same name under a far NIK.
SAME_NAME = 100.0
#: Blocks larger than this have their NIKs compared by rapidfuzz's vectorised cdist
#: instead of a loop (a village's "1 January" block can be large).
_VECTOR_BLOCK = 64
#: The month and day, as ISO text, of the birthday given to people who do not know theirs.
_UNKNOWN_BIRTHDAY = "-01-01"
_ACCEPTED = ("created", "merged")
_BLOCK_KEY = itemgetter(3, 4, 5)  # birth_date, sex, village
_NIK = itemgetter(1)


class PersonRow(NamedTuple):
    """The fields the search needs of one member (a tuple: a million are made at once)."""

    id: int
    nik: str
    name: str
    #: As the driver reads it: a date, or on SQLite its ISO text (only compared).
    birth_date: date | str
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
    names = _Names()
    with collector_paused():
        blocks = list(_shared_blocks(list(rows)))
        close = _close_pairs(blocks)
        found = [
            _pair(x, y, score)
            for x, y in close
            if (score := similarity_of_tokens(names[x.name][0], names[y.name][0])) >= cutoff
        ]
        found += _same_name_pairs(blocks, names, {(x.id, y.id) for x, y in close})
    return sorted(found, key=attrgetter("a", "b"))


def _shared_blocks(rows: list[PersonRow]) -> Iterator[list[PersonRow]]:
    """The blocks of two people or more.

    Most people are alone in their block. Rather than put a million keys in a dict,
    the keys' hashes are sorted by numpy and only runs of equal hashes become blocks
    (their keys compared, as two keys may share a hash)."""
    hashes = np.fromiter(map(hash, map(_BLOCK_KEY, rows)), dtype=np.int64, count=len(rows))
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeats = np.concatenate(([False], ordered[1:] == ordered[:-1], [False]))
    # Each run of repeats, at positions s..e-1, is rows order[s..e] of one hash.
    edges = np.flatnonzero(np.diff(repeats.astype(np.int8))).tolist()
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        group = [rows[i] for i in order[start : end + 1].tolist()]
        if len(set(map(_BLOCK_KEY, group))) == 1:
            yield group
        else:
            yield from _split(group)


def _split(group: list[PersonRow]) -> Iterator[list[PersonRow]]:
    """The blocks of two people or more among people whose keys share a hash."""
    blocks: defaultdict[tuple, list[PersonRow]] = defaultdict(list)
    for row in group:
        blocks[_BLOCK_KEY(row)].append(row)
    yield from (block for block in blocks.values() if len(block) > 1)


class _Names(dict[str, tuple[list[str], tuple[str, ...]]]):
    """A name's `tokens`, and its words in order (the same name in any word order),
    worked out once a scan: names recur."""

    def __missing__(self, name: str) -> tuple[list[str], tuple[str, ...]]:
        words = tokens(name)
        self[name] = value = (words, tuple(sorted(words)))
        return value


Pair = tuple[PersonRow, PersonRow]


def _close_pairs(blocks: list[list[PersonRow]]) -> list[Pair]:
    """The pairs of block-mates whose NIKs are at most NIK_SLIPS slips apart.

    The pairs of all small blocks are compared in one vectorised call (rapidfuzz's
    cpdist); a large block's NIKs with its own cdist, rather than listing its pairs."""
    pairs = list(
        chain.from_iterable(
            combinations(block, 2) for block in blocks if len(block) <= _VECTOR_BLOCK
        )
    )
    close = []
    if pairs:
        firsts, seconds = zip(*pairs, strict=True)
        distances = process.cpdist(
            list(map(_NIK, firsts)),
            list(map(_NIK, seconds)),
            scorer=OSA.distance,
            score_cutoff=NIK_SLIPS,
            workers=-1,
        )
        close = [pairs[k] for k in np.flatnonzero(distances <= NIK_SLIPS).tolist()]
    for block in blocks:
        if len(block) > _VECTOR_BLOCK:
            niks = list(map(_NIK, block))
            matrix = process.cdist(
                niks, niks, scorer=OSA.distance, score_cutoff=NIK_SLIPS, workers=-1
            )
            near = zip(*(matrix <= NIK_SLIPS).nonzero(), strict=True)
            close += [(block[i], block[j]) for i, j in near if i < j]
    return close


def _same_name_pairs(
    blocks: list[list[PersonRow]], names: _Names, proposed: set[tuple[int, int]]
) -> list[Candidate]:
    """Pairs of block-mates with a real birthday and the same name, not yet proposed."""
    found = []
    for block in blocks:
        if str(block[0].birth_date).endswith(_UNKNOWN_BIRTHDAY):
            continue
        for x, y in combinations(block, 2):
            words = names[x.name][1]
            if words and words == names[y.name][1] and (x.id, y.id) not in proposed:
                found.append(_pair(x, y, SAME_NAME))
    return found


def _pair(x: PersonRow, y: PersonRow, score: float) -> Candidate:
    a, b = (x, y) if x.id < y.id else (y, x)
    return Candidate(a.id, b.id, round(float(score), 1), Levenshtein.distance(a.nik, b.nik))


def load_people(session: Session) -> list[PersonRow]:
    """Every member not merged away or rejected, as PersonRows (one query).

    The rows are read through the driver's own cursor: SQLAlchemy's per-row result
    processing (and its date parsing on SQLite) took 6 of 9 seconds for a million."""
    m = Member.__table__  # type: ignore[attr-defined]
    retired = sa.select(RetiredMember.__table__.c.member_id)  # type: ignore[attr-defined]
    query = sa.select(
        m.c.id, m.c.nik, m.c.full_name, m.c.birth_date, m.c.sex, m.c.village_code
    ).where(m.c.id.not_in(retired))
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(query.compile(connection)))
        with collector_paused():
            return list(map(partial(tuple.__new__, PersonRow), cursor.fetchall()))
    finally:
        cursor.close()


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
