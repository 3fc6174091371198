"""One schema for segments: every segment has every projection the system needs.

Adding a segment is one `SegmentSpec` in `enrolment.segments.SEGMENTS` (and its line in
assets/targets.json if it has a target); this test fails if anything is missing, e.g.
a card letter, without which every push with that segment would fail at signing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from enrolment import card_token
from enrolment.areas import ASSETS_DIR
from enrolment.contributions import FUNDING_SOURCES
from enrolment.segment_details import RULES, fields_for
from enrolment.segment_details import SEGMENT_FIELDS as DETAILS_REEXPORTED
from enrolment.segments import (
    CARD_LETTERS,
    DEFAULT_FUNDING,
    DETAIL_KINDS,
    HOUSEHOLD_SEGMENTS,
    SEGMENT_FIELDS,
    SEGMENT_NAMES,
    SEGMENTS,
    Segment,
    SegmentSpec,
    segment_name,
)
from field_app.i18n import LANGS, TEXTS

CODES = [spec.code.value for spec in SEGMENTS]


def _spec(code: str) -> SegmentSpec:
    return next(spec for spec in SEGMENTS if spec.code == code)


def test_the_enum_and_the_registry_name_the_same_segments_once() -> None:
    assert len(set(CODES)) == len(CODES)
    assert set(CODES) == {s.value for s in Segment}


@pytest.mark.parametrize("code", CODES)
def test_every_segment_is_named_in_both_languages(code: str) -> None:
    names = _spec(code).names
    assert set(names) == set(LANGS)
    assert all(name.strip() and name != code for name in names.values())
    assert segment_name(code, "id") == names["id"] and segment_name(code, "en") == names["en"]


def test_card_letters_are_single_and_unique() -> None:
    letters = [spec.card_letter for spec in SEGMENTS]
    assert all(len(x) == 1 and x.isascii() and x.isalnum() and x != "|" for x in letters)
    assert len(set(letters)) == len(letters)


@pytest.mark.parametrize("code", CODES)
def test_a_card_of_every_segment_round_trips(code: str) -> None:
    claims = card_token.CardClaims(
        serial=42,
        member_no="LT0000042",
        name="Siti Aminah",
        segment=code,
        village_code="52.03.07.1001",
        issued=date(2026, 11, 25),
        expires=date(2031, 11, 25),
    )
    token = card_token.assemble("k1", card_token.encode_claims(claims), b"\0" * 64)
    assert card_token.split_token(token).claims == claims


def test_a_segment_without_a_card_letter_is_refused_before_signing() -> None:
    claims = card_token.CardClaims(
        1, "LT0000001", "A", "no_such_segment", "52.03.07.1001", date.today(), date.today()
    )
    with pytest.raises(ValueError):
        card_token.encode_claims(claims)


@pytest.mark.parametrize("code", CODES)
def test_every_default_funding_source_exists(code: str) -> None:
    assert _spec(code).default_funding in FUNDING_SOURCES


@pytest.mark.parametrize("code", CODES)
def test_every_detail_field_is_well_formed_and_labelled(code: str) -> None:
    fields = _spec(code).details
    assert isinstance(fields, tuple)
    assert len({f.key for f in fields}) == len(fields)
    for f in fields:
        assert f.kind in DETAIL_KINDS
        assert bool(f.choices) == (f.kind == "choice")
        assert set(TEXTS[f"d_{f.key}"]) == set(LANGS)  # the form's label
        for choice in f.choices:
            assert set(TEXTS[f"c_{f.key}_{choice}"]) == set(LANGS)


def test_every_kind_of_detail_field_has_a_rule() -> None:
    assert set(DETAIL_KINDS) == set(RULES)


def test_targets_json_and_the_specs_agree() -> None:
    targets = json.loads((ASSETS_DIR / "targets.json").read_text(encoding="utf-8"))["segments"]
    assert set(targets) == {spec.code.value for spec in SEGMENTS if spec.has_target}
    assert all(isinstance(n, int) and n > 0 for n in targets.values())


def test_the_old_maps_are_projections_of_the_specs() -> None:
    for spec in SEGMENTS:
        code = spec.code.value
        assert SEGMENT_NAMES[spec.code] == spec.names
        assert (code in HOUSEHOLD_SEGMENTS) == spec.household
        assert DEFAULT_FUNDING[code] == spec.default_funding
        assert SEGMENT_FIELDS[code] == spec.details == fields_for(code)
        assert CARD_LETTERS[code] == spec.card_letter
    assert DETAILS_REEXPORTED is SEGMENT_FIELDS
    assert len(SEGMENT_NAMES) == len(DEFAULT_FUNDING) == len(SEGMENT_FIELDS) == len(SEGMENTS)
