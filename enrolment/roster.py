"""The NIK roster the server shares with tablets, as short keyed hashes (never the NIKs).

A tablet warns before saving a NIK the server probably holds already: the server
sends `roster_hash(salt, nik)` for the members of the tablet's kecamatan, and the
tablet hashes what the officer typed the same way.

Only 32 bits of the HMAC are kept, on purpose. The salt travels to every tablet,
so anyone holding a tablet can hash every plausible NIK; with 32 bits about three
plausible NIKs share each hash, so the roster confirms no one's NIK (a duplicate
warning aid, not a NIK directory), while a false warning stays rare for a tablet
(a kecamatan's ~20,000 members fill about 1 in 200,000 of the hash space).
"""

from __future__ import annotations

import hashlib
import hmac

#: Hex characters kept of the HMAC-SHA256 (8 hex = 32 bits). Deliberately short.
ROSTER_HASH_CHARS = 8


def roster_hash(salt: bytes, nik: str) -> str:
    """HMAC-SHA256 of the (normalised, 16-digit) NIK under the roster salt: 8 hex chars."""
    digest = hmac.new(salt, nik.encode("ascii", "ignore"), hashlib.sha256).hexdigest()
    return digest[:ROSTER_HASH_CHARS]
