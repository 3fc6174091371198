"""Are two names one person's? Indonesian (and Sasak) name variants, compared as equal.

Pure, server-only (the tablet never matches people: it has no one to match against).
Not to be confused with `enrolment/messages/names.py`, the names shown on screens.

`normalise` makes the form that is compared:

- case, accents, punctuation and spacing do not count ("M. SALEH", "m saleh");
- the many spellings and abbreviations of Muhammad are one word: Muhammad, Muhamad,
  Mohammad, Mohamad, Mochammad, Moch., Moh., Mohd., Muh., Md., M.;
- Islamic honorifics are dropped: H., Hj., Haji, Hajjah (a pilgrimage made between two
  enrolments must not hide the person), and Ust./Ustadz;
- bin, binti, bt. and bte. are one word, `bin`: "Ahmad binti Saleh" is "Ahmad bin Saleh".

Two choices the matching makes beyond that (`similarity`):

- *Lalu* and *Baiq* (Sasak nobility) are kept: they are part of the legal name, written
  on the KTP, and a Lalu and a man without the title are usually of different families.
  But an officer may leave the title off: a name that lacks it is also compared with the
  other name without it, so "Ahmad Fauzi" still resembles "Lalu Ahmad Fauzi";
- the patronymic ("bin Saleh") is often left off: a name with one is also compared, by
  its own part, with a name that has none ("Ahmad bin Saleh" resembles "Ahmad").

The score is rapidfuzz's token-sort ratio (word order does not count), or the plain
ratio of the names without spaces ("Nurhayati" / "Nur Hayati"), whichever is higher.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

MUHAMMAD = "muhammad"
BIN = "bin"
_MUHAMMAD = frozenset(
    {
        "m",
        "md",
        "mhd",
        "moch",
        "mochamad",
        "mochammad",
        "moh",
        "mohamad",
        "mohammad",
        "mohammed",
        "mohamed",
        "mohd",
        "muh",
        "muhamad",
        "muhammad",
        "muhammed",
        "muhamed",
    }
)
_HONORIFICS = frozenset({"h", "hj", "haji", "hajah", "hajjah", "ust", "ustadz", "ustaz"})
_BIN = frozenset({"bin", "binti", "bt", "bte", "bint"})
#: Sasak nobility titles: kept in the name, but their omission is tolerated.
NOBILITY = frozenset({"lalu", "baiq"})
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def tokens(name: str) -> list[str]:
    """The words of a name, normalised (see the module docstring)."""
    plain = name.casefold()
    # NFKD leaves ASCII text as it is: skip it (and the walk over the letters) for the
    # names nearly all officers type; the duplicate scan splits ~10^5 names a run.
    if not plain.isascii():
        plain = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("\u2019", "").replace("`", "")
    out: list[str] = []
    for word in _NOT_LETTERS.split(plain):
        if not word or word in _HONORIFICS:
            continue
        if word in _MUHAMMAD:
            word = MUHAMMAD
        elif word in _BIN:
            word = BIN
        out.append(word)
    return out


def normalise(name: str) -> str:
    """The name as it is compared: normalised words joined by single spaces."""
    return " ".join(tokens(name))


def _score(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    x, y = " ".join(a), " ".join(b)
    return max(fuzz.token_sort_ratio(x, y), fuzz.ratio("".join(a), "".join(b)))


def _variants(words: list[str], other: list[str]) -> list[list[str]]:
    """The forms of `words` compared with `other`: as written, without the nobility
    title when `other` has none, and without the patronymic when `other` has none."""
    out = [words]
    if not NOBILITY & set(other):
        out += [[w for w in v if w not in NOBILITY] for v in list(out) if NOBILITY & set(v)]
    if BIN not in other:
        out += [v[: v.index(BIN)] for v in list(out) if BIN in v[1:]]
    return out


def similarity_of_tokens(a: list[str], b: list[str]) -> float:
    """`similarity` of two names already split by `tokens`."""
    best = 0.0
    for x in _variants(a, b):
        for y in _variants(b, a):
            best = max(best, _score(x, y))
            if best >= 100.0:
                return 100.0
    return round(best, 1)


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–100, after normalisation (100: the same name)."""
    return similarity_of_tokens(tokens(a), tokens(b))
