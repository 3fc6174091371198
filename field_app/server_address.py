"""Is a server address safe to pair with? (Pure: no flet, no network.)

Over plain http:// the device token, every NIK and every name would cross village
networks and hotspots in clear, and anyone on the way could read or change them. So the
tablet accepts only https:// addresses, except a server on the device itself
(`localhost`, 127.0.0.0/8, `::1`), which never leaves it: the test setup and a laptop
running the whole system for a demonstration.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from enrolment.messages import text, view

# Its texts are the catalogue's (enrolment/messages/app.py); MESSAGES views them.
MESSAGES = view(("address_invalid", "address_insecure"))


@dataclass(frozen=True)
class AddressCheck:
    """The outcome: `url` normalised (no trailing slash) when usable, else `problem`
    names why (a key of MESSAGES)."""

    url: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when the tablet may pair with `url`."""
        return not self.problem

    def message(self, lang: str) -> str:
        """The problem in the officer's language ("id" or "en")."""
        return text(self.problem, lang) if self.problem else ""


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and loopback IP addresses (127.0.0.0/8, ::1). Any other
    name is not: only DNS could say where it points."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_address(text: str) -> AddressCheck:
    """Whether the tablet may pair with the server at `text`: https:// anywhere, http://
    only on this device (see the module)."""
    raw = text.strip()
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return AddressCheck(problem="address_invalid")
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return AddressCheck(problem="address_invalid")
    if parts.query or parts.fragment:
        return AddressCheck(problem="address_invalid")
    if parts.scheme == "http" and not is_loopback_host(host):
        return AddressCheck(problem="address_insecure")
    return AddressCheck(url=raw.rstrip("/"))
