"""The duplicate-candidate search's rule and its fast paths (sync_server/services/duplicates.py)."""

from __future__ import annotations

import random
from datetime import date
from itertools import combinations
from pathlib import Path

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA
from sqlmodel import Session

from sync_server.db import make_engine, migrate
from sync_server.models import Member, RetiredMember
from sync_server.services import duplicates
from sync_server.services.duplicates import (
    _VECTOR_BLOCK,
    NAME_CUTOFF,
    NIK_SLIPS,
    SAME_NAME,
    PersonRow,
    find_candidates,
    load_people,
)
from sync_server.services.name_match import similarity, tokens
from tests.conftest import nik_for

BIRTH = "1985-08-17"
NEW_YEAR = "1985-01-01"
VILLAGE = "52.03.07.1001"


def row(
    id_: int, nik: str, name: str, birth: str = BIRTH, sex: str = "M", village: str = VILLAGE
) -> PersonRow:
    return PersonRow(id_, nik, name, birth, sex, village)


def pairs(rows: list[PersonRow]) -> set[tuple[int, int]]:
    return {(c.a, c.b) for c in find_candidates(rows)}


def test_a_mistyped_digit_and_a_name_typo_are_a_candidate() -> None:
    found = find_candidates(
        [row(1, nik_for(50), "Lalu Ahmad Fauzi"), row(2, nik_for(51), "Lalu Ahmad Fauzy")]
    )
    assert [(c.a, c.b, c.nik_distance) for c in found] == [(1, 2, 1)]
    assert found[0].name_score >= NAME_CUTOFF


def test_two_swapped_digits_are_a_candidate() -> None:
    assert pairs([row(1, nik_for(1234), "Baiq Rohani"), row(2, nik_for(1243), "Baiq Rohani")])


def test_a_typo_in_a_word_s_first_letter_is_a_candidate() -> None:
    # Token sort alone reorders "alam" before "rohani" and scores ~60: missed before.
    assert pairs(
        [row(1, nik_for(7), "Rohani Sumarni Salam"), row(2, nik_for(8), "Rohani Sumarni alam")]
    )


def test_name_variants_count_as_one_name() -> None:
    assert pairs([row(1, nik_for(7), "Muhammad Saleh"), row(2, nik_for(8), "M. Saleh")])


def test_similar_names_under_far_niks_are_different_people() -> None:
    # Same block, names ~89 alike, serials four digits apart: a false positive before.
    assert not pairs(
        [row(1, nik_for(9147), "Hamdan Lestari"), row(2, nik_for(7392), "Hasan Lestari")]
    )


def test_niks_three_slips_apart_are_too_far() -> None:
    a, b = nik_for(1234), nik_for(4321)
    assert OSA.distance(a, b) > NIK_SLIPS
    assert not pairs([row(1, a, "Baiq Rohani"), row(2, b, "Baiq Rohany")])


def test_the_same_name_and_a_real_birthday_under_a_far_nik_is_a_candidate() -> None:
    found = find_candidates(
        [row(1, nik_for(9147), "Hasan Idris"), row(2, nik_for(2064), "HASAN  idris")]
    )
    assert [(c.a, c.b, c.name_score) for c in found] == [(1, 2, SAME_NAME)]


def test_the_same_name_on_1_january_under_a_far_nik_is_no_evidence() -> None:
    a = row(1, nik_for(9147, day=1, month=1), "Hasan Idris", birth=NEW_YEAR)
    b = row(2, nik_for(2064, day=1, month=1), "Hasan Idris", birth=NEW_YEAR)
    assert not pairs([a, b])
    # ... but a NIK one slip away still is.
    c = row(3, nik_for(9148, day=1, month=1), "Hasan Idris", birth=NEW_YEAR)
    assert pairs([a, b, c]) == {(1, 3)}


def test_the_birthday_may_be_a_date() -> None:
    # PostgreSQL's driver reads dates; SQLite's reads their ISO text.
    a = row(1, nik_for(9147), "Hasan Idris")._replace(birth_date=date(1985, 1, 1))
    b = row(2, nik_for(2064), "Hasan Idris")._replace(birth_date=date(1985, 1, 1))
    assert not pairs([a, b])
    assert pairs(
        [a._replace(birth_date=date(1985, 8, 17)), b._replace(birth_date=date(1985, 8, 17))]
    )


def test_other_blocks_are_not_compared() -> None:
    base = row(1, nik_for(50), "Baiq Rohani", sex="F")
    assert not pairs([base, base._replace(id=2, nik=nik_for(51), village="52.03.07.1002")])
    assert not pairs([base, base._replace(id=2, nik=nik_for(51), sex="M")])
    assert not pairs([base, base._replace(id=2, nik=nik_for(51), birth_date="1985-08-18")])


def test_an_empty_name_is_no_match() -> None:
    assert not pairs([row(1, nik_for(50), "H."), row(2, nik_for(9051), "Hj.")])


def test_a_large_block_is_searched_like_a_small_one() -> None:
    rng = random.Random(3)
    letters = "bcdfghjklmnprstwyz"
    people = [
        row(i, nik_for(i * 37 % 10000), "".join(rng.choice(letters) for _ in range(9)))
        for i in range(1, _VECTOR_BLOCK + 10)
    ]
    people.append(row(500, nik_for(37 * 5 + 1), people[4].name + "h"))
    found = pairs(people)
    assert (5, 500) in found
    assert found == reference(people)


def test_people_whose_block_keys_share_a_hash_are_split(monkeypatch) -> None:
    rows = [
        row(1, nik_for(50), "Baiq Rohani", sex="F"),
        row(2, nik_for(51), "Baiq Rohani", sex="F"),
        row(3, nik_for(52), "Baiq Rohani", sex="F", village="52.03.07.1002"),
    ]
    monkeypatch.setattr(duplicates, "hash", lambda key: 7, raising=False)
    assert [len(b) for b in duplicates._shared_blocks(rows)] == [2]
    assert pairs(rows) == {(1, 2)}


def reference(rows: list[PersonRow]) -> set[tuple[int, int]]:
    """The rule, pair by pair over everyone: what the fast search must find."""
    found = set()
    for x, y in combinations(rows, 2):
        if (x.birth_date, x.sex, x.village) != (y.birth_date, y.sex, y.village):
            continue
        close = OSA.distance(x.nik, y.nik) <= NIK_SLIPS
        if close and similarity(x.name, y.name) >= NAME_CUTOFF:
            found.add((min(x.id, y.id), max(x.id, y.id)))
        same = sorted(tokens(x.name)) == sorted(tokens(y.name)) != []
        if same and not str(x.birth_date).endswith("-01-01"):
            found.add((min(x.id, y.id), max(x.id, y.id)))
    return found


NAMES = ["Baiq Rohani", "Baiq Rohany", "Rohani", "M. Saleh", "Muhammad Saleh", "Saleh", "Hj. Atun"]
people_st = st.lists(
    st.tuples(
        st.integers(0, 40),  # NIK serial: near ones collide in a few slips
        st.sampled_from(NAMES),
        st.sampled_from([BIRTH, NEW_YEAR]),
        st.sampled_from(["M", "F"]),
    ),
    max_size=25,
    unique_by=lambda p: p[0],
)


@settings(max_examples=150, deadline=None)
@given(people_st)
def test_the_search_finds_what_the_rule_says(people: list[tuple[int, str, str, str]]) -> None:
    rows = [
        row(i, nik_for(serial * 7), name, birth=birth, sex=sex)
        for i, (serial, name, birth, sex) in enumerate(people, start=1)
    ]
    assert pairs(rows) == reference(rows)


def test_load_people_reads_every_member_not_retired(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    migrate(url)
    engine = make_engine(url)
    members = [
        {"nik": nik_for(i), "full_name": f"Orang {i}", "birth_date": date(1985, 8, 17)}
        for i in (1, 2, 3)
    ]
    with engine.begin() as conn:
        for m in members:
            conn.execute(
                sa.insert(Member.__table__).values(  # type: ignore[attr-defined]
                    **m, sex="M", village_code=VILLAGE, segment="tobacco_farmer"
                )
            )
        conn.execute(sa.insert(RetiredMember.__table__).values(member_id=2))  # type: ignore[attr-defined]
    with Session(engine) as session:
        people = sorted(load_people(session))
    assert [(p.id, p.nik, p.name, str(p.birth_date), p.sex, p.village) for p in people] == [
        (1, nik_for(1), "Orang 1", BIRTH, "M", VILLAGE),
        (3, nik_for(3), "Orang 3", BIRTH, "M", VILLAGE),
    ]
    engine.dispose()
