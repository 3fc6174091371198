"""Card actions at the desk: print a kecamatan's or village's cards, revoke, reissue.

The work is the cards services' (card_batches, revocation); this router checks the
form, audits the action in the same transaction, and answers with a page or the PDF.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from enrolment.areas import kecamatan, villages
from sync_server.api.deps import SessionDep, SettingsDep
from sync_server.models import utcnow
from sync_server.services.audit import audit
from sync_server.services.card_batches import BatchError, batch_pdf
from sync_server.services.members import member_number, parse_member_number
from sync_server.services.revocation import RevocationError, reissue_card, revoke_card
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/cards", tags=["desk"], include_in_schema=False)

#: A batch is drawn inside the request: beyond this, print village by village.
MAX_BATCH_CARDS = 3000
REASON_NAMES = {
    "lost": "Hilang / Lost",
    "stolen": "Dicuri / Stolen",
    "data_error": "Data salah / Wrong data",
}
ERRORS = {
    "bad_selection": "Pilih satu kecamatan atau desa / Choose one kecamatan or village",
    "bad_kecamatan": "Kecamatan tidak dikenal / Unknown kecamatan",
    "bad_desa": "Desa tidak dikenal / Unknown village",
    "no_cards": "Tidak ada kartu aktif di wilayah ini / No active cards in this area",
    "batch_too_large": "Terlalu banyak kartu; cetak per desa / Too many cards; print per village",
    "bad_reason": "Pilih alasan / Choose a reason",
    "unknown_card": "Nomor seri kartu tidak dikenal / Unknown card serial",
    "already_revoked": "Kartu sudah dicabut / The card is already revoked",
    "unknown_member": "Nomor anggota tidak dikenal / Unknown member number",
}


def _page(request: Request, *, error: str = "", done: str = "", status: int = 200) -> Response:
    areas = []
    for k in kecamatan():
        areas.append((k.code, f"Kec. {k.name}"))
        areas.extend((v.code, f"   {v.name}") for v in villages(k.code))
    context = {"areas": areas, "reasons": REASON_NAMES, "error": error, "done": done}
    return render(request, "cards.html", context, status=status)


@router.get("", response_model=None)
def cards_page(request: Request, desk: DeskDep) -> Response:
    """Forms: print a batch, revoke a card, reissue a member's card."""
    return _page(request)


@router.post("/batch", response_model=None)
def cards_batch(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    settings: SettingsDep,
    area: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """An A4 PDF of the active cards of one kecamatan or village, to print and cut."""
    is_desa = area.count(".") == 3
    try:
        pdf = batch_pdf(
            session,
            kecamatan=None if is_desa else (area or None),
            desa=area if is_desa else None,
            settings=settings,
            max_cards=MAX_BATCH_CARDS,
        )
    except BatchError as exc:
        session.rollback()
        return _page(request, error=ERRORS.get(exc.code, exc.code), status=400)
    audit(session, desk.user, "cards_batch", area, "", {"bytes": len(pdf)})
    session.commit()
    name = f"kartu-{area or 'semua'}-{utcnow():%Y%m%d}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/revoke", response_model=None)
def cards_revoke(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    serial: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Revoke one card (lost, stolen, wrong data); every tablet learns it at its next pull."""
    if not serial.strip().isdigit():
        return _page(request, error=ERRORS["unknown_card"], status=400)
    try:
        revoke_card(session, serial=int(serial), reason=reason, actor=desk.user.username)
    except RevocationError as exc:
        session.rollback()
        return _page(request, error=ERRORS.get(exc.code, exc.code), status=400)
    audit(session, desk.user, "card_revoke", f"card:{int(serial)}", note.strip() or reason)
    session.commit()
    return _page(request, done=f"Kartu {int(serial)} dicabut / Card {int(serial)} revoked")


@router.post("/reissue", response_model=None)
def cards_reissue(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    settings: SettingsDep,
    member_no: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A new card for a member (the old one, if active, is revoked as reissued)."""
    member_id = parse_member_number(member_no)
    if member_id is None:
        return _page(request, error=ERRORS["unknown_member"], status=400)
    try:
        card = reissue_card(
            session,
            member_id=member_id,
            actor=desk.user.username,
            valid_years=settings.card_valid_years,
        )
    except RevocationError as exc:
        session.rollback()
        return _page(request, error=ERRORS.get(exc.code, exc.code), status=400)
    serial = card.id
    audit(
        session,
        desk.user,
        "card_reissue",
        member_number(member_id),
        note.strip(),
        {"serial": serial},
    )
    session.commit()
    return _page(request, done=f"Kartu baru {serial} untuk {member_number(member_id)} / New card")
