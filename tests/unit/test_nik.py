"""NIK rules as a field officer meets them."""

from datetime import date

import pytest

from enrolment.areas import regency_codes
from enrolment.nik import check_nik_against, mask_nik, parse_nik

REG = regency_codes()


def codes(problems):
    return [p.code for p in problems]


def test_valid_mans_nik():
    facts, problems = parse_nik("5203071708850003", REG)
    assert problems == []
    assert (facts.sex, facts.day, facts.month, facts.year2) == ("M", 17, 8, 85)
    assert check_nik_against(facts, date(1985, 8, 17), "M") == []


def test_valid_womans_nik_has_day_plus_40():
    facts, problems = parse_nik("5203074508900001", REG)
    assert problems == []
    assert (facts.sex, facts.day) == ("F", 5)
    assert check_nik_against(facts, date(1990, 8, 5), "F") == []


def test_spaces_and_dots_are_ignored():
    facts, _ = parse_nik(" 5203.0745.0890.0001 ", REG)
    assert facts is not None and facts.nik == "5203074508900001"


@pytest.mark.parametrize(
    "nik,code",
    [
        ("520307450890001", "nik_length"),
        ("52030745089000011", "nik_length"),
        ("5203O74508900001", "nik_digits"),
        ("", "required"),
        ("9903074508900001", "nik_regency"),
        ("5203073102900001", "nik_date"),  # 31 February
        ("5203077102900001", "nik_date"),  # 31 February, woman
        ("5203070013900001", "nik_date"),  # month 13
        ("5203070001900001", "nik_date"),  # day 0
    ],
)
def test_malformed_niks(nik, code):
    facts, problems = parse_nik(nik, REG)
    assert facts is None
    assert code in codes(problems)


def test_february_29_only_in_a_possible_leap_year():
    assert parse_nik("5203072902880001", REG)[1] == []
    assert codes(parse_nik("5203072902890001", REG)[1]) == ["nik_date"]
    assert parse_nik("5203072902000001", REG)[1] == []


def test_day_plus_40_inconsistent_with_sex_entered():
    facts, _ = parse_nik("5203074508900001", REG)  # a woman's NIK
    problems = check_nik_against(facts, date(1990, 8, 5), "M")
    assert codes(problems) == ["nik_sex_mismatch"]
    assert "perempuan" in problems[0].text("id")
    assert "female person" in problems[0].text("en")


def test_birth_date_inconsistent_with_nik():
    facts, _ = parse_nik("5203071708850003", REG)
    assert codes(check_nik_against(facts, date(1985, 8, 18), "M")) == ["nik_birth_mismatch"]
    # The century is not in the NIK: 1985 and 2085 agree with it alike.
    assert check_nik_against(facts, date(2085, 8, 17), "M") == []


def test_unknown_kecamatan_is_not_an_error():
    # Kecamatan 99 does not exist in Lombok Timur; it is only where the NIK was issued.
    assert parse_nik("5203991708850003", REG)[1] == []


def test_mask_shows_only_regency_and_serial():
    assert mask_nik("5203074508900001") == "5203********0001"
    assert "0745089" not in mask_nik("5203074508900001")
