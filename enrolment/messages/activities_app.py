"""The tablet's screens for education sessions (attendance) and UMKM follow-up visits."""

from __future__ import annotations

ACTIVITIES_APP: dict[str, dict[str, str]] = {}
