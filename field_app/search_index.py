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
        self.data_version: int = -1  # of the connection when last brought up to date

    def __len__(self) -> int:
        return len(self._niks)

    def load(self, entries: list[tuple[str, str, str]]) -> None:
        """Replace everything with `(client_id, nik, name)` entries (at unlock)."""
        self._niks = {cid: nik for cid, nik, _ in entries}
        self._by_nik = sorted((nik, cid) for cid, nik in self._niks.items())
        names = [normalise(name).replace("\n", " ") for _, _, name in entries]
        self._cids = [cid for cid, _, _ in entries]
        self._starts, at = [], 1
        for name in names:
            self._starts.append(at)
            at += len(name) + 1
        self._text = "\n" + "\n".join(names) + "\n"
        self._overlay = {}

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
