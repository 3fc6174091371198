"""Pausing Python's cyclic garbage collector while many long-lived objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (it is switched back on after, if it was on).

    Making hundreds of thousands of objects that hold no cycles (a server's modules at
    start, a million members' rows for the duplicate search) sets off collection after
    collection that walks them all again: a seventh of a server start, a third of a
    scan's loading.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
