"""Member numbers: `LT` + the member's id, zero-padded to 7 digits (`LT0000001`)."""

from __future__ import annotations

import re

PREFIX = "LT"
_MEMBER_NO = re.compile(r"^LT(\d{7,9})$")


def member_number(member_id: int) -> str:
    """The printed member number for a member id."""
    return f"{PREFIX}{member_id:07d}"


def parse_member_number(text: str) -> int | None:
    """The member id in a member number, or None if `text` is not one."""
    match = _MEMBER_NO.match(text.strip().upper())
    if not match:
        return None
    member_id = int(match.group(1))
    return member_id if member_id > 0 else None
