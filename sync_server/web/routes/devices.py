"""Tablets: pair a new one (code + QR, with its area), see what each sent and how much
came from outside its area, change its area, revoke a lost one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from enrolment import areas
from enrolment.pairing_qr import pairing_payload
from sync_server.dependencies import SessionDep, SettingsDep
from sync_server.services.audit import audit
from sync_server.services.device_overview import device_rows, revoke_device
from sync_server.services.devices import (
    CODE_VALIDITY,
    AreaError,
    create_pairing_code,
    parse_area,
    set_device_area,
)
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/devices", tags=["desk"], include_in_schema=False)
# The kecamatan ticked on the page; at most the regency's 21, a few more are refused.
KecamatanForm = Annotated[list[str], Form(max_length=30)]


def _area(kecamatan: list[str]) -> list[str]:
    """The ticked kecamatan, checked; a desk error page for anything else."""
    try:
        return parse_area(kecamatan)
    except AreaError:
        raise DeskError(400, "bad_input", detail="kecamatan / kecamatan code") from None


def _page(request: Request, session: SessionDep, **context: object) -> Response:
    return render(
        request,
        "devices.html",
        {"devices": device_rows(session=session), "kecamatan": areas.kecamatan(), **context},
    )


@router.get("", response_model=None)
def devices_page(request: Request, desk: DeskDep, session: SessionDep) -> Response:
    """Every tablet with its officer, area, last sync, records received (and from outside
    its area) and waiting for review."""
    return _page(request, session)


@router.post("/pair", response_model=None)
def pair(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    settings: SettingsDep,
    label: Annotated[str, Form(max_length=100)] = "",
    kecamatan: KecamatanForm = [],  # noqa: B006 (FastAPI copies form defaults)
) -> Response:
    """Make a single-use pairing code for a tablet working in the ticked kecamatan and
    show it once, as text and as a QR code."""
    area = _area(kecamatan)
    code = create_pairing_code(
        session=session, secret_key=settings.secret_key, name=label.strip(), area=area
    )
    audit(session, desk.user, "pairing_code", label.strip()[:100], details={"area": area})
    from sync_server.web.qr import qr_svg  # here: qrcode is loaded by this page only

    return _page(
        request,
        session,
        code=code,
        label=label.strip(),
        code_area=[areas.area_name(k) for k in area],
        hours=int(CODE_VALIDITY.total_seconds() // 3600),
        server_url=settings.public_base_url,
        qr=Markup(qr_svg(pairing_payload(settings.public_base_url, code))),
    )


@router.post("/{device_id}/area", response_model=None)
def change_area(
    device_id: int,
    desk: DeskPostDep,
    session: SessionDep,
    kecamatan: KecamatanForm = [],  # noqa: B006 (FastAPI copies form defaults)
) -> Response:
    """Set the kecamatan a tablet works in: its roster and card downloads follow from its
    next request (the roster is sent anew at its next pull)."""
    if not set_device_area(
        session=session, device_id=device_id, area=_area(kecamatan), user=desk.user
    ):
        raise DeskError(404, "not_found")
    return RedirectResponse("/desk/devices", status_code=303)


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
