"""The audit log: who did what, when, and why, written beside every desk action."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from enrolment.messages import MESSAGES, texts
from sync_server.desk_format import format_when_seconds
from sync_server.models import AuditEntry, User, utcnow
from sync_server.services.spreadsheet_cells import safe_row

#: Entries written before anyone is signed in, whose target names the account tried.
_TRIED = ("login_failed", "login_locked", "password_change_failed")
#: Details whose values are codes with a text in the catalogue: key -> the codes' prefix.
_WORDED = {"reason": "audit_reason_", "role": "role_"}


def audit(
    session: Session,
    user: User | None,
    action: str,
    target: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the session's transaction (committed with the action it records)."""
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=user.id if user else None,
            username=user.username if user else "",
            action=action,
            target=target[:100],
            reason=reason,
            details=details,
        )
    )


def recent_entries(*, session: Session, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first."""
    return list(
        session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
    )


@dataclass(frozen=True)
class EntryView:
    """An audit entry as the desk's page shows it: words, not codes."""

    at: datetime
    who: tuple[str, str]  # (Indonesian, English)
    code: str  # the action's code, as the CSV has it
    action: tuple[str, str]
    target: str
    reason: str
    details: list[tuple[str, str]]


def _words(code: str) -> tuple[str, str]:
    # An action added without a label still shows, as its code.
    return texts(code) if code in MESSAGES else (code, code)


def _who(e: AuditEntry) -> tuple[str, str]:
    """The account; for a failed sign-in, the name that was tried (never a password)."""
    if e.username:
        return e.username, e.username
    if e.action in _TRIED and e.target.startswith("user:"):
        return texts("audit_tried", name=e.target.removeprefix("user:"))
    return texts("audit_system")


def _detail(key: str, value: Any) -> tuple[str, str]:
    """One detail as the page shows it: known codes in words, lists as a plain list."""
    code = f"{_WORDED[key]}{value}" if key in _WORDED else ""
    if code in MESSAGES:
        return key, " / ".join(texts(code))
    if isinstance(value, list):
        return key, ", ".join(str(v) for v in value) or "–"
    return key, str(value)


def entry_view(e: AuditEntry) -> EntryView:
    """`e` in words: the action's label, who did it, its details as key and value."""
    return EntryView(
        at=e.at,
        who=_who(e),
        code=e.action,
        action=_words(f"audit_{e.action}"),
        target=e.target,
        reason=e.reason,
        details=[_detail(k, v) for k, v in (e.details or {}).items()],
    )


def audit_csv(*, session: Session) -> str:
    """The whole log as CSV (oldest first), for the inspectorate."""
    out = io.StringIO()
    writer = csv.writer(out)
    # at_utc stays for machines comparing logs; at_wita is the office's clock.
    header = ["id", "at_utc", "at_wita", "username", "action", "target", "reason", "details"]
    writer.writerow(header)
    for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all():  # type: ignore[arg-type]
        # Reasons, labels and names tried at sign-in are typed by people: escape them.
        writer.writerow(
            safe_row(
                [
                    e.id,
                    e.at.isoformat(timespec="seconds") + "Z",
                    format_when_seconds(e.at),
                    e.username,
                    e.action,
                    e.target,
                    e.reason,
                    json.dumps(e.details, ensure_ascii=False) if e.details else "",
                ]
            )
        )
    return out.getvalue()
