"""The pull: what a tablet needs from the server since its last pull.

Keys to verify cards offline, card serials revoked since, later outcomes of this
tablet's own submissions, the contribution schedule in force (every pull: a few hundred
bytes), the NIK roster (see `enrolment.roster`) of the kecamatan it works in, and its
area's field work: education sessions and UMKM owners due a visit (`worklist`). The
cursor is opaque to the tablet: `<change id>.<member id>.<kecamatan set hash>`, the
positions up to which it has been told everything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment import areas
from enrolment.card_token import b64e
from enrolment.pull_codec import encode_pull_reply
from sync_server.desk_format import to_wita
from sync_server.models import Card, Change, Member, RetiredMember, utcnow
from sync_server.services.cards import card_claims, ensure_active_cards
from sync_server.services.changes import CARD_REVOKED, REVIEW_OUTCOME, stable_bounds
from sync_server.services.devices import roster_kecamatan
from sync_server.services.members import parse_member_number
from sync_server.services.rate_tables import current_schedule
from sync_server.services.reconciliation import delivered_count
from sync_server.services.roster import roster_key, roster_units
from sync_server.services.signing import Signer, key_set
from sync_server.services.worklist import area_sessions, area_umkm_due

MAX_KECAMATAN = 50
#: Names the roster's form (enrolment/roster.py) in the cursor: "r2", lossy units.
ROSTER_SCHEME = "r2"
#: Makes the current card token of a member number (None if it has no card to give).
CardMaker = Callable[[str], str | None]
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
    """8 hex characters naming a set of kecamatan and the roster scheme, so a changed
    set (or a tablet holding an older scheme's roster) gets a full roster."""
    text = ROSTER_SCHEME + "|" + ",".join(sorted(codes))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:8]


def pull(
    *,
    session: Session,
    device_id: int,
    cursor_text: str,
    kec_text: str,
    salt: bytes,
    have: int = 0,
    cards: CardMaker | None = None,
) -> dict[str, Any]:
    """The pull reply for one device (raises PullError on a bad cursor or kecamatan).

    `have`: how many records the tablet holds as delivered; more than this server
    holds from it means the server lost some (`rewound`: the tablet reconciles).
    `cards`: makes the current card token of a member, for outcomes decided later.
    """
    since = parse_cursor(cursor_text)
    parse_kecamatan(kec_text)  # still checked (400 bad_kecamatan), but the area decides
    kecs = roster_kecamatan(session, device_id)
    kec_hash = kecamatan_set_hash(kecs)
    # Another set of kecamatan (or a first pull): the tablet replaces its whole roster.
    full = since.kec_hash != kec_hash
    change_to, member_to = stable_bounds(session)
    # A cursor from another database (restored backup, other server) must not hide rows.
    rewound = since.change_id > change_to or since.member_id > member_to
    if rewound:
        since, full = Cursor(), True
    rewound = rewound or have > delivered_count(session=session, device_id=device_id)
    changes = session.execute(
        sa.select(Change.kind, Change.ref, Change.device_id, Change.payload)
        .where(Change.id > since.change_id, Change.id <= change_to)  # type: ignore[operator]
        .order_by(Change.id)  # type: ignore[arg-type]
    ).all()
    revoked = [int(c.ref) for c in changes if c.kind == CARD_REVOKED]
    updates = [c.payload for c in changes if c.kind == REVIEW_OUTCOME and c.device_id == device_id]
    hashes = roster_units(session, kecs, 0 if full else since.member_id, member_to, salt)
    keys = key_set(session=session)
    if cards is not None:
        updates = [_with_card(u, cards) for u in updates]
    # Field work (issue 14), sent whole: the area's sessions and UMKM owners due, by the
    # district's day (WITA), so "from 14 days ago" and "due within 30 days" match Lombok.
    today = to_wita(utcnow()).date()
    return encode_pull_reply(
        cursor=Cursor(change_to, member_to, kec_hash).encode(),
        keys=keys,
        revoked=revoked,
        updates=updates,
        roster_salt=b64e(roster_key(salt)),
        roster_units=hashes,
        roster_full=full,
        rewound=rewound,
        schedule=current_schedule(session=session),
        sessions=area_sessions(session, kecs, today),
        umkm_due=area_umkm_due(session, kecs, today),
    )


def card_maker(*, session: Session, signer: Signer, valid_years: int) -> CardMaker:
    """A CardMaker on this session: the member's active card, signed now; issued only for
    a member who never had one. A member whose cards were all revoked (lost, stolen)
    gets no new card here: reissuing is the desk's decision."""

    def make(member_no: str) -> str | None:
        member_id = parse_member_number(member_no)
        member = session.get(Member, member_id) if member_id else None
        if member is None or member.id is None or session.get(RetiredMember, member.id):
            return None
        if _only_revoked_cards(session, member.id):
            return None
        card = ensure_active_cards(
            session=session,
            member_ids=[member.id],
            kid=signer.kid,
            valid_years=valid_years,
            today=utcnow().date(),
        )[member.id]
        return signer.sign_card(card_claims(member, card))

    return make


def _only_revoked_cards(session: Session, member_id: int) -> bool:
    """True if the member has cards and every one of them is revoked."""
    cards = Card.__table__.c  # type: ignore[attr-defined]
    rows = (
        session.execute(sa.select(cards.revoked_at).where(cards.member_id == member_id))
        .scalars()
        .all()
    )
    return bool(rows) and all(r is not None for r in rows)


def _with_card(update: dict[str, Any], cards: CardMaker) -> dict[str, Any]:
    """A later outcome with the member's current card: a coordinator's merge gives the
    tablet a member number, and the card that goes with it."""
    member_no = update.get("member_no")
    if update.get("outcome") not in ("created", "merged") or not isinstance(member_no, str):
        return update
    token = cards(member_no)
    return {**update, "card": token} if token else update
