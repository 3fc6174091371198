"""Helpers for the card tests: CLI runs, a desk sign-in, QR decoding of PNGs and PDFs."""

from __future__ import annotations

import io
import secrets
import subprocess
import sys

import httpx
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from sqlmodel import Session

from enrolment.card_token import b64d
from enrolment.protocol import KEYS_PATH
from tests.integration.conftest import ROOT, Server


def cli(server: Server, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `python -m sync_server ARGS` against the live server's database."""
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def fresh_keys(server: Server) -> dict[str, bytes]:
    """/api/v1/keys now (not cached: rotation tests change it)."""
    keys = httpx.get(server.url + KEYS_PATH).json()["keys"]
    return {k["kid"]: b64d(k["x"]) for k in keys}


def desk_cookies(server: Server) -> dict[str, str]:
    """A signed-in coordinator's cookie, made through the desk's own account services."""
    from sync_server.services.accounts import create_user, start_session
    from sync_server.web.deps import COOKIE

    with Session(server.engine) as session:
        user = create_user(
            session=session,
            username=f"koordinator{secrets.token_hex(3)}",
            password=secrets.token_urlsafe(16),
            role="coordinator",
        )
        session.commit()
        token, _csrf = start_session(session=session, user=user)
        session.commit()
    return {COOKIE: token}


def qr_texts(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in the image, as text."""
    return [
        b.text
        for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if b.valid
    ]


def pdf_pages(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    """The PDF's pages rendered at `dpi`, as a print shop's proof would be."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in doc]
    finally:
        doc.close()


def first_page(pdf: bytes, dpi: int = 150) -> tuple[Image.Image, int]:
    """Page 1 rendered at `dpi`, and the page count (big batches: render one page only)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[0].render(scale=dpi / 72).to_pil(), len(doc)
    finally:
        doc.close()


def png(data: bytes) -> Image.Image:
    """A PNG response body as an image."""
    return Image.open(io.BytesIO(data))


def url_prefix_ok(url: str, server: Server) -> bool:
    """The QR holds the server's /v/ link; scheme and host may be in capitals (QR mode)."""
    prefix = server.url + "/v/"
    return url[: len(prefix)].lower() == prefix and url[len(prefix) :].startswith("1.")
