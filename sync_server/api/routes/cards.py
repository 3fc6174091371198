"""Card images and PDFs: one member's card (tablets), and A4 batches (the desk).

A tablet gets the member's active card or nothing, only in its scope, and every
download is audited (services/card_access.py); it never issues a card.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from sync_server.api.deps import CurrentDevice
from sync_server.api.errors import ApiError, error_response
from sync_server.dependencies import ApiUserDep, SessionDep, SettingsDep, SignerDep
from sync_server.models import Device
from sync_server.services.card_access import CardRefused, device_card
from sync_server.services.card_batches import BatchError, batch_pdf, parse_serials
from sync_server.services.card_pdf import render_card_pdf
from sync_server.services.card_png import render_card_png
from sync_server.services.cards import verify_url

router = APIRouter(prefix="/api/v1/cards", tags=["cards"])

# About 10 s of drawing and 8 MB of PDF: beyond that a request ties up a worker too
# long, and the CLI (`print-cards`, with progress) is the tool.
MAX_HTTP_BATCH = 3000


@router.get("/batch.pdf", response_class=Response)
def cards_batch_pdf(
    _user: ApiUserDep,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
    kecamatan: Annotated[str | None, Query(max_length=20)] = None,
    desa: Annotated[str | None, Query(max_length=20)] = None,
    serials: Annotated[str, Query(max_length=20_000, description="e.g. 17,342")] = "",
    reprints_since: date | None = None,
) -> Response:
    """An A4 sheet set of unrevoked cards: a kecamatan, a desa, or a reprint list.

    For signed-in desk users (coordinators print cards; tablets do not).
    """
    try:
        pdf = batch_pdf(
            session,
            kecamatan=kecamatan,
            desa=desa,
            serials=parse_serials(serials) or None,
            reprints_since=reprints_since,
            settings=settings,
            signer=signer,
            max_cards=MAX_HTTP_BATCH,
        )
    except BatchError as exc:
        status = {"no_cards": 404, "batch_too_large": 413}.get(exc.code, 400)
        raise ApiError(status, exc.code, **exc.params) from None
    name = (desa or kecamatan or "reprint").replace(".", "")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="kartu-{name}.pdf"',
        },
    )


def _download(
    member_no: str,
    device: Device,
    fmt: str,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The card `device` may download, drawn as `fmt`; 404 or 410 (with why) if none."""
    try:
        _member, claims = device_card(session=session, device=device, member_no=member_no, fmt=fmt)
    except CardRefused as refused:
        if refused.status == 410:
            return _gone(refused)
        # Answered, not raised: the unit of work keeps the refusal's audit entry.
        return error_response(refused.status, refused.code)
    # The active card re-signed as it stands, exactly what a batch print would show.
    url = verify_url(settings.public_base_url, signer.sign_card(claims))
    if fmt == "pdf":
        return Response(
            render_card_pdf(claims, url), media_type="application/pdf", headers=_NO_STORE
        )
    return Response(render_card_png(claims, url), media_type="image/png", headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store"}


def _gone(refused: CardRefused) -> JSONResponse:
    """410 in the protocol's error shape, with the revocation reason when known."""
    reason = refused.params.get("reason") or "-"
    return error_response(410, refused.code, _NO_STORE, reason=reason)


@router.get("/{member_no}.png", response_class=Response)
def card_png(
    member_no: str,
    device: CurrentDevice,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The member's active card as a PNG (ID-1 at 300 dpi, QR to the verification page)."""
    return _download(member_no, device, "png", session, settings, signer)


@router.get("/{member_no}.pdf", response_class=Response)
def card_pdf(
    member_no: str,
    device: CurrentDevice,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The member's active card as a one-page PDF of ID-1 size (85.6 x 54 mm), vector."""
    return _download(member_no, device, "pdf", session, settings, signer)
