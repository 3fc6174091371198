"""`name_match.tokens` skips NFKD for ASCII text: the same words as the long way."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.services import name_match
from sync_server.services.name_match import tokens


def tokens_the_long_way(name: str) -> list[str]:
    """`tokens` as it was before the ASCII shortcut: every name through NFKD."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("\u2019", "").replace("`", "")
    out = []
    for word in name_match._NOT_LETTERS.split(plain):
        if not word or word in name_match._HONORIFICS:
            continue
        if word in name_match._MUHAMMAD:
            word = name_match.MUHAMMAD
        elif word in name_match._BIN:
            word = name_match.BIN
        out.append(word)
    return out


@settings(max_examples=500)
@given(st.text(max_size=40) | st.text(st.characters(max_codepoint=127), max_size=40))
def test_the_same_words_as_the_long_way(name: str) -> None:
    assert tokens(name) == tokens_the_long_way(name)


def test_accents_and_ligatures_still_fold() -> None:
    assert tokens("Muḥammad Ṣāliḥ") == ["muhammad", "salih"]
    assert tokens("STRAßE ﬁtri") == ["strasse", "fitri"]
