"""Request size limits for every route, enforced before a route reads the body.

An ASGI middleware: a request whose Content-Length is over its route's limit is
answered 413 at once, before one byte of the body is read (a client that sent
`Expect: 100-continue` never even sends it); a body without Content-Length (chunked)
is counted while it streams in and cut off at the limit. Without this, Starlette's
form parser spooled a 300 MB anonymous POST to /desk/login onto the disk.

Limits, by route (the most specific prefix wins):

| route | limit | why |
|---|---|---|
| POST /api/v1/sync/… | `Settings.max_body_bytes` (4 MiB) | a gzipped push or activities |
| POST /api/v1/devices/pair | 4 KiB | anonymous: a code and two names |
| POST /desk/login | 4 KiB | anonymous: a name and a password |
| POST /desk/kpj | 5 MiB + form overhead | the KPJ spreadsheet upload |
| anything else | 64 KiB | desk forms, and any body sent where none is expected |

The 413 reply is the protocol's JSON error object outside /desk, a bilingual page
inside it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from enrolment.messages import texts
from enrolment.protocol import PAIR_PATH
from sync_server.api.errors import error_body
from sync_server.config import Settings
from sync_server.web.templating import render

KIB = 1024
MIB = 1024 * KIB
PAIR_BODY = 4 * KIB
LOGIN_BODY = 4 * KIB
UPLOAD_FILE = 5 * MIB  # the KPJ spreadsheet itself (exports.py refuses a larger file)
UPLOAD_BODY = UPLOAD_FILE + 64 * KIB  # multipart boundaries, headers and the CSRF field
DEFAULT_BODY = 64 * KIB

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(StarletteHTTPException):
    """A request body over its route's limit. An HTTPException, so FastAPI's own body
    parsing lets it through unchanged (it turns other errors into a 400)."""

    def __init__(self, limit: int):
        super().__init__(status_code=413, detail="body_too_large")
        self.limit = limit


def route_limits(settings: Settings) -> list[tuple[str, str, int]]:
    """(method, path or path prefix ending in "/", limit in bytes), most specific first."""
    return [
        ("POST", "/api/v1/sync/", settings.max_body_bytes),
        ("POST", PAIR_PATH, PAIR_BODY),
        ("POST", "/desk/login", LOGIN_BODY),
        ("POST", "/desk/kpj", UPLOAD_BODY),
    ]


def limit_for(limits: list[tuple[str, str, int]], method: str, path: str) -> int:
    """The body limit of a request to `method path`."""
    for route_method, route, limit in limits:
        if method != route_method:
            continue
        if path == route or (route.endswith("/") and path.startswith(route)):
            return limit
    return DEFAULT_BODY


def human_size(n: int) -> str:
    """4 KB, 64 KB, 5 MB: how the messages name a limit (rounded down)."""
    return f"{n // MIB} MB" if n >= MIB else f"{n // KIB} KB"


class BodyLimitMiddleware:
    """Refuse or cut off request bodies over their route's limit (see the module)."""

    def __init__(self, app: ASGIApp, limits: list[tuple[str, str, int]]):
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length, then count the bytes the route actually receives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(self.limits, scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large_response(scope, limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:
            # Raised where no exception handler saw it (e.g. while a middleware read).
            if started:
                raise
            await too_large_response(scope, exc.limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared body size; an unreadable value counts as too large."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else 1 << 62
    return None


def too_large_response(scope: Scope, limit: int) -> Response:
    """413: the protocol's error object, or a desk page under /desk."""
    # The catalogue's body_over_limit, which names the limit; the wire code stays.
    size = human_size(limit)
    if scope["path"].startswith("/desk"):
        id_text, en_text = texts("body_over_limit", size=size)
        context = {"status": 413, "message_id": id_text, "message_en": en_text}
        response: Response = render(Request(scope), "error.html", context, status=413)
    else:
        body = error_body("body_too_large", message="body_over_limit", size=size)
        response = JSONResponse(body, status_code=413)
    response.headers["Connection"] = "close"  # the rest of the body is not read
    return response


def install_body_limits(app: FastAPI, settings: Settings) -> None:
    """Add the middleware (outermost of the app's own) and the 413 handler for bodies
    cut off while a route reads them."""

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BodyTooLarge)
        return too_large_response(request.scope, exc.limit)

    app.add_exception_handler(BodyTooLarge, handler)
    app.add_middleware(BodyLimitMiddleware, limits=route_limits(settings))
