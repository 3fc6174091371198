"""Device pairing and bearer-token authentication.

Tokens are 256-bit random values, so a plain SHA-256 of them is safe to store.
Pairing codes are short (8 characters, about 40 bits) to be read aloud and typed,
so their hash is keyed with SECRET_KEY (HMAC): a leaked database alone does not
let anyone brute-force an unused code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlmodel import Session, select, update

from sync_server.models import Device, PairingCode, utcnow

# No 0/O, 1/I/L: codes are read aloud and typed on tablets.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_VALIDITY = timedelta(hours=24)


def hash_token(token: str) -> str:
    """Stored form of a device token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """A pairing code as typed, reduced to its 8 significant characters."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def hash_code(code: str, secret_key: str) -> str:
    """Stored form of a pairing code."""
    key = secret_key.encode("utf-8")
    return hmac.new(key, normalise_code(code).encode("utf-8"), hashlib.sha256).hexdigest()


def create_pairing_code(*, session: Session, secret_key: str, name: str = "") -> str:
    """Store a new single-use code valid for 24 hours and return it, e.g. `7KQ4-M2XD`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    now = utcnow()
    session.add(
        PairingCode(
            code_hash=hash_code(raw, secret_key),
            name=name[:100],
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
    )
    session.commit()
    return f"{raw[:4]}-{raw[4:]}"


def redeem_pairing_code(
    *, session: Session, secret_key: str, code: str, device_name: str, officer: str
) -> tuple[Device, str] | None:
    """Use up `code` and register a device; returns it with its clear token, or None.

    The code is claimed with one conditional UPDATE, so two tablets racing with
    the same code cannot both succeed.
    """
    now = utcnow()
    code_hash = hash_code(code, secret_key)
    claimed = session.exec(
        update(PairingCode)
        .where(
            PairingCode.code_hash == code_hash,
            PairingCode.used_at.is_(None),  # type: ignore[union-attr]
            PairingCode.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    token = secrets.token_urlsafe(32)
    device = Device(name=device_name[:100], officer=officer[:100], token_hash=hash_token(token))
    session.add(device)
    session.flush()
    session.exec(
        update(PairingCode).where(PairingCode.code_hash == code_hash).values(device_id=device.id)
    )
    session.commit()
    session.refresh(device)
    return device, token


def device_for_token(*, session: Session, token: str) -> Device | None:
    """The unrevoked device holding `token`, or None."""
    return session.exec(
        select(Device).where(
            Device.token_hash == hash_token(token),
            Device.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
