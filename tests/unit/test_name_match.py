"""Indonesian name variants compared as equal (sync_server/services/name_match.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync_server.services.name_match import normalise, similarity, tokens

NAME_CHARS = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Z", "S"))
names = st.text(NAME_CHARS, max_size=60)
# Real-looking names: words of letters (what officers type).
words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=10)
plain_names = st.lists(words, min_size=1, max_size=4).map(" ".join)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Saleh", "M. Saleh"),
        ("Muhammad Saleh", "Muhamad Saleh"),
        ("Muhammad Saleh", "Moh. Saleh"),
        ("Muhammad Saleh", "Mohd Saleh"),
        ("Muhammad Saleh", "MOCHAMMAD SALEH"),
        ("Muhammad Saleh", "Muh.Saleh"),
        ("H. Ahmad Yani", "Ahmad Yani"),
        ("Hj. Siti Rohani", "Siti Rohani"),
        ("Haji Ahmad Yani", "ahmad   yani"),
        ("Hajjah Siti Rohani", "Siti Rohani"),
        ("Ahmad bin Saleh", "Ahmad Bin Saleh"),
        ("Siti binti Saleh", "Siti bin Saleh"),
        ("Siti bt. Saleh", "Siti binti Saleh"),
        ("Nur'aini", "Nuraini"),
        ("Nurhayati", "Nur Hayati"),
        ("Zainal Abidin", "Abidin, Zainal"),
        ("Lalu Ahmad Fauzi", "LALU AHMAD FAUZI"),
    ],
)
def test_variants_are_the_same_name(a: str, b: str) -> None:
    assert similarity(a, b) == 100.0


def test_normalised_form() -> None:
    assert normalise("H. M. Zainal, S.") == "muhammad zainal s"
    assert normalise("  Baiq   Nurul  binti Lalu Muhammad ") == "baiq nurul bin lalu muhammad"
    assert tokens("Hj. Ádè") == ["ade"]  # accents do not count
    assert normalise("") == "" and normalise("H. Hj.") == ""


def test_nobility_titles_are_kept_but_their_omission_is_tolerated() -> None:
    # Lalu and Baiq are part of the legal name: kept in the normalised form.
    assert normalise("Lalu Ahmad") == "lalu ahmad"
    assert normalise("Baiq Nurul") == "baiq nurul"
    # Left off by an officer: still the same name.
    assert similarity("Lalu Ahmad Fauzi", "Ahmad Fauzi") == 100.0
    assert similarity("Baiq Nurul Aini", "Nurul Aini") == 100.0


def test_a_patronymic_left_off_still_matches() -> None:
    assert similarity("Ahmad bin Saleh", "Ahmad") == 100.0
    assert similarity("Siti binti Hamid", "Siti") == 100.0
    # Both have one: they are compared whole, so different fathers count.
    assert similarity("Ahmad bin Saleh", "Ahmad bin Hamid") < 85


def test_typos_are_similar_and_different_people_are_not() -> None:
    assert similarity("Lalu Ahmad Fauzi", "Lalu Ahmad Fauzy") >= 90
    assert similarity("Amaq Junaidi", "Amaq Junaedi") >= 85
    assert similarity("Muhammad Saleh", "Muhammad Sahnan") < 85
    assert similarity("Baiq Sumarni", "Inaq Rukiah") < 50
    assert similarity("Lalu Hamdan", "Baiq Hamdan") < 85  # another title, another person
    assert similarity("", "Ahmad") == 0.0


@given(names, names)
def test_any_text_gives_a_symmetric_score_in_range(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0.0 <= score <= 100.0
    assert score == similarity(b, a)


@given(names)
def test_normalising_is_idempotent(a: str) -> None:
    assert normalise(normalise(a)) == normalise(a)


@given(plain_names)
def test_case_punctuation_spacing_and_honorifics_do_not_count(a: str) -> None:
    variant = "H. " + a.upper().replace(" ", " ,  ") + "."
    assert normalise(variant) == normalise(a)
    if normalise(a):
        assert similarity(a, variant) == 100.0
        assert similarity(a, a) == 100.0
