"""The pull: what a tablet needs from the server since its last pull.

Keys to verify cards offline, card serials revoked since, later outcomes of this
tablet's own submissions, and the NIK roster (see `enrolment.roster`) of the
kecamatan it works in. The cursor is opaque to the tablet: `<change id>.<member
id>.<kecamatan set hash>`, the positions up to which it has been told everything.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment import areas
from enrolment.card_token import b64e
from enrolment.protocol import PROTO
from enrolment.roster import roster_hash
from sync_server.models import Change, Member
from sync_server.services.changes import CARD_REVOKED, REVIEW_OUTCOME, stable_bounds
from sync_server.services.signing import key_set

MAX_KECAMATAN = 50
_KEC = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,18})\.([0-9a-f]{8})$")


class PullError(ValueError):
    """A bad pull request; `code` is the protocol error code."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Cursor:
    """How far a tablet has been told: changes and members up to these ids, for `kec_hash`."""

    change_id: int = 0
    member_id: int = 0
    kec_hash: str = ""

    def encode(self) -> str:
        """The opaque form handed to the tablet."""
        return f"{self.change_id}.{self.member_id}.{self.kec_hash}"


def parse_cursor(text: str) -> Cursor:
    """The cursor a tablet sent back; empty means a first pull."""
    text = text.strip()
    if not text:
        return Cursor()
    match = _CURSOR.match(text)
    if not match:
        raise PullError("bad_cursor")
    return Cursor(int(match.group(1)), int(match.group(2)), match.group(3))


def parse_kecamatan(text: str) -> list[str]:
    """Comma-separated dotted kecamatan codes of the home regency, e.g. `52.03.07,52.03.08`."""
    codes = sorted({c.strip() for c in text.split(",") if c.strip()})
    if len(codes) > MAX_KECAMATAN:
        raise PullError("bad_kecamatan")
    known = {a.code for a in areas.kecamatan()}
    for code in codes:
        if not _KEC.match(code) or code not in known:
            raise PullError("bad_kecamatan")
    return codes


def kecamatan_set_hash(codes: list[str]) -> str:
    """8 hex characters naming a set of kecamatan, so a changed set is noticed."""
    return hashlib.sha256(",".join(sorted(codes)).encode("ascii")).hexdigest()[:8]


def pull(
    *, session: Session, device_id: int, cursor_text: str, kec_text: str, salt: bytes
) -> dict[str, Any]:
    """The pull reply for one device (raises PullError on a bad cursor or kecamatan)."""
    since = parse_cursor(cursor_text)
    kecs = parse_kecamatan(kec_text)
    kec_hash = kecamatan_set_hash(kecs)
    # Another set of kecamatan (or a first pull): the tablet replaces its whole roster.
    full = since.kec_hash != kec_hash
    change_to, member_to = stable_bounds(session)
    # A cursor from another database (restored backup, other server) must not hide rows.
    if since.change_id > change_to or since.member_id > member_to:
        since, full = Cursor(), True
    changes = session.execute(
        sa.select(Change.kind, Change.ref, Change.device_id, Change.payload)
        .where(Change.id > since.change_id, Change.id <= change_to)  # type: ignore[operator]
        .order_by(Change.id)  # type: ignore[arg-type]
    ).all()
    revoked = [int(c.ref) for c in changes if c.kind == CARD_REVOKED]
    updates = [c.payload for c in changes if c.kind == REVIEW_OUTCOME and c.device_id == device_id]
    hashes = _roster(session, kecs, 0 if full else since.member_id, member_to, salt)
    keys = key_set(session=session)
    session.rollback()  # read only
    return {
        "proto": PROTO,
        "cursor": Cursor(change_to, member_to, kec_hash).encode(),
        "keys": keys,
        "revoked": revoked,
        "updates": updates,
        "roster": {"salt": b64e(salt), "hashes": hashes, "full": full},
    }


def _roster(session: Session, kecs: list[str], after: int, upto: int, salt: bytes) -> list[str]:
    """Roster hashes of members with `after < id <= upto` living in these kecamatan."""
    if not kecs or upto <= after:
        return []
    c = Member.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(c.nik).where(
            c.id > after,
            c.id <= upto,
            sa.or_(*(c.village_code.like(f"{k}.%") for k in kecs)),
        )
    ).scalars()
    return sorted({roster_hash(salt, nik) for nik in rows})
