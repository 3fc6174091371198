"""A push batch: store every submission, deduplicate people by NIK, answer each record.

The whole batch is one transaction, worked set-wise: a handful of statements per
batch instead of several per record (that was ~300 records/s; see the Ingest
section of docs/protocol.md). In order:

1. parse, hash and validate every record in Python, before touching the database
   (on SQLite the first statement takes the write lock, so this work stays outside it);
2. touch the device row (serialises one tablet's concurrent pushes) and read the
   submissions already stored for the batch's client ids: repeats, and the earlier
   accepted versions that make a record an *edit*;
3. INSERT … ON CONFLICT (nik) DO NOTHING every NIK in NIK order, then SELECT those
   members FOR NO KEY UPDATE in NIK order: two batches therefore wait for each
   other's rows in one global order and cannot deadlock on PostgreSQL, and
   concurrent pushes of one NIK still make one member;
4. decide every record in memory, in (version, NIK, client id) order, against
   those locked rows: created, merged, edit (merged), conflict, rejected;
5. write the outcomes: member updates, submissions, review items, cards, changes.

Each `(device, cid, ver)` is stored with the answer given, so a resent batch (lost
reply, flaky link) gets the same answers back.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.card_token import CardClaims
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
from sync_server.db import insert_rows
from sync_server.models import Device, Member, ReviewItem, Submission, utcnow
from sync_server.services.cards import ActiveCard, ensure_active_cards, revoke_active_cards
from sync_server.services.changes import CARD_REVOKED, hold_writer_lock, record_changes
from sync_server.services.members import member_number
from sync_server.services.signing import Signer

# Field names in conflict messages, (Bahasa Indonesia, English).
_FIELD_NAMES = {"full_name": ("nama", "name"), "birth_date": ("tanggal lahir", "birth date")}
_ACCEPTED = (Outcome.CREATED.value, Outcome.MERGED.value)
# Identity fields an edit may change, and the ones printed on the card.
_EDITABLE = ("full_name", "birth_date", "sex", "village_code", "phone", "segment")
_ON_CARD = ("full_name", "segment", "village_code")

_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_SUBS = Submission.__table__  # type: ignore[attr-defined]
_REVIEW = ReviewItem.__table__  # type: ignore[attr-defined]


@dataclass
class _Item:
    """One well-formed record of the batch and what became of it."""

    index: int  # position in the batch
    record: Enrolment  # cleaned when valid
    payload: str  # canonical JSON as received
    digest: str
    problems: list[Problem]
    birth: date | None
    outcome: Outcome | None = None
    member_id: int | None = None
    answer: list[dict[str, str]] = field(default_factory=list)  # problems as sent back


@dataclass
class _Stored:
    """A submission stored by an earlier push."""

    version: int
    digest: str
    outcome: str
    member_id: int | None
    problems: str


@dataclass
class _MemberState:
    """A locked member row as the batch changes it."""

    id: int
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village_code: str
    phone: str
    segment: str
    dirty: bool = False
    reissue: bool = False  # a claim printed on the card changed: revoke and issue anew


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
    device_id = device.id
    today = today or utcnow().date()
    results: list[RecordResult | None] = [None] * len(records)

    # 1. Everything that needs no database.
    first: dict[tuple[str, int], _Item] = {}  # first occurrence of each (cid, ver)
    again: list[_Item] = []  # later occurrences of a key within this batch
    for i, obj in enumerate(records):
        try:
            record = record_from_wire(obj)
        except WireError as exc:
            # Not storable under a reliable key; the answer is the same on every resend.
            results[i] = malformed(*_wire_key(obj), str(exc))
            continue
        payload, digest = content_hash(record)
        problems = validate(record, today)
        item = _Item(
            i,
            cleaned(record) if not problems else record,
            payload,
            digest,
            problems,
            parse_birth_date(record.birth_date),
        )
        key = (record.client_id, record.version)
        if key in first:
            again.append(item)
        else:
            first[key] = item

    # 2. The device's lock, then what this device stored before for these client ids.
    devices = Device.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.update(devices).where(devices.c.id == device_id).values(last_sync_at=utcnow())
    )
    hold_writer_lock(session)
    stored = _stored_submissions(session, device_id, sorted({cid for cid, _ in first}))
    repeats = [it for key, it in first.items() if key[1] in stored.get(key[0], {})]
    fresh = [it for key, it in first.items() if key[1] not in stored.get(key[0], {})]
    valid = sorted(
        (it for it in fresh if not it.problems),
        key=lambda it: (it.record.version, it.record.nik, it.record.client_id),
    )

    # Members that repeats and edits refer to, by id (their NIKs join the lock set).
    referred = {s.member_id for versions in stored.values() for s in versions.values()}
    nik_of = _niks_by_id(session, sorted(m for m in referred if m is not None))

    # 3. Create missing members, then lock every member the batch touches, in NIK order.
    creator: dict[str, _Item] = {}
    for it in valid:
        creator.setdefault(it.record.nik, it)
    created = _insert_members(session, [creator[nik] for nik in sorted(creator)])
    members = _lock_members(session, set(creator) | set(nik_of.values()))
    by_id = {m.id: m for m in members.values()}

    # 4. Decide, in memory.
    reviews: list[tuple[int, _Item, str, list[str]]] = []  # member, item, kind, fields
    accepted_here: dict[str, tuple[int, int]] = {}  # cid -> (ver, member id), this batch
    for it in valid:
        rec = it.record
        prior = _prior_accepted(stored.get(rec.client_id, {}), accepted_here, rec)
        member = members[rec.nik]
        if prior is not None and by_id.get(prior) is member:
            _apply_edit(member, rec, it.birth)  # the tablet corrected its own record
            it.outcome = Outcome.MERGED
        else:
            if prior is not None:
                # Edited into another NIK: the old member may be a mistake, or a real
                # person; a coordinator decides, nothing is deleted automatically.
                reviews.append((prior, it, "superseded_nik", ["nik"]))
            if rec.nik in created and creator[rec.nik] is it:
                it.outcome = Outcome.CREATED
            else:
                differing = _differing(member, rec, it.birth)
                if differing:
                    conflict = _identity_conflict(differing)
                    it.outcome, it.answer = Outcome.CONFLICT, [conflict.to_wire()]
                    reviews.append((member.id, it, "identity_conflict", differing))
                else:
                    _refresh_contact(member, rec)
                    it.outcome = Outcome.MERGED
        it.member_id = member.id
        if it.outcome in (Outcome.CREATED, Outcome.MERGED):
            accepted_here[rec.client_id] = (rec.version, member.id)
    for it in fresh:
        if it.problems:
            it.outcome, it.answer = Outcome.REJECTED, [p.to_wire() for p in it.problems]

    # 5. Write.
    _update_members(session, [m for m in members.values() if m.dirty])
    sub_ids = _insert_submissions(session, device_id, fresh)
    _insert_reviews(session, sub_ids, reviews)
    revoked = revoke_active_cards(
        session=session,
        member_ids=sorted(m.id for m in members.values() if m.reissue),
        reason="reissued",
    )
    record_changes(session, [(CARD_REVOKED, str(serial), None, None) for serial in revoked])
    card_holders = [it.member_id for it in valid if it.outcome in (Outcome.CREATED, Outcome.MERGED)]
    card_holders += [
        s.member_id
        for it in repeats + again
        if (s := stored.get(it.record.client_id, {}).get(it.record.version)) is not None
        and s.outcome in _ACCEPTED
        and s.member_id is not None
    ]
    cards = ensure_active_cards(
        session=session,
        member_ids=[m for m in card_holders if m is not None],
        kid=signer.kid,
        valid_years=valid_years,
        today=today,
    )

    # Who gets a card in the reply: (batch position, outcome, member id).
    carded: list[tuple[_Item, Outcome, int]] = []
    for it in fresh:
        rec = it.record
        assert it.outcome is not None
        if it.outcome in (Outcome.CREATED, Outcome.MERGED):
            assert it.member_id is not None
            carded.append((it, it.outcome, it.member_id))
        else:
            results[it.index] = RecordResult(
                rec.client_id, rec.version, it.outcome, problems=it.answer
            )
    for it in repeats + again:
        rec = it.record
        s = stored.get(rec.client_id, {}).get(rec.version)
        if s is not None:
            answer = _repeat_answer(s.digest, s.outcome, s.member_id, json.loads(s.problems), it)
        else:  # the first occurrence is in this very batch
            f = first[(rec.client_id, rec.version)]
            assert f.outcome is not None
            answer = _repeat_answer(f.digest, f.outcome.value, f.member_id, f.answer, it)
        if isinstance(answer, int):
            carded.append((it, Outcome.DUPLICATE, answer))
        else:
            results[it.index] = answer
    session.commit()

    # Signing needs no database: done after the commit, so SQLite's write lock is free.
    for it, outcome, member_id in carded:
        token = signer.sign_card(_claims(by_id[member_id], cards[member_id]))
        rec = it.record
        results[it.index] = RecordResult(
            rec.client_id, rec.version, outcome, member_number(member_id), token
        )
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


def _stored_submissions(
    session: Session, device_id: int, cids: list[str]
) -> dict[str, dict[int, _Stored]]:
    """Every stored version of these client ids from this device: cid -> ver -> row."""
    out: dict[str, dict[int, _Stored]] = defaultdict(dict)
    if not cids:
        return out
    rows = session.execute(
        sa.select(
            _SUBS.c.client_id,
            _SUBS.c.version,
            _SUBS.c.content_hash,
            _SUBS.c.outcome,
            _SUBS.c.member_id,
            _SUBS.c.problems,
        ).where(_SUBS.c.device_id == device_id, _SUBS.c.client_id.in_(cids))
    ).all()
    for cid, ver, digest, outcome, member_id, problems in rows:
        out[cid][ver] = _Stored(ver, digest, outcome, member_id, problems)
    return out


def _niks_by_id(session: Session, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(_MEMBERS.c.id, _MEMBERS.c.nik).where(_MEMBERS.c.id.in_(member_ids))
    ).all()
    return {r.id: r.nik for r in rows}


def _insert_members(session: Session, items: list[_Item]) -> set[str]:
    """Insert a member for each item's NIK (items in NIK order); the NIKs that were new."""
    if not items:
        return set()
    now = utcnow()
    rows = insert_rows(
        session,
        _MEMBERS,
        [
            {
                "nik": it.record.nik,
                "full_name": it.record.full_name,
                "birth_date": it.birth,
                "sex": it.record.sex,
                "village_code": it.record.village_code,
                "phone": it.record.phone,
                "segment": it.record.segment,
                "created_at": now,
                "updated_at": now,
            }
            for it in items
        ],
        on_conflict=("nik",),
        returning=("nik",),
    )
    return {r.nik for r in rows}


def _lock_members(session: Session, niks: set[str]) -> dict[str, _MemberState]:
    """The members with these NIKs, locked in NIK order (FOR NO KEY UPDATE on PostgreSQL).

    NO KEY: the key never changes, and this lock does not block the foreign-key
    checks of other batches inserting submissions or review items for the member.
    """
    if not niks:
        return {}
    c = _MEMBERS.c
    rows = session.execute(
        sa.select(c.id, c.nik, c.full_name, c.birth_date, c.sex, c.village_code, c.phone, c.segment)
        .where(c.nik.in_(sorted(niks)))
        .order_by(c.nik)
        .with_for_update(key_share=True)
    ).all()
    return {r.nik: _MemberState(*r) for r in rows}


def _prior_accepted(
    stored: dict[int, _Stored], here: dict[str, tuple[int, int]], rec: Enrolment
) -> int | None:
    """The member the latest earlier accepted version of this record went into, if any."""
    best_ver, best_member = 0, None
    for ver, s in stored.items():
        if ver < rec.version and s.outcome in _ACCEPTED and ver > best_ver:
            best_ver, best_member = ver, s.member_id
    earlier = here.get(rec.client_id)
    if earlier is not None and best_ver < earlier[0] < rec.version:
        best_member = earlier[1]
    return best_member


def _apply_edit(member: _MemberState, rec: Enrolment, birth: date | None) -> None:
    """Take the identity fields of the tablet's newer version of its own record."""
    assert birth is not None  # validate() checked it
    new = {
        "full_name": rec.full_name,
        "birth_date": birth,
        "sex": rec.sex,
        "village_code": rec.village_code,
        "phone": rec.phone,
        "segment": rec.segment,
    }
    for name in _EDITABLE:
        if getattr(member, name) != new[name]:
            setattr(member, name, new[name])
            member.dirty = True
            member.reissue |= name in _ON_CARD


def _differing(member: _MemberState, rec: Enrolment, birth: date | None) -> list[str]:
    """The identity fields in which a record disagrees with the member (empty: same person)."""
    differing = []
    if not same_name(member.full_name, rec.full_name):
        differing.append("full_name")
    if member.birth_date != birth:
        differing.append("birth_date")
    return differing


def _identity_conflict(fields: list[str]) -> Problem:
    return problem(
        "nik",
        "identity_conflict",
        fields=" dan ".join(_FIELD_NAMES[f][0] for f in fields),
        fields_en=" and ".join(_FIELD_NAMES[f][1] for f in fields),
    )


def _refresh_contact(member: _MemberState, rec: Enrolment) -> None:
    """Keep the newest phone and village: people move and change numbers."""
    if rec.phone and rec.phone != member.phone:
        member.phone = rec.phone
        member.dirty = True
    if rec.village_code != member.village_code:
        member.village_code = rec.village_code
        member.dirty = True


def _update_members(session: Session, members: list[_MemberState]) -> None:
    if not members:
        return
    c = _MEMBERS.c
    now = utcnow()
    session.execute(
        sa.update(_MEMBERS)
        .where(c.id == sa.bindparam("m_id"))
        .values({name: sa.bindparam(f"m_{name}") for name in (*_EDITABLE, "updated_at")}),
        [
            {
                "m_id": m.id,
                **{f"m_{name}": getattr(m, name) for name in _EDITABLE},
                "m_updated_at": now,
            }
            for m in sorted(members, key=lambda m: m.id)
        ],
    )


def _insert_submissions(session: Session, device_id: int, items: list[_Item]) -> dict[str, int]:
    """Store the batch's new submissions with their answers; ids by `cid:ver`.

    A plain INSERT: the device lock taken first means no one else can be storing
    these keys now, and if that ever failed the unique key would still refuse them.
    """
    if not items:
        return {}
    now = utcnow()
    rows = insert_rows(
        session,
        _SUBS,
        [
            {
                "device_id": device_id,
                "client_id": it.record.client_id,
                "version": it.record.version,
                "content_hash": it.digest,
                "payload": it.payload,
                "outcome": it.outcome.value if it.outcome else "",
                "member_id": it.member_id,
                "problems": json.dumps(it.answer, ensure_ascii=False),
                "consent_by": it.record.consent.by,
                "consent_method": it.record.consent.method,
                "consent_at": it.record.consent.at,
                "received_at": now,
            }
            for it in items
        ],
        returning=("id", "client_id", "version"),
    )
    return {f"{r.client_id}:{r.version}": r.id for r in rows}


def _insert_reviews(
    session: Session, sub_ids: dict[str, int], reviews: list[tuple[int, _Item, str, list[str]]]
) -> None:
    if not reviews:
        return
    now = utcnow()
    session.execute(
        sa.insert(_REVIEW),
        [
            {
                "member_id": member_id,
                "submission_id": sub_ids[f"{it.record.client_id}:{it.record.version}"],
                "kind": kind,
                "fields": json.dumps(fields),
                "status": "open",
                "created_at": now,
            }
            for member_id, it, kind, fields in reviews
        ],
    )


def _claims(member: _MemberState, card: ActiveCard) -> CardClaims:
    return CardClaims(
        serial=card.id,
        member_no=member_number(member.id),
        name=member.full_name,
        segment=member.segment,
        village_code=member.village_code,
        issued=card.issued_on,
        expires=card.expires_on,
    )


def _repeat_answer(
    digest: str,
    outcome: str,
    member_id: int | None,
    problems: list[dict[str, str]],
    it: _Item,
) -> RecordResult | int:
    """The answer to a `(device, cid, ver)` received before: a result, or the member id
    whose card a `duplicate` carries."""
    rec = it.record
    if digest != it.digest:
        return rejected(rec.client_id, rec.version, [problem("record", "version_reused")])
    if outcome in _ACCEPTED and member_id is not None:
        return member_id
    # A rejection or conflict is repeated as it was: answering `duplicate` would
    # make the tablet mark an undelivered record as sent.
    return RecordResult(rec.client_id, rec.version, Outcome(outcome), problems=problems)
