"""A batch print job as its state file holds it: what it prints, who asked, how far it
got, and the texts of its outcomes (the runner is services/print_jobs.py).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from enrolment.messages import slashed
from sync_server.services.card_batches import PER_PAGE, area_labels

RUNNING, DONE, FAILED = "running", "done", "failed"

#: Why a job failed, "Indonesia / English" as its state file keeps it: the catalogue's
#: `print_<code>` (enrolment/messages/desk.py).
MESSAGES = {
    code: slashed(f"print_{code}")
    for code in ("no_cards", "batch_too_large", "stopped", "interrupted", "internal")
}


@dataclass(frozen=True)
class Selection:
    """What a job prints: a kecamatan or a desa, or the cards reissued since a date
    (optionally within a kecamatan or desa). Checked by `card_batches`."""

    kecamatan: str | None = None
    desa: str | None = None
    reprints_since: date | None = None

    @classmethod
    def of(cls, area: str = "", reprints_since: date | None = None) -> Selection:
        """From the desk's area field (a desa code has four parts) and a reprint date."""
        area = area.strip()
        is_desa = area.count(".") == 3
        return cls(
            kecamatan=None if is_desa else (area or None),
            desa=area if is_desa else None,
            reprints_since=reprints_since,
        )

    @property
    def area(self) -> str:
        """The area code, or "" for the whole regency (reprint lists only)."""
        return self.desa or self.kecamatan or ""

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for `card_batches.batch_pdf` and `count_cards`."""
        return {
            "kecamatan": self.kecamatan,
            "desa": self.desa,
            "reprints_since": self.reprints_since,
        }

    def label(self) -> str:
        """What is printed, for people: "Kec. Selong (52.03.07)"."""
        parts = area_labels(kecamatan=self.kecamatan, desa=self.desa)
        if self.reprints_since:
            day = f"{self.reprints_since:%d-%m-%Y}"
            parts.append(slashed("print_reprints_since", day=day))
        return " — ".join(parts)


@dataclass
class Job:
    """One batch PDF: its selection, who asked, and how far the drawing got."""

    id: str
    selection: Selection
    started_by: str
    created: datetime  # UTC, naive like every timestamp of the server
    total: int = 0
    done: int = 0
    state: str = RUNNING
    message: str = ""  # why it failed, "Indonesia / English"; never a traceback
    size: int = 0  # bytes of the finished PDF
    pid: int = 0  # the process drawing it (0 until that process has started)
    updated: float = field(default_factory=time.time)  # wall clock: shared by processes

    @property
    def pages(self) -> int:
        """A4 sheets the batch fills."""
        return (self.total + PER_PAGE - 1) // PER_PAGE

    @property
    def percent(self) -> int:
        """Progress, 0 to 100."""
        return 100 if self.total <= 0 else min(100, self.done * 100 // self.total)

    @property
    def file_name(self) -> str:
        """The download's name: kartu-52.03.07-20261115.pdf, kartu-ulang-sejak-20261101-…"""
        parts = ["kartu"]
        if self.selection.reprints_since:
            parts.append(f"ulang-sejak-{self.selection.reprints_since:%Y%m%d}")
        if self.selection.area:
            parts.append(self.selection.area)
        parts.append(f"{self.created:%Y%m%d}")
        return "-".join(parts) + ".pdf"

    def to_json(self) -> str:
        """The state file's content."""
        since = self.selection.reprints_since
        return json.dumps(
            {
                "id": self.id,
                "kecamatan": self.selection.kecamatan,
                "desa": self.selection.desa,
                "reprints_since": since.isoformat() if since else None,
                "started_by": self.started_by,
                "created": self.created.isoformat(),
                "total": self.total,
                "done": self.done,
                "state": self.state,
                "message": self.message,
                "size": self.size,
                "pid": self.pid,
                "updated": self.updated,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Job:
        """A job from its state file (ValueError/KeyError/TypeError if damaged)."""
        d = json.loads(text)
        since = d["reprints_since"]
        selection = Selection(
            kecamatan=d["kecamatan"],
            desa=d["desa"],
            reprints_since=date.fromisoformat(since) if since else None,
        )
        return cls(
            id=d["id"],
            selection=selection,
            started_by=d["started_by"],
            created=datetime.fromisoformat(d["created"]),
            total=int(d["total"]),
            done=int(d["done"]),
            state=d["state"],
            message=d["message"],
            size=int(d["size"]),
            pid=int(d.get("pid") or 0),
            updated=float(d["updated"]),
        )
