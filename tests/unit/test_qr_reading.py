"""Reading QR codes from pictures on the tablet (field_app/qr_image.py) and the pairing
QR's text (enrolment/pairing_qr.py), with the tablet's own packages only: the codes are
drawn by the tablet's qrcode, photographed-looking with Pillow. The server's card
images are read in test_card_image_scan.py."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageEnhance, ImageFilter

from enrolment.pairing_qr import pairing_payload, read_pairing_payload
from field_app.card_image import qr_png
from field_app.qr_image import read_qr

LINK = "https://kartu.lomboktimurkab.go.id/v/eyJrIjoiazEifQ.c2lnbmVk.YWJj"


def encoded(image: Image.Image, kind: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def photo_of(code: bytes, angle: float, scale: float, blur: float) -> Image.Image:
    """The code on a table, turned, smaller or larger, out of focus and dim."""
    qr = Image.open(io.BytesIO(code)).convert("RGB")
    qr = qr.resize((round(qr.width * scale), round(qr.height * scale)))
    qr = qr.rotate(angle, expand=True, fillcolor=(255, 255, 255))
    table = Image.new("RGB", (qr.width + 500, qr.height + 360), (120, 96, 70))
    table.paste(qr, (260, 170))
    table = table.filter(ImageFilter.GaussianBlur(blur))
    return ImageEnhance.Brightness(table).enhance(0.7)


def test_a_plain_png_of_a_card_link_reads_back_exactly() -> None:
    assert read_qr(qr_png(LINK)) == LINK


def test_photo_like_pictures_of_the_code_read_back() -> None:
    code = qr_png(LINK, box_size=6)
    for angle, scale, blur in ((0, 1.0, 0), (17, 0.8, 1.2), (-35, 1.6, 2.0), (90, 0.6, 0.8)):
        shot = photo_of(code, angle, scale, blur)
        assert read_qr(encoded(shot, "JPEG", quality=55)) == LINK, (angle, scale, blur)


def test_a_large_camera_jpeg_is_read_at_working_size() -> None:
    shot = photo_of(qr_png(LINK, box_size=20), 8, 1.0, 2.5).resize((4000, 3000))
    assert read_qr(encoded(shot, "JPEG", quality=80)) == LINK


def test_a_portrait_shot_turned_by_its_exif_tag_reads() -> None:
    shot = photo_of(qr_png(LINK), 0, 1.0, 0.5).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 8  # "rotate 90 clockwise to view": what a phone held upright writes
    assert read_qr(encoded(shot, "JPEG", quality=85, exif=exif)) == LINK


def test_a_picture_without_a_code_is_none() -> None:
    assert read_qr(encoded(Image.new("RGB", (640, 480), (200, 180, 160)), "JPEG")) is None


def test_not_an_image_or_too_large_is_none() -> None:
    assert read_qr(b"") is None
    assert read_qr(b"%PDF-1.7 not a picture") is None
    assert read_qr(qr_png(LINK)[:200]) is None  # cut off in transfer
    # A tiny file claiming 20,000 x 20,000 pixels is refused before it is decoded.
    huge = encoded(Image.new("1", (20_000, 20_000), 1), "PNG", optimize=True)
    assert len(huge) < 200_000 and read_qr(huge) is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_text_or_none_never_an_error(data: bytes) -> None:
    assert read_qr(data) is None or isinstance(read_qr(data), str)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_corrupted_pngs_never_raise(noise: bytes) -> None:
    good = qr_png(LINK)
    broken = good[:60] + noise + good[60 + len(noise) :]
    assert read_qr(broken) in (None, LINK)


def test_the_pairing_qr_the_desk_draws_reads_back_as_address_and_code() -> None:
    text = pairing_payload("https://bpjs.lomboktimurkab.go.id", "7KQ2-M9XD")
    assert read_qr(qr_png(text)) == text
    found = read_pairing_payload(text)
    assert found is not None
    assert (found.server, found.code) == ("https://bpjs.lomboktimurkab.go.id", "7KQ2-M9XD")


def test_other_texts_are_not_pairing_qrs() -> None:
    for text in (LINK, "", "[]", '{"server": 5, "code": "x"}', '{"server": "https://x"}',
                 '{"server": "", "code": "A"}', "{" * 5000):  # fmt: skip
        assert read_pairing_payload(text) is None, text


@given(st.text(max_size=700))
def test_any_text_is_a_pairing_qr_or_none(text: str) -> None:
    found = read_pairing_payload(text)
    assert found is None or (found.server and found.code)
