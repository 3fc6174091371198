"""Sending the officer's attendance and UMKM visits (docs/protocol.md, Activities): the
pending ones in batches, each reply applied only if it is bound to its batch; what the
server refuses is set aside with the reason, never resent.

The connection is sync_client's (`exchange`), so pairing, credentials and the reading of
a reply that is not the protocol's stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from enrolment.activities import (
    ACTIVITIES_PATH,
    DELIVERED_ACTIVITY,
    activity_to_wire,
    decode_activities_reply,
)
from enrolment.protocol import PROTO, WireError
from field_app.store import Store

#: Activities a batch carries at most (the protocol's limit; tests lower it).
MAX_ACTIVITIES = 500
Exchange = Callable[[str, dict], tuple[dict, int]]


class NotOffered(Exception):
    """The server has no activities endpoint (older than issue 14)."""


class BadActivitiesReply(Exception):
    """A reply that is not for the batch sent (sync_client says `bad_reply`)."""


def push_activities(
    store: Store, *, exchange: Exchange, note_server: Callable[[dict], None]
) -> tuple[int, int, int]:
    """Push every pending activity; `(sent, set aside, bytes sent)`. Raises what
    `exchange` raises on a failed attempt (the rest stays pending), or
    BadActivitiesReply."""
    sent = set_aside = nbytes = 0
    while True:
        batch = store.pending_activities(MAX_ACTIVITIES)
        if not batch:
            return sent, set_aside, nbytes
        body = {"proto": PROTO, "activities": [activity_to_wire(a) for a in batch]}
        reply, size = exchange(ACTIVITIES_PATH, body)
        nbytes += size
        try:
            results = decode_activities_reply(reply, batch)
        except WireError as exc:
            raise BadActivitiesReply(str(exc)) from exc
        note_server(reply)
        store.apply_activity_results(results)
        sent += len(batch)
        set_aside += sum(1 for r in results if r.outcome not in DELIVERED_ACTIVITY)
