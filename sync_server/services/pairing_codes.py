"""Outstanding pairing codes: listed on the desk, and cancelled there when one was
handed out by mistake or to someone who left. (Codes are made and redeemed in
services/devices.py, with the same `outstanding` condition.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select, update

from sync_server.models import PairingCode, User, utcnow
from sync_server.services.audit import audit


def outstanding(now: datetime) -> tuple[Any, ...]:
    """The WHERE conditions of a code that is still usable at `now`: not used, not
    expired (a cancelled code expired when it was cancelled)."""
    return (PairingCode.used_at.is_(None), PairingCode.expires_at > now)  # type: ignore[union-attr]


def outstanding_codes(*, session: Session) -> list[PairingCode]:
    """Codes neither used nor expired (nor cancelled), newest first. Only their labels
    and times are known: the codes themselves are stored as keyed hashes."""
    now = utcnow()
    query = (
        select(PairingCode)
        .where(*outstanding(now))
        .order_by(PairingCode.created_at.desc(), PairingCode.id.desc())  # type: ignore[attr-defined,union-attr]
    )
    return list(session.exec(query).all())


def cancel_code(*, session: Session, code_id: int, user: User) -> bool:
    """Make an outstanding code unusable at once (it expires now) and audit it; False if
    no such code is outstanding."""
    now = utcnow()
    label = session.exec(select(PairingCode.name).where(PairingCode.id == code_id)).first()
    cancelled = session.exec(  # type: ignore[call-overload]
        update(PairingCode)
        .where(PairingCode.id == code_id, *outstanding(now))
        .values(expires_at=now)
    )
    if cancelled.rowcount != 1:
        return False  # nothing changed
    audit(session, user, "pairing_code_cancel", f"pairing_code:{code_id}", "", {"name": label})
    return True
