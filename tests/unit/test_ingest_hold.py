"""The hold rule at ingest (sync_server/services/ingest_hold.py), without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from enrolment.records import parse_birth_date
from sync_server.services.ingest_hold import (
    LARGE_BLOCK,
    Known,
    Lookalikes,
    Resemblance,
    block_of,
    held_problem,
)
from sync_server.services.name_match import tokens
from tests.conftest import person, person_name

MEMBER = person(50, name="Lalu Ahmad Fauzi")
BIRTH = date(1985, 8, 17)


def known(rec=MEMBER, member_id: int = 7) -> tuple:
    birth = parse_birth_date(rec.birth_date)
    assert birth is not None
    words = tuple(tokens(rec.full_name))
    return block_of(rec, birth), Known(member_id, rec.nik, words, rec.village_code)


def test_a_look_alike_in_the_same_village_is_held() -> None:
    index = Lookalikes([known()])
    found = index.find(person(51, name="Lalu Achmad Fauzy"), BIRTH)
    assert found is not None
    assert (found.member_id, found.nik, found.same_village) == (7, MEMBER.nik, True)
    assert found.score >= 85
    assert "village_code" in found.fields() and any(
        f.startswith("name_score:") for f in found.fields()
    )


def test_the_same_nik_or_an_unlike_name_or_another_block_is_not_held() -> None:
    index = Lookalikes([known()])
    assert index.find(replace(MEMBER, client_id="other"), BIRTH) is None  # same NIK
    assert index.find(person(51, name="Lalu Hamdan"), BIRTH) is None
    other_day = person(51, name="Lalu Ahmad Fauzi", day=18)
    assert index.find(other_day, date(1985, 8, 18)) is None
    woman = person(51, name="Lalu Ahmad Fauzi", female=True)
    assert index.find(woman, BIRTH) is None
    elsewhere = person(51, name="Lalu Ahmad Fauzi", village="52.03.08.2001")
    assert index.find(elsewhere, BIRTH) is None  # another kecamatan


def test_another_village_of_the_kecamatan_needs_a_nik_one_slip_away() -> None:
    index = Lookalikes([known()])
    near = replace(person(51, name="Lalu Ahmad Fauzi", village="52.03.07.1002"))
    near = replace(near, nik=MEMBER.nik[:-2] + MEMBER.nik[-1] + MEMBER.nik[-2])  # swapped
    found = index.find(near, BIRTH)
    assert found is not None and not found.same_village
    far = replace(near, nik=MEMBER.nik[:12] + "9876")
    assert index.find(far, BIRTH) is None


def test_excluded_members_and_the_records_own_batch_entry_are_skipped() -> None:
    index = Lookalikes([known()])
    typo = person(51, name="Lalu Ahmad Fauzy")
    assert index.find(typo, BIRTH, frozenset({7})) is None  # its own earlier member
    block, _ = known()
    index = Lookalikes()
    index.add(
        block,
        Known(
            None, MEMBER.nik, tuple(tokens("Lalu Ahmad Fauzi")), MEMBER.village_code, typo.client_id
        ),
    )
    assert index.find(typo, BIRTH) is None


def test_the_best_match_is_named() -> None:
    index = Lookalikes([known(person(52, name="Lalu Ahmad Fauzan"), 8), known()])
    found = index.find(person(51, name="Lalu Ahmad Fauzi"), BIRTH)
    assert found is not None and found.member_id == 7 and found.score == 100.0


def test_the_reason_names_the_member_by_masked_nik_only() -> None:
    wire = held_problem(Resemblance(MEMBER.nik, 7, 93.8, True)).to_wire()
    assert wire["code"] == "held_duplicate" and wire["field"] == "nik"
    assert "5203********" + MEMBER.nik[12:] in wire["id"]
    assert MEMBER.nik not in wire["id"] + wire["en"]
    assert "93.8 %" in wire["en"] and "desa yang sama" in wire["id"]
    other = held_problem(Resemblance(MEMBER.nik, 7, 90, False)).to_wire()
    assert "another village" in other["en"] and "{" not in other["id"] + other["en"]


def test_a_large_block_is_narrowed_without_losing_a_look_alike() -> None:
    # 1 January, one village: far more people than LARGE_BLOCK, names not alike.
    people = [known(person(i, name=person_name(i)), i) for i in range(1, LARGE_BLOCK * 3)]
    planted = [
        (person(900, name="Lalu Ahmad Fauzi"), person(901, name="Ahmad Fauzy")),
        (person(902, name="Hj. Siti Aminah binti Saleh"), person(903, name="Siti Aminah")),
        (person(904, name="Muhammad Zainal Abidin"), person(905, name="M. Zainal Abidin")),
        (person(906, name="Nur Hayati"), person(907, name="Nurhayati")),
    ]
    index = Lookalikes([*people, *(known(a, 900 + i) for i, (a, _) in enumerate(planted))])
    for i, (_, b) in enumerate(planted):
        found = index.find(b, BIRTH)
        assert found is not None and found.member_id == 900 + i, b.full_name
    assert index.find(person(999, name="Baiq Kamariah"), BIRTH) is None
    # Its different fathers still tell two men apart.
    index = Lookalikes([*people, known(person(908, name="Ahmad bin Saleh"), 908)])
    assert index.find(person(909, name="Ahmad bin Hamid"), BIRTH) is None
