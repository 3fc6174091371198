"""A push batch: store every submission, deduplicate people by NIK, answer each record.

Over 400 lines on purpose: the batch is one set-based pipeline, its statements in the
order they run, so it reads top to bottom in one place (the decisions themselves are
apart, in `ingest_decision.py`).

The whole batch is one transaction (on SQLite, one savepoint of a group commit shared
with the pushes queued with it: `write_queue.py`), worked set-wise: a handful of
statements per batch instead of several per record (that was ~300 records/s; see the Ingest
section of docs/protocol.md). In order:

1. parse, hash and validate every record in Python, before touching the database
   (on SQLite the first statement takes the write lock, so this work stays outside it);
2. touch the device row (serialises one tablet's concurrent pushes) and read the
   submissions already stored for the batch's client ids: repeats, and the earlier
   accepted versions that make a record an *edit*;
3. hold the records whose NIK is new but that resemble a member (same birth date and
   sex, similar name, same village or kecamatan: `ingest_hold.py`): no member for
   them, outcome `held`, a `held_duplicate` review;
   INSERT … ON CONFLICT (nik) DO NOTHING every other NIK in NIK order, then SELECT those
   members FOR NO KEY UPDATE in NIK order: two batches therefore wait for each
   other's rows in one global order and cannot deadlock on PostgreSQL, and
   concurrent pushes of one NIK still make one member; a new member takes its
   record's programme fields (funding, income, JHT, household, details) as columns;
4. decide every record against those locked rows with the pure
   `ingest_decision.decide` (created, merged, conflict, superseded; its rules are
   documented there);
5. write the outcomes: member updates, submissions, review items, cards, changes.

Each `(device, cid, ver)` is stored with the answer given, so a resent batch (lost
reply, flaky link) gets the same answers back. One bad record never fails the
batch: if the batch's transaction fails for anything but a database outage, the
batch is split in halves and retried, so only the record at fault is answered
`rejected` (`not_processed`) and set aside on the tablet.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.member_columns import identity_values, programme_defaults, programme_values
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
from enrolment.records import Enrolment, cleaned, parse_birth_date, validate
from sync_server.db import insert_rows
from sync_server.models import Device, Member, ReviewItem, Submission, utcnow
from sync_server.services.canonical_json import canonical_json
from sync_server.services.cards import (
    ActiveCard,
    card_claims,
    ensure_active_cards,
    revoke_active_cards,
)
from sync_server.services.changes import CARD_REVOKED, hold_writer_lock, record_changes
from sync_server.services.ingest_decision import (
    ACCEPTED,
    EDITABLE,
    PROGRAMME,
    Candidate,
    Decisions,
    MemberState,
    Prior,
    Review,
    Verdict,
    decide,
)
from sync_server.services.ingest_hold import (
    HELD_DUPLICATE,
    Known,
    Resemblance,
    block_of,
    held_problem,
    load_block,
    lock_blocks,
)
from sync_server.services.members import member_number
from sync_server.services.name_match import tokens
from sync_server.services.server_identity import explicit_ids
from sync_server.services.signing import Signer
from sync_server.services.sql_lists import in_list
from sync_server.services.write_queue import write_queue

log = logging.getLogger(__name__)

_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_SUBS = Submission.__table__  # type: ignore[attr-defined]
_REVIEW = ReviewItem.__table__  # type: ignore[attr-defined]
_DEVICES = Device.__table__  # type: ignore[attr-defined]
# What a batch may change on a member row, and what it reads of the rows it locks.
_WRITTEN = (*EDITABLE, *PROGRAMME)
_STATE_COLUMNS = ("id", "nik", *_WRITTEN)
_PROGRAMME_DEFAULTS = programme_defaults()
# Failures that are the database's, not a record's: the batch is answered 503 and
# resent later, rather than records being set aside for the officer.
_OUTAGES = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


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
    answer: list[dict[str, str]] | None = None  # problems as sent back


@dataclass
class _Stored:
    """A submission stored by an earlier push."""

    version: int
    digest: str
    outcome: str
    member_id: int | None
    problems: str


def push(
    *,
    session: Session,
    device: Device,
    records: list[Any],
    signer: Signer,
    valid_years: int,
    today: date | None = None,
    hold: bool = True,
) -> list[RecordResult]:
    """Ingest one batch of wire records and commit; results come in input order.

    A failure that is no database outage sets aside only the records it concerns:
    the batch is halved and each half ingested on its own, down to single records.
    `hold`: hold likely duplicates (`ingest_hold`); off only to measure its cost.
    """
    assert device.id is not None
    day = today or utcnow().date()
    return _isolating(session, device.id, records, signer, valid_years, day, hold)


def _isolating(
    session: Session,
    device_id: int,
    records: list[Any],
    signer: Signer,
    valid_years: int,
    today: date,
    hold: bool = True,
) -> list[RecordResult]:
    try:
        return _push_batch(session, device_id, records, signer, valid_years, today, hold)
    except _OUTAGES:
        session.rollback()
        raise
    except Exception as exc:  # noqa: BLE001 - one bad record must never fail the batch
        session.rollback()
        if len(records) > 1:
            mid = len(records) // 2
            first = _isolating(session, device_id, records[:mid], signer, valid_years, today, hold)
            rest = _isolating(session, device_id, records[mid:], signer, valid_years, today, hold)
            return first + rest
        # No NIK or name in the log: the exception's type and the record's key only.
        cid, ver = _wire_key(records[0])
        log.error("record %r v%s not processed: %s", cid, ver, type(exc).__name__)
        return [rejected(cid, ver, [problem("record", "not_processed")])]


def _push_batch(
    session: Session,
    device_id: int,
    records: list[Any],
    signer: Signer,
    valid_years: int,
    today: date,
    hold: bool = True,
) -> list[RecordResult]:
    """The whole set-based ingest of one batch (see the module docstring)."""
    results: list[RecordResult | None] = [None] * len(records)
    first, again = _parse(records, results, today)
    # Stored and committed in arrival order, on SQLite together with the pushes queued
    # with it, maybe on another push's session (`write_queue`).
    members, cards, carded = write_queue(session.get_bind()).run(
        session,
        lambda s: _store_batch(
            s, device_id, results, first, again, signer, valid_years, today, hold
        ),
    )
    # Signing needs no database: done after the commit, so the write lock is free.
    by_id = {m.id: m for m in members.values()}
    for it, outcome, member_id in carded:
        token = _signed(signer, by_id, cards, member_id)
        rec = it.record
        results[it.index] = RecordResult(
            rec.client_id, rec.version, outcome, member_number(member_id), token
        )
    return [r for r in results if r is not None]


def _store_batch(
    session: Session,
    device_id: int,
    results: list[RecordResult | None],
    first: dict[tuple[str, int], _Item],
    again: list[_Item],
    signer: Signer,
    valid_years: int,
    today: date,
    hold: bool,
) -> tuple[dict[str, MemberState], dict[int, ActiveCard], list[tuple[_Item, Outcome, int]]]:
    """Everything of a batch done under the write lock, up to the commit: the members
    locked, the cards they hold, and who gets a card in the reply."""
    # The device's lock (serialises one tablet's pushes: arrival order is then decided
    # under a lock, never raced), then what this device stored before for these cids.
    session.execute(
        sa.update(_DEVICES).where(_DEVICES.c.id == device_id).values(last_sync_at=utcnow())
    )
    hold_writer_lock(session)
    stored = _stored_submissions(session, device_id, sorted({cid for cid, _ in first}))
    repeats = [it for key, it in first.items() if key[1] in stored.get(key[0], {})]
    fresh = [it for key, it in first.items() if key[1] not in stored.get(key[0], {})]
    members, decisions = _decide(session, device_id, fresh, stored, hold)
    cards = _write(session, device_id, fresh, members, decisions, signer, valid_years, today)
    carded = _answer(results, fresh, repeats + again, stored, first)
    missing = sorted({m for _, _, m in carded} - set(cards))
    cards.update(
        ensure_active_cards(
            session=session,
            member_ids=missing,
            kid=signer.kid,
            valid_years=valid_years,
            today=today,
        )
    )
    return members, cards, carded


def _decide(
    session: Session,
    device_id: int,
    fresh: list[_Item],
    stored: dict[str, dict[int, _Stored]],
    hold: bool = True,
) -> tuple[dict[str, MemberState], Decisions]:
    """Create missing members, lock every member the batch touches (in NIK order), and
    decide each fresh record against them; outcomes are set on the items."""
    valid = sorted(
        (it for it in fresh if not it.problems),
        key=lambda it: (it.record.version, it.record.nik, it.record.client_id),
    )
    held = _holds(session, valid, stored) if hold else {}
    creator: dict[str, _Item] = {}
    for it in valid:
        if it.index not in held:
            creator.setdefault(it.record.nik, it)
    created = _insert_members(session, [creator[nik] for nik in sorted(creator)])
    resembled = {r.nik for r in held.values()}
    members = _lock_members(
        session, set(creator) | resembled | _referred_niks(session, stored), created
    )
    decisions = decide(
        device_id=device_id,
        candidates=[
            Candidate(it.index, it.record, it.birth)
            for it in valid
            if it.birth and it.index not in held
        ],
        priors={
            cid: {v: Prior(v, s.outcome, s.member_id) for v, s in versions.items()}
            for cid, versions in stored.items()
        },
        members=members,
        creators={nik: it.index for nik, it in creator.items() if nik in created},
    )
    _add_holds(decisions, held, members)
    _apply_verdicts(fresh, decisions)
    return members, decisions


def _add_holds(
    decisions: Decisions, held: dict[int, Resemblance], members: dict[str, MemberState]
) -> None:
    """Held: no member, no card; the review hangs on the member each resembles."""
    for index, res in held.items():
        member_id = members[res.nik].id
        answer = [held_problem(res).to_wire()]
        decisions.verdicts[index] = Verdict(Outcome.HELD, None, answer)
        decisions.reviews.append(Review(member_id, index, HELD_DUPLICATE, res.fields()))


def _new_people(
    session: Session, valid: list[_Item], stored: dict[str, dict[int, _Stored]]
) -> list[_Item]:
    """The valid records whose NIK is no member yet (not superseded ones)."""
    niks = sorted({it.record.nik for it in valid})
    known = set(
        session.scalars(sa.select(_MEMBERS.c.nik).where(in_list(session, _MEMBERS.c.nik, niks)))
    )
    return [
        it
        for it in valid
        if it.birth
        and it.record.nik not in known
        and not any(v > it.record.version for v in stored.get(it.record.client_id, {}))
    ]


def _own_members(versions: dict[int, _Stored]) -> frozenset[int]:
    """The members earlier versions of a record went into (never its look-alikes)."""
    return frozenset(
        s.member_id for s in versions.values() if s.outcome in ACCEPTED and s.member_id is not None
    )


def _holds(
    session: Session, valid: list[_Item], stored: dict[str, dict[int, _Stored]]
) -> dict[int, Resemblance]:
    """The records (by batch index) held as likely duplicates: those whose NIK is no
    member yet and that resemble a member, or a record before them in this batch that
    becomes one (`ingest_hold`)."""
    new = _new_people(session, valid, stored)
    if not new:
        return {}
    blocks = {block_of(it.record, it.birth) for it in new if it.birth}
    lock_blocks(session, blocks)
    lookalikes = load_block(session, blocks)
    held: dict[int, Resemblance] = {}
    makers: set[str] = set()
    for it in new:
        assert it.birth is not None
        rec = it.record
        found = lookalikes.find(rec, it.birth, _own_members(stored.get(rec.client_id, {})))
        if found is not None:
            held[it.index] = found
        elif rec.nik not in makers:
            makers.add(rec.nik)
            words = tuple(tokens(rec.full_name))
            person = Known(None, rec.nik, words, rec.village_code, rec.client_id)
            lookalikes.add(block_of(rec, it.birth), person)
    return held


def _apply_verdicts(fresh: list[_Item], decisions: Decisions) -> None:
    """Set each fresh item's outcome: its verdict, or `rejected` with its problems."""
    for it in fresh:
        if it.problems:
            it.outcome, it.answer = Outcome.REJECTED, [p.to_wire() for p in it.problems]
        else:
            verdict = decisions.verdicts[it.index]
            it.outcome, it.member_id, it.answer = verdict.outcome, verdict.member_id, verdict.answer


def _parse(
    records: list[Any], results: list[RecordResult | None], today: date
) -> tuple[dict[tuple[str, int], _Item], list[_Item]]:
    """Parse, hash and validate every record (no database): the first occurrence of each
    `(cid, ver)`, and later occurrences of a key within this batch. Records that cannot
    be read at all are answered in `results` at once."""
    first: dict[tuple[str, int], _Item] = {}
    again: list[_Item] = []
    for i, obj in enumerate(records):
        try:
            record = record_from_wire(obj)
        except WireError as exc:
            # Not storable under a reliable key; the answer is the same on every resend.
            results[i] = malformed(*_wire_key(obj), str(exc))
            continue
        problems = validate(record, today)
        if any(p.code == "bad_characters" for p in problems):
            # Text no database can hold (NUL, a lone surrogate…): answered, never stored,
            # so a resend gets the same answer, as a malformed record does.
            results[i] = rejected(record.client_id, record.version, problems)
            continue
        payload, digest = content_hash(record)
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
    return first, again


def _write(
    session: Session,
    device_id: int,
    fresh: list[_Item],
    members: dict[str, MemberState],
    decisions: Decisions,
    signer: Signer,
    valid_years: int,
    today: date,
) -> dict[int, ActiveCard]:
    """Apply the decisions: members, submissions, reviews, resolved conflicts, cards."""
    _update_members(session, [m for m in members.values() if m.dirty])
    sub_ids = _insert_submissions(session, device_id, fresh)
    index_to_key = {it.index: f"{it.record.client_id}:{it.record.version}" for it in fresh}
    _insert_reviews(session, sub_ids, index_to_key, decisions)
    _resolve_conflicts(session, device_id, decisions.resolved)
    _close_earlier_holds(session, device_id, [it for it in fresh if it.record.version > 1])
    revoked = revoke_active_cards(
        session=session,
        member_ids=sorted(m.id for m in members.values() if m.reissue),
        reason="reissued",
    )
    record_changes(session, [(CARD_REVOKED, str(serial), None, None) for serial in revoked])
    holders = [it.member_id for it in fresh if it.outcome in (Outcome.CREATED, Outcome.MERGED)]
    return ensure_active_cards(
        session=session,
        member_ids=[m for m in holders if m is not None],
        kid=signer.kid,
        valid_years=valid_years,
        today=today,
    )


def _answer(
    results: list[RecordResult | None],
    fresh: list[_Item],
    repeated: list[_Item],
    stored: dict[str, dict[int, _Stored]],
    first: dict[tuple[str, int], _Item],
) -> list[tuple[_Item, Outcome, int]]:
    """Fill in the answers that carry no card; return who gets one in the reply:
    (item, outcome, member id)."""
    carded: list[tuple[_Item, Outcome, int]] = []
    for it in fresh:
        rec = it.record
        assert it.outcome is not None
        if it.outcome in (Outcome.CREATED, Outcome.MERGED):
            assert it.member_id is not None
            carded.append((it, it.outcome, it.member_id))
        else:
            results[it.index] = RecordResult(
                rec.client_id, rec.version, it.outcome, problems=it.answer or []
            )
    for it in repeated:
        rec = it.record
        s = stored.get(rec.client_id, {}).get(rec.version)
        if s is not None:
            answer = _repeat_answer(s.digest, s.outcome, s.member_id, json.loads(s.problems), it)
        else:  # the first occurrence is in this very batch
            f = first[(rec.client_id, rec.version)]
            assert f.outcome is not None
            answer = _repeat_answer(f.digest, f.outcome.value, f.member_id, f.answer or [], it)
        if isinstance(answer, int):
            carded.append((it, Outcome.DUPLICATE, answer))
        else:
            results[it.index] = answer
    return carded


def _signed(
    signer: Signer, by_id: dict[int, MemberState], cards: dict[int, ActiveCard], member_id: int
) -> str | None:
    """The card token of a member, or None if it cannot be made (the record stays
    accepted; the tablet gets the card at a later pull or from the desk)."""
    try:
        member = by_id.get(member_id)
        return signer.sign_card(card_claims(member, cards[member_id])) if member else None
    except Exception as exc:  # noqa: BLE001 - a card that cannot be signed fails no record
        log.error("card of member %s not signed: %s", member_id, type(exc).__name__)
        return None


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
    payload = canonical_json(record_to_wire(record))
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
        ).where(_SUBS.c.device_id == device_id, in_list(session, _SUBS.c.client_id, cids))
    ).all()
    for cid, ver, digest, outcome, member_id, problems in rows:
        out[cid][ver] = _Stored(ver, digest, outcome, member_id, problems)
    return out


def _referred_niks(session: Session, stored: dict[str, dict[int, _Stored]]) -> set[str]:
    """The NIKs of the members that repeats and edits refer to (they join the lock set)."""
    referred = {s.member_id for versions in stored.values() for s in versions.values()}
    return set(_niks_by_id(session, sorted(m for m in referred if m is not None)).values())


def _niks_by_id(session: Session, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(_MEMBERS.c.id, _MEMBERS.c.nik).where(in_list(session, _MEMBERS.c.id, member_ids))
    ).all()
    return {r.id: r.nik for r in rows}


def _insert_members(session: Session, items: list[_Item]) -> set[str]:
    """Insert a member for each item's NIK (items in NIK order); the NIKs that were new."""
    if not items:
        return set()
    now = utcnow()
    rows = [
        {
            "nik": it.record.nik,
            **identity_values(it.record, it.birth),  # type: ignore[arg-type]
            "created_at": now,
            "updated_at": now,
        }
        for it in items
    ]
    # The programme columns that some record of the batch sets; the rest keep their
    # defaults ("", false, NULL), so a batch from an older app binds no more than before.
    programme = [programme_values(it.record) for it in items]
    for name, default in _PROGRAMME_DEFAULTS.items():
        if any(p[name] != default for p in programme):
            for row, p in zip(rows, programme, strict=True):
                row[name] = p[name]
    # After a restore, new members are numbered above every number issued before it.
    ids = explicit_ids(session, _MEMBERS, len(rows))
    if ids:
        for row, new_id in zip(rows, ids, strict=True):
            row["id"] = new_id
    inserted = insert_rows(session, _MEMBERS, rows, on_conflict=("nik",), returning=("nik",))
    return {r.nik for r in inserted}


def _lock_members(session: Session, niks: set[str], created: set[str]) -> dict[str, MemberState]:
    """The members with these NIKs, locked in NIK order (FOR NO KEY UPDATE on PostgreSQL),
    with the device that created each (for members older than this batch).

    NO KEY: the key never changes, and this lock does not block the foreign-key
    checks of other batches inserting submissions or review items for the member.
    """
    if not niks:
        return {}
    c = _MEMBERS.c
    rows = session.execute(
        sa.select(*(c[name] for name in _STATE_COLUMNS))
        .where(in_list(session, c.nik, sorted(niks)))
        .order_by(c.nik)
        .with_for_update(key_share=True)
    ).all()
    # Positional: id, nik and the identity columns (as _STATE_COLUMNS), then PROGRAMME.
    n = 2 + len(EDITABLE)
    members = {
        r.nik: MemberState(*r[:n], programme=dict(zip(PROGRAMME, r[n:], strict=True))) for r in rows
    }
    older = sorted(m.id for m in members.values() if m.nik not in created)
    owners = _owners(session, older)
    for m in members.values():
        m.owner = owners.get(m.id)
    return members


def _owners(session: Session, member_ids: list[int]) -> dict[int, int]:
    """The device whose record created each member."""
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(_SUBS.c.member_id, sa.func.min(_SUBS.c.device_id))
        .where(
            in_list(session, _SUBS.c.member_id, member_ids),
            _SUBS.c.outcome == Outcome.CREATED.value,
        )
        .group_by(_SUBS.c.member_id)
    ).all()
    return {int(m): int(d) for m, d in rows}


def _update_members(session: Session, members: list[MemberState]) -> None:
    if not members:
        return
    c = _MEMBERS.c
    now = utcnow()
    session.execute(
        sa.update(_MEMBERS)
        .where(c.id == sa.bindparam("m_id"))
        .values({name: sa.bindparam(f"m_{name}") for name in (*_WRITTEN, "updated_at")}),
        [
            {
                "m_id": m.id,
                **{f"m_{name}": getattr(m, name) for name in EDITABLE},
                **{f"m_{name}": m.programme[name] for name in PROGRAMME},
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
                "problems": json.dumps(it.answer or [], ensure_ascii=False),
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
    session: Session, sub_ids: dict[str, int], keys: dict[int, str], decisions: Decisions
) -> None:
    if not decisions.reviews:
        return
    now = utcnow()
    session.execute(
        sa.insert(_REVIEW),
        [
            {
                "member_id": r.member_id,
                "submission_id": sub_ids[keys[r.index]],
                "kind": r.kind,
                "fields": json.dumps(r.fields),
                "status": "open",
                "created_at": now,
            }
            for r in decisions.reviews
        ],
    )


def _resolve_conflicts(session: Session, device_id: int, accepted: list[tuple[str, int]]) -> None:
    """Close the open identity conflicts of earlier versions of records now accepted:
    the officer's correction settled them, nobody needs to review them any more."""
    if not accepted:
        return
    latest: dict[str, int] = {}
    for cid, ver in accepted:
        latest[cid] = max(ver, latest.get(cid, 0))
    earlier = (
        sa.select(_SUBS.c.id, _SUBS.c.client_id, _SUBS.c.version)
        .where(_SUBS.c.device_id == device_id, _SUBS.c.client_id.in_(sorted(latest)))
        .subquery()
    )
    rows = session.execute(
        sa.select(_REVIEW.c.id, earlier.c.client_id, earlier.c.version)
        .join(earlier, earlier.c.id == _REVIEW.c.submission_id)
        .where(_REVIEW.c.status == "open", _REVIEW.c.kind == "identity_conflict")
    ).all()
    done = [r.id for r in rows if r.version < latest[r.client_id]]
    if done:
        session.execute(sa.update(_REVIEW).where(_REVIEW.c.id.in_(done)).values(status="resolved"))


def _close_earlier_holds(session: Session, device_id: int, items: list[_Item]) -> None:
    """A newer version of a held record was sent (the officer edited it): its earlier
    versions' open holds are closed; the newer version is judged on its own."""
    latest: dict[str, int] = {}
    for it in items:
        latest[it.record.client_id] = max(it.record.version, latest.get(it.record.client_id, 0))
    if not latest:
        return
    rows = session.execute(
        sa.select(_REVIEW.c.id, _SUBS.c.client_id, _SUBS.c.version)
        .join(_SUBS, _SUBS.c.id == _REVIEW.c.submission_id)
        .where(
            _SUBS.c.device_id == device_id,
            _SUBS.c.client_id.in_(sorted(latest)),
            _REVIEW.c.status == "open",
            _REVIEW.c.kind == HELD_DUPLICATE,
        )
    ).all()
    done = [r.id for r in rows if r.version < latest[r.client_id]]
    if done:
        session.execute(sa.update(_REVIEW).where(_REVIEW.c.id.in_(done)).values(status="resolved"))


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
    if outcome in ACCEPTED and member_id is not None:
        return member_id
    if outcome == Outcome.SUPERSEDED.value:
        return RecordResult(rec.client_id, rec.version, Outcome.SUPERSEDED)
    # A rejection or conflict is repeated as it was: answering `duplicate` would
    # make the tablet mark an undelivered record as sent.
    return RecordResult(rec.client_id, rec.version, Outcome(outcome), problems=problems)
