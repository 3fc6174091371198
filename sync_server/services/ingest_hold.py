"""Likely duplicates held at ingest, before any member number or card is issued.

A record whose NIK is no member yet is compared with the members who share its
*block*: the same birth date and sex, living in the same kecamatan. One of them whose
name is similar (`name_match.similarity` >= NAME_CUTOFF) and who lives in the same
village, or in another village of that kecamatan with a NIK one slip of the keyboard
away (`NIK_SLIPS`), makes the record **held**: no member is made, the submission is
stored with outcome `held`, and a `held_duplicate` review item opens on the member it
resembles. The coordinator's decision releases it (a new member), merges it into that
member, or rejects it (`services/held_review.py`).

"Neighbouring village" is read as "another village of the same kecamatan": the wilayah
boundaries of assets/geo would give true adjacency, but people are enrolled where they
are met, and a kecamatan is the unit the officers work in; the stricter NIK condition
outside the village keeps the precision up.

Records of one batch are checked against each other too (in the batch's order): two
look-alikes in one batch make one member and one held record. Across concurrent
batches, SQLite runs one write transaction at a time; on PostgreSQL each batch takes a
transaction-level advisory lock per block it checks, in sorted order, before reading
the block, so the second of two concurrent look-alikes sees the first.

Pure except for `load_block` (one query a batch, on the index `ix_members_birth_sex`) and
`lock_blocks`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlmodel import Session

from enrolment.nik import mask_nik
from enrolment.problems import Problem, problem
from enrolment.records import Enrolment
from sync_server.models import Member, RetiredMember
from sync_server.services.name_match import BIN, NOBILITY, similarity_of_tokens, tokens

HELD_DUPLICATE = "held_duplicate"
#: Name similarity (0-100) from which a block-mate is a likely duplicate; as the scan's.
NAME_CUTOFF = 85.0
#: Outside the record's own village, the NIKs must be at most this many slips apart (a
#: digit changed, dropped, added, or two neighbours swapped).
NIK_SLIPS = 2
# The advisory locks' first key on PostgreSQL: this module's namespace.
_PG_BLOCK_LOCK = 52_03_0013

Block = tuple[date, str, str]  # birth date, sex, kecamatan code (dotted, 8 characters)


@dataclass(frozen=True)
class Known:
    """A person a new record may resemble: a member, or a record this batch makes one."""

    member_id: int | None  # None: created by this batch (its id is known after insert)
    nik: str
    words: tuple[str, ...]  # name_match.tokens of the name
    village: str
    cid: str = ""  # the record of this batch that makes it a member


@dataclass(frozen=True)
class Resemblance:
    """Why a record is held: the person it resembles and how."""

    nik: str  # that person's NIK (never sent to a tablet in full)
    member_id: int | None
    score: float  # name similarity, 0-100
    same_village: bool

    def fields(self) -> list[str]:
        """The review item's fields: what matched, and the name score (as the scan's)."""
        village = "village_code" if self.same_village else "kecamatan"
        return ["nik", "birth_date", "sex", village, f"name_score:{self.score:g}"]


def block_of(record: Enrolment, birth: date) -> Block:
    return (birth, record.sex, record.village_code[:8])


class Lookalikes:
    """The known people of some blocks, looked up by block.

    A large block (people who do not know their birthday are all born on 1 January)
    is first narrowed with rapidfuzz's vectorised ratio on prepared forms of the names
    (`_Forms`), then scored exactly; a small one is scored exactly at once.
    """

    def __init__(self, people: Iterable[tuple[Block, Known]] = ()):
        self._blocks: dict[Block, list[Known]] = defaultdict(list)
        self._forms: dict[Block, _Forms] = {}
        for block, person in people:
            self.add(block, person)

    def add(self, block: Block, person: Known) -> None:
        self._blocks[block].append(person)
        forms = self._forms.get(block)
        if forms is not None:  # kept up to date once made
            forms.add(list(person.words))

    def _near(self, block: Block, words: list[str]) -> list[int]:
        # The forms of a block are made the first time it is narrowed: most blocks are
        # small and never are.
        forms = self._forms.get(block)
        if forms is None:
            forms = self._forms[block] = _Forms()
            for person in self._blocks[block]:
                forms.add(list(person.words))
        return forms.near(words)

    def find(
        self, record: Enrolment, birth: date, exclude: frozenset[int] = frozenset()
    ) -> Resemblance | None:
        """The known person `record` most resembles, if it is a likely duplicate."""
        words = tokens(record.full_name)
        block = block_of(record, birth)
        people = self._blocks.get(block, [])
        if len(people) > LARGE_BLOCK:
            people = [people[i] for i in self._near(block, words)]
        best: Resemblance | None = None
        for other in people:
            if other.nik == record.nik or other.member_id in exclude:
                continue
            if other.cid and other.cid == record.client_id:
                continue
            found = resembles(record, words, other)
            if found is not None and (best is None or found.score > best.score):
                best = found
        return best


#: From this many people a block is narrowed before it is scored exactly.
LARGE_BLOCK = 64
#: How far below the cutoff the narrowing still keeps a name (it scores forms, not the
#: exact variants of `name_match`).
_MARGIN = 15.0


class _Forms:
    """The names of one block as rapidfuzz compares them fast: words sorted (token
    sort is then a plain ratio), without spaces, and without the nobility title and
    patronymic."""

    def __init__(self) -> None:
        self.sorted: list[str] = []
        self.joined: list[str] = []
        self.bare: list[str] = []

    def add(self, words: list[str]) -> None:
        for target, form in zip((self.sorted, self.joined, self.bare), _forms(words), strict=True):
            target.append(form)

    def near(self, words: list[str]) -> list[int]:
        """Indexes of the names that may score at least NAME_CUTOFF against `words`."""
        near: set[int] = set()
        cutoffs = (NAME_CUTOFF, NAME_CUTOFF, NAME_CUTOFF - _MARGIN)
        lists = (self.sorted, self.joined, self.bare)
        for query, choices, cutoff in zip(_forms(words), lists, cutoffs, strict=True):
            found = process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            )
            near.update(index for _, _, index in found)
        return sorted(near)


def _forms(words: list[str]) -> tuple[str, str, str]:
    bare = [w for w in words if w not in NOBILITY]
    if BIN in bare[1:]:
        bare = bare[: bare.index(BIN)]
    return " ".join(sorted(words)), "".join(words), " ".join(sorted(bare))


def resembles(record: Enrolment, words: list[str], other: Known) -> Resemblance | None:
    """A Resemblance if `record` (its name split into `words`) is likely `other`."""
    same_village = other.village == record.village_code
    score = similarity_of_tokens(words, list(other.words))
    if score < NAME_CUTOFF:
        return None
    if not same_village and OSA.distance(record.nik, other.nik) > NIK_SLIPS:
        return None
    return Resemblance(other.nik, other.member_id, score, same_village)


def held_problem(res: Resemblance) -> Problem:
    """The problem a held record is answered with: which member (by its masked NIK only:
    a tablet learns no one's name or number this way), and why."""
    if res.same_village:
        place, place_en = "desa yang sama", "the same village"
    else:
        place, place_en = "desa lain di kecamatan yang sama", "another village of the kecamatan"
    return problem(
        "nik",
        "held_duplicate",
        nik=mask_nik(res.nik),
        score=f"{res.score:g}",
        place=place,
        place_en=place_en,
    )


def lock_blocks(session: Session, blocks: Iterable[Block]) -> None:
    """On PostgreSQL, wait for every other batch checking one of these blocks (sorted
    order: two batches never wait for each other in a circle)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the batch already holds the database's one write lock
    keys = sorted({_lock_key(b) for b in blocks})
    for key in keys:
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, :k)"), {"ns": _PG_BLOCK_LOCK, "k": key}
        )


def _lock_key(block: Block) -> int:
    text = f"{block[0].isoformat()}|{block[1]}|{block[2]}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big", signed=True)


def load_block(session: Session, blocks: set[Block]) -> Lookalikes:
    """The members (not retired) of these blocks, in one query."""
    if not blocks:
        return Lookalikes()
    m = Member.__table__.c  # type: ignore[attr-defined]
    retired = sa.select(RetiredMember.__table__.c.member_id)  # type: ignore[attr-defined]
    # Only the blocks' people leave the database (birth date, sex and kecamatan in SQL):
    # the birth dates alone brought every kecamatan and both sexes, each name tokenised.
    key = sa.tuple_(m.birth_date, m.sex, sa.func.substr(m.village_code, 1, 8))
    rows = session.execute(
        sa.select(m.id, m.nik, m.full_name, m.birth_date, m.sex, m.village_code).where(
            key.in_(sorted(blocks)), m.id.not_in(retired)
        )
    ).all()
    people = [
        (
            (r.birth_date, r.sex, r.village_code[:8]),
            Known(r.id, r.nik, tuple(tokens(r.full_name)), r.village_code),
        )
        for r in rows
    ]
    return Lookalikes(people)
