"""Characters a record may carry (enrolment.text_rules) and how validate() reports them."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from enrolment.household import Household
from enrolment.protocol import record_from_wire, record_to_wire
from enrolment.records import Consent, validate
from enrolment.text_rules import BIDI_CONTROLS, find_bad_character, is_allowed
from tests.conftest import person

GOOD_NAMES = [
    "Baiq Nurhayati",
    "Lalu Muh. Zainul 'Arifin",
    "Ni Kadek Ayu Dewi-Lestari",
    "Inaq Sénah",  # accents, NFC or NFD alike
    unicodedata.normalize("NFD", "Inaq Sénah"),
    "محمد",  # Arabic script
    "王小明",
    "A\u00a0B",  # no-break space: whitespace, normalised away
]
ALWAYS_BAD = [
    "\x00",
    "\x01",
    "\t",
    "\n",
    "\x1f",
    "\x7f",
    "\x85",  # C1 next line
    "\x9f",
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\u2028",
    "\u2029",
    "\ufdd0",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
    *sorted(BIDI_CONTROLS),
]
BAD_IN_NAMES_ONLY = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("text", GOOD_NAMES)
def test_real_names_pass_even_strictly(text: str) -> None:
    assert find_bad_character(text, strict=True) is None


@pytest.mark.parametrize("ch", ALWAYS_BAD, ids=lambda c: f"U+{ord(c):04X}")
def test_controls_surrogates_noncharacters_and_bidi_are_refused_everywhere(ch: str) -> None:
    for strict in (False, True):
        bad = find_bad_character(f"Siti{ch}Aminah", strict=strict)
        assert bad is not None and bad.position == 5 and bad.codepoint == ord(ch)
        assert bad.label == f"U+{ord(ch):04X}" and bad.label.isascii()


@pytest.mark.parametrize("ch", BAD_IN_NAMES_ONLY, ids=lambda c: f"U+{ord(c):04X}")
def test_zero_width_and_format_characters_are_refused_in_names_only(ch: str) -> None:
    assert find_bad_character(f"Siti{ch}", strict=True) is not None
    assert find_bad_character(f"Poktan{ch}Maju", strict=False) is None


def test_the_first_bad_character_is_reported() -> None:
    bad = find_bad_character("ab\u202ecd\x00", strict=False)
    assert bad is not None and (bad.position, bad.label) == (3, "U+202E")
    assert find_bad_character("", strict=True) is None


# exclude_categories=(): every code point, lone surrogates and unassigned ones too.
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60), st.booleans())
@settings(database=None)  # no .hypothesis/ folder left in the work tree
def test_whatever_passes_can_be_stored_and_exported(text: str, strict: bool) -> None:
    bad = find_bad_character(text, strict=strict)
    if bad is None:
        text.encode("utf-8")  # no lone surrogate: every database and reply can take it
        assert "\x00" not in text
        assert not ILLEGAL_CHARACTERS_RE.search(text)  # XLSX can hold it
        assert not any(unicodedata.category(c) == "Cc" for c in text)
        assert not (set(text) & BIDI_CONTROLS)
    else:
        assert 1 <= bad.position <= len(text)
        assert not is_allowed(text[bad.position - 1], strict=strict)
        assert all(is_allowed(c, strict=strict) for c in text[: bad.position - 1])


# -- validate(): one per-record problem, naming the field, never echoing the text ------


def codes(record) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in validate(record)]


def test_a_valid_record_has_no_character_problem() -> None:
    assert validate(person(1)) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r, x: replace(r, full_name=f"Siti{x}Aminah"), "full_name"),
        (lambda r, x: replace(r, nik=r.nik[:8] + x + r.nik[9:]), "nik"),
        (lambda r, x: replace(r, birth_date=f"1985-08{x}17"), "birth_date"),
        (lambda r, x: replace(r, sex=x), "sex"),
        (lambda r, x: replace(r, village_code=r.village_code + x), "village_code"),
        (lambda r, x: replace(r, phone="0812" + x + "34567890"), "phone"),
        (lambda r, x: replace(r, segment=r.segment + x), "segment"),
        (lambda r, x: replace(r, consent=replace(r.consent, by=f"Siti{x}")), "consent"),
        (lambda r, x: replace(r, consent=replace(r.consent, method=f"ticked{x}")), "consent"),
        (lambda r, x: replace(r, consent=replace(r.consent, at=f"2026{x}")), "consent"),
        (lambda r, x: replace(r, created_at=f"2026{x}"), "record"),
        (lambda r, x: replace(r, client_id=f"abc{x}"), "record"),
        (lambda r, x: replace(r, funding=f"self{x}"), "funding"),
        (lambda r, x: replace(r, details={"farmer_group": f"Poktan{x}"}), "details.farmer_group"),
        (lambda r, x: replace(r, details={f"k{x}": "v"}), "record"),
    ],
)
@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\u202e", "\x85"], ids=repr)
def test_each_text_field_is_checked(change, field: str, bad: str) -> None:
    found = validate(change(person(1), bad))
    mine = [p for p in found if p.field == field]
    assert [p.code for p in mine] == ["bad_characters"], found
    p = mine[0]
    assert f"U+{ord(bad):04X}" in p.text("id") and f"U+{ord(bad):04X}" in p.text("en")
    assert p.text("id") != p.text("en")
    # The reply carries the problem: it must encode, and it never echoes what was sent.
    wire = json.dumps([q.to_wire() for q in found], ensure_ascii=False).encode("utf-8")
    assert bad.encode("utf-8", "surrogatepass") not in wire


@pytest.mark.parametrize("where", ["kk", "relation", "head"])
def test_household_texts_are_checked(where: str) -> None:
    home = Household(kk="5203070101010001", relation="head", head="x")
    rec = replace(person(1, segment="poor_household"), household=home, details={})
    rec = replace(rec, household=replace(home, **{where: getattr(home, where) + "\x00"}))
    assert ("household." + where, "bad_characters") in codes(rec)


def test_zero_width_joiner_is_refused_in_a_name_but_kept_in_a_detail_value() -> None:
    assert codes(replace(person(1), full_name="Siti\u200dAminah")) == [
        ("full_name", "bad_characters")
    ]
    rec = replace(person(1), details={"farmer_group": "Poktan\u200dMaju", "land_ha": 1.0})
    assert ("details.farmer_group", "bad_characters") not in codes(rec)


def test_a_bad_character_replaces_the_fields_other_problems() -> None:
    # "nik_digits" would say the same less precisely: one problem per field.
    rec = replace(person(1), nik="52030717088\x0050001")
    assert codes(rec) == [("nik", "bad_characters")]


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_an_infinite_or_nan_detail_is_refused(value: float) -> None:
    rec = replace(person(1), details={"farmer_group": "Poktan", "land_ha": value, "season": "1"})
    assert ("details.land_ha", "number_invalid") in codes(rec)
    rec = replace(rec, details={"farmer_group": "Poktan", "land_ha": 1.0, "x": value})
    assert ("details.x", "number_invalid") in codes(rec)


def test_a_record_from_json_escapes_is_rejected_not_crashed() -> None:
    # What the server parses from {"name": "Siti\ud800", "consent": {"by": "\u0000"}}.
    wire = record_to_wire(person(1))
    old = json.dumps(person(1).full_name)
    wire = json.loads(json.dumps(wire).replace(old, '"Siti\\ud800"', 1))
    wire["consent"]["by"] = "\x00"
    found = validate(record_from_wire(wire))
    assert [(p.field, p.code) for p in found] == [
        ("full_name", "bad_characters"),
        ("consent", "bad_characters"),
    ]
    json.dumps([p.to_wire() for p in found], ensure_ascii=False).encode("utf-8")


def test_consent_method_and_time_are_named_in_the_message() -> None:
    rec = replace(person(1), consent=Consent(True, "Siti", "read_aloud", "2026\x00"))
    (p,) = validate(rec)
    assert "Waktu persetujuan" in p.text("id") and "consent time" in p.text("en")
