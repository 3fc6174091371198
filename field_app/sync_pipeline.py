"""Several requests on a slow link at once, their answers applied in the order sent.

On a 2G link the upload of one push batch and the download of the answer to the one
before use different directions of the radio, and each exchange waits a round trip:
one at a time, the link is idle most of the time. `run_in_order` keeps up to `depth`
batches in flight (the network part on worker threads) while every answer is applied on
the calling thread, in the order the batches went out, so what the store sees is the
same sequence as one at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

B = TypeVar("B")  # a batch as sent
R = TypeVar("R")  # the answer to it


def run_in_order(
    *,
    next_batch: Callable[[list[B]], B | None],
    send: Callable[[B], R],
    apply: Callable[[B, R], None],
    depth: int,
    settle_errors: tuple[type[Exception], ...] = (Exception,),
) -> None:
    """Send batches (`next_batch(in_flight)`: the next one, chosen knowing which are in
    flight, or None when nothing is left) with up to `depth` in flight, and `apply` each
    answer on this thread in the order sent.

    The first failure (of `send` or `apply`) is raised, once the other batches in flight
    have finished: those answered well are still applied (their work is done on the
    other side), those that failed with one of `settle_errors` are left for the next
    try; nothing new is sent after a failure.
    """
    in_flight: deque[tuple[B, Future[R]]] = deque()
    with ThreadPoolExecutor(max_workers=depth, thread_name_prefix="sync") as pool:
        try:
            while True:
                while len(in_flight) < depth:
                    batch = next_batch([b for b, _ in in_flight])
                    if batch is None:
                        break
                    in_flight.append((batch, pool.submit(send, batch)))
                if not in_flight:
                    return
                batch, answer = in_flight.popleft()
                apply(batch, answer.result())
        except BaseException:
            _settle(in_flight, apply, settle_errors)
            raise


def _settle(
    in_flight: deque[tuple[B, Future[R]]],
    apply: Callable[[B, R], None],
    errors: tuple[type[Exception], ...],
) -> None:
    """Apply what the batches still in flight were answered, skipping their failures."""
    while in_flight:
        batch, answer = in_flight.popleft()
        try:
            apply(batch, answer.result())
        except errors:
            continue
