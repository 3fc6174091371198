"""A record held at ingest as a likely duplicate: its outcome on the tablet and its
review on the desk."""

from __future__ import annotations

HOLDS: dict[str, dict[str, str]] = {}
