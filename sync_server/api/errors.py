"""The protocol's error replies: `{"proto": 1, "error": {"code", "id", "en"}}`.

Every failure a client can see goes through here, so none of them is an HTML
page or a traceback, and each carries Bahasa Indonesia and English text: the texts of
its code in the message catalogue (`enrolment.messages`, part `api.py`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from enrolment.messages import has, texts
from enrolment.protocol import PROTO

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raise in a route or dependency to answer with a protocol error."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers
        self.params = params


def error_body(code: str, **params: object) -> dict:
    """The JSON body of an error reply with `code`, texts filled from `params` (a missing
    parameter keeps the template). `message` names another catalogue entry than `code`
    for the texts; a code the catalogue lacks gets the texts of `http_error`."""
    message = str(params.pop("message", code))
    id_text, en_text = texts(message if has(message) else "http_error", **params)
    return {"proto": PROTO, "error": {"code": code, "id": id_text, "en": en_text}}


def error_response(
    status: int, code: str, headers: dict[str, str] | None = None, **params: object
) -> JSONResponse:
    """A JSONResponse carrying a protocol error."""
    return JSONResponse(error_body(code, **params), status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "too_many_attempts",
}


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.headers, **exc.params)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Name the first offending field only: enough to fix the request, and it never
    # echoes the submitted values back.
    errors = exc.errors()
    detail = "?"
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        detail = f"{where}: {first.get('msg', 'invalid')}"
    return error_response(422, "invalid_request", detail=detail[:200])


async def _client_gone(request: Request, exc: Exception) -> JSONResponse:
    # A tablet losing its link mid-upload is ordinary on a rural 2G link, not a server
    # fault: nothing was read or stored, the tablet resends. So one line, no traceback
    # and no 500; the reply has no reader (the server drops it unsent).
    assert isinstance(exc, ClientDisconnect)
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return error_response(400, "client_disconnected")


async def _database_busy(request: Request, exc: Exception) -> JSONResponse:
    # The database's wait ran out (SQLite's busy timeout, a lost PostgreSQL link): the
    # request changed nothing and is safe to resend, so 503 with a hint, not a 500.
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return error_response(503, "busy", {"Retry-After": "5"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error reply, expected or not, a protocol error object."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    for outage in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(outage, _database_busy)
    app.add_exception_handler(Exception, _unexpected)
