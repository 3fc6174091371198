"""Batches in flight at once, answers applied in the order sent (field_app/sync_pipeline.py)."""

from __future__ import annotations

import threading
import time

import pytest

from field_app.sync_pipeline import run_in_order


class Broken(Exception):
    pass


def batches_of(items: list[int], size: int):
    """next_batch over `items`, `size` at a time, skipping what is in flight."""
    queue = list(items)
    seen_in_flight: list[list[list[int]]] = []

    def next_batch(in_flight: list[list[int]]) -> list[int] | None:
        seen_in_flight.append([list(b) for b in in_flight])
        busy = {i for b in in_flight for i in b}
        batch = [i for i in queue if i not in busy][:size]
        for i in batch:
            queue.remove(i)
        return batch or None

    return next_batch, seen_in_flight


def test_answers_are_applied_in_the_order_sent_even_when_a_later_one_comes_first():
    next_batch, _ = batches_of(list(range(6)), 2)
    applied: list[tuple[list[int], str]] = []
    threads: set[str] = set()

    def send(batch: list[int]) -> str:
        time.sleep(0.05 if batch[0] % 4 == 0 else 0)  # every other batch is slower
        return f"answer {batch}"

    def apply(batch: list[int], answer: str) -> None:
        threads.add(threading.current_thread().name)
        applied.append((batch, answer))

    run_in_order(next_batch=next_batch, send=send, apply=apply, depth=2)
    assert [b for b, _ in applied] == [[0, 1], [2, 3], [4, 5]]
    assert all(a == f"answer {b}" for b, a in applied)
    assert threads == {threading.current_thread().name}  # applied on the calling thread


def test_never_more_than_depth_in_flight_and_next_batch_knows_which():
    next_batch, seen = batches_of(list(range(10)), 2)
    lock, now, most = threading.Lock(), [0], [0]

    def send(batch: list[int]) -> None:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.02)
        with lock:
            now[0] -= 1

    run_in_order(next_batch=next_batch, send=send, apply=lambda b, a: None, depth=2)
    assert most[0] == 2
    assert max(len(in_flight) for in_flight in seen) == 1  # asked only below depth
    assert seen[1] == [[0, 1]]  # the second batch was chosen knowing the first is out


def test_a_failure_is_raised_after_the_other_batch_in_flight_is_applied():
    next_batch, _ = batches_of(list(range(10)), 2)
    applied: list[list[int]] = []
    sent: list[list[int]] = []

    def send(batch: list[int]) -> str:
        sent.append(batch)
        if batch == [0, 1]:
            time.sleep(0.05)  # the second batch is answered meanwhile
            raise Broken("link dropped")
        return "ok"

    with pytest.raises(Broken):
        run_in_order(
            next_batch=next_batch,
            send=send,
            apply=lambda b, a: applied.append(b),
            depth=2,
            settle_errors=(Broken,),
        )
    assert applied == [[2, 3]]  # answered well: kept
    assert sent == [[0, 1], [2, 3]]  # nothing new after the failure


def test_a_failed_apply_of_another_batch_while_settling_is_not_the_error_raised():
    next_batch, _ = batches_of(list(range(4)), 2)

    def send(batch: list[int]) -> list[int]:
        if batch == [0, 1]:
            time.sleep(0.05)
            raise Broken("first")
        return batch

    def apply(batch: list[int], answer: list[int]) -> None:
        raise Broken("second")

    with pytest.raises(Broken, match="first"):
        run_in_order(
            next_batch=next_batch, send=send, apply=apply, depth=2, settle_errors=(Broken,)
        )
