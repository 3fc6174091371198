"""The enrolment form's guidance on the tablet: warnings the officer confirms, field
checks on leaving a field, and the discard question."""

from __future__ import annotations

FORM_CHECKS: dict[str, dict[str, str]] = {}
