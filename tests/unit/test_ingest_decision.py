"""The ingest decision as a pure function: records and locked member state in,
outcomes and changes out (sync_server/services/ingest_decision.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from enrolment.protocol import Outcome
from sync_server.services.ingest_decision import (
    Candidate,
    MemberState,
    Prior,
    decide,
)
from tests.conftest import person

DEVICE, OTHER = 1, 2
BIRTH = date(1985, 8, 17)


def member(rec, *, id: int = 7, owner: int | None = DEVICE, **changes) -> MemberState:
    m = MemberState(
        id, rec.nik, rec.full_name, BIRTH, rec.sex, rec.village_code, rec.phone, rec.segment, owner
    )
    for k, v in changes.items():
        setattr(m, k, v)
    return m


def test_a_new_nik_is_created_by_its_record() -> None:
    rec = person(1)
    m = member(rec, owner=None)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, rec, BIRTH)],
        priors={},
        members={rec.nik: m},
        creators={rec.nik: 0},
    )
    assert d.verdicts[0].outcome is Outcome.CREATED and d.verdicts[0].member_id == 7
    assert m.owner == DEVICE and not d.resolved and not d.reviews  # v1 settles nothing


def test_a_lower_version_after_a_higher_one_is_superseded_and_changes_nothing() -> None:
    v1 = person(1)
    m = member(v1, phone="087799990000")
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, v1, BIRTH)],
        priors={v1.client_id: {2: Prior(2, "merged", 7)}},
        members={v1.nik: m},
        creators={},
    )
    assert (d.verdicts[0].outcome, d.verdicts[0].member_id) == (Outcome.SUPERSEDED, None)
    assert m.phone == "087799990000" and not m.dirty and not d.reviews and not d.resolved


def test_the_same_new_nik_twice_with_other_names_is_created_and_conflict() -> None:
    a, b = person(1, name="Baiq Nurul"), person(1, name="Baiq Nurun")
    m = member(a, owner=None)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, a, BIRTH), Candidate(1, b, BIRTH)],
        priors={},
        members={a.nik: m},
        creators={a.nik: 0},
    )
    assert d.verdicts[0].outcome is Outcome.CREATED
    assert d.verdicts[1].outcome is Outcome.CONFLICT
    assert d.verdicts[1].answer[0]["code"] == "identity_conflict"
    assert m.full_name == "Baiq Nurul"
    assert [(r.kind, r.index, r.fields) for r in d.reviews] == [
        ("identity_conflict", 1, ["full_name"])
    ]


def test_an_edit_by_the_owner_takes_every_identity_field_and_reissues_on_a_printed_one() -> None:
    v1 = person(1, name="Amaq Salim")
    v2 = replace(v1, version=2, full_name="Amaq Salimudin", phone="087700001111")
    m = member(v1)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, v2, BIRTH)],
        priors={v1.client_id: {1: Prior(1, "created", 7)}},
        members={v1.nik: m},
        creators={},
    )
    assert d.verdicts[0].outcome is Outcome.MERGED
    assert (m.full_name, m.phone, m.dirty, m.reissue) == (
        "Amaq Salimudin",
        "087700001111",
        True,
        True,
    )


def test_an_edit_by_another_device_never_rewrites_the_member() -> None:
    mine = person(1, name="Muhammad Zaini")
    theirs_v2 = replace(mine, version=2, full_name="MUHAMMAD ZAINI", phone="087711112222")
    m = member(mine, owner=OTHER)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, theirs_v2, BIRTH)],
        priors={mine.client_id: {1: Prior(1, "merged", 7)}},
        members={mine.nik: m},
        creators={},
    )
    assert d.verdicts[0].outcome is Outcome.MERGED
    assert (m.full_name, m.phone, m.dirty) == ("Muhammad Zaini", mine.phone, False)
    assert [(r.kind, r.fields) for r in d.reviews] == [("contact_update", ["phone"])]


def test_another_devices_name_change_is_a_conflict_with_the_member_unchanged() -> None:
    mine = person(1, name="Muhammad Zaini")
    theirs_v2 = replace(mine, version=2, full_name="Zainuddin")
    m = member(mine, owner=OTHER)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, theirs_v2, BIRTH)],
        priors={mine.client_id: {1: Prior(1, "merged", 7)}},
        members={mine.nik: m},
        creators={},
    )
    assert d.verdicts[0].outcome is Outcome.CONFLICT and m.full_name == "Muhammad Zaini"


def test_a_v2_that_still_conflicts_stays_a_conflict() -> None:
    owner = person(1, name="Baiq Nurul")
    typo = person(1, name="Baiq Nurun", client_id="cid-typo")
    still = replace(typo, version=2, full_name="Baiq Nurin")
    m = member(owner, owner=OTHER)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, still, BIRTH)],
        priors={typo.client_id: {1: Prior(1, "conflict", 7)}},
        members={owner.nik: m},
        creators={},
    )
    assert d.verdicts[0].outcome is Outcome.CONFLICT
    assert m.full_name == "Baiq Nurul" and not m.dirty and not d.resolved


def test_a_merge_with_an_empty_phone_keeps_the_stored_phone() -> None:
    rec = replace(person(1), phone="")
    m = member(person(1), phone="081234567890")
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, rec, BIRTH)],
        priors={},
        members={rec.nik: m},
        creators={},
    )
    assert d.verdicts[0].outcome is Outcome.MERGED
    assert m.phone == "081234567890" and not m.dirty


def test_an_edit_into_another_nik_opens_superseded_nik_on_the_old_member() -> None:
    v1 = person(1)
    v2 = replace(person(2), client_id=v1.client_id, version=2)
    old, new = member(v1, id=7), member(v2, id=8, owner=None)
    d = decide(
        device_id=DEVICE,
        candidates=[Candidate(0, v2, BIRTH)],
        priors={v1.client_id: {1: Prior(1, "created", 7)}},
        members={v1.nik: old, v2.nik: new},
        creators={v2.nik: 0},
    )
    assert d.verdicts[0].outcome is Outcome.CREATED and d.verdicts[0].member_id == 8
    assert [(r.kind, r.member_id) for r in d.reviews] == [("superseded_nik", 7)]
