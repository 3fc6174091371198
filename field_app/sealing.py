"""Which stored values are sealed, how a row is sealed and opened, and the in-place
encryption of a plaintext database at its first unlock (issue 12, part 2).

Sealed per enrolment: the payload (the whole record: NIK, names, birth date, phone,
income, KK, consent, ...), `ident` (NIK and name, for the in-memory search index),
member number, card token and problem texts; the NIK also as a keyed hash (`nik_key`,
indexed: duplicates and exact lookups). `nik` and `full_name` hold '' once sealed.
Per draft: its title and payload. Settings: the keys in SEALED_SETTINGS. Activities and
the pulled due list: see field_app/store_activities.py.
In the clear, because lists, filters, counts and the sync's bookkeeping need them while
locked or in SQL: client ids and versions, status, village code, segment, the household
anchor's client id, timestamps, the saving officer's id; the server's public keys,
revoked serials and the lossy roster; officers' names.

Every value says what it is: a BLOB is sealed, TEXT is plaintext not yet migrated. So a
migration interrupted between two batches is finished by the next unlock, and a
half-migrated file reads correctly meanwhile.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from field_app.vault import Locked, Vault

# Settings that give something away: the device's bearer token, the officer's name, the
# roster's key (with it the roster's buckets can be probed for guessed NIKs).
SEALED_SETTINGS = frozenset({"device_token", "officer", "roster_salt"})
SEAL_PENDING = "seal_pending"  # set while plaintext rows may remain
VAULT_CHECK = "vault_check"  # Vault.check of this file's data key (in the clear)
BATCH = 500  # rows encrypted per transaction while migrating

Tx = Callable[[], AbstractContextManager[sqlite3.Connection]]


def ad(table: str, column: str, key: str) -> str:
    """The associated data that binds a sealed value to its place."""
    return f"{table}.{column}.{key}"


def seal(vault: Vault | None, value: str | None, place: str) -> str | bytes | None:
    """`value` sealed for `place` (plaintext when the store has no key)."""
    if value is None or vault is None:
        return value
    return vault.seal_text(value, place)


def unseal(vault: Vault | None, value: Any, place: str) -> Any:
    """A stored value in the clear: sealed ones opened, plaintext ones as they are."""
    if isinstance(value, bytes):
        if vault is None:
            raise Locked("the store is locked")
        return vault.open_text(value, place)
    return value


def ident_of(vault: Vault, client_id: str, nik: str | None, name: str | None) -> bytes | None:
    """The sealed `nik \\x1f name` behind the search index."""
    if nik is None:
        return None
    return vault.seal_text(f"{nik}\x1f{name or ''}", ad("enrolments", "ident", client_id))


def sealed_columns(
    vault: Vault | None, client_id: str, payload: str, nik: str | None, name: str | None
) -> tuple[Any, ...]:
    """`(payload, nik, full_name, nik_key, ident)` as stored for one record."""
    if vault is None:
        return payload, nik, name, "", None
    return (
        vault.seal_text(payload, ad("enrolments", "payload", client_id)),
        "",
        "",
        None if nik is None else vault.nik_key(nik),
        ident_of(vault, client_id, nik, name),
    )


def opened_enrolment(vault: Vault | None, row: sqlite3.Row) -> dict[str, Any]:
    """payload, member_no, card_token and problems of a row, in the clear."""
    cid = row["client_id"]
    return {
        "payload": json.loads(unseal(vault, row["payload"], ad("enrolments", "payload", cid))),
        "member_no": unseal(vault, row["member_no"], ad("enrolments", "member_no", cid)),
        "card_token": unseal(vault, row["card_token"], ad("enrolments", "card_token", cid)),
        "problems": json.loads(unseal(vault, row["problems"], ad("enrolments", "problems", cid))),
    }


def sealed_problems(vault: Vault | None, client_id: str, problems: str) -> str | bytes | None:
    """Problem texts as stored: none is '[]' in the clear, any other is sealed."""
    if problems == "[]":
        return problems
    return seal(vault, problems, ad("enrolments", "problems", client_id))


def index_entries(db: sqlite3.Connection, vault: Vault) -> list[tuple[str, str, str, str]]:
    """`(client_id, nik, name, created_at)` of every record, for the search index."""
    out = []
    for cid, ident, nik, name, created in db.execute(
        "SELECT client_id, ident, nik, full_name, created_at FROM enrolments"
    ):
        if ident is not None:
            nik, name = vault.open_text(ident, ad("enrolments", "ident", cid)).split("\x1f", 1)
        out.append((cid, nik, name, created))
    return out


# -- migration of plaintext rows ------------------------------------------------------
def seal_plaintext(tx: Tx, vault: Vault, batch: int | None = None) -> int:
    """Encrypt every plaintext value in place, `batch` rows (default BATCH) per
    transaction, then clear SEAL_PENDING. Idempotent; returns how many enrolments it
    sealed."""
    sealed, last, batch = 0, 0, batch or BATCH
    while True:
        with tx() as db:
            rows = db.execute(
                "SELECT rowid, client_id, payload, nik, full_name, member_no, card_token, "
                "problems FROM enrolments WHERE rowid>? AND typeof(payload)='text' "
                "ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            db.executemany(
                "UPDATE enrolments SET payload=?, nik=?, full_name=?, nik_key=?, ident=?, "
                "member_no=?, card_token=?, problems=? WHERE rowid=?",
                [_sealed_row(vault, row) for row in rows],
            )
        if not rows:
            break
        last, sealed = rows[-1][0], sealed + len(rows)
    with tx() as db:
        _seal_drafts(db, vault)
        _seal_settings(db, vault)
        _seal_activities(db, vault)
        db.execute("DELETE FROM settings WHERE key=?", (SEAL_PENDING,))
    return sealed


def _sealed_row(vault: Vault, row: sqlite3.Row) -> tuple[Any, ...]:
    cid = row["client_id"]
    return (
        *sealed_columns(vault, cid, row["payload"], row["nik"], row["full_name"]),
        seal(vault, row["member_no"], ad("enrolments", "member_no", cid)),
        seal(vault, row["card_token"], ad("enrolments", "card_token", cid)),
        sealed_problems(vault, cid, row["problems"]),
        row["rowid"],
    )


def _seal_drafts(db: sqlite3.Connection, vault: Vault) -> None:
    rows = db.execute(
        "SELECT draft_id, title, payload FROM drafts WHERE typeof(payload)='text'"
    ).fetchall()
    db.executemany(
        "UPDATE drafts SET title=?, payload=? WHERE draft_id=?",
        [
            (
                vault.seal_text(title, ad("drafts", "title", did)),
                vault.seal_text(payload, ad("drafts", "payload", did)),
                did,
            )
            for did, title, payload in rows
        ],
    )


def _seal_activities(db: sqlite3.Connection, vault: Vault) -> None:
    """Activities and the due list saved before the first officer (few: one transaction);
    `person_key` becomes the keyed hash of what it held in the clear."""
    rows = db.execute(
        "SELECT client_id, person_key, payload, label, member_no, problems FROM activities"
        " WHERE typeof(payload)='text'"
    ).fetchall()
    db.executemany(
        "UPDATE activities SET person_key=?, payload=?, label=?, member_no=?, problems=?"
        " WHERE client_id=?",
        [
            (
                vault.nik_key(key) if key else "",
                seal(vault, payload, ad("activities", "payload", cid)),
                seal(vault, label, ad("activities", "label", cid)),
                seal(vault, member_no, ad("activities", "member_no", cid)),
                problems
                if problems == "[]"
                else seal(vault, problems, ad("activities", "problems", cid)),
                cid,
            )
            for cid, key, payload, label, member_no, problems in rows
        ],
    )
    due = db.execute("SELECT position, payload FROM umkm_due WHERE typeof(payload)='text'")
    db.executemany(
        "UPDATE umkm_due SET payload=? WHERE position=?",
        [(vault.seal_text(p, ad("umkm_due", "payload", str(i))), i) for i, p in due.fetchall()],
    )


def _seal_settings(db: sqlite3.Connection, vault: Vault) -> None:
    keys = sorted(SEALED_SETTINGS)
    rows = db.execute(
        f"SELECT key, value FROM settings WHERE typeof(value)='text' AND key IN "
        f"({', '.join('?' * len(keys))})",
        keys,
    ).fetchall()
    db.executemany(
        "UPDATE settings SET value=? WHERE key=?",
        [(vault.seal_text(value, ad("settings", "value", key)), key) for key, value in rows],
    )
