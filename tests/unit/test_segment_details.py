"""Segment details, household and programme rules: what the tablet and the server apply."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from enrolment.household import Household, validate_members
from enrolment.protocol import record_from_wire, record_to_wire
from enrolment.records import validate
from enrolment.segment_details import conversion_due, validate_details
from tests.conftest import person

TODAY = date(2026, 11, 25)

GOOD = {
    "tobacco_farmer": {"farmer_group": "Poktan Maju", "land_ha": 0.75, "season": "2026"},
    "village_official": {
        "position": "Kepala Dusun",
        "office_village": "52.03.07.1001",
        "sk_number": "141/12/2025",
        "sk_date": "2025-01-02",
    },
    "security_cadre": {
        "position": "Anggota Linmas",
        "office_village": "52.03.07.1001",
        "sk_number": "300/4",
        "sk_date": "2024-03-15",
    },
    "umkm_owner": {
        "business_name": "Tenun Pancor",
        "business_type": "craft",
        "startup_cash": 750_000,
        "cash_date": "2026-11-01",
    },
    "construction_worker": {"project": "Jalan", "contractor": "CV X", "spk_date": "2026-10-10"},
    "poor_household": {},
    "migrant_worker": {"destination": "Malaysia", "phase": "during"},
}


def codes(problems):
    return {p.field: p.code for p in problems}


@pytest.mark.parametrize("segment", list(GOOD))
def test_complete_details_of_every_segment_pass(segment):
    assert validate_details(segment, GOOD[segment], TODAY) == []


@pytest.mark.parametrize("segment", [s for s in GOOD if GOOD[s]])
def test_every_required_detail_is_named_when_missing(segment):
    found = codes(validate_details(segment, {}, TODAY))
    assert found and set(found.values()) == {"required"}
    assert all(f.startswith("details.") for f in found)


@pytest.mark.parametrize(
    "segment,changes,field,code",
    [
        ("tobacco_farmer", {"land_ha": 0}, "details.land_ha", "land_area_range"),
        ("tobacco_farmer", {"land_ha": "setengah"}, "details.land_ha", "land_area_range"),
        ("tobacco_farmer", {"farmer_group": "x" * 101}, "details.farmer_group", "text_too_long"),
        ("umkm_owner", {"startup_cash": 499_999}, "details.startup_cash", "startup_cash_range"),
        ("umkm_owner", {"startup_cash": 1_000_001}, "details.startup_cash", "startup_cash_range"),
        ("umkm_owner", {"nib": "123"}, "details.nib", "nib_invalid"),
        ("umkm_owner", {"business_type": "astrology"}, "details.business_type", "choice_unknown"),
        ("umkm_owner", {"cash_date": "2026-12-01"}, "details.cash_date", "date_future"),
        ("village_official", {"sk_date": "02-01-2025"}, "details.sk_date", "date_invalid"),
        (
            "village_official",
            {"office_village": "52.01.01.1001"},
            "details.office_village",
            "village_unknown",
        ),
        ("migrant_worker", {"phase": "someday"}, "details.phase", "choice_unknown"),
    ],
)
def test_bad_details_are_named(segment, changes, field, code):
    found = codes(validate_details(segment, {**GOOD[segment], **changes}, TODAY))
    assert found == {field: code}


def test_startup_cash_bounds_are_inclusive_and_nib_is_optional():
    base = GOOD["umkm_owner"]
    for cash in (500_000, 1_000_000):
        assert validate_details("umkm_owner", {**base, "startup_cash": cash}, TODAY) == []
    assert validate_details("umkm_owner", {**base, "nib": "1234567890123"}, TODAY) == []


def test_conversion_to_paid_membership_is_one_year_after_the_cash():
    assert conversion_due({"cash_date": "2026-11-01"}) == date(2027, 11, 1)
    assert conversion_due({"cash_date": "2028-02-29"}) == date(2029, 3, 1)
    assert conversion_due({}) is None


def test_records_of_older_apps_are_judged_on_identity_alone():
    old = person(1, segment="poor_household")
    assert validate(old, TODAY) == []


def test_validate_applies_details_income_funding_and_household():
    rec = replace(person(1, segment="umkm_owner"), details={}, income=-1, funding="bank")
    found = codes(validate(rec, TODAY))
    assert found["income"] == "income_invalid"
    assert found["funding"] == "funding_unknown"
    assert found["details.business_name"] == "required"

    poor = replace(person(2, segment="poor_household"), details={})
    assert codes(validate(poor, TODAY)) == {"household.kk": "household_required"}
    fam = replace(poor, household=Household("5203071203150007", "head", poor.client_id))
    assert validate(fam, TODAY) == []
    bad = replace(fam, household=Household("12345", "cousin", ""))
    assert codes(validate(bad, TODAY)) == {
        "household.kk": "kk_invalid",
        "household.relation": "relation_unknown",
        "household.head": "household_head_missing",
    }
    farmer = replace(person(3), details=GOOD["tobacco_farmer"], household=fam.household)
    assert codes(validate(farmer, TODAY))["household.kk"] == "household_segment"


def test_family_members_carry_no_segment_details():
    anchor = replace(person(1, segment="migrant_worker"), details=GOOD["migrant_worker"])
    anchor = replace(anchor, household=Household("5203071203150007", "head", anchor.client_id))
    child = replace(
        person(2, segment="migrant_worker"),
        details={},
        household=Household("5203071203150007", "child", anchor.client_id),
    )
    assert validate(anchor, TODAY) == [] and validate(child, TODAY) == []


def test_household_cross_rules():
    found = validate_members(["1", "2", "1"], ["head", "head", "child"])
    assert [(i, p.code) for i, p in found] == [
        (2, "nik_repeated_in_household"),
        (1, "household_two_heads"),
    ]


def test_new_fields_round_trip_and_old_payloads_still_parse():
    rec = replace(
        person(1, segment="poor_household"),
        details={},
        income=600_000,
        funding="apbd",
        jht=True,
        household=Household("5203071203150007", "head", "cid"),
    )
    assert record_from_wire(record_to_wire(rec)) == rec
    old_wire = record_to_wire(person(2))
    assert not {"details", "income", "funding", "jht", "household"} & set(old_wire)
    assert record_from_wire(old_wire) == person(2, client_id=old_wire["cid"])


@pytest.mark.parametrize(
    "extra",
    [
        {"details": "tembakau"},
        {"details": {"land_ha": True}},
        {"details": {"x": [1]}},
        {"income": "satu juta"},
        {"income": 1.5},
        {"jht": "ya"},
        {"household": ["5203"]},
    ],
)
def test_malformed_new_fields_raise(extra):
    from enrolment.protocol import WireError

    with pytest.raises(WireError):
        record_from_wire({**record_to_wire(person(1)), **extra})
