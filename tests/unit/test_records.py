"""Record validation and wire round-trip."""

from datetime import date

import pytest

from enrolment.protocol import WireError, record_from_wire, record_to_wire
from enrolment.records import Consent, Enrolment, validate

CONSENT = Consent(given=True, by="Siti Aminah", method="ticked", at="2026-11-25T03:00:00Z")


def make(**changes):
    base = dict(
        client_id="c1",
        version=1,
        nik="5203074508900001",
        full_name="Siti Aminah",
        birth_date="1990-08-05",
        sex="F",
        village_code="52.03.07.1001",
        phone="081234567890",
        segment="umkm_owner",
        consent=CONSENT,
    )
    base.update(changes)
    return Enrolment(**base)


def fields(problems):
    return {p.field: p.code for p in problems}


def test_a_complete_record_is_valid():
    assert validate(make(), today=date(2026, 11, 25)) == []


@pytest.mark.parametrize(
    "changes,field,code",
    [
        ({"full_name": " "}, "full_name", "required"),
        ({"birth_date": "1990-02-31"}, "birth_date", "birth_date_invalid"),
        (
            {"birth_date": "2030-08-05", "nik": "5203074508300001"},
            "birth_date",
            "birth_date_future",
        ),
        ({"sex": "X"}, "sex", "sex_invalid"),
        ({"village_code": "52.01.01.1001"}, "village_code", "village_unknown"),
        ({"phone": "12ab"}, "phone", "phone_invalid"),
        ({"segment": "astronaut"}, "segment", "segment_unknown"),
        ({"consent": Consent(given=False)}, "consent", "consent_missing"),
    ],
)
def test_each_invalid_field_is_named(changes, field, code):
    assert fields(validate(make(**changes), today=date(2026, 11, 25))).get(field) == code


def test_wire_round_trip():
    rec = make()
    assert record_from_wire(record_to_wire(rec)) == rec


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {"cid": "x"},
        {"cid": "x", "ver": "1"},
        {"cid": "x", "ver": 1, "consent": "yes"},
        {"cid": "x", "ver": True, "consent": {"given": True}},
    ],
)
def test_malformed_wire_records_raise(bad):
    with pytest.raises(WireError):
        record_from_wire(bad)
