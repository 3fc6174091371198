"""The address a request came from, as the throttles count it."""

from __future__ import annotations

from fastapi import Request


def client_address(request: Request) -> str:
    """The client's IP address. Behind a reverse proxy on the same machine, uvicorn
    (`proxy_headers`, trusting 127.0.0.1 only) has already put X-Forwarded-For's address
    here; from anywhere else that header is ignored, so it cannot be forged to dodge a
    lockout."""
    return (request.client.host if request.client else "")[:45] or "unknown"
