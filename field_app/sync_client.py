"""Talks to the sync server: pairing, pushing the outbox in batches, pulling, and
reconciling with a server that was wiped or restored from a backup.

A reply only counts if it is a well-formed message of the sync protocol; a
captive portal's HTML page with status 200 is a failure like a dropped link.
A push reply must be bound to the batch it answers (`b`) and every card it
carries must verify with the server's keys before a record is marked sent.
Nothing here changes a record's status except a definite per-record outcome,
or the server saying it lacks a record the tablet holds as delivered.

Past 400 lines on purpose: every exchange with the server (pair, push, pull, reconcile,
and the activities' connection for field_app/activity_sync.py) reads and judges replies
through the same few functions here, so none can skip a check.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx

from enrolment import card_token
from enrolment.protocol import (
    DELIVERED,
    KEYS_PATH,
    PAIR_PATH,
    PROTO,
    PUSH_PATH,
    REVISION,
    RecordResult,
    WireError,
    decode_push_reply,
)
from enrolment.pull_codec import decode_pull_reply
from enrolment.reconcile import bucket_of, summarise
from enrolment.records import Enrolment
from field_app import activity_sync, outbox, sync_pipeline
from field_app.server_address import check_server_address
from field_app.store import Store

# Every request has a deadline: a 100-record batch is ~8 KB gzipped, ~2 s at 50 kbit/s.
# The read deadline is well above the server's longest wait for its database
# (sync_server.db.SQLITE_BUSY_TIMEOUT_MS), so a retry never overtakes the request it
# retries while that request still waits on the server.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PULL_PATH = "/api/v1/sync/pull"
RECONCILE_PATH = "/api/v1/sync/reconcile"
# Settings: the server identity last spoken to, the device it was reconciled for,
# and whether a reconciliation is owed.
SERVER_IDENTITY = "server_identity"
#: The server's public address, learnt at each pull: the link in the tablet's card QR.
PUBLIC_URL = "public_url"
RECONCILED_DEVICE = "reconciled_device"
RECONCILE_DUE = "reconcile_due"
#: Push batches on the link at once: one going up while the reply to the one before
#: comes down. Two keep both directions of a slow link busy; more would only split the
#: upload between batches (and the server's attention between this tablet's requests).
PUSH_IN_FLIGHT = 2
#: The first batch of a push carries this share (1/4) of a batch's records.
FIRST_BATCH_SHARE = 4
# Keys sent in one `have` request of reconciliation.
RECONCILE_CHUNK = 2000

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
    # Attendance and UMKM visits sent, and how many of them the server refused.
    activities_sent: int = 0
    activities_set_aside: int = 0


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
    """Push every pending record, then pull what the server has for this tablet; if the
    server is not the one (or not the state of it) this tablet last spoke to, reconcile
    and push again what it turned out to lack."""
    with _SYNC_LOCK:
        try:
            return _sync_locked(store, on_progress, batch_size)
        except SyncError as exc:
            if exc.kind == "revoked":
                # At once: what the server holds is gone from the tablet; what it never
                # accepted stays (sealed) for after pairing again.
                store.wipe_delivered()
            raise


def _sync_locked(
    store: Store, on_progress: Callable[[int, int], None] | None, batch_size: int
) -> SyncReport:
    _note_pairing(store)
    report = push(store, on_progress, batch_size)
    # After the enrolments: a person enrolled at a session is a member by the time the
    # server counts their attendance.
    report = push_activities(store, report)
    try:
        pull(store)
    except SyncError as exc:
        if exc.kind in ("unauthorized", "revoked"):
            raise  # the tablet must pair again (e.g. the server was wiped): say so
        return replace(report, pull_error=exc.kind)
    if store.get_setting(RECONCILE_DUE):
        resent = reconcile(store)
        # Activities have no version to compare: all delivered ones go again, and the
        # server answers `duplicate` (or `already_counted`) for what it kept.
        if store.resend_activities():
            report = push_activities(store, report)
        if resent:
            report = _add(report, push(store, on_progress, batch_size))
    return report


def _credentials(store: Store) -> tuple[str, str]:
    server_url, token = store.get_setting("server_url"), store.get_setting("device_token")
    if not server_url or not token:
        raise SyncError("not_paired")
    return server_url.rstrip("/"), token


def _note_pairing(store: Store) -> None:
    """A new pairing (e.g. after the server was wiped) owes a reconciliation: the
    records this tablet holds as delivered may not be on that server."""
    device_id = store.get_setting("device_id")
    if device_id and store.get_setting(RECONCILED_DEVICE) != device_id:
        if store.delivered_count():
            store.set_settings(**{RECONCILE_DUE: "1"})
        store.set_settings(**{RECONCILED_DEVICE: device_id})


def _note_server(store: Store, reply: dict) -> None:
    """Remember which server answered; another identity or generation than before
    means it may have lost records: reconcile."""
    srv = reply.get("srv")
    if not isinstance(srv, str) or not srv:
        return  # a server older than reply identities
    known = store.get_setting(SERVER_IDENTITY)
    if srv != known:
        changes = {SERVER_IDENTITY: srv}
        if known:
            changes[RECONCILE_DUE] = "1"
        store.set_settings(**changes)


def push(
    store: Store,
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = outbox.BATCH_SIZE,
) -> SyncReport:
    """Push every pending record, batch by batch, until none is left.

    Up to PUSH_IN_FLIGHT batches are on the link at once (field_app/sync_pipeline.py):
    the next batch goes up while the reply to the one before comes down. Replies are
    applied on this thread in the order sent, each bound to its batch; a batch never
    holds a record another batch in flight holds, so an edit made meanwhile waits for
    the answer to the version sent.

    Raises SyncError on the first failed attempt; what was already answered stays
    answered (so do the other batches in flight, if answered well), and the rest stays
    pending for the next try.
    """
    server_url, token = _credentials(store)
    url = server_url + PUSH_PATH
    tally = SyncReport(0, 0, 0, 0)

    def next_batch(in_flight: list[_Batch]) -> _Batch | None:
        busy = {r.client_id for batch in in_flight for r in batch.records}
        # The first batch is small, so the second one's upload is under way when its reply
        # comes down and the two then take turns; two equal batches sent at once would
        # share the upload, then the download, and keep doing so: no overlap.
        size = batch_size if in_flight else max(1, batch_size // FIRST_BATCH_SHARE)
        records, wires = outbox.next_outgoing(store, size + len(busy))
        chosen = [(r, w) for r, w in zip(records, wires, strict=True) if r.client_id not in busy]
        chosen = chosen[:size]
        return _Batch([r for r, _ in chosen], [w for _, w in chosen]) if chosen else None

    def send(batch: _Batch) -> httpx.Response:
        body = {"proto": PROTO, "rev": REVISION, "records": batch.wires}
        return _post_json(url, body, token)

    def apply(batch: _Batch, response: httpx.Response) -> None:
        nonlocal tally
        tally = _add(tally, _apply_push(store, server_url, batch.records, response))
        if on_progress:
            on_progress(tally.sent, tally.bytes_sent)

    sync_pipeline.run_in_order(
        next_batch=next_batch,
        send=send,
        apply=apply,
        depth=PUSH_IN_FLIGHT,
        settle_errors=(SyncError,),
    )
    return tally


@dataclass(frozen=True)
class _Batch:
    """One push batch: the records and their payloads as stored (sent as they are)."""

    records: list[Enrolment]
    wires: list[dict]


def _apply_push(
    store: Store, server_url: str, batch: list[Enrolment], response: httpx.Response
) -> SyncReport:
    """Judge one push reply and, if it is the server's answer to `batch`, apply it."""
    reply = _reply(response)
    try:
        results = decode_push_reply(reply, batch)
    except WireError as exc:
        raise SyncError("bad_reply", str(exc)) from exc
    _check_cards(store, server_url, results)
    _note_server(store, reply)
    outbox.apply_results(store, batch, results)
    accepted = sum(1 for r in results if r.outcome in DELIVERED)
    return SyncReport(len(batch), accepted, len(results) - accepted, len(response.request.content))


def _add(a: SyncReport, b: SyncReport) -> SyncReport:
    """Two pushes' counts together."""
    return replace(
        a,
        sent=a.sent + b.sent,
        accepted=a.accepted + b.accepted,
        set_aside=a.set_aside + b.set_aside,
        bytes_sent=a.bytes_sent + b.bytes_sent,
    )


def _exchange(store: Store, path: str, body: dict) -> tuple[dict, int]:
    """POST `body` to `path` of the paired server: the reply's body and the bytes sent."""
    server_url, token = _credentials(store)
    response = _post_json(server_url + path, body, token)
    if response.status_code == 404:
        raise activity_sync.NotOffered(path)
    return _reply(response), len(response.request.content)


def push_activities(store: Store, report: SyncReport) -> SyncReport:
    """`activity_sync.push_activities` over this module's connection."""
    try:
        sent, aside, nbytes = activity_sync.push_activities(
            store,
            exchange=lambda path, body: _exchange(store, path, body),
            note_server=lambda reply: _note_server(store, reply),
        )
    except activity_sync.BadActivitiesReply as exc:
        raise SyncError("bad_reply", str(exc)) from exc
    except activity_sync.NotOffered:
        return report  # an older server: they wait here, pending, for one that takes them
    return replace(
        report,
        activities_sent=report.activities_sent + sent,
        activities_set_aside=report.activities_set_aside + aside,
        bytes_sent=report.bytes_sent + nbytes,
    )


def _reply(response: httpx.Response) -> dict:
    """The body of a successful protocol reply; SyncError for anything else."""
    if response.status_code == 401:
        if _error_code(response) == "device_revoked":
            raise SyncError("revoked")  # the coordinator revoked this tablet
        raise SyncError("unauthorized")
    if response.status_code == 503:
        raise SyncError("unreachable", "server busy")  # nothing changed: try again later
    body = _json(response)
    if response.status_code != 200:
        raise SyncError("bad_reply", str(body.get("error", response.status_code)))
    return body


def _error_code(response: httpx.Response) -> str:
    """The protocol error code of a reply ("" if it is not a protocol error)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return str(error.get("code", "")) if isinstance(error, dict) else ""


def _check_cards(store: Store, server_url: str, results: list[RecordResult]) -> None:
    """Every card in a reply must verify with the server's keys (fetched if a key is new
    to this tablet): a reply that is not the server's own is never applied."""
    tokens = [r.card for r in results if r.card]
    if not tokens:
        return
    keys = {kid: card_token.b64d(x) for kid, x in store.public_keys().items()}
    for token in tokens:
        try:
            card_token.verify(token, keys)
        except card_token.CardTokenError as exc:
            if exc.reason != "unknown_key":
                raise SyncError("bad_reply", f"card does not verify: {exc.reason}") from exc
            keys = _fetch_keys(store, server_url)
            try:
                card_token.verify(token, keys)
            except card_token.CardTokenError as again:
                raise SyncError("bad_reply", f"card does not verify: {again.reason}") from again


def _fetch_keys(store: Store, server_url: str) -> dict[str, bytes]:
    """The server's public keys, now (public endpoint), cached in the store."""
    try:
        response = httpx.get(server_url + KEYS_PATH, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise SyncError("unreachable", str(exc)) from exc
    body = _json(response)
    try:
        keys = {str(k["kid"]): str(k["x"]) for k in body["keys"]}
    except (KeyError, TypeError) as exc:
        raise SyncError("bad_reply", "malformed key list") from exc
    store.save_public_keys(keys)
    return {kid: card_token.b64d(x) for kid, x in keys.items()}


def pull(store: Store) -> None:
    """Fetch keys, revocations, review outcomes and the NIK roster since the last pull."""
    server_url, token = _credentials(store)
    params = {
        "cursor": store.get_setting("pull_cursor"),
        "kec": ",".join(store.kecamatan_codes()),
        "have": str(store.delivered_count()),
    }
    response = _get_json(server_url + PULL_PATH, params, token)
    body = _reply(response)
    try:
        reply = decode_pull_reply(body)
    except WireError as exc:
        raise SyncError("bad_reply", f"malformed pull reply: {exc}") from exc
    _note_server(store, body)
    if reply.rewound:
        store.set_settings(**{RECONCILE_DUE: "1"})
    if reply.roster_salt:
        store.set_settings(roster_salt=reply.roster_salt)
    link = _public_link(reply.public_url)
    if link:
        store.set_settings(**{PUBLIC_URL: link})
    if reply.keep_days:
        cutoff = datetime.now(UTC) - timedelta(days=reply.keep_days)
        store.purge_sent_before(cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"))
        store.purge_sent_activities_before(cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"))
    store.save_public_keys(reply.keys)
    updates = list(reply.updates)
    _check_cards(store, server_url, updates)
    if updates:
        outbox.apply_updates(store, updates)
    store.apply_pull(
        cursor=reply.cursor,
        keys=reply.keys,
        revoked=list(reply.revoked),
        roster=list(reply.roster_units),
        roster_full=reply.roster_full,
        schedule=reply.schedule,
    )
    store.apply_worklist(
        None if reply.sessions is None else list(reply.sessions),
        None if reply.umkm_due is None else list(reply.umkm_due),
    )


def _public_link(text: str) -> str:
    """The server's public address as the card QR may carry it ("" if unusable). Plain
    http is accepted here, unlike for the tablet's own connection: the link carries only
    the public card token, and the printed cards carry the very same link."""
    check = check_server_address(text)
    if check.url:
        return check.url
    if check.problem == "address_insecure":
        return text.strip().rstrip("/")
    return ""


def reconcile(store: Store) -> int:
    """Offer back what this tablet holds as delivered; make pending again whatever the
    server lacks. Returns how many records will be resent.

    Step 1 compares bucket summaries (a few KB whatever the tablet holds); step 2
    lists the keys of the differing buckets only.
    """
    server_url, token = _credentials(store)
    url = server_url + RECONCILE_PATH
    delivered = store.delivered_keys()
    mine = summarise(delivered)
    reply = _reply(_post_json(url, {"proto": PROTO, "buckets": mine}, token))
    differ = reply.get("differ")
    if not isinstance(differ, list):
        raise SyncError("bad_reply", "reconcile reply without buckets")
    suspect = set(map(str, differ))
    keys = [k for k in delivered if bucket_of(k[0]) in suspect]
    missing: list[tuple[str, int]] = []
    for i in range(0, len(keys), RECONCILE_CHUNK):
        chunk = [[cid, ver] for cid, ver in keys[i : i + RECONCILE_CHUNK]]
        answer = _reply(_post_json(url, {"proto": PROTO, "have": chunk}, token))
        try:
            missing += [(str(cid), int(ver)) for cid, ver in answer["missing"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError("bad_reply", "malformed reconcile reply") from exc
    resent = store.resend(missing)
    store.set_settings(**{RECONCILE_DUE: ""})
    return resent
