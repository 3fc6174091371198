"""Warnings on a form that is valid but looks odd: the officer checks the KTP and may go
on (errors block; these do not). Pure: form values and area data in, warnings out.

Each warning names the field it belongs to and a catalogue code (`messages/form_checks`).
Every function here takes arbitrary text and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from enrolment import areas
from enrolment.messages import text
from enrolment.nik import normalise_nik

#: How many years back a planting season may lie before it looks mistyped.
SEASON_YEARS_BACK = 2

_HOME_PREFIX = areas.HOME_REGENCY.replace(".", "")
_NAME_PUNCTUATION = frozenset(" '.-\u2019")


@dataclass(frozen=True)
class FormWarning:
    """One thing to double-check: the field it concerns, its code and parameters."""

    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "id") -> str:
        """The officer-facing sentence in `lang`."""
        return text(self.code, lang, **dict(self.params))


def _warning(field: str, code: str, /, **params: object) -> FormWarning:
    return FormWarning(field, code, tuple((k, str(v)) for k, v in params.items()))


def nik_warnings(raw_nik: str, village_code: str = "") -> list[FormWarning]:
    """A well-formed NIK from outside the regency, with an unknown kecamatan code, with
    serial 0000, or issued in another kecamatan than the chosen village's."""
    nik = normalise_nik(str(raw_nik))
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return []  # not a NIK yet: the form's error says so
    found: list[FormWarning] = []
    if nik[:4] != _HOME_PREFIX:
        found.append(_warning("nik", "fw_nik_outside", prefix=nik[:4]))
    else:
        kec = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
        known = {a.code: a.name for a in areas.kecamatan()}
        chosen = str(village_code).rsplit(".", 1)[0]
        if kec not in known:
            found.append(_warning("nik", "fw_nik_kecamatan_unknown", code=nik[4:6]))
        elif chosen in known and chosen != kec:
            # The NIK names where the KTP was issued: people move, so this only warns.
            found.append(
                _warning("nik", "fw_nik_other_kecamatan", nik_kec=known[kec], kec=known[chosen])
            )
    if nik[12:] == "0000":
        found.append(_warning("nik", "fw_nik_serial_zero"))
    return found


def _odd_name_character(name: str) -> str:
    for ch in name:
        if ch in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(ch).startswith(("L", "M")):  # letters, accents included
            continue
        return ch
    return ""


def name_warnings(name: str, field: str = "full_name") -> list[FormWarning]:
    """A name holding digits or symbols (letters, spaces, ' . - are a name's own)."""
    odd = _odd_name_character(str(name).strip())
    return [_warning(field, "fw_name_characters", char=odd)] if odd else []


def season_warnings(season: str, today: date | None = None) -> list[FormWarning]:
    """A planting season whose year lies more than SEASON_YEARS_BACK years back."""
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", str(season))]
    if not years:
        return []
    this_year = (today or date.today()).year
    latest = max(years)
    if latest < this_year - SEASON_YEARS_BACK:
        return [_warning("details.season", "fw_season_old", year=latest)]
    return []


def form_warnings(
    *,
    nik: str,
    full_name: str,
    village_code: str = "",
    details: dict[str, str] | None = None,
    today: date | None = None,
) -> list[FormWarning]:
    """Every warning for the anchor person's values, in the form's order."""
    season = (details or {}).get("season", "")
    return [
        *nik_warnings(nik, village_code),
        *name_warnings(full_name),
        *season_warnings(str(season), today),
    ]
