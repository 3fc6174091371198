"""What becomes of each record of a push batch: the pure heart of ingest.

No database here. `services/ingest.py` reads what this needs (the device's stored
versions of the batch's client ids, the locked member rows, who created each
member), calls `decide`, and writes what it returns. Rules, in order, per record:

1. A higher version of this `(device, cid)` was stored before: **superseded**. It
   changes nothing, whatever order messages arrive in (a late version 1 after an
   accepted version 2 must not put the old phone back).
2. This record's NIK was made a member by this very record: **created**.
3. An edit (an earlier version of this cid was accepted into this member) by the
   device that created the member: its identity and programme fields (funding,
   income, JHT, household, details) are taken (**merged**). No other record changes
   a member's programme fields.
4. Anything else is judged against the member as any newcomer is: a different name
   or birth date is a **conflict** (review); otherwise **merged**. Only the member's
   own device may change its contact details; another device's different phone or
   village opens a `contact_update` review instead (least privilege: a device
   changes a member only through its own records).

An accepted record also resolves open conflicts of its earlier versions (the
officer corrected it), and an edit into another NIK opens `superseded_nik`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from enrolment.fields import CARD_COLUMNS
from enrolment.member_columns import (
    IDENTITY_COLUMNS,
    PROGRAMME_COLUMNS,
    identity_values,
    programme_defaults,
    programme_values,
)
from enrolment.problems import Problem, problem
from enrolment.protocol import Outcome
from enrolment.records import Enrolment, same_name

ACCEPTED = (Outcome.CREATED.value, Outcome.MERGED.value)
# Identity columns an edit may change, the ones printed on the card, and the programme
# columns a member takes from its own device's records: all from enrolment.fields.
EDITABLE = IDENTITY_COLUMNS
ON_CARD = CARD_COLUMNS
PROGRAMME = PROGRAMME_COLUMNS
_FIELD_NAMES = {"full_name": ("nama", "name"), "birth_date": ("tanggal lahir", "birth date")}


@dataclass(frozen=True)
class Candidate:
    """A valid record of the batch not received before (cleaned; birth date parsed)."""

    index: int  # position in the batch
    record: Enrolment
    birth: date


@dataclass(frozen=True)
class Prior:
    """A submission this device stored before for a client id of the batch."""

    version: int
    outcome: str
    member_id: int | None


@dataclass
class MemberState:
    """A locked member row as the batch changes it."""

    id: int
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village_code: str
    phone: str
    segment: str
    owner: int | None = None  # the device whose record created the member
    dirty: bool = False
    reissue: bool = False  # a claim printed on the card changed: revoke and issue anew
    # The programme columns (PROGRAMME) as stored, by column.
    programme: dict[str, Any] = field(default_factory=programme_defaults)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one candidate."""

    outcome: Outcome
    member_id: int | None
    answer: list[dict[str, str]] = field(default_factory=list)  # problems as sent back


@dataclass(frozen=True)
class Review:
    """A review item to open: on `member_id`, for the candidate at batch `index`."""

    member_id: int
    index: int
    kind: str
    fields: list[str]


@dataclass
class Decisions:
    """Everything `decide` concluded; member changes are made on the MemberStates."""

    verdicts: dict[int, Verdict] = field(default_factory=dict)  # by batch index
    reviews: list[Review] = field(default_factory=list)
    resolved: list[tuple[str, int]] = field(default_factory=list)  # accepted (cid, ver)


def decide(
    *,
    device_id: int,
    candidates: list[Candidate],
    priors: dict[str, dict[int, Prior]],
    members: dict[str, MemberState],
    creators: dict[str, int],
) -> Decisions:
    """Decide every candidate, in (version, NIK, cid) order, against locked members.

    `priors`: this device's stored submissions by cid and version; `members`: every
    member the batch touches by NIK (new ones included, `owner` set for old ones);
    `creators`: NIK -> batch index of the candidate whose insert made that member.
    """
    out = Decisions()
    by_id = {m.id: m for m in members.values()}
    accepted_here: dict[str, tuple[int, int]] = {}  # cid -> (ver, member id), this batch
    for c in sorted(candidates, key=lambda c: (c.record.version, c.record.nik, c.record.client_id)):
        rec = c.record
        stored = priors.get(rec.client_id, {})
        if any(v > rec.version for v in stored):
            out.verdicts[c.index] = Verdict(Outcome.SUPERSEDED, None)
            continue
        member = members[rec.nik]
        prior = _prior_accepted(stored, accepted_here, rec)
        if creators.get(rec.nik) == c.index:
            member.owner = device_id
            verdict = Verdict(Outcome.CREATED, member.id)
        elif prior is not None and by_id.get(prior) is member and member.owner == device_id:
            _apply_edit(member, rec, c.birth)  # the tablet corrected its own record
            verdict = Verdict(Outcome.MERGED, member.id)
        else:
            verdict = _as_newcomer(out, device_id, member, c)
        if prior is not None and by_id.get(prior) is not member:
            # Edited into another NIK: the old member may be a mistake, or a real
            # person; a coordinator decides, nothing is deleted automatically.
            out.reviews.append(Review(prior, c.index, "superseded_nik", ["nik"]))
        out.verdicts[c.index] = verdict
        if verdict.outcome.value in ACCEPTED:
            accepted_here[rec.client_id] = (rec.version, member.id)
            if rec.version > 1:  # only a correction can settle an earlier conflict
                out.resolved.append((rec.client_id, rec.version))
    return out


def _as_newcomer(out: Decisions, device_id: int, member: MemberState, c: Candidate) -> Verdict:
    """Judge a record against a member someone else's record (or an earlier) made."""
    differing = _differing(member, c.record, c.birth)
    if differing:
        out.reviews.append(Review(member.id, c.index, "identity_conflict", differing))
        return Verdict(Outcome.CONFLICT, member.id, [identity_conflict(differing).to_wire()])
    if member.owner == device_id:
        _refresh_contact(member, c.record)
    else:
        changed = contact_changes(member, c.record)
        if changed:
            out.reviews.append(Review(member.id, c.index, "contact_update", changed))
    return Verdict(Outcome.MERGED, member.id)


def _prior_accepted(
    stored: dict[int, Prior], here: dict[str, tuple[int, int]], rec: Enrolment
) -> int | None:
    """The member the latest earlier accepted version of this record went into, if any."""
    best_ver, best_member = 0, None
    for ver, s in stored.items():
        if ver < rec.version and s.outcome in ACCEPTED and ver > best_ver:
            best_ver, best_member = ver, s.member_id
    earlier = here.get(rec.client_id)
    if earlier is not None and best_ver < earlier[0] < rec.version:
        best_member = earlier[1]
    return best_member


def _apply_edit(member: MemberState, rec: Enrolment, birth: date) -> None:
    """Take the identity and programme fields of the tablet's newer version of its own
    record."""
    for name, value in identity_values(rec, birth).items():
        if getattr(member, name) != value:
            setattr(member, name, value)
            member.dirty = True
            member.reissue |= name in ON_CARD
    for name, value in programme_values(rec).items():  # never printed on the card
        if member.programme.get(name) != value:
            member.programme[name] = value
            member.dirty = True


def _differing(member: MemberState, rec: Enrolment, birth: date) -> list[str]:
    """The identity fields in which a record disagrees with the member (empty: same person)."""
    differing = []
    if not same_name(member.full_name, rec.full_name):
        differing.append("full_name")
    if member.birth_date != birth:
        differing.append("birth_date")
    return differing


def identity_conflict(fields: list[str]) -> Problem:
    """The problem a conflicting record is answered with."""
    return problem(
        "nik",
        "identity_conflict",
        fields=" dan ".join(_FIELD_NAMES[f][0] for f in fields),
        fields_en=" and ".join(_FIELD_NAMES[f][1] for f in fields),
    )


def contact_changes(member: MemberState, rec: Enrolment) -> list[str]:
    """The contact fields a record would change (an empty phone changes nothing)."""
    changed = []
    if rec.phone and rec.phone != member.phone:
        changed.append("phone")
    if rec.village_code != member.village_code:
        changed.append("village_code")
    return changed


def _refresh_contact(member: MemberState, rec: Enrolment) -> None:
    """Keep the newest phone and village of the device's own member: people move."""
    for name in contact_changes(member, rec):
        setattr(member, name, getattr(rec, name))
        member.dirty = True
        # The village is printed on the card: a move is a new card.
        member.reissue |= name in ON_CARD
