"""A push body parses to what json.loads made of it, whichever parser reads it."""

from __future__ import annotations

import gzip
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync_server.api.body import _parse
from sync_server.api.errors import ApiError

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(),  # lone surrogates included: orjson refuses them, json reads them
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=15,
)


@given(_values, st.booleans(), st.booleans())
def test_parses_as_json_loads(value: object, ascii_only: bool, zipped: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be sent unescaped
    body = gzip.compress(raw) if zipped else raw
    assert _parse(body, zipped, 10**8) == json.loads(text)


def test_nan_and_huge_integers_still_parse() -> None:
    got = _parse(b'{"a": NaN, "b": 123456789012345678901234567890}', False, 1000)
    assert math.isnan(got["a"]) and got["b"] == 123456789012345678901234567890


@pytest.mark.parametrize("raw", [b"{", b'{"a":1}x', b"\xff\xfe{}", b"[" * 100_000])
def test_broken_bodies_are_400(raw: bytes) -> None:
    with pytest.raises(ApiError) as err:
        _parse(raw, False, 10**7)
    assert (err.value.status, err.value.code) == (400, "not_json")
