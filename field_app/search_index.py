"""The home screen's search over an encrypted store: NIKs and normalised names held in
memory only, built at unlock from each record's sealed `ident` and dropped at lock.

Name search matches part of a name in any case (NFKC, casefolded: what `LIKE '%q%'`
did for ASCII, and now for every script too); a query of digits matches the start of a
NIK (a sorted list: a bisect, however many records).
"""

from __future__ import annotations

import bisect
import heapq
import unicodedata

# created_at newest first as an ascending key: each ASCII character mirrored, and a
# terminator above them all (so "2026-01-01T00:00" sorts after its longer extensions).
_NEWEST_FIRST = str.maketrans({chr(c): chr(0x7E - c) for c in range(0x7F)})


def normalise(text: str) -> str:
    """How names and queries are compared."""
    return unicodedata.normalize("NFKC", text).casefold()


class SearchIndex:
    """client_id -> (NIK, normalised name), and NIKs in order for prefix ranges.

    Names live in one string (searched at C speed, offsets mapped back by bisect),
    built at load; records saved since sit in a small overlay that takes precedence.
    """

    def __init__(self) -> None:
        self._niks: dict[str, str] = {}
        self._by_nik: list[tuple[str, str]] = []  # sorted (nik, client_id)
        self._text = ""  # "\n" + name + "\n" + name ... of the loaded records
        self._starts: list[int] = []  # where each loaded name starts in _text
        self._cids: list[str] = []  # whose name it is
        self._overlay: dict[str, str] = {}  # names saved since the load
        self._order: dict[str, tuple[str, str]] = {}  # the home list's order, as a key
        self.data_version: int = -1  # of the connection when last brought up to date

    def __len__(self) -> int:
        return len(self._niks)

    def load(self, entries: list[tuple[str, str, str, str]]) -> None:
        """Replace everything with `(client_id, nik, name, created_at)` entries."""
        self._niks = {cid: nik for cid, nik, _, _ in entries}
        self._order = {cid: _newest_first(cid, created) for cid, _, _, created in entries}
        self._by_nik = sorted((nik, cid) for cid, nik in self._niks.items())
        names = [normalise(name).replace("\n", " ") for _, _, name, _ in entries]
        self._cids = [cid for cid, _, _, _ in entries]
        self._starts, at = [], 1
        for name in names:
            self._starts.append(at)
            at += len(name) + 1
        self._text = "\n" + "\n".join(names) + "\n"
        self._overlay = {}

    def put(self, client_id: str, nik: str, name: str, created_at: str) -> None:
        """Add or replace one record's entry (after a save; a record keeps the
        created_at it was first saved with, as the table does)."""
        self._order.setdefault(client_id, _newest_first(client_id, created_at))
        old = self._niks.get(client_id)
        if old is not None and old != nik:
            i = bisect.bisect_left(self._by_nik, (old, client_id))
            if i < len(self._by_nik) and self._by_nik[i] == (old, client_id):
                del self._by_nik[i]
        if old != nik:
            bisect.insort(self._by_nik, (nik, client_id))
        self._niks[client_id] = nik
        self._overlay[client_id] = normalise(name)

    def matches(self, query: str) -> set[str] | None:
        """The client ids `query` finds, as `Store.list_enrolments` defines it; None
        for an empty query (no condition)."""
        q = query.strip()
        digits = q.replace(" ", "")
        if digits.isdigit():
            lo = bisect.bisect_left(self._by_nik, (digits,))
            hi = bisect.bisect_left(self._by_nik, (digits + ":",))
            return {cid for _, cid in self._by_nik[lo:hi]}
        if not q:
            return None
        needle = normalise(q)
        if "\n" in needle:
            return set()
        found = set()
        text, starts, cids, at = self._text, self._starts, self._cids, 0
        while (at := text.find(needle, at)) >= 0:
            k = bisect.bisect_right(starts, at) - 1
            found.add(cids[k])
            at = starts[k + 1] if k + 1 < len(starts) else len(text)  # next name
        found.difference_update(self._overlay)
        found.update(cid for cid, name in self._overlay.items() if needle in name)
        return found

    def newest(self, client_ids: set[str], limit: int) -> list[str]:
        """The first `limit` of `client_ids` in the home list's order (newest first)."""
        order = self._order
        known = [cid for cid in client_ids if cid in order]
        return heapq.nsmallest(limit, known, key=order.__getitem__)


def _newest_first(client_id: str, created_at: str) -> tuple[str, str]:
    return created_at.translate(_NEWEST_FIRST) + "\x7f", client_id
