"""The pairing QR the desk shows: the server's address and a pairing code, so the
officer scans instead of typing a URL. The desk writes it, the tablet reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass

MAX_TEXT = 600  # an address and a code; more is not a pairing QR


@dataclass(frozen=True)
class PairingQr:
    """What a pairing QR carries."""

    server: str
    code: str


def pairing_payload(server_url: str, code: str) -> str:
    """What the pairing QR holds: the server address and the code, as compact JSON."""
    return json.dumps({"server": server_url, "code": code}, separators=(",", ":"))


def read_pairing_payload(text: str) -> PairingQr | None:
    """The address and code in a scanned pairing QR; None for any other text (a member
    card, a web link, garbage)."""
    if len(text) > MAX_TEXT:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    server, code = data.get("server"), data.get("code")
    if not (isinstance(server, str) and isinstance(code, str) and server and code):
        return None
    return PairingQr(server.strip(), code.strip())
