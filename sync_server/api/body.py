"""Reading JSON request bodies: size cap, optional gzip, JSON, the proto-1 push envelopes
(enrolments, and field activities).

The tablet gzips every request, so every JSON endpoint reads its body here rather
than through FastAPI's body parsing, which knows nothing of Content-Encoding.
Anything wrong here is the whole request's fault, so it is a 400 and nothing is
stored; a wrong individual record is the ingest service's business instead.

The body must be UTF-8 (RFC 8259): bytes that are not are a corrupt body (400). JSON's
own escapes are another matter: `"\u0000"` or a lone `"\ud800"` is valid JSON and parses
to a str that no database or UTF-8 reply can take. Such strings are kept as they are
here, so the envelope still parses and `records.validate` rejects just that record
(`bad_characters`); nothing in this module encodes them.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

import orjson
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from enrolment.activities import MAX_ACTIVITIES
from enrolment.protocol import MAX_BATCH, PROTO
from sync_server.api.errors import ApiError

# 19 digits in a row: maybe an integer beyond 64 bits (or a long digit string, rare).
_LONG_NUMBER = re.compile(r"\d{19}")
# Bodies smaller than this are parsed at once; larger ones in a worker thread.
_ON_LOOP_BYTES = 16 * 1024


async def read_json(request: Request) -> Any:
    """The request body as parsed JSON (gunzipped if so declared), or ApiError(400)."""
    settings = request.app.state.settings
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise ApiError(400, "bad_encoding")
    declared = request.headers.get("content-length", "")
    # isascii: "\xb2".isdigit() is true, and int() of it would raise.
    if declared.isascii() and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise ApiError(400, "body_too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body_bytes:
            raise ApiError(400, "body_too_large")
    raw = bytes(body)
    if len(raw) < _ON_LOOP_BYTES:
        return _parse(raw, encoding == "gzip", settings.max_json_bytes)
    # A large batch takes tens of milliseconds to inflate and parse: off the event loop,
    # so other requests (and other tablets) are not held up meanwhile.
    return await run_in_threadpool(_parse, raw, encoding == "gzip", settings.max_json_bytes)


def _parse(raw: bytes, gzipped: bool, limit: int) -> Any:
    data = _gunzip(raw, limit) if gzipped else raw
    try:
        # Decoded here, strictly: json.loads(bytes) would guess UTF-16/32 and let
        # surrogate byte sequences through ("surrogatepass"). A BOM is tolerated.
        text = data.decode("utf-8-sig")
    except ValueError:  # UnicodeDecodeError
        raise ApiError(400, "not_json") from None
    if _LONG_NUMBER.search(text) is None:  # orjson reads those as floats, json as ints
        try:
            return orjson.loads(text)  # several times faster, and nearly always enough
        except orjson.JSONDecodeError:
            pass
    try:
        # What orjson refuses and json reads as before: lone surrogate escapes (then
        # set aside record by record), NaN, integers beyond 64 bits; and real errors.
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "not_json") from None


async def read_push_records(request: Request) -> list[Any]:
    """The `records` list of a proto-1 push body, or ApiError(400)."""
    envelope, records = await _listed(request, "records", "not_push")
    if len(records) > MAX_BATCH:
        raise ApiError(400, "too_many_records", n=MAX_BATCH)
    # The app revision (absent from older apps): which outcomes the tablet understands.
    rev = envelope.get("rev")
    request.state.push_revision = rev if type(rev) is int else 1
    return records


async def read_activities(request: Request) -> list[Any]:
    """The `activities` list of a proto-1 activities push body, or ApiError(400).
    The items are left raw: a malformed one is answered `rejected` in its place."""
    _, activities = await _listed(request, "activities", "not_activities")
    if len(activities) > MAX_ACTIVITIES:
        raise ApiError(400, "too_many_activities", n=MAX_ACTIVITIES)
    return activities


async def _listed(request: Request, key: str, refusal: str) -> tuple[dict[str, Any], list[Any]]:
    """A proto-1 envelope and its list under `key`, or ApiError(400, refusal)."""
    envelope = await read_json(request)
    if not isinstance(envelope, dict):
        raise ApiError(400, refusal)
    proto, items = envelope.get("proto"), envelope.get(key)
    # `type(...) is int`: JSON `true` must not pass as proto 1.
    if type(proto) is not int or proto != PROTO or not isinstance(items, list):
        raise ApiError(400, refusal)
    return envelope, items


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress at most `limit` bytes, so a small gzip bomb cannot exhaust memory."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise ApiError(400, "bad_encoding") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ApiError(400, "body_too_large")
    if not inflater.eof:
        raise ApiError(400, "bad_encoding")  # truncated stream
    return out
