"""Database tables (SQLModel). The schema itself is created by Alembic migrations.

Times are naive UTC `datetime`s (SQLite keeps no zone); dates are plain dates.
Secrets never appear here in clear: device tokens and pairing codes are hashes,
the signing key's private half is an encrypted PEM.

Every table in one module, past 400 lines: the schema reads in one place, as Alembic's
autogenerate compares it with the migrations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Explicit: SQLModel would map `datetime` to TIMESTAMP WITH TIME ZONE, which on PostgreSQL
# would reinterpret naive values in the session time zone.
_TS = sa.DateTime(timezone=False)


def utcnow() -> datetime:
    """The current time as naive UTC, the form every timestamp column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


class Device(SQLModel, table=True):
    """A paired tablet; it authenticates with a long-lived, revocable bearer token."""

    __tablename__ = "devices"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    officer: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    last_sync_at: datetime | None = Field(default=None, sa_type=_TS)
    revoked_at: datetime | None = Field(default=None, sa_type=_TS)
    # Kecamatan it works in, dotted and comma-separated ("52.03.07,52.03.08"); empty:
    # none set (paired before areas), so its own records only (services/devices.py).
    area: str = Field(default="", max_length=255)


class PairingCode(SQLModel, table=True):
    """A single-use code an administrator hands to an officer to pair a tablet."""

    __tablename__ = "pairing_codes"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    name: str = Field(default="", max_length=100)  # label given at creation
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    expires_at: datetime = Field(sa_type=_TS)
    used_at: datetime | None = Field(default=None, sa_type=_TS)
    device_id: int | None = Field(default=None, foreign_key="devices.id")
    area: str = Field(default="", max_length=255)  # handed to the device it pairs


class Member(SQLModel, table=True):
    """One person, one member: `nik` is unique in the database."""

    __tablename__ = "members"

    id: int | None = Field(default=None, primary_key=True)
    nik: str = Field(max_length=16, unique=True)
    full_name: str = Field(max_length=100)
    birth_date: date
    sex: str = Field(max_length=1)
    village_code: str = Field(max_length=20)
    phone: str = Field(default="", max_length=30)
    segment: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    # The programme fields (app version 2), written at ingest from the record that made
    # the member and from its own device's later edits (services/ingest_decision.py);
    # reports read these, never the submissions' payloads.
    funding: str = Field(default="", max_length=16)  # as sent; "" = the segment's usual payer
    income: int | None = None  # declared monthly income, rupiah; None: not declared
    jht: bool = False
    household_kk: str = Field(default="", max_length=16)
    household_relation: str = Field(default="", max_length=16)
    household_head: str = Field(default="", max_length=64)  # the anchor record's cid
    details: str | None = Field(default=None, sa_type=sa.Text)  # JSON object; None: not sent
    # Derived from an UMKM owner's details, for the money page's sums and due list.
    startup_cash: int | None = None  # rupiah
    conversion_due: date | None = None  # one year after the start-up cash date


class Submission(SQLModel, table=True):
    """One received `(device, cid, ver)` and the answer given, so repeats get the same answer."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "client_id", "version", name="uq_submission_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id")
    client_id: str = Field(max_length=64)
    version: int
    content_hash: str = Field(max_length=64)
    payload: str = Field(sa_type=sa.Text)  # the record as received, canonical JSON
    outcome: str = Field(default="", max_length=16)
    member_id: int | None = Field(default=None, foreign_key="members.id", index=True)
    problems: str = Field(default="[]", sa_type=sa.Text)  # JSON list of Problem.to_wire()
    consent_by: str = Field(default="", max_length=200)
    consent_method: str = Field(default="", max_length=20)
    consent_at: str = Field(default="", max_length=40)  # ISO 8601 as sent by the tablet
    received_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


class ReviewItem(SQLModel, table=True):
    """A submission a coordinator must look at, e.g. a NIK enrolled under another identity."""

    __tablename__ = "review_items"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="members.id", index=True)
    submission_id: int = Field(foreign_key="submissions.id")
    kind: str = Field(default="identity_conflict", max_length=32)
    fields: str = Field(default="[]", sa_type=sa.Text)  # JSON list of differing fields
    status: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


class Card(SQLModel, table=True):
    """A membership card; its id is the serial in the signed token."""

    __tablename__ = "cards"
    __table_args__ = (
        # At most one unrevoked card per member, so concurrent issuers cannot make two.
        sa.Index(
            "uq_card_active_member",
            "member_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="members.id")
    kid: str = Field(max_length=16)
    issued_on: date
    expires_on: date
    revoked_at: datetime | None = Field(default=None, sa_type=_TS)
    revoke_reason: str | None = Field(default=None, max_length=32)  # e.g. "reissued"
    # Who revoked it (a desk user, a CLI operator, "sync" for an edit): the audit trail
    # of the card itself, readable without joining any log.
    revoked_by: str | None = Field(default=None, max_length=100)


class SigningKey(SQLModel, table=True):
    """An Ed25519 card-signing key; the private half is a PEM encrypted with SECRET_KEY."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        # One active (signing) key at a time; a rotation deactivates the old one first.
        sa.Index(
            "uq_signing_key_active",
            "active",
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kid: str = Field(max_length=16, unique=True)
    public_key: bytes = Field(sa_type=sa.LargeBinary)  # raw 32 bytes
    private_pem_encrypted: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    active: bool = True


class Change(SQLModel, table=True):
    """Something a tablet must learn at its next pull (a revoked card, a review outcome).

    The id is the pull cursor's position: tablets ask for changes after the last id seen.
    """

    __tablename__ = "changes"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    device_id: int | None = Field(default=None, foreign_key="devices.id", index=True)
    kind: str = Field(max_length=32)  # card_revoked, review_outcome
    ref: str = Field(default="", max_length=64)  # e.g. the card serial
    payload: dict | None = Field(default=None, sa_type=sa.JSON)


class ServerSetting(SQLModel, table=True):
    """A server-wide value created once, e.g. the roster salt (never changed afterwards)."""

    __tablename__ = "server_settings"

    name: str = Field(primary_key=True, max_length=64)
    value: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


# --- The coordinator's desk (issue 6) -------------------------------------------------


class User(SQLModel, table=True):
    """A person who signs in to the coordinator's desk (never a tablet)."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=200)  # argon2id, PHC string
    role: str = Field(default="coordinator", max_length=16)  # coordinator | administrator
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    disabled_at: datetime | None = Field(default=None, sa_type=_TS)


class UserSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its cookie token is stored."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=64)  # echoed in every POST form of this session
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    expires_at: datetime = Field(sa_type=_TS)


class AuditEntry(SQLModel, table=True):
    """One thing a desk user did (decision, export, import, pairing, revocation)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=_TS, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    username: str = Field(default="", max_length=64)  # kept if the account goes
    action: str = Field(max_length=40)
    target: str = Field(default="", max_length=100)
    reason: str = Field(default="", sa_type=sa.Text)
    details: dict | None = Field(default=None, sa_type=sa.JSON)


class RetiredMember(SQLModel, table=True):
    """A member a coordinator merged into another (or rejected); kept for the audit trail
    and so a printed card of it still verifies as revoked, but no longer counted."""

    __tablename__ = "retired_members"

    member_id: int = Field(primary_key=True, foreign_key="members.id")
    merged_into_id: int | None = Field(default=None, foreign_key="members.id")
    review_item_id: int | None = Field(default=None, foreign_key="review_items.id")
    retired_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


class MemberKpj(SQLModel, table=True):
    """The BPJS Ketenagakerjaan membership number (KPJ) of a member, imported from BPJS."""

    __tablename__ = "member_kpj"

    member_id: int = Field(primary_key=True, foreign_key="members.id")
    kpj: str = Field(max_length=20, index=True)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


# The duplicate search reads members by birth date and sex, the coverage page by village.
sa.Index("ix_members_birth_sex", Member.__table__.c.birth_date, Member.__table__.c.sex)  # type: ignore[attr-defined]
sa.Index("ix_members_village", Member.__table__.c.village_code)  # type: ignore[attr-defined]
# The money page: sums by village and payer read this index alone (no table rows); the
# UMKM figures read small partial indexes of the members that have a date or an amount
# (only UMKM owners do: ingest sets both from an UMKM owner's details, and clears them
# when an edit changes the segment).
_MC = Member.__table__.c  # type: ignore[attr-defined]
sa.Index("ix_members_money", _MC.village_code, _MC.funding, _MC.segment, _MC.income, _MC.jht)
sa.Index(
    "ix_members_conversion_due",
    _MC.conversion_due,
    _MC.full_name,
    _MC.village_code,
    sqlite_where=sa.text("conversion_due IS NOT NULL"),
    postgresql_where=sa.text("conversion_due IS NOT NULL"),
)
sa.Index(
    "ix_members_startup_cash",
    _MC.startup_cash,
    sqlite_where=sa.text("startup_cash IS NOT NULL"),
    postgresql_where=sa.text("startup_cash IS NOT NULL"),
)


# --- Desk security (issue 10) ----------------------------------------------------------


class Throttle(SQLModel, table=True):
    """Failed attempts counted against one key — an account's or an address's sign-ins,
    an address's or everyone's pairing attempts — and until when the key is refused
    (services/throttle.py). Kept in the database so every worker process agrees."""

    __tablename__ = "throttles"

    key: str = Field(primary_key=True, max_length=120)  # e.g. "login:user:koord"
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    blocked_until: datetime | None = Field(default=None, sa_type=_TS)


# --- Contribution tables with dates (issue 14) ------------------------------------------


class ContributionTable(SQLModel, table=True):
    """One dated contribution table as the office entered it on the desk (/desk/rates);
    together they are the schedule (`enrolment.contribution_schedule`). While there is
    none, the shipped assets/contribution_rates.json is the schedule
    (services/rate_tables.py)."""

    __tablename__ = "rate_tables"

    id: int | None = Field(default=None, primary_key=True)
    starts_on: date | None = Field(default=None, unique=True)  # None: in force since always
    ends_on: date | None = None  # inclusive; None: no end
    basis: str = Field(default="", max_length=200)  # the regulation, as the office wrote it
    jkk_rate: str = Field(max_length=20)  # decimal text, e.g. "0.01"
    jkk_min: int
    jkk_max: int
    jkm_flat: int
    jht_rate: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


# --- Field work after enrolment (issue 14): education sessions, UMKM follow-up ---------


class EducationSession(SQLModel, table=True):
    """A session a coordinator plans on the desk (financial literacy, work skills, ...);
    the tablets whose area holds its village receive it at pull
    (`enrolment.activities.EducationSession`)."""

    __tablename__ = "education_sessions"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=16, unique=True)  # random; what tablets name it by
    topic: str = Field(max_length=32)  # enrolment.activities.Topic
    title: str = Field(default="", max_length=120)  # the topic's name when "other"
    village_code: str = Field(max_length=20, index=True)
    held_on: date = Field(index=True)
    place: str = Field(default="", max_length=120)
    facilitator: str = Field(default="", max_length=100)
    segments: str = Field(default="", max_length=400)  # target segment codes, comma-separated
    created_at: datetime = Field(default_factory=utcnow, sa_type=_TS)
    created_by: str = Field(default="", max_length=64)
    cancelled_at: datetime | None = Field(default=None, sa_type=_TS)


class Attendance(SQLModel, table=True):
    """One attendance a tablet sent (`enrolment.activities.Attendance`), with the answer
    given. `(device_id, client_id)` is unique (a resent batch is answered from here);
    `(session_id, member_id)` is unique, so a member is counted once per session
    whatever the tablets send: `member_id` is set only on the row that counts. A person
    who is not a member keeps the NIK or name given (to be offered enrolment)."""

    __tablename__ = "attendances"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "client_id", name="uq_attendances_device_client"),
        sa.UniqueConstraint("session_id", "member_id", name="uq_attendances_session_member"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id")
    client_id: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)
    session_id: int | None = Field(default=None, foreign_key="education_sessions.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="members.id", index=True)
    method: str = Field(max_length=8)  # card | nik | guest
    nik: str = Field(default="", max_length=16)  # a non-member's, as given
    guest_name: str = Field(default="", max_length=100)
    attended_at: str = Field(default="", max_length=40)  # ISO 8601 as sent by the tablet
    outcome: str = Field(max_length=16)  # enrolment.activities.ActivityOutcome
    member_no: str = Field(default="", max_length=20)  # the answer's `m`
    problems: str = Field(default="[]", sa_type=sa.Text)  # JSON list of Problem.to_wire()
    received_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


class UmkmVisit(SQLModel, table=True):
    """A follow-up visit to an UMKM owner a tablet sent (`enrolment.activities.UmkmVisit`):
    converted (paid membership from `starts_on`), declined (`reason`), moved, not found.
    The member's latest recorded visit is what the money page shows."""

    __tablename__ = "umkm_visits"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "client_id", name="uq_umkm_visits_device_client"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="devices.id")
    client_id: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)
    member_id: int | None = Field(default=None, foreign_key="members.id", index=True)
    visit_outcome: str = Field(max_length=16)  # enrolment.activities.VisitOutcome
    starts_on: date | None = None
    reason: str = Field(default="", max_length=200)
    visited_at: str = Field(default="", max_length=40)
    outcome: str = Field(max_length=16)  # the answer: recorded | rejected
    problems: str = Field(default="[]", sa_type=sa.Text)
    received_at: datetime = Field(default_factory=utcnow, sa_type=_TS)


# --- Desk tallies (issue 15) -------------------------------------------------------------


class MemberTally(SQLModel, table=True):
    """Counts and sums of the members there are (not retired), by one key per `kind`,
    kept by database triggers (migration 0010; services/member_tallies.py reads them):
    `area` (village, segment), `day` (WITA day of enrolment), `pay` (village, payer key,
    income counted, JHT), `cash` (UMKM start-up cash: `n` owners, `amount` rupiah), `due`
    (conversion date, `label` "1" with start-up cash). On PostgreSQL a key has many delta
    rows (summed when read); on SQLite one row per key."""

    __tablename__ = "member_tallies"
    __table_args__ = (
        # SQLite's triggers add into one row per key (an upsert needs a unique index);
        # PostgreSQL's append delta rows, so there the index is empty (WHERE false).
        sa.Index(
            "uq_member_tallies_key",
            "kind",
            "village_code",
            "label",
            "day",
            "income",
            "jht",
            unique=True,
            postgresql_where=sa.text("false"),
        ),
    )

    id: int | None = Field(
        default=None, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    kind: str = Field(max_length=8)
    village_code: str = Field(default="", max_length=20)
    label: str = Field(default="", max_length=60)  # segment (area), payer key (pay), "1"/"0" (due)
    day: date  # 1970-01-01 where the kind has no day
    income: int = Field(default=0, sa_type=sa.BigInteger)
    jht: bool = False
    n: int = Field(sa_type=sa.BigInteger)
    amount: int = Field(default=0, sa_type=sa.BigInteger)
