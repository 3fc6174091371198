"""The review queue: conflicts and likely duplicates, side by side, decided with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from enrolment.messages import slashed, texts
from enrolment.nik import mask_nik
from sync_server.dependencies import ReadSessionDep, SessionDep
from sync_server.desk_format import format_number
from sync_server.services.review_desk import (
    KIND_NAMES,
    DecisionError,
    counts,
    decide,
    item_view,
    queue,
)
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/review", tags=["desk"], include_in_schema=False)

STATUSES = ("open", "merged", "kept", "rejected")
#: HTTP status of a refused decision; its text is the catalogue's review_<code>.
DECISION_STATUS = {"bad_action": 400, "reason_required": 400, "already_decided": 409}


@router.get("", response_model=None)
def review_list(
    request: Request,
    desk: DeskDep,
    session: ReadSessionDep,
    status: Annotated[str, Query(max_length=16)] = "open",
    scanned: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Open items oldest first (or decided items, newest first)."""
    if status not in STATUSES:
        status = "open"
    context = {
        "items": queue(session=session, status=status),
        "status": status,
        "statuses": STATUSES,
        "counts": counts(session=session),
        "kinds": KIND_NAMES,
        "masked": mask_nik,
        "scanned": _scan_note(scanned),
    }
    return render(request, "review_list.html", context)


def _scan_note(scanned: str) -> tuple[str, str] | None:
    """The scan's result line, (Indonesian, English), from the redirect's
    `found-new-seconds`; None without one (or a hand-edited one)."""
    try:
        found_text, new_text, seconds_text = scanned.split("-")
        found, new, seconds = int(found_text), int(new_text), float(seconds_text)
    except ValueError:
        return None
    # "< 0,1" rather than "0,0": the scan took some time, just less than a tenth.
    shown = f"< {format_number(0.1, 1)}" if seconds < 0.1 else format_number(seconds, 1)
    code = "review_scan_done_one" if found == 1 else "review_scan_done"
    return texts(code, found=format_number(found), new=format_number(new), seconds=shown)


@router.post("/scan", response_model=None)
def scan(desk: DeskPostDep, session: SessionDep) -> Response:
    """Search all members for likely duplicates; new pairs join the queue."""
    # Imported here: the scan's numpy costs every server start ~0.1 s, and only this runs it.
    from sync_server.services import duplicates

    result = duplicates.scan(session=session, user=desk.user)
    note = f"{result.candidates}-{result.stored}-{result.seconds:.1f}"
    return RedirectResponse(f"/desk/review?scanned={note}", status_code=303)


@router.get("/{item_id}", response_model=None)
def review_item(item_id: int, request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """Both records side by side, differences highlighted, and the decision form."""
    view = item_view(session=session, item_id=item_id)
    if view is None:
        raise DeskError(404, "not_found")
    return render(request, "review_item.html", {"item": view, "error": ""})


@router.post("/{item_id}/decide", response_model=None)
def review_decide(
    item_id: int,
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    action: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Merge, keep both or reject; the tablet concerned learns it at its next sync."""
    try:
        decide(session=session, item_id=item_id, action=action, reason=reason, user=desk.user)
    except DecisionError as exc:
        if exc.code == "not_found":
            raise DeskError(404, "not_found") from None
        status, message = DECISION_STATUS[exc.code], slashed(f"review_{exc.code}")
        view = item_view(session=session, item_id=item_id)
        if view is None:
            raise DeskError(404, "not_found") from None
        return render(request, "review_item.html", {"item": view, "error": message}, status=status)
    return RedirectResponse("/desk/review", status_code=303)
