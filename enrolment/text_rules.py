"""Which characters a record's text may carry (pure: no I/O, no database).

A tablet's text reaches PostgreSQL, SQLite, UTF-8 replies, CSV and XLSX files and the
printed card. Some characters break one of those or mislead a reader:

- control characters (C0, DEL, C1; NUL among them): PostgreSQL refuses NUL in text,
  XLSX (XML 1.0) cannot hold most C0 controls, and they are invisible on screen;
- lone surrogates (JSON's `"\\ud800"` parses to one): not encodable as UTF-8, so no
  database, reply or file can take them;
- noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, ...): not allowed in XML either;
- line and paragraph separators (U+2028, U+2029): a line break in a one-line field;
- bidirectional controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C):
  they reorder what a coordinator sees, so a name can be made to read as another.

Names and codes are held to a stricter rule (`strict=True`): no format characters at
all (Unicode category Cf: zero-width space and joiners U+200B..U+200D, word joiner
U+2060, BOM U+FEFF, soft hyphen, tag characters...), because an invisible character
makes two identical-looking names differ and defeats the duplicate search.
Free text (segment detail values) may keep format characters other than bidi controls:
a zero-width joiner can be part of correctly written text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_SEPARATORS = frozenset("\u2028\u2029")
# Categories refused in every field, and additionally in names and codes.
_ALWAYS = frozenset({"Cc", "Cs"})
_STRICT = frozenset({"Cc", "Cs", "Cf"})


@dataclass(frozen=True)
class BadCharacter:
    """The first character a text may not carry: where it is and which it is."""

    position: int  # 1-based, as a person counts
    codepoint: int

    @property
    def label(self) -> str:
        """The character as `U+XXXX` (ASCII only, so safe to show and to store)."""
        return f"U+{self.codepoint:04X}"


def is_noncharacter(codepoint: int) -> bool:
    """True for Unicode's 66 noncharacters (never meant for interchange)."""
    return 0xFDD0 <= codepoint <= 0xFDEF or (codepoint & 0xFFFE) == 0xFFFE


def is_allowed(ch: str, *, strict: bool = False) -> bool:
    """Whether one character may appear in a field (`strict` for names and codes)."""
    if ch in BIDI_CONTROLS or ch in LINE_SEPARATORS or is_noncharacter(ord(ch)):
        return False
    return unicodedata.category(ch) not in (_STRICT if strict else _ALWAYS)


def find_bad_character(text: str, *, strict: bool = False) -> BadCharacter | None:
    """The first character of `text` that is not allowed, or None if all are."""
    if text.isascii() and text.isprintable():
        return None  # the usual case, checked in C: printable ASCII is always fine
    for i, ch in enumerate(text):
        if not is_allowed(ch, strict=strict):
            return BadCharacter(i + 1, ord(ch))
    return None
