"""Desk errors as HTML pages: the API keeps its JSON errors, pages under /desk get pages.

The API's handlers (sync_server/api/errors.py) are installed first; these wrap them and
take over only for /desk paths, so no desk mistake ever shows JSON or a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync_server.web.templating import render

log = logging.getLogger(__name__)
PREFIX = "/desk"

MESSAGES: dict[str, tuple[str, str]] = {
    "csrf": (
        "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
        "The form expired or is not valid. Reload the page and try again.",
    ),
    "forbidden": ("Anda tidak berhak membuka halaman ini.", "You may not open this page."),
    "not_found": ("Halaman atau data tidak ditemukan.", "Page or record not found."),
    "bad_input": ("Isian tidak valid: {detail}.", "Invalid input: {detail}."),
    "internal": (
        "Terjadi kesalahan di server. Silakan coba lagi.",
        "Something went wrong on the server. Please try again.",
    ),
}


class LoginRequired(Exception):
    """No valid desk session: send the browser to the sign-in page."""


class DeskError(Exception):
    """Raise in a desk route to answer with an error page."""

    def __init__(self, status: int, code: str, **params: Any):
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params


def error_page(request: Request, status: int, code: str, **params: Any) -> Response:
    """A small bilingual error page."""
    id_text, en_text = MESSAGES.get(code, MESSAGES["bad_input"])
    with contextlib.suppress(KeyError, IndexError):  # a missing parameter keeps the template
        id_text, en_text = id_text.format(**params), en_text.format(**params)
    return render(
        request,
        "error.html",
        {"status": status, "message_id": id_text, "message_en": en_text},
        status=status,
    )


def install_desk_errors(app: FastAPI) -> None:
    """Route /desk errors to pages; everything else to the API's handlers."""
    api_http = app.exception_handlers[StarletteHTTPException]
    api_validation = app.exception_handlers[RequestValidationError]
    api_unexpected = app.exception_handlers[Exception]

    async def login_required(request: Request, _exc: Exception) -> Response:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)

    async def desk_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DeskError)
        return error_page(request, exc.status, exc.code, **exc.params)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not request.url.path.startswith(PREFIX):
            return await api_http(request, exc)
        code = {403: "forbidden", 404: "not_found"}.get(exc.status_code, "bad_input")
        return error_page(request, exc.status_code, code, detail=str(exc.detail)[:100])

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not request.url.path.startswith(PREFIX):
            return await api_validation(request, exc)
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return error_page(request, 422, "bad_input", detail=f"{where or '?'}")

    async def unexpected(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith(PREFIX):
            return await api_unexpected(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, 500, "internal")

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(DeskError, desk_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
