"""Reconciliation: which of the records a tablet holds as delivered does this server lack?

Asked by a tablet that saw another server identity or generation than before, or
a pull cursor ahead of the server (docs/protocol.md, Reconciliation). Two steps,
both cheap on 2G: bucket summaries first (`enrolment.reconcile`), then the exact
keys of the buckets that differ. The tablet resends what is missing; what the
server has is answered `duplicate` as any repeat.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.reconcile import Summary, differing, summarise
from sync_server.models import Submission

#: At most this many keys in one `have` request.
MAX_KEYS = 5000

_SUBS = Submission.__table__  # type: ignore[attr-defined]


def differing_buckets(*, session: Session, device_id: int, theirs: dict[str, Summary]) -> list[str]:
    """The buckets where the tablet's summary differs from this device's submissions
    (each client id at the highest version received)."""
    rows = session.execute(
        sa.select(_SUBS.c.client_id, sa.func.max(_SUBS.c.version))
        .where(_SUBS.c.device_id == device_id)
        .group_by(_SUBS.c.client_id)
    ).all()
    session.rollback()  # read only
    return differing(theirs, summarise((cid, int(ver)) for cid, ver in rows))


def missing_keys(
    *, session: Session, device_id: int, keys: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """The `(cid, ver)` among `keys` this device has never delivered here."""
    if not keys:
        return []
    cids = sorted({cid for cid, _ in keys})
    rows = session.execute(
        sa.select(_SUBS.c.client_id, _SUBS.c.version).where(
            _SUBS.c.device_id == device_id, _SUBS.c.client_id.in_(cids)
        )
    ).all()
    session.rollback()  # read only
    have = {(cid, int(ver)) for cid, ver in rows}
    return [k for k in keys if k not in have]


def delivered_count(*, session: Session, device_id: int) -> int:
    """How many distinct records this device has delivered here."""
    return int(
        session.execute(
            sa.select(sa.func.count(sa.distinct(_SUBS.c.client_id))).where(
                _SUBS.c.device_id == device_id
            )
        ).scalar_one()
    )
