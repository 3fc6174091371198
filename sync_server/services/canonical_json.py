"""The canonical JSON of a pushed record (what its content hash is taken over), fast.

The form is fixed forever: `json.dumps(obj, sort_keys=True, separators=(",", ":"))`,
ASCII with \\u escapes, since every stored submission's hash was taken over it and a
resent record whose hash changed would be answered `version_reused`. orjson writes
the same bytes several times faster in the usual case (ASCII text, no floats); where
it could differ (any non-ASCII or DEL character, which json escapes and orjson does
not; floats, which the two may spell differently; integers beyond 64 bits, which
orjson refuses) the plain encoder is used. tests/unit/test_wire_canonical.py fuzzes
the two against each other.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_SORTED = orjson.OPT_SORT_KEYS


def canonical_json(obj: dict[str, Any]) -> str:
    """`obj` as sorted-key, compact, ASCII-escaped JSON (see the module docstring)."""
    if not _has_float(obj):
        try:
            fast = orjson.dumps(obj, option=_SORTED)
        except (orjson.JSONEncodeError, TypeError):
            fast = b""
        if fast and fast.isascii() and b"\x7f" not in fast:
            return fast.decode("ascii")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _has_float(obj: dict[str, Any]) -> bool:
    # A loop over an explicit stack, not recursion: this runs for every record pushed.
    stack: list[Any] = [obj]
    while stack:
        value = stack.pop()
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, float):
                return True
            if isinstance(item, dict | list | tuple):
                stack.append(item)
    return False
