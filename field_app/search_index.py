"""The home screen's search over an encrypted store: NIKs and normalised names held in
memory only, built at unlock from each record's sealed `ident` and dropped at lock.

Name search matches part of a name in any case (NFKC, casefolded: what `LIKE '%q%'`
did for ASCII, and now for every script too); a query of digits matches the start of a
NIK (a sorted list: a bisect, however many records).
"""

from __future__ import annotations

import bisect
import unicodedata


def normalise(text: str) -> str:
    """How names and queries are compared."""
    return unicodedata.normalize("NFKC", text).casefold()


class SearchIndex:
    """client_id -> (NIK, normalised name), and NIKs in order for prefix ranges."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._niks: dict[str, str] = {}
        self._by_nik: list[tuple[str, str]] = []  # sorted (nik, client_id)
        self.data_version: int = -1  # of the connection when last brought up to date

    def __len__(self) -> int:
        return len(self._names)

    def load(self, entries: list[tuple[str, str, str]]) -> None:
        """Replace everything with `(client_id, nik, name)` entries (at unlock)."""
        self._names = {cid: normalise(name) for cid, _, name in entries}
        self._niks = {cid: nik for cid, nik, _ in entries}
        self._by_nik = sorted((nik, cid) for cid, nik in self._niks.items())

    def put(self, client_id: str, nik: str, name: str) -> None:
        """Add or replace one record's entry (after a save)."""
        old = self._niks.get(client_id)
        if old is not None and old != nik:
            i = bisect.bisect_left(self._by_nik, (old, client_id))
            if i < len(self._by_nik) and self._by_nik[i] == (old, client_id):
                del self._by_nik[i]
        if old != nik:
            bisect.insort(self._by_nik, (nik, client_id))
        self._niks[client_id] = nik
        self._names[client_id] = normalise(name)

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
        return {cid for cid, name in self._names.items() if needle in name}
