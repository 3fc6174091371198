"""The audit log: who did what, when, and why, written beside every desk action."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session, select

from sync_server.models import AuditEntry, User, utcnow
from sync_server.services.spreadsheet_cells import safe_row


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


def audit_csv(*, session: Session) -> str:
    """The whole log as CSV (oldest first), for the inspectorate."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at_utc", "username", "action", "target", "reason", "details"])
    for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all():  # type: ignore[arg-type]
        # Reasons, labels and names tried at sign-in are typed by people: escape them.
        writer.writerow(
            safe_row(
                [
                    e.id,
                    e.at.isoformat(timespec="seconds") + "Z",
                    e.username,
                    e.action,
                    e.target,
                    e.reason,
                    json.dumps(e.details, ensure_ascii=False) if e.details else "",
                ]
            )
        )
    return out.getvalue()
