"""Interface texts, Bahasa Indonesia first, English second.

The texts live in the one message catalogue, `enrolment.messages` (the tablet's labels
in `enrolment/messages/app.py`); validation messages and segment names are the domain's,
so app and server speak with one voice. `TEXTS` is that catalogue, under its old name.
"""

from __future__ import annotations

import logging

from enrolment.messages import LANGS, MESSAGES, fill

log = logging.getLogger(__name__)

TEXTS = MESSAGES

__all__ = ["LANGS", "TEXTS", "t"]


def t(key: str, lang: str, **params: object) -> str:
    """The text for `key` in `lang`, formatted with `params` (a missing parameter keeps
    the template). An unknown key is logged as a warning and shown as itself."""
    entry = TEXTS.get(key)
    if entry is None:
        log.warning("label %r is not in the message catalogue", key)
        return key
    return fill(entry["en" if lang == "en" else "id"], params)
