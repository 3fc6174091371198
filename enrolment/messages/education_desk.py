"""The desk's pages for education sessions, attendance and UMKM follow-up."""

from __future__ import annotations

EDUCATION_DESK: dict[str, dict[str, str]] = {}
