"""The desk's view of tablets: who holds each, its area, what it sent (and how much of it
from outside its area), what waits for review; revoking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from enrolment import areas
from sync_server.models import Device, ReviewItem, Submission, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.devices import area_codes


@dataclass(frozen=True)
class DeviceRow:
    """One tablet as the devices page lists it."""

    id: int
    name: str
    officer: str
    created_at: datetime
    last_sync_at: datetime | None
    revoked_at: datetime | None
    received: int  # submissions stored from it
    waiting: int  # its submissions in open review items
    area: tuple[str, ...] = ()  # kecamatan codes; empty: not set (own records only)
    outside: int = 0  # accepted or conflicting submissions whose village is not in the area

    @property
    def area_names(self) -> list[str]:
        """The kecamatan of its area by name, for the page."""
        return [areas.area_name(code) for code in self.area]


def device_rows(*, session: Session) -> list[DeviceRow]:
    """Every paired tablet, active ones first, with its counts (two grouped queries)."""
    subs, items = Submission.__table__, ReviewItem.__table__  # type: ignore[attr-defined]
    received = dict(
        session.execute(
            sa.select(subs.c.device_id, sa.func.count()).group_by(subs.c.device_id)
        ).all()
    )
    waiting = dict(
        session.execute(
            sa.select(subs.c.device_id, sa.func.count())
            .select_from(items.join(subs, subs.c.id == items.c.submission_id))
            .where(items.c.status == "open")
            .group_by(subs.c.device_id)
        ).all()
    )
    devices = session.execute(sa.select(Device)).scalars().all()
    outside = {d.id: outside_area_count(session, d.id or 0, area_codes(d.area)) for d in devices}
    rows = [
        DeviceRow(
            id=d.id or 0,
            name=d.name,
            officer=d.officer,
            created_at=d.created_at,
            last_sync_at=d.last_sync_at,
            revoked_at=d.revoked_at,
            received=int(received.get(d.id, 0)),
            waiting=int(waiting.get(d.id, 0)),
            area=tuple(area_codes(d.area)),
            outside=outside[d.id],
        )
        for d in devices
    ]
    return sorted(rows, key=lambda r: (r.revoked_at is not None, r.name.lower(), r.id))


def outside_area_count(session: Session, device_id: int, area: list[str]) -> int:
    """Submissions of the device (not rejected) for a village outside `area`: people
    enrolled from elsewhere, accepted as usual and flagged on the desk. 0 without an area
    (the page says the area is missing instead). Reads the village from the payload
    as stored (canonical JSON), so ingest needs no extra column."""
    if not area:
        return 0
    subs = Submission.__table__  # type: ignore[attr-defined]
    inside = sa.or_(*(subs.c.payload.like(f'%"village":"{k}.%') for k in area))
    return int(
        session.execute(
            sa.select(sa.func.count()).where(
                subs.c.device_id == device_id, subs.c.outcome != "rejected", ~inside
            )
        ).scalar_one()
    )


def revoke_device(*, session: Session, device_id: int, user: User, reason: str) -> bool:
    """Revoke a lost tablet: its token stops working at the next request. False if unknown
    or already revoked."""
    device = session.get(Device, device_id)
    if device is None or device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    session.add(device)
    audit(session, user, "device_revoke", f"device:{device_id}", reason, {"name": device.name})
    return True
