"""Card images for the tablets to show or print."""

from __future__ import annotations

from fastapi import APIRouter, Response

from sync_server.api.deps import CurrentDevice, SessionDep, SettingsDep, SignerDep
from sync_server.api.errors import ApiError
from sync_server.models import Member
from sync_server.services.cards import card_claims, issue_or_get_card, render_card_png, verify_url
from sync_server.services.members import parse_member_number

router = APIRouter(prefix="/api/v1/cards", tags=["cards"])


@router.get("/{member_no}.png", response_class=Response)
def card_png(
    member_no: str,
    _device: CurrentDevice,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> Response:
    """The member's card as a PNG (ID-1 proportions, QR linking to the verification page)."""
    member_id = parse_member_number(member_no)
    member = session.get(Member, member_id) if member_id else None
    if member is None or member.id is None:
        raise ApiError(404, "not_found")
    card = issue_or_get_card(
        session=session, member_id=member.id, kid=signer.kid, valid_years=settings.card_valid_years
    )
    claims = card_claims(member, card)
    session.commit()  # before rendering, which needs no database
    png = render_card_png(claims, verify_url(settings.public_base_url, signer.sign_card(claims)))
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
