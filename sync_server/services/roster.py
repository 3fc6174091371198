"""The server's half of the NIK roster (see `enrolment.roster` for the design).

For the kecamatan a pull covers, the members living there are grouped into units
(kecamatan of residence, NIK prefix); each unit is sized by its whole member count
and sent as one wire string. The roster key is derived from the server-wide salt
and never changes, so every tablet of a kecamatan receives the same filter.
"""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.roster import build_units, encode_unit
from sync_server.models import Member

#: Changing this label would re-key every roster (and let old and new be intersected).
_KEY_LABEL = b"lotim-nik-roster-v2"
_MEMBERS = Member.__table__  # type: ignore[attr-defined]


def roster_key(server_salt: bytes) -> bytes:
    """The key tablets hash NIKs with: not secret (every tablet holds it), but stable."""
    return hmac.digest(server_salt, _KEY_LABEL, hashlib.sha256)


def roster_units(
    session: Session, kecamatan: list[str], after: int, upto: int, server_salt: bytes
) -> list[str]:
    """Wire units for the members with `after < id <= upto` living in `kecamatan`,
    each sized by all of its members up to `upto` (two reads; one if nothing is new)."""
    if not kecamatan or upto <= after:
        return []
    c = _MEMBERS.c
    in_area = sa.or_(*(c.village_code.like(f"{k}.%") for k in kecamatan))
    rows = session.execute(
        sa.select(c.village_code, c.nik).where(c.id > after, c.id <= upto, in_area)
    ).all()
    if not rows:
        return []
    members = [(village[:8], nik) for village, nik in rows]
    kec_of, prefix_of = sa.func.substr(c.village_code, 1, 8), sa.func.substr(c.nik, 1, 6)
    sizes = {
        (kec, prefix): int(n)
        for kec, prefix, n in session.execute(
            sa.select(kec_of, prefix_of, sa.func.count())
            .where(c.id <= upto, in_area)
            .group_by(kec_of, prefix_of)
        ).all()
    }
    return [encode_unit(u) for u in build_units(roster_key(server_salt), members, sizes)]
