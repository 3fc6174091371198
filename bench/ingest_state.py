"""A digest of what an ingest answered and stored, comparable between two checkouts.

Left out, because they differ by design between two servers given the same input:
each server's identity (`srv`), its signing key (a card's signature `g`; the claims
are kept) and the clock (creation, update and receipt times; card dates are kept).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa

_TABLES = {
    "members": "SELECT id, nik, full_name, birth_date, sex, village_code, phone, segment,"
    " funding, income, jht, household_kk, household_relation, household_head, details,"
    " startup_cash, conversion_due FROM members ORDER BY id",
    "cards": "SELECT id, member_id, kid, issued_on, expires_on, revoked_at, revoke_reason"
    " FROM cards ORDER BY id",
    "submissions": "SELECT id, device_id, client_id, version, content_hash, payload, outcome,"
    " member_id, problems, consent_by, consent_method, consent_at FROM submissions ORDER BY id",
    "review_items": "SELECT id, member_id, submission_id, kind, fields, status"
    " FROM review_items ORDER BY id",
}


def _reply_without_keys(reply: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in reply.items() if k != "srv"}
    out["results"] = [{k: v for k, v in r.items() if k != "g"} for r in reply["results"]]
    return out


def state_digest(replies: list[dict[str, Any]], database_url: str) -> str:
    """12 hex digits over the replies in order and the four tables' rows."""
    digest = hashlib.sha256()
    for reply in replies:
        digest.update(json.dumps(_reply_without_keys(reply), sort_keys=True).encode())
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        for name, sql in _TABLES.items():
            digest.update(name.encode())
            for row in conn.execute(sa.text(sql)):
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
    engine.dispose()
    return digest.hexdigest()[:12]


def _plain(value: Any) -> Any:
    # SQLite and PostgreSQL return dates and JSON differently; compare their text.
    return value if isinstance(value, int | None) else str(value)
