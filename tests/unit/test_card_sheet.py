"""A4 batch sheets (issue 13): every card's outline printed on its cut line, the QR
codes still read and verify off the printed sheet, and no character on the sheet or
on a single card's PDF below 7 pt (the footer included)."""

from __future__ import annotations

import ctypes
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlmodel import Session

from enrolment.card_token import CardClaims, token_from_text, verify
from enrolment.protocol import record_to_wire
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.models import Device
from sync_server.services import ingest
from sync_server.services.card_batches import CARD_H, CARD_W, batch_pdf, card_origin
from sync_server.services.card_layout import MIN_TEXT_PT
from sync_server.services.card_pdf import render_card_pdf
from sync_server.services.signing import load_or_create_signer
from tests.conftest import person
from tests.integration.cards_helpers import qr_texts

KEC = "52.03.11"  # Montong Gading: the longest village label of Lombok Timur
NAMES = [
    "Baiq Nurul Hidayatul Khairunnisa Ramdhani Kurniawati",
    "Lalu Muhammad Zainul Majdi",
    "Sri",
    "Hairunnisa",
    "Ni Made Ayu Saraswati Dewi",
    "Kadek Wirawan",
    "Yohanes Pattiasina",
    "Abdurrahman Wahid",
    "Oktaviani Putri",
    "Ketut Suardana",
    "Dg. Tompo",
]
MM = 72 / 25.4  # points a millimetre


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, bytes]]:
    """A batch PDF of 11 cards (a full sheet and one more), and the public keys."""
    tmp = Path(tmp_path_factory.mktemp("sheet"))
    settings = Settings(tmp, f"sqlite:///{tmp}/server.db", "http://127.0.0.1:8700", "rahasia")
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            signer = load_or_create_signer(session=session, secret_key=settings.secret_key)
            device = Device(name="tablet", token_hash="0" * 64)
            session.add(device)
            session.commit()
            villages = ["52.03.11.2006", "52.03.11.2002", "52.03.11.2001"]
            records = [
                record_to_wire(person(n, name=name, day=n, village=villages[n % 3]))
                for n, name in enumerate(NAMES, 1)
            ]
            ingest.push(
                session=session, device=device, records=records, signer=signer, valid_years=5
            )
            pdf = batch_pdf(session, kecamatan=KEC, settings=settings, signer=signer)
    finally:
        engine.dispose()
    public = signer.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return pdf, {signer.kid: public}


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def char_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Every character the PDF prints, with its font size in points."""
    doc = pdfium.PdfDocument(pdf)
    found = []
    for page in doc:
        text = page.get_textpage()
        for i in range(text.count_chars()):
            if not pdfium_c.FPDFText_IsGenerated(text.raw, i):  # line breaks pdfium adds
                char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i))
                found.append((char, pdfium_c.FPDFText_GetFontSize(text.raw, i)))
    return found


def stroked_rects(page: pdfium.PdfPage) -> list[tuple[list[float], float, int]]:
    """(bounds in points, stroke width, stroke grey) of every path object."""
    found = []
    width, r, g, b, a = ctypes.c_float(), *(ctypes.c_uint() for _ in range(4))
    for obj in page.get_objects():
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            pdfium_c.FPDFPageObj_GetStrokeWidth(obj.raw, ctypes.byref(width))
            pdfium_c.FPDFPageObj_GetStrokeColor(obj.raw, *map(ctypes.byref, (r, g, b, a)))
            grey = r.value if r.value == g.value == b.value else -1
            found.append((list(obj.get_bounds()), width.value, grey))
    return found


def test_every_card_on_the_sheet_has_its_outline(sheet) -> None:
    pdf, _ = sheet
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 2
    for page, cards in ((doc[0], 10), (doc[1], 1)):
        rects = stroked_rects(page)
        for i in range(cards):
            x, y = card_origin(i)
            edge = [x * MM, y * MM, (x + CARD_W) * MM, (y + CARD_H) * MM]
            outline = [
                (w, grey)
                for bounds, w, grey in rects
                if all(abs(b - e) <= 0.5 for b, e in zip(bounds, edge, strict=True))  # pt
            ]
            assert outline, f"card {i} has no outline"
            ((w, grey),) = outline
            assert 0.2 <= w <= 0.5 and 64 <= grey <= 192  # thin, mid-grey

    # On the printed sheet: a grey line down each card's sides, where the card is white.
    dpi = 300
    image = doc[0].render(scale=dpi / 72).to_pil().convert("L")
    for i in range(10):
        x, y = card_origin(i)
        for side in (x, x + CARD_W):
            col = side * dpi / 25.4
            for mm_up in range(5, 42, 3):  # below the header, above the card's bottom
                row = image.height - (y + mm_up) * dpi / 25.4
                darkest = min(image.getpixel((round(col) + d, round(row))) for d in (-1, 0, 1))
                assert darkest < 200, (i, side, mm_up, darkest)


def test_the_qr_codes_on_the_printed_sheet_read_and_verify(sheet) -> None:
    pdf, keys = sheet
    doc = pdfium.PdfDocument(pdf)
    names = []
    for page in doc:
        urls = qr_texts(page.render(scale=150 / 72).to_pil())
        names += [verify(token_from_text(u), keys).name for u in urls]
    assert sorted(names) == sorted(NAMES)


def test_nothing_on_the_sheet_is_printed_below_7_pt(sheet) -> None:
    pdf, _ = sheet
    sizes = char_sizes(pdf)
    assert len(sizes) > 1000  # cards and footers
    small = {(c, s) for c, s in sizes if s < MIN_TEXT_PT}
    assert not small
    assert "dicetak / printed" in pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()


def test_nothing_on_a_single_card_pdf_is_below_7_pt() -> None:
    claims = CardClaims(
        9, "LT0000009", NAMES[0], "construction_worker", "52.03.11.2006", date(2026, 12, 2),
        date(2031, 12, 2),
    )  # fmt: skip
    pdf = render_card_pdf(claims, "https://kartu.lomboktimurkab.go.id/v/1.k1.abc.def")
    sizes = char_sizes(pdf)
    assert sizes and min(s for _, s in sizes) >= MIN_TEXT_PT
