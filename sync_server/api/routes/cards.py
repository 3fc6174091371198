"""Card images and PDFs: one member's card (tablets), and A4 batches (the desk)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from enrolment.card_token import CardClaims
from sync_server.api.deps import CurrentDevice, SessionDep, SettingsDep, SignerDep
from sync_server.api.errors import ApiError
from sync_server.services.card_batches import BatchError, batch_pdf, parse_serials
from sync_server.services.card_pdf import render_card_pdf
from sync_server.services.card_png import render_card_png
from sync_server.services.cards import printable_card
from sync_server.web.deps import ApiUserDep

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


def _card(
    member_no: str, session: SessionDep, settings: SettingsDep, signer: SignerDep
) -> tuple[CardClaims, str]:
    found = printable_card(
        session=session,
        member_no=member_no,
        signer=signer,
        public_base_url=settings.public_base_url,
        valid_years=settings.card_valid_years,
    )
    if found is None:
        raise ApiError(404, "not_found")
    return found


@router.get("/{member_no}.png", response_class=Response)
def card_png(
    member_no: str,
    _device: CurrentDevice,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The member's card as a PNG (ID-1 at 300 dpi, QR linking to the verification page)."""
    png = render_card_png(*_card(member_no, session, settings, signer))
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/{member_no}.pdf", response_class=Response)
def card_pdf(
    member_no: str,
    _device: CurrentDevice,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The member's card as a one-page PDF of ID-1 size (85.6 x 54 mm), vector."""
    pdf = render_card_pdf(*_card(member_no, session, settings, signer))
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store"})
