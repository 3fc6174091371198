"""Public card verification: the page a scanned QR opens, its JSON twin, and the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from enrolment.protocol import KEYS_PATH, PROTO
from enrolment.verify_codec import encode_verify_reply
from sync_server.dependencies import SessionDep
from sync_server.services.signing import key_set
from sync_server.services.verification import verify_card_token

router = APIRouter(tags=["verify"])

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parents[2] / "templates"),
    autoescape=True,  # names are user input
)
# Tokens in the URL must not leak to other sites, and a revocation must show at once.
_PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@router.get("/v/{token}", response_class=HTMLResponse)
def verify_page(token: str, session: SessionDep) -> HTMLResponse:
    """Mobile-friendly page saying whether the card is genuine and valid."""
    result = verify_card_token(session=session, token=token)
    html = _templates.get_template("verify.html").render(
        v=result, card=encode_verify_reply(result.to_reply()).get("card")
    )
    return HTMLResponse(html, headers=_PRIVATE_HEADERS)


@router.get("/api/v1/verify/{token}")
def verify_json(token: str, session: SessionDep) -> dict[str, Any]:
    """The verification verdict as JSON."""
    return encode_verify_reply(verify_card_token(session=session, token=token).to_reply())


@router.get(KEYS_PATH)
def keys(session: SessionDep) -> dict[str, Any]:
    """Public card-signing keys, for offline verification on tablets."""
    return {"proto": PROTO, "keys": key_set(session=session)}
