"""Wire and slow-link benchmark: a tablet's day of enrolments through the real sync client.

    .venv/bin/python -m bench.tablet_link [--records 2000]

1. Bytes per record on the wire: everything the sync (push + pull) sends and receives,
   HTTP headers included, counted by a loopback proxy, gzip as sent.
2. The same day over a 2G village link: 50 kbit/s each way and 300 ms round trip. The
   rate is the link's, shared by every connection in each direction (FaultProxy's
   `shared_link`): the client's batches in flight at once get no more bandwidth than
   one would, only both directions and the round trips at once.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.dataset import people
from field_app import sync_client
from field_app.store import Status, Store
from tests.faults import FaultProxy
from tests.live import ServerProcess


def tablet_day(server: ServerProcess, proxy: FaultProxy, path: Path, seed: int, n: int) -> float:
    """Enrol `n` people on a fresh paired tablet and sync them through `proxy`; seconds."""
    store = Store(path)
    device_id, token = sync_client.pair(server.url, server.pairing_code(), path.stem, "Bench")
    store.set_settings(server_url=proxy.url, device_id=device_id, device_token=token)
    for rec in people(n, seed=seed, repeat_share=0.0):
        store.save_enrolment(rec)
    started = time.perf_counter()
    sync_client.sync(store)
    took = time.perf_counter() - started
    assert store.count_by_status() == {Status.SENT: n}, store.count_by_status()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=2000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-link-"))
    server = ServerProcess(tmp / "server").start()
    try:
        counter = FaultProxy(server.port)
        took = tablet_day(server, counter, tmp / "counted.db", 1, args.records)
        total = counter.bytes_up + counter.bytes_down
        print(f"records            {args.records}")
        up, down = counter.bytes_up, counter.bytes_down
        print(f"bytes up           {up:,} ({up / args.records:.1f}/record)")
        print(f"bytes down         {down:,} ({down / args.records:.1f}/record)")
        print(f"wire per record    {total / args.records:.1f} bytes (target <= 150)")
        print(f"loopback sync      {took:.2f} s")
        slow = FaultProxy(server.port, rate=50_000 / 8, latency=0.15, shared_link=True)
        took = tablet_day(server, slow, tmp / "slow.db", 2, args.records)
        print(
            f"2G link sync       {took:.1f} s for {args.records} records at 50 kbit/s, "
            f"300 ms RTT (target < 40 s)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
