"""Jinja2 rendering for desk pages, with what every page needs (user, CSRF token, menu)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from enrolment.contributions import format_rupiah
from enrolment.messages import slashed, text, texts

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "desk"
STATIC = Path(__file__).resolve().parents[1] / "static"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # names and reasons are user input
    trim_blocks=True,
    lstrip_blocks=True,
)


def _num(n: int | float | None) -> str:
    """Indonesian thousands separators: 1.457.591."""
    return "–" if n is None else f"{n:,.0f}".replace(",", ".")


def _pct(p: float | None) -> str:
    return "–" if p is None else f"{p:.1f} %".replace(".", ",")


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") + " UTC"
    return value.isoformat()


_env.filters.update(num=_num, pct=_pct, when=_when, rupiah=format_rupiah)

# Templates may look texts up themselves: {{ text("desk_not_found", "en") }} (the codes
# they name are checked by tests/unit/test_message_catalogue.py).
_env.globals.update(text=text, texts=texts, slashed=slashed)

NAV = (
    ("/desk/", *texts("nav_coverage")),
    ("/desk/review", *texts("nav_review")),
    ("/desk/devices", *texts("nav_devices")),
    ("/desk/cards", *texts("nav_cards")),
    ("/desk/money", *texts("nav_money")),
    ("/desk/exports", *texts("nav_exports")),
    ("/desk/audit", *texts("nav_audit")),
)


def render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """Render `name` with the signed-in user and CSRF token (set by the desk dependency)."""
    desk = getattr(request.state, "desk", None)
    html = _env.get_template(name).render(
        request_path=request.url.path,
        user=desk.user if desk else None,
        csrf_token=desk.csrf if desk else "",
        nav=NAV,
        **context,
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",  # pages hold personal data
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )
