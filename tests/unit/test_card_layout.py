"""The card layout's print rules (issue 13) over hard inputs: no text below 7 pt, no
two items overlapping, everything inside the cut line, the QR code's quiet zone inside
the cut line with room for an imprecise cut and clear of every other item, QR modules
of at least 0.5 mm at the versions real links need."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from enrolment import areas
from enrolment.card_token import CardClaims
from enrolment.segments import SPECS
from sync_server.services.card_layout import (
    CARD_H,
    CARD_W,
    CUT_TOLERANCE,
    MIN_MODULE,
    MIN_TEXT_PT,
    QR_MAX_VERSION,
    QUIET_MODULES,
    Code,
    Text,
    layout_card,
    layout_problems,
    text_box,
)
from sync_server.services.cards import verify_url
from sync_server.services.qr import QrMatrix, qr_matrix, qr_text
from sync_server.services.signing import Signer

SIGNER = Signer("k1", Ed25519PrivateKey.generate())
VILLAGES = [v.code for k in areas.kecamatan() for v in areas.villages(k.code)]
SEGMENTS = sorted(SPECS)
# The longest base a deployment is likely to have, and the largest serial and number.
LONG_BASE = "https://kartu.disnakertrans.lomboktimurkab.go.id"
LONG_NAME = "Baiq Nurul Hidayatul Khairunnisa Ramdhani Kurniawati"


def claims(name: str = LONG_NAME, village: str = "52.03.11.2006", segment: str = SEGMENTS[0]):
    return CardClaims(
        2**31 - 1, "LT9999999", name, segment, village, date(2026, 12, 2), date(2031, 12, 2)
    )


def matrix_for(card: CardClaims, base: str = LONG_BASE) -> QrMatrix:
    return qr_matrix(qr_text(verify_url(base, SIGNER.sign_card(card))))


V10 = matrix_for(claims("Abdul Ramdhani"), "https://x.id")


def assert_printable(items: list) -> None:
    assert layout_problems(items) == []
    texts = [i for i in items if isinstance(i, Text)]
    assert texts and all(t.size >= MIN_TEXT_PT for t in texts)
    for t in texts:
        x0, y0, x1, y1 = text_box(t)
        assert x0 >= 0 and x1 <= CARD_W and y0 >= 0 and y1 <= CARD_H


def quiet_zone_and_tolerance(code: Code) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = code.quiet_zone()
    return x0 - CUT_TOLERANCE, y0 - CUT_TOLERANCE, x1 + CUT_TOLERANCE, y1 + CUT_TOLERANCE


LETTERS = "abcdefghijklmnopqrstuvwxyzMWÅÉ'.-"
names = st.one_of(
    st.lists(st.text(LETTERS, min_size=1, max_size=25), min_size=1, max_size=12).map(" ".join),
    st.text("MWmwgjÅ", min_size=1, max_size=200),  # no spaces at all
    st.text(min_size=1, max_size=200).filter(str.strip),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(names, st.sampled_from(VILLAGES), st.sampled_from(SEGMENTS))
def test_any_name_village_and_segment_lays_out_by_the_rules(name, village, segment) -> None:
    assert_printable(layout_card(claims(name.strip(), village, segment), V10))


@pytest.mark.parametrize("village", VILLAGES)
def test_every_village_of_lombok_timur_with_a_long_name(village: str) -> None:
    card = claims(LONG_NAME, village)
    assert_printable(layout_card(card, matrix_for(card)))


@pytest.mark.parametrize("segment", SEGMENTS)
def test_every_segment(segment: str) -> None:
    card = claims("Muhammad Kurniawan", segment=segment)
    items = layout_card(card, matrix_for(card))
    assert_printable(items)
    value = next(t for t in items if isinstance(t, Text) and t.text == SPECS[segment].names["id"])
    assert value.size >= 7.5  # whole, on one line


def test_a_long_name_wraps_whole_at_7_pt_or_more() -> None:
    items = layout_card(claims(), matrix_for(claims()))
    name_lines = [t.text for t in items if isinstance(t, Text) and t.bold and t.y > 9]
    assert " ".join(name_lines) == LONG_NAME  # wrapped, nothing cut
    village = [t.text for t in items if isinstance(t, Text) and "Gading" in t.text]
    assert village == ["Montong Gading"]  # "Pringgajurang Utara," above it


def test_a_name_too_long_for_the_card_is_cut_never_shrunk() -> None:
    items = layout_card(claims("Muhammad " * 22), V10)
    assert_printable(items)
    assert any(t.text.endswith("…") for t in items if isinstance(t, Text))


@pytest.mark.parametrize("size", [21 + 4 * v for v in range(40)])  # versions 1-40
def test_the_quiet_zone_lies_inside_the_cut_line_at_every_version(size: int) -> None:
    items = layout_card(claims("Abdul Ramdhani"), QrMatrix(size, bytes(size * size)))
    (code,) = [i for i in items if isinstance(i, Code)]
    x0, y0, x1, y1 = quiet_zone_and_tolerance(code)
    assert x0 >= 0 and y0 >= 0 and x1 <= CARD_W + 1e-9 and y1 <= CARD_H + 1e-9
    assert code.quiet_zone()[2] - code.quiet_zone()[0] == pytest.approx(
        code.side + 2 * QUIET_MODULES * code.module
    )
    assert layout_problems(items) == []  # and clear of the header, the text


@pytest.mark.parametrize("length", [5, 18, 30, 45, 60, 67])
def test_modules_of_real_links_are_at_least_half_a_millimetre(length: int) -> None:
    card = claims(("Lalu Muhammad Zainul " * 4)[:length].strip())
    matrix = matrix_for(card)
    assert matrix.version <= QR_MAX_VERSION
    (code,) = [i for i in layout_card(card, matrix) if isinstance(i, Code)]
    assert code.module >= MIN_MODULE


def test_the_check_sees_small_text_overlaps_and_a_quiet_zone_too_near_the_cut() -> None:
    items = layout_card(claims("Abdul Ramdhani"), V10)
    (code,) = [i for i in items if isinstance(i, Code)]
    small = Text(4.0, 50.0, "kecil", 6.5)
    near = Code(CARD_W - code.side - 2.5, code.y, code.side, code.matrix)  # today's 2.5 mm
    assert any("6.5 pt" in p for p in layout_problems([*items, small]))
    assert any("overlaps" in p for p in layout_problems([*items, Text(4.0, 20.0, "X", 7.0)]))
    assert layout_problems([near]) != []
