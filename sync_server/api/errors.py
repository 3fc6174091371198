"""The protocol's error replies: `{"proto": 1, "error": {"code", "id", "en"}}`.

Every failure a client can see goes through here, so none of them is an HTML
page or a traceback, and each carries Bahasa Indonesia and English text.
"""

from __future__ import annotations

import contextlib
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from enrolment.protocol import PROTO

log = logging.getLogger(__name__)

MESSAGES: dict[str, tuple[str, str]] = {
    "pairing_code_invalid": (
        "Kode pemasangan salah, sudah dipakai, atau kedaluwarsa.",
        "The pairing code is wrong, already used, or expired.",
    ),
    "unauthorized": (
        "Perangkat belum dipasangkan atau tokennya tidak berlaku.",
        "The device is not paired or its token is not valid.",
    ),
    "body_too_large": ("Data kiriman terlalu besar.", "The request body is too large."),
    "bad_encoding": (
        "Kompresi data tidak dikenal atau rusak.",
        "The body's compression is unknown or corrupt.",
    ),
    "not_json": ("Data kiriman bukan JSON yang benar.", "The request body is not valid JSON."),
    "not_reconcile": (
        "Data kiriman bukan permintaan rekonsiliasi yang benar.",
        "The body is not a valid reconciliation request.",
    ),
    "not_push": (
        "Data kiriman bukan paket sinkronisasi versi 1.",
        "The body is not a protocol-1 push.",
    ),
    "too_many_records": (
        "Terlalu banyak data dalam satu kiriman (maksimal {n}).",
        "Too many records in one push (at most {n}).",
    ),
    "bad_cursor": (
        "Posisi sinkronisasi tidak dikenal; ulangi dari awal.",
        "Unknown sync cursor; start again without one.",
    ),
    "bad_kecamatan": (
        "Kode kecamatan tidak dikenal (contoh: 52.03.07).",
        "Unknown kecamatan code (e.g. 52.03.07).",
    ),
    # Card printing (GET /api/v1/cards/batch.pdf)
    "bad_desa": (
        "Kode desa tidak dikenal (contoh: 52.03.07.1001).",
        "Unknown desa code (e.g. 52.03.07.1001).",
    ),
    "bad_selection": (
        "Pilih satu kecamatan atau desa, nomor seri kartu, atau tanggal cetak ulang.",
        "Choose one kecamatan or desa, card serials, or a reprint date.",
    ),
    "no_cards": ("Tidak ada kartu untuk dicetak.", "There are no cards to print."),
    "batch_too_large": (
        "Terlalu banyak kartu ({n}) untuk satu unduhan (maksimal {max}); cetak per desa"
        " atau pakai perintah print-cards.",
        "Too many cards ({n}) for one download (at most {max}); print by desa or use the"
        " print-cards command.",
    ),
    "bad_request": ("Permintaan tidak valid.", "Bad request."),
    "invalid_request": ("Permintaan tidak valid: {detail}.", "Invalid request: {detail}."),
    "not_found": ("Tidak ditemukan.", "Not found."),
    "method_not_allowed": ("Metode tidak diizinkan.", "Method not allowed."),
    "http_error": ("Permintaan gagal.", "The request failed."),
    "too_many_attempts": (
        "Terlalu banyak percobaan; tunggu sebentar lalu coba lagi.",
        "Too many attempts; wait a while, then try again.",
    ),
    "busy": (
        "Server sedang sibuk; data tersimpan di tablet dan akan dikirim ulang.",
        "The server is busy; the data is kept on the tablet and will be sent again.",
    ),
    "client_disconnected": (
        "Kiriman terputus sebelum diterima lengkap; kirim ulang.",
        "The upload was cut off before it arrived in full; send it again.",
    ),
    "internal": (
        "Terjadi kesalahan di server. Silakan coba lagi nanti.",
        "Something went wrong on the server. Please try again later.",
    ),
}


class ApiError(Exception):
    """Raise in a route or dependency to answer with a protocol error."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers
        self.params = params


def error_body(code: str, **params: object) -> dict:
    """The JSON body of an error reply with `code`, texts filled from `params`."""
    id_text, en_text = MESSAGES.get(code, MESSAGES["http_error"])
    with contextlib.suppress(KeyError, IndexError):  # a missing parameter keeps the template
        id_text, en_text = id_text.format(**params), en_text.format(**params)
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
