"""Desk errors as HTML pages: the API keeps its JSON errors, pages under /desk get pages.

The API's handlers (sync_server/api/errors.py) are installed first; these wrap them and
take over only for /desk paths, so no desk mistake ever shows JSON or a traceback.
A page's texts are the catalogue's `desk_<code>` (enrolment/messages/desk.py).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from enrolment.messages import has, texts
from sync_server.web.templating import render

log = logging.getLogger(__name__)
PREFIX = "/desk"


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
    """A small bilingual error page: the texts of `desk_<code>` (of `desk_bad_input` for a
    code the catalogue lacks), a missing parameter keeping the template."""
    message = f"desk_{code}"
    id_text, en_text = texts(message if has(message) else "desk_bad_input", **params)
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
