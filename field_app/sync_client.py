"""Talks to the sync server: pairing, and pushing the outbox in batches.

A reply only counts if it is a well-formed message of the sync protocol; a
captive portal's HTML page with status 200 is a failure like a dropped link.
Nothing here changes a record's status except a definite per-record outcome.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx

from enrolment.protocol import (
    DELIVERED,
    PAIR_PATH,
    PROTO,
    PUSH_PATH,
    RecordResult,
    WireError,
    decode_push_reply,
    record_to_wire,
)
from field_app import outbox
from field_app.store import Store

# Every request has a deadline: a 100-record batch is ~8 KB gzipped, ~2 s at 50 kbit/s.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
PULL_PATH = "/api/v1/sync/pull"

# One sync at a time per process (web mode serves several sessions from one store).
_SYNC_LOCK = threading.Lock()


class SyncError(Exception):
    """A sync attempt failed; `kind` picks the officer-facing message."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind  # unreachable | unauthorized | bad_reply | pairing_invalid | not_paired
        self.detail = detail


@dataclass(frozen=True)
class SyncReport:
    """What one sync run achieved."""

    sent: int
    accepted: int
    set_aside: int
    bytes_sent: int
    pull_error: str = ""  # the push counts even if the pull after it failed


def _post_json(url: str, body: dict, token: str | None = None) -> httpx.Response:
    data = gzip.compress(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        return httpx.post(url, content=data, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise SyncError("unreachable", str(exc)) from exc


def _get_json(url: str, params: dict[str, str], token: str) -> httpx.Response:
    try:
        return httpx.get(
            url, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )
    except httpx.HTTPError as exc:
        raise SyncError("unreachable", str(exc)) from exc


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError as exc:
        raise SyncError("bad_reply", f"HTTP {response.status_code}, not JSON") from exc
    if not isinstance(body, dict) or body.get("proto") != PROTO:
        raise SyncError("bad_reply", f"HTTP {response.status_code}, not a sync reply")
    return body


def pair(server_url: str, code: str, device_name: str, officer: str) -> tuple[str, str]:
    """Exchange a pairing code for `(device_id, token)`."""
    url = server_url.rstrip("/") + PAIR_PATH
    response = _post_json(
        url, {"code": code.strip(), "device_name": device_name, "officer": officer}
    )
    body = _json(response)
    if response.status_code != 200:
        raise SyncError("pairing_invalid", body.get("error", {}).get("code", ""))
    device_id, token = body.get("device_id"), body.get("token")
    if not isinstance(device_id, str) or not isinstance(token, str):
        raise SyncError("bad_reply", "pairing reply without token")
    return device_id, token


def sync(
    store: Store,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = outbox.BATCH_SIZE,
) -> SyncReport:
    """Push every pending record, then pull what the server has for this tablet."""
    with _SYNC_LOCK:
        report = push(store, on_progress, batch_size)
        try:
            pull(store)
        except SyncError as exc:
            return replace(report, pull_error=exc.kind)
        return report


def _credentials(store: Store) -> tuple[str, str]:
    server_url, token = store.get_setting("server_url"), store.get_setting("device_token")
    if not server_url or not token:
        raise SyncError("not_paired")
    return server_url.rstrip("/"), token


def push(
    store: Store,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = outbox.BATCH_SIZE,
) -> SyncReport:
    """Push every pending record, batch by batch, until none is left.

    Raises SyncError on the first failed attempt; what was already answered stays
    answered, and the rest stays pending for the next try.
    """
    server_url, token = _credentials(store)
    url = server_url + PUSH_PATH
    sent = accepted = set_aside = bytes_sent = 0
    while batch := outbox.next_batch(store, batch_size):
        body = {"proto": PROTO, "records": [record_to_wire(r) for r in batch]}
        response = _post_json(url, body, token)
        bytes_sent += len(response.request.content)
        if response.status_code == 401:
            raise SyncError("unauthorized")
        reply = _json(response)
        if response.status_code != 200:
            raise SyncError("bad_reply", str(reply.get("error", response.status_code)))
        try:
            results = decode_push_reply(reply, batch)
        except WireError as exc:
            raise SyncError("bad_reply", str(exc)) from exc
        outbox.apply_results(store, batch, results)
        sent += len(batch)
        accepted += sum(1 for r in results if r.outcome in DELIVERED)
        set_aside += sum(1 for r in results if r.outcome not in DELIVERED)
        if on_progress:
            on_progress(sent, bytes_sent)
    return SyncReport(sent, accepted, set_aside, bytes_sent)


def pull(store: Store) -> None:
    """Fetch keys, revocations, review outcomes and the NIK roster since the last pull."""
    server_url, token = _credentials(store)
    params = {
        "cursor": store.get_setting("pull_cursor"),
        "kec": ",".join(store.kecamatan_codes()),
    }
    response = _get_json(server_url + PULL_PATH, params, token)
    if response.status_code == 401:
        raise SyncError("unauthorized")
    body = _json(response)
    if response.status_code != 200:
        raise SyncError("bad_reply", str(body.get("error", response.status_code)))
    try:
        keys = {k["kid"]: k["x"] for k in body["keys"]}
        revoked = [int(n) for n in body.get("revoked", [])]
        roster = body.get("roster") or {}
        hashes = [str(h) for h in roster.get("hashes", [])]
        updates = [RecordResult.from_update(u) for u in body.get("updates", [])]
        cursor = str(body["cursor"])
    except (KeyError, TypeError, ValueError, WireError) as exc:
        raise SyncError("bad_reply", f"malformed pull reply: {exc}") from exc
    if roster.get("salt"):
        store.set_settings(roster_salt=str(roster["salt"]))
    if updates:
        outbox.apply_updates(store, updates)
    store.apply_pull(
        cursor=cursor,
        keys=keys,
        revoked=revoked,
        roster=hashes,
        roster_full=bool(roster.get("full")),
    )
