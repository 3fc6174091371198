"""The tablet database's schema, as the list of migrations that builds it.

`PRAGMA user_version` holds how many have run; opening the store runs the rest, in
place, without losing a row (field_app/store.py).
"""

from __future__ import annotations

# Each entry upgrades the schema by one version; never edit a released entry.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE enrolments (
        client_id   TEXT PRIMARY KEY,
        version     INTEGER NOT NULL,
        payload     TEXT NOT NULL,
        status      TEXT NOT NULL,
        nik         TEXT NOT NULL,
        full_name   TEXT NOT NULL,
        village_code TEXT NOT NULL,
        segment     TEXT NOT NULL,
        member_no   TEXT,
        card_token  TEXT,
        problems    TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX enrolments_status ON enrolments(status, created_at);
    CREATE INDEX enrolments_nik ON enrolments(nik);
    """,
    # 2: what the last pull brought: the server's public keys (offline card checks),
    # revoked card serials, and the hashed NIK roster (duplicate warnings before saving).
    """
    ALTER TABLE enrolments ADD COLUMN sent_at TEXT;
    CREATE TABLE public_keys (kid TEXT PRIMARY KEY, x TEXT NOT NULL);
    CREATE TABLE revoked_cards (serial INTEGER PRIMARY KEY);
    CREATE TABLE roster (hash TEXT PRIMARY KEY);
    """,
    # 3: drafts saved while the officer types; households (all members of one family
    # are found by their anchor's client id); indexes for the home screen's filters and
    # newest-first list over tens of thousands of records. (created_at, full_name) lets
    # a name search that matches nothing scan the index alone, not 50,000 payloads.
    """
    CREATE TABLE drafts (
        draft_id   TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        payload    TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    ALTER TABLE enrolments ADD COLUMN household_head TEXT;
    CREATE INDEX enrolments_household ON enrolments(household_head)
        WHERE household_head IS NOT NULL;
    CREATE INDEX enrolments_created_name ON enrolments(created_at, full_name);
    CREATE INDEX enrolments_village ON enrolments(village_code, created_at);
    CREATE INDEX enrolments_segment ON enrolments(segment, created_at);
    """,
    # 4: the NIK roster as lossy units (enrolment/roster.py). The 32-bit hashes of v2
    # let whoever holds the tablet list members' NIKs back: dropped, their pages zeroed
    # (secure_delete), with their salt; the next pull brings the roster anew.
    """
    PRAGMA secure_delete=ON;
    DROP TABLE roster;
    DELETE FROM settings WHERE key='roster_salt';
    CREATE TABLE roster_units (
        unit    TEXT PRIMARY KEY,
        prefix  TEXT NOT NULL,
        modulus INTEGER NOT NULL
    );
    CREATE INDEX roster_units_prefix ON roster_units(prefix);
    CREATE TABLE roster_buckets (
        unit   TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        PRIMARY KEY (unit, bucket)
    ) WITHOUT ROWID;
    """,
    # 5: officers with PINs and the data encrypted at rest (issue 12; field_app/vault.py,
    # officers.py, sealing.py). Each officer keeps the data key wrapped under their PIN;
    # sealed values are BLOBs in the old columns (nik and full_name then hold ''), the NIK
    # also as a keyed hash for duplicates; `ident` (sealed NIK and name) feeds the
    # in-memory search index; `officer` stamps who saved a record. The rows themselves
    # are encrypted at the first unlock, not here: opening needs no key.
    """
    CREATE TABLE officers (
        officer_id    TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        kdf           TEXT NOT NULL,
        salt          BLOB NOT NULL,
        wrapped       BLOB NOT NULL,
        platform      INTEGER NOT NULL DEFAULT 0,
        failures      INTEGER NOT NULL DEFAULT 0,
        blocked_until REAL NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    );
    ALTER TABLE enrolments ADD COLUMN nik_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE enrolments ADD COLUMN ident BLOB;
    ALTER TABLE enrolments ADD COLUMN officer TEXT;
    CREATE INDEX enrolments_nik_key ON enrolments(nik_key);
    """,
    # 6: field work after enrolment (issue 14; field_app/store_activities.py): the
    # officer's attendance and UMKM visits, an outbox of their own (sealed payload, label,
    # member number and reasons; `person_key` a keyed hash: once per session here), and
    # what the last pull brought: the area's sessions (a schedule, in the clear) and the
    # UMKM owners due a visit (sealed).
    """
    CREATE TABLE activities (
        client_id  TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        ref        TEXT NOT NULL,
        person_key TEXT NOT NULL,
        payload    BLOB NOT NULL,
        label      BLOB,
        member_no  BLOB,
        status     TEXT NOT NULL,
        outcome    TEXT NOT NULL DEFAULT '',
        problems   BLOB NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        officer    TEXT
    );
    CREATE UNIQUE INDEX activities_once ON activities(ref, person_key)
        WHERE kind='attendance' AND person_key<>'';
    CREATE INDEX activities_status ON activities(status, created_at);
    CREATE INDEX activities_ref ON activities(kind, ref, created_at);
    CREATE TABLE edu_sessions (
        session_id TEXT PRIMARY KEY,
        held_on    TEXT NOT NULL,
        payload    TEXT NOT NULL
    );
    CREATE TABLE umkm_due (
        position INTEGER PRIMARY KEY,
        due      TEXT NOT NULL,
        payload  BLOB NOT NULL
    );
    """,
]
