"""Jinja2 rendering for desk pages, with what every page needs (user, CSRF token, menu)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from enrolment.contributions import format_rupiah
from enrolment.messages import MESSAGES, fill, text, texts
from sync_server.desk_format import (
    DAY_PATTERN,
    DAY_PLACEHOLDER,
    format_day,
    format_number,
    format_percent,
    format_when,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "desk"
STATIC = Path(__file__).resolve().parents[1] / "static"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # names and reasons are user input
    trim_blocks=True,
    lstrip_blocks=True,
)


def _text(message: str, lang: str = "id", /, **params: object) -> str:
    # Positional-only, so a template may fill a placeholder named {code} (an area's code),
    # which `enrolment.messages.text(code, …)` would take for its own argument.
    if message not in MESSAGES:
        return text(message, lang)  # logged there, shown as the code
    return fill(MESSAGES[message]["en" if lang == "en" else "id"], params)


def _texts(message: str, /, **params: object) -> tuple[str, str]:
    return _text(message, "id", **params), _text(message, "en", **params)


def _slashed(message: str, /, **params: object) -> str:
    return " / ".join(_texts(message, **params))


def words(code: str) -> tuple[str, str]:
    """(Indonesian, English) of a catalogue code named at run time (an audit action, a
    review status); an unknown one shows as itself rather than failing the page."""
    return (code, code) if code not in MESSAGES else texts(code)


_env.filters.update(
    num=format_number,
    pct=format_percent,
    when=format_when,
    day=format_day,
    rupiah=format_rupiah,
)

# Templates may look texts up themselves: {{ text("desk_not_found", "en") }} (the codes
# they name are checked by tests/unit/test_message_catalogue.py).
_env.globals.update(
    text=_text,
    texts=_texts,
    slashed=_slashed,
    words=words,
    day_placeholder=DAY_PLACEHOLDER,
    day_pattern=DAY_PATTERN,
)

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
