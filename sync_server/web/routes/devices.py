"""Tablets: pair a new one (code + QR), see what each sent, revoke a lost one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from sync_server.api.deps import SessionDep, SettingsDep
from sync_server.services.audit import audit
from sync_server.services.device_overview import device_rows, revoke_device
from sync_server.services.devices import CODE_VALIDITY, create_pairing_code
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.qr import pairing_payload, qr_svg
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/devices", tags=["desk"], include_in_schema=False)


@router.get("", response_model=None)
def devices_page(request: Request, desk: DeskDep, session: SessionDep) -> Response:
    """Every tablet with its officer, last sync, records received and waiting for review."""
    return render(request, "devices.html", {"devices": device_rows(session=session)})


@router.post("/pair", response_model=None)
def pair(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    settings: SettingsDep,
    label: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Make a single-use pairing code and show it once, as text and as a QR code."""
    code = create_pairing_code(session=session, secret_key=settings.secret_key, name=label.strip())
    audit(session, desk.user, "pairing_code", label.strip()[:100])
    session.commit()
    context = {
        "devices": device_rows(session=session),
        "code": code,
        "label": label.strip(),
        "hours": int(CODE_VALIDITY.total_seconds() // 3600),
        "server_url": settings.public_base_url,
        "qr": Markup(qr_svg(pairing_payload(settings.public_base_url, code))),
    }
    return render(request, "devices.html", context)


@router.post("/{device_id}/revoke", response_model=None)
def revoke(
    device_id: int,
    desk: DeskPostDep,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Revoke a lost or retired tablet: its token is refused from the next request."""
    if not revoke_device(
        session=session, device_id=device_id, user=desk.user, reason=reason.strip()
    ):
        raise DeskError(404, "not_found")
    return RedirectResponse("/desk/devices", status_code=303)
