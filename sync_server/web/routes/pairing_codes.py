"""The desk's list of outstanding pairing codes, each cancellable (a section of its own
beside the Tablet page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sync_server.dependencies import ReadSessionDep, SessionDep
from sync_server.services.pairing_codes import cancel_code, outstanding_codes
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/pairing-codes", tags=["desk"], include_in_schema=False)


@router.get("", response_model=None)
def pairing_codes_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """Codes handed out and not yet used or expired."""
    return render(request, "pairing_codes.html", {"codes": outstanding_codes(session=session)})


@router.post("/{code_id}/cancel", response_model=None)
def cancel(code_id: int, desk: DeskPostDep, session: SessionDep) -> Response:
    """Cancel an outstanding code: a tablet typing it from now on is refused."""
    if not cancel_code(session=session, code_id=code_id, user=desk.user):
        raise DeskError(404, "not_found")
    return RedirectResponse("/desk/pairing-codes", status_code=303)
