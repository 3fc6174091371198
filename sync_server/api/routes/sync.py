"""The sync endpoints: push a batch, pull what the tablet must learn, reconcile.

Every reply carries `srv`, this server's identity and restore generation, so a
tablet notices a wiped or restored server (docs/protocol.md, Reconciliation).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from enrolment.protocol import PROTO, Outcome, RecordResult, encode_push_reply
from enrolment.reconcile import parse_summaries
from sync_server.api.body import read_json, read_push_records
from sync_server.api.deps import CurrentDevice
from sync_server.api.errors import ApiError
from sync_server.api.json_reply import json_reply
from sync_server.dependencies import (
    IdentityDep,
    RosterSaltDep,
    SessionDep,
    SettingsDep,
    SignerDep,
)
from sync_server.services import ingest, reconciliation
from sync_server.services.pull import PullError, card_maker, pull

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


@router.post("/push")
def push_route(
    request: Request,
    device: CurrentDevice,
    records: Annotated[list[Any], Depends(read_push_records)],
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
    identity: IdentityDep,
) -> Response:
    """Ingest a batch (see docs/protocol.md) and answer each record."""
    results = ingest.push(
        session=session,
        device=device,
        records=records,
        signer=signer,
        valid_years=settings.card_valid_years,
        hold=settings.hold_lookalikes,
    )
    revision = getattr(request.state, "push_revision", 1)
    if revision < 3:
        results = [_for_old_app(r, revision) for r in results]
    # Encoded directly: FastAPI's generic encoder would walk 500 results again.
    return json_reply(encode_push_reply(records, results, srv=identity.wire()))


def _for_old_app(result: RecordResult, revision: int) -> RecordResult:
    """An app before revision 2 knows no `superseded`: to it, that is a `duplicate`
    (delivered, nothing changed), which it treats the same way. One before revision 3
    knows no `held`: to it, that is a `conflict` with the hold's reason (set aside,
    "under review"; the decision reaches it at a pull as for a conflict)."""
    if result.outcome is Outcome.SUPERSEDED and revision < 2:
        return RecordResult(result.cid, result.ver, Outcome.DUPLICATE)
    if result.outcome is Outcome.HELD:
        return RecordResult(result.cid, result.ver, Outcome.CONFLICT, problems=result.problems)
    return result


@router.get("/pull")
def pull_route(
    device: CurrentDevice,
    session: SessionDep,
    salt: RosterSaltDep,
    signer: SignerDep,
    settings: SettingsDep,
    identity: IdentityDep,
    cursor: Annotated[str, Query(max_length=64)] = "",
    kec: Annotated[str, Query(max_length=1000)] = "",
    have: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Keys, revocations, review outcomes and roster since `cursor` (see docs/protocol.md)."""
    assert device.id is not None
    cards = card_maker(session=session, signer=signer, valid_years=settings.card_valid_years)
    try:
        body = pull(
            session=session,
            device_id=device.id,
            cursor_text=cursor,
            kec_text=kec,
            salt=salt,
            have=have,
            cards=cards,
        )
    except PullError as exc:
        raise ApiError(400, exc.code) from None
    # The card QR's link: the public address, not the one this tablet reached us by.
    extras = {"public_url": settings.public_base_url, "keep_days": settings.tablet_keep_days}
    return json_reply({**body, "srv": identity.wire(), **extras})


@router.post("/reconcile")
def reconcile_route(
    device: CurrentDevice,
    body: Annotated[Any, Depends(read_json)],
    session: SessionDep,
    identity: IdentityDep,
) -> Response:
    """Step 1 (`buckets`): which bucket summaries differ; step 2 (`have`): which of
    these keys this server lacks. See docs/protocol.md, Reconciliation."""
    assert device.id is not None
    if not isinstance(body, dict) or body.get("proto") != PROTO:
        raise ApiError(400, "not_reconcile")
    reply: dict[str, Any] = {"proto": PROTO, "srv": identity.wire()}
    if "buckets" in body:
        try:
            theirs = parse_summaries(body["buckets"])
        except ValueError:
            raise ApiError(400, "not_reconcile") from None
        reply["differ"] = reconciliation.differing_buckets(
            session=session, device_id=device.id, theirs=theirs
        )
    elif "have" in body:
        keys = _keys(body["have"])
        missing = reconciliation.missing_keys(session=session, device_id=device.id, keys=keys)
        reply["missing"] = [[cid, ver] for cid, ver in missing]
    else:
        raise ApiError(400, "not_reconcile")
    return json_reply(reply)


def _keys(raw: Any) -> list[tuple[str, int]]:
    """`[[cid, ver], …]` as sent, or ApiError(400)."""
    ok = isinstance(raw, list) and len(raw) <= reconciliation.MAX_KEYS
    keys: list[tuple[str, int]] = []
    for item in raw if ok else []:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and len(item[0]) <= 64
            and type(item[1]) is int
        ):
            ok = False
            break
        keys.append((item[0], item[1]))
    if not ok:
        raise ApiError(400, "not_reconcile")
    return keys
