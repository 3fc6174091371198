"""Validation problems: a field, a stable code, and the officer-facing text.

Codes are what travels on the wire and what tests assert on; the texts are in the one
message catalogue (`enrolment.messages`, part `problems.py`), Bahasa Indonesia first,
with English, so the server's reasons can be shown on the tablet in either language
without another lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from enrolment.messages import MESSAGES, fill

# The texts are the catalogue's (enrolment/messages/problems.py); MESSAGES stays importable.
__all__ = ["MESSAGES", "Problem", "problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: which field, a stable code, and parameters."""

    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "id") -> str:
        """The officer-facing message in `lang` (`id` or `en`)."""
        entry = MESSAGES.get(self.code)
        template = entry["en" if lang == "en" else "id"] if entry else self.code
        return fill(template, dict(self.params))

    def to_wire(self) -> dict[str, str]:
        """The problem as sent by the server: field, code, and both texts."""
        return {
            "field": self.field,
            "code": self.code,
            "id": self.text("id"),
            "en": self.text("en"),
        }


def problem(field: str, code: str, **params: object) -> Problem:
    """Build a Problem with keyword parameters for its message."""
    return Problem(field, code, tuple((k, str(v)) for k, v in params.items()))
