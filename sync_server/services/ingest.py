"""A push batch: store every submission, deduplicate people by NIK, answer each record.

The whole batch is one transaction. Records are handled in NIK order, so two
batches touching the same NIKs on PostgreSQL take their row locks in the same
order and cannot deadlock. Each `(device, cid, ver)` is stored with the answer
given, so a resent batch (lost reply, flaky link) gets the same answers back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select, update

from enrolment.nik import normalise_nik
from enrolment.problems import Problem, problem
from enrolment.protocol import (
    Outcome,
    RecordResult,
    WireError,
    malformed,
    record_from_wire,
    record_to_wire,
    rejected,
)
from enrolment.records import Enrolment, cleaned, parse_birth_date, same_name, validate
from sync_server.db import dialect_insert
from sync_server.models import Device, Member, ReviewItem, Submission, utcnow
from sync_server.services.cards import card_token
from sync_server.services.members import member_number
from sync_server.services.signing import Signer

# Field names in conflict messages, (Bahasa Indonesia, English).
_FIELD_NAMES = {"full_name": ("nama", "name"), "birth_date": ("tanggal lahir", "birth date")}


@dataclass(frozen=True)
class PushContext:
    """What every record of one push needs besides itself."""

    session: Session
    device_id: int
    signer: Signer
    valid_years: int
    today: date


def push(
    *,
    session: Session,
    device: Device,
    records: list[Any],
    signer: Signer,
    valid_years: int,
    today: date | None = None,
) -> list[RecordResult]:
    """Ingest one batch of wire records and commit; results come in input order."""
    assert device.id is not None
    ctx = PushContext(session, device.id, signer, valid_years, today or utcnow().date())
    # Touch the device row first: on PostgreSQL this also serialises concurrent
    # pushes from one tablet, which would otherwise race on their own submissions.
    session.exec(update(Device).where(Device.id == device.id).values(last_sync_at=utcnow()))

    results: list[RecordResult | None] = [None] * len(records)
    parsed: list[tuple[int, Enrolment]] = []
    for i, obj in enumerate(records):
        try:
            parsed.append((i, record_from_wire(obj)))
        except WireError as exc:
            # Not storable under a reliable key; the answer is the same on every resend.
            results[i] = malformed(*_wire_key(obj), str(exc))
    parsed.sort(key=lambda p: (normalise_nik(p[1].nik), p[1].client_id, p[1].version))
    for i, record in parsed:
        results[i] = _ingest_one(ctx, record)
    session.commit()
    return [r for r in results if r is not None]


def _wire_key(obj: Any) -> tuple[str, int]:
    """Best-effort cid and ver of a record that failed to parse, to key its answer."""
    if not isinstance(obj, dict):
        return "", 0
    cid, ver = obj.get("cid"), obj.get("ver")
    cid = cid if isinstance(cid, str) and len(cid) <= 64 else ""
    ver = ver if isinstance(ver, int) and not isinstance(ver, bool) else 0
    return cid, ver


def content_hash(record: Enrolment) -> tuple[str, str]:
    """Canonical JSON of a record as received, and its SHA-256."""
    payload = json.dumps(record_to_wire(record), sort_keys=True, separators=(",", ":"))
    return payload, hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _ingest_one(ctx: PushContext, record: Enrolment) -> RecordResult:
    session = ctx.session
    payload, digest = content_hash(record)
    insert = dialect_insert(session)
    sub_id = session.exec(
        insert(Submission)
        .values(
            device_id=ctx.device_id,
            client_id=record.client_id,
            version=record.version,
            content_hash=digest,
            payload=payload,
            outcome="",
            problems="[]",
            consent_by=record.consent.by,
            consent_method=record.consent.method,
            consent_at=record.consent.at,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["device_id", "client_id", "version"])
        .returning(Submission.id)
    ).scalar_one_or_none()
    if sub_id is None:
        return _repeat(ctx, record, digest)

    problems = validate(record, ctx.today)
    if problems:
        _finish(session, sub_id, Outcome.REJECTED, None, problems)
        return rejected(record.client_id, record.version, problems)

    record = cleaned(record)
    birth = parse_birth_date(record.birth_date)
    assert birth is not None  # validate() checked it
    member_id = session.exec(
        insert(Member)
        .values(
            nik=record.nik,
            full_name=record.full_name,
            birth_date=birth,
            sex=record.sex,
            village_code=record.village_code,
            phone=record.phone,
            segment=record.segment,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["nik"])
        .returning(Member.id)
    ).scalar_one_or_none()
    created = member_id is not None
    # FOR UPDATE (a no-op on SQLite, which already holds the write lock) so that
    # concurrent merges into one member are serialised on PostgreSQL.
    member = session.exec(
        select(Member)
        .where(Member.nik == record.nik)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    assert member.id is not None

    if not created:
        differing = [
            field
            for field, same in (
                ("full_name", same_name(member.full_name, record.full_name)),
                ("birth_date", member.birth_date == birth),
            )
            if not same
        ]
        if differing:
            conflict = _identity_conflict(differing)
            _finish(session, sub_id, Outcome.CONFLICT, member.id, [conflict])
            session.add(
                ReviewItem(
                    member_id=member.id,
                    submission_id=sub_id,
                    kind="identity_conflict",
                    fields=json.dumps(differing),
                )
            )
            return RecordResult(
                record.client_id, record.version, Outcome.CONFLICT, problems=[conflict.to_wire()]
            )
        _refresh_contact(member, record)

    outcome = Outcome.CREATED if created else Outcome.MERGED
    _finish(session, sub_id, outcome, member.id, [])
    token = card_token(
        session=session, member=member, signer=ctx.signer, valid_years=ctx.valid_years
    )
    return RecordResult(record.client_id, record.version, outcome, member_number(member.id), token)


def _identity_conflict(fields: list[str]) -> Problem:
    return problem(
        "nik",
        "identity_conflict",
        fields=" dan ".join(_FIELD_NAMES[f][0] for f in fields),
        fields_en=" and ".join(_FIELD_NAMES[f][1] for f in fields),
    )


def _refresh_contact(member: Member, record: Enrolment) -> None:
    """Keep the newest phone and village: people move and change numbers."""
    changed = False
    if record.phone and record.phone != member.phone:
        member.phone = record.phone
        changed = True
    if record.village_code != member.village_code:
        member.village_code = record.village_code
        changed = True
    if changed:
        member.updated_at = utcnow()  # the session flushes it with the batch


def _finish(
    session: Session, sub_id: int, outcome: Outcome, member_id: int | None, problems: list[Problem]
) -> None:
    """Record the answer given for a submission."""
    session.exec(
        update(Submission)
        .where(Submission.id == sub_id)
        .values(
            outcome=outcome.value,
            member_id=member_id,
            problems=json.dumps([p.to_wire() for p in problems], ensure_ascii=False),
        )
    )


def _repeat(ctx: PushContext, record: Enrolment, digest: str) -> RecordResult:
    """The answer to a `(device, cid, ver)` received before."""
    session = ctx.session
    stored = session.exec(
        select(Submission)
        .where(
            Submission.device_id == ctx.device_id,
            Submission.client_id == record.client_id,
            Submission.version == record.version,
        )
        .execution_options(populate_existing=True)
    ).one()
    cid, ver = record.client_id, record.version
    if stored.content_hash != digest:
        return rejected(cid, ver, [problem("record", "version_reused")])
    if stored.outcome in (Outcome.CREATED, Outcome.MERGED) and stored.member_id is not None:
        member = session.get(Member, stored.member_id)
        assert member is not None and member.id is not None
        token = card_token(
            session=session, member=member, signer=ctx.signer, valid_years=ctx.valid_years
        )
        return RecordResult(cid, ver, Outcome.DUPLICATE, member_number(member.id), token)
    # A rejection or conflict is repeated as it was: answering `duplicate` would
    # make the tablet mark an undelivered record as sent.
    return RecordResult(cid, ver, Outcome(stored.outcome), problems=json.loads(stored.problems))
