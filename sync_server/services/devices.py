"""Device pairing and bearer-token authentication.

Tokens are 256-bit random values, so a plain SHA-256 of them is safe to store.
Pairing codes are short (8 characters, about 40 bits) to be read aloud and typed,
so their hash is keyed with SECRET_KEY (HMAC): a leaked database alone does not
let anyone brute-force an unused code.

Each tablet has an area: the kecamatan of Lombok Timur it works in, chosen with its
pairing code and editable on the desk. Its roster and the cards it may download are
limited to that area and its own records; no area (a tablet paired before areas
existed) means its own records only, until a coordinator sets one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session, select, update

from enrolment import areas
from sync_server.models import Device, PairingCode, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.pairing_codes import outstanding

# No 0/O, 1/I/L: codes are read aloud and typed on tablets.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_VALIDITY = timedelta(hours=24)


class AreaError(ValueError):
    """An area that is not a list of Lombok Timur kecamatan codes; `code` says which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_area(codes: str | Iterable[str]) -> list[str]:
    """Dotted kecamatan codes of the home regency (`52.03.07,52.03.08` or a list),
    sorted without repeats; AreaError(`bad_kecamatan`) for anything else."""
    items = codes.split(",") if isinstance(codes, str) else list(codes)
    wanted = sorted({c.strip() for c in items if c.strip()})
    known = {a.code for a in areas.kecamatan()}
    if any(code not in known for code in wanted):
        raise AreaError("bad_kecamatan")
    return wanted


def area_codes(text: str) -> list[str]:
    """The stored form of an area (`52.03.07,52.03.08`) as a list; unknown codes dropped."""
    known = {a.code for a in areas.kecamatan()}
    return sorted({c for c in text.split(",") if c in known})


def roster_kecamatan(session: Session, device_id: int) -> list[str]:
    """The kecamatan a pull's roster covers: the device's area, whatever the tablet asks
    for (`kec` is checked, never followed). Asking cannot widen it, and must not narrow
    it either: the field app asks for the kecamatan it has enrolled in so far, not where
    it works, and every member of the area must warn. No area: none."""
    device = session.get(Device, device_id)
    return area_codes(device.area) if device is not None else []


def set_device_area(*, session: Session, device_id: int, area: list[str], user: User) -> bool:
    """Give a tablet a new area (audited); its next pull brings the new roster. False if
    the device is unknown."""
    device = session.get(Device, device_id)
    if device is None:
        return False
    before = device.area
    device.area = ",".join(area)
    session.add(device)
    audit(
        session,
        user,
        "device_area",
        f"device:{device_id}",
        details={"name": device.name, "from": area_codes(before), "to": area},
    )
    return True


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


def create_pairing_code(
    *, session: Session, secret_key: str, name: str = "", area: Iterable[str] = ()
) -> str:
    """Store a new single-use code valid for 24 hours and return it, e.g. `7KQ4-M2XD`.

    `area`: kecamatan codes (already checked with `parse_area`) the tablet will work in.
    """
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    now = utcnow()
    session.add(
        PairingCode(
            code_hash=hash_code(raw, secret_key),
            name=name[:100],
            area=",".join(sorted(set(area))),
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
    )
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
        .where(PairingCode.code_hash == code_hash, *outstanding(now))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return None  # nothing changed
    area = session.exec(select(PairingCode.area).where(PairingCode.code_hash == code_hash)).one()
    token = secrets.token_urlsafe(32)
    device = Device(
        name=device_name[:100], officer=officer[:100], token_hash=hash_token(token), area=area
    )
    session.add(device)
    session.flush()
    session.exec(
        update(PairingCode).where(PairingCode.code_hash == code_hash).values(device_id=device.id)
    )
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


def token_was_revoked(*, session: Session, token: str) -> bool:
    """True if `token` is a revoked device's: the tablet is told so, and wipes what the
    server already holds (a token no device ever had, e.g. after a wipe, is not)."""
    found = session.exec(
        select(Device.id).where(
            Device.token_hash == hash_token(token),
            Device.revoked_at.is_not(None),  # type: ignore[union-attr]
        )
    ).first()
    return found is not None
