"""Every text a person reads, in Bahasa Indonesia and English: one catalogue.

`MESSAGES` is `{code: {"id": …, "en": …}}`, merged from parts by audience (domain
problems and names, the tablet's labels, the API's errors, card verification, the
coordinators' desk and the command line); `merge` refuses a code defined twice with
different texts, so importing this package proves the parts agree. It is pure data, so
the tablet carries it too.

Look texts up with `text(code, lang, **params)` (or `texts` for both languages, `slashed`
for the desk's "Indonesia / English" lines). Formatting is safe: a template whose
parameter is missing is returned unformatted, never an exception. An unknown code is
logged and returned as itself, so it shows (and `tests/unit/test_message_catalogue.py`
fails on any code the source uses that is not here).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from enrolment.messages import (
    activities,
    activities_app,
    api,
    app,
    cards,
    desk,
    education_desk,
    form_checks,
    holds,
    home,
    names,
    problems,
    rates,
    report,
)

log = logging.getLogger(__name__)

LANGS = ("id", "en")

Entry = Mapping[str, str]


def merge(*parts: Mapping[str, Entry]) -> dict[str, dict[str, str]]:
    """The parts as one catalogue; ValueError if a code has two different texts, or an
    entry lacks a non-empty text in a language of LANGS."""
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        for code, entry in part.items():
            if any(not isinstance(entry.get(lang), str) or not entry[lang] for lang in LANGS):
                raise ValueError(f"message {code!r} needs a text in each of {LANGS}")
            new = {lang: entry[lang] for lang in LANGS}
            if code in merged and merged[code] != new:
                raise ValueError(f"message {code!r} is defined twice with different texts")
            merged[code] = new
    return merged


#: Codes that name the same message as another code (one wording, two names).
ALIASES: dict[str, str] = {
    "err_pairing_invalid": "pairing_code_invalid",  # the tablet's name for the API's code
}

#: The parts, by audience, that make the catalogue.
PARTS: tuple[Mapping[str, Entry], ...] = (
    problems.PROBLEMS,
    names.NAMES,
    names.SEGMENT_NAMES,
    app.APP,
    api.API,
    cards.CARDS,
    desk.DESK,
    form_checks.FORM_CHECKS,
    holds.HOLDS,
    home.HOME,
    report.REPORT,
    rates.RATES,
    activities.ACTIVITIES,
    activities_app.ACTIVITIES_APP,
    education_desk.EDUCATION_DESK,
)

MESSAGES: dict[str, dict[str, str]] = merge(*PARTS)
for _alias, _code in ALIASES.items():
    if _alias in MESSAGES:
        raise ValueError(f"alias {_alias!r} is also a code")
    MESSAGES[_alias] = MESSAGES[_code]


def has(code: str) -> bool:
    """True when `code` is in the catalogue."""
    return code in MESSAGES


def fill(template: str, params: Mapping[str, object]) -> str:
    """`template` formatted with `params`; unformatted if a parameter is missing or the
    template is not a valid format string."""
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def text(code: str, lang: str = "id", **params: object) -> str:
    """The text of `code` in `lang` ("en", anything else is Indonesian), formatted with
    `params`. An unknown code is logged and returned as itself."""
    entry = MESSAGES.get(code)
    if entry is None:
        log.warning("message code %r is not in the catalogue", code)
        return code
    return fill(entry["en" if lang == "en" else "id"], params)


def texts(code: str, **params: object) -> tuple[str, str]:
    """(Indonesian, English) of `code`."""
    return text(code, "id", **params), text(code, "en", **params)


def slashed(code: str, **params: object) -> str:
    """ "Indonesia / English" in one line, as the desk's notices and job states show it."""
    id_text, en_text = texts(code, **params)
    return f"{id_text} / {en_text}"


def view(codes: Mapping[str, str] | list[str] | tuple[str, ...]) -> dict[str, dict[str, str]]:
    """`{name: entry}` for a mapping of names to codes (or codes named as themselves):
    how an older catalogue's shape is kept as a view of this one."""
    pairs = codes.items() if isinstance(codes, Mapping) else ((c, c) for c in codes)
    return {name: MESSAGES[code] for name, code in pairs}


__all__ = ["ALIASES", "LANGS", "MESSAGES", "has", "merge", "slashed", "text", "texts", "view"]
