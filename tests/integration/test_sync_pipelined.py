"""Two push batches in flight at once (field_app/sync_pipeline.py): never the same record
in both, an edit made meanwhile waits for the answer to the version sent, and the server
never sees more than two of this tablet's batches at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import replace

from field_app import outbox, sync_client
from field_app.store import Status
from tests.integration.test_sync_client_rules import PROBLEM, reply, tablet


def test_an_edit_made_while_its_batch_is_in_flight_goes_in_a_later_batch(tmp_path, fake):
    store, records = tablet(tmp_path, fake.url, n=7)
    first = store.get(store.pending(1)[0].client_id).record
    lock, now, most = threading.Lock(), [0], [0]

    def answer(recs):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        if recs[0]["cid"] == first.client_id and recs[0]["ver"] == 1:
            store.save_enrolment(replace(outbox.revise(first), phone="081234567890"))
            time.sleep(0.3)  # the next batch goes out meanwhile
        with lock:
            now[0] -= 1
        return reply([{"o": "conflict", "p": [PROBLEM]}] * len(recs))

    fake.answer(answer)
    report = sync_client.push(store, batch_size=2)
    sent = [(r["cid"], r["ver"]) for p in fake.pushes for r in p["body"]["records"]]
    assert Counter(cid for cid, _ in sent) == {
        **{r.client_id: 1 for r in records},
        first.client_id: 2,
    }
    mine = [
        i
        for i, p in enumerate(fake.pushes)
        for r in p["body"]["records"]
        if r["cid"] == first.client_id
    ]
    assert fake.pushes[mine[0]]["body"]["records"][0]["ver"] == 1
    # Version 2 only after version 1's answer: never in the batch in flight beside it.
    assert mine[1] >= 2 and (first.client_id, 2) in sent
    assert most[0] <= 2
    assert report.sent == 8 and store.pending(100) == []
    got = store.get(first.client_id)
    assert got.status == Status.CONFLICT and got.record.version == 2
