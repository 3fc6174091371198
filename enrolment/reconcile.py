"""Reconciliation digests: does the server still hold every record a tablet holds?

After a server is wiped or restored from an older backup, a tablet may hold
records as delivered that the server no longer has. Comparing whole lists would
cost megabytes on 2G, so both sides summarise their `(cid, ver)` keys per bucket
(256 buckets by a hash of the cid): a count and the XOR of 64-bit key hashes,
order-independent and cheap to compute. Only the buckets that differ are then
compared key by key (docs/protocol.md, "Reconciliation").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

#: A bucket's summary: (number of keys, XOR of their 64-bit hashes as 16 hex digits).
Summary = tuple[int, str]


def bucket_of(cid: str) -> str:
    """The bucket of a client id: two hex digits."""
    return hashlib.sha256(cid.encode("utf-8", "surrogatepass")).hexdigest()[:2]


def _key_hash(cid: str, ver: int) -> int:
    digest = hashlib.sha256(f"{cid}:{ver}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")


def summarise(keys: Iterable[tuple[str, int]]) -> dict[str, Summary]:
    """Per-bucket summaries of a set of `(cid, ver)` keys (empty buckets left out)."""
    counts: dict[str, int] = {}
    xors: dict[str, int] = {}
    for cid, ver in keys:
        b = bucket_of(cid)
        counts[b] = counts.get(b, 0) + 1
        xors[b] = xors.get(b, 0) ^ _key_hash(cid, ver)
    return {b: (counts[b], f"{xors[b]:016x}") for b in sorted(counts)}


def differing(mine: Mapping[str, Summary], theirs: Mapping[str, Summary]) -> list[str]:
    """The buckets in `mine` whose summary `theirs` does not match."""
    return sorted(b for b, s in mine.items() if tuple(theirs.get(b, (0, ""))) != tuple(s))


def parse_summaries(obj: object, limit: int = 256) -> dict[str, Summary]:
    """Summaries as they travel (`{"3f": [12, "00ab…"]}`); ValueError if malformed."""
    if not isinstance(obj, dict) or len(obj) > limit:
        raise ValueError("buckets must be an object of at most 256 entries")
    out: dict[str, Summary] = {}
    for bucket, value in obj.items():
        ok_bucket = isinstance(bucket, str) and len(bucket) == 2
        ok_value = (
            isinstance(value, list | tuple)
            and len(value) == 2
            and type(value[0]) is int
            and isinstance(value[1], str)
            and len(value[1]) == 16
        )
        if not (ok_bucket and ok_value):
            raise ValueError("a bucket is [count, 16 hex digits]")
        out[bucket] = (value[0], value[1])
    return out
