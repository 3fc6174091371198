"""Reading the QR code in a picture: a camera shot or a picked image file, on the tablet.

Pillow turns the picture (JPEG, PNG, ...) into grey pixels and zbar (pyzbar, which the
Android build ships with its libzbar) finds the code. Both are in Flet's Android index;
see README, "Build the APK". No I/O: bytes in, text out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

MAX_BYTES = 25_000_000  # a 50 MP phone JPEG is ~20 MB; more is not a photo of a card
MAX_PIXELS = 60_000_000  # refused before decoding: a small file may claim a huge image
WORK_SIDE = 1600  # zbar's time grows with pixels; a card's QR stays readable at this size


class QrReaderMissing(RuntimeError):
    """zbar is not on this device (a desktop without libzbar0): the screen says so."""


def read_qr(picture: bytes) -> str | None:
    """The text of the QR code in `picture`, or None when it holds none, or is not an
    image, or is too large to be a photo. Raises QrReaderMissing without zbar."""
    decode = _zbar()
    image = _open(picture)
    if image is None:
        return None
    for attempt in _attempts(image):
        found = decode((attempt.tobytes(), attempt.width, attempt.height))
        if found:
            return found[0].data.decode("utf-8", "replace")
    return None


def _zbar():  # noqa: ANN202 - pyzbar's decode, typed there
    """pyzbar's QR decoder, imported at first use: a missing libzbar must not stop the
    app from starting (the typed-text check still works)."""
    try:
        from pyzbar.pyzbar import ZBarSymbol, decode
    except (ImportError, OSError) as exc:
        raise QrReaderMissing(str(exc)) from exc
    return lambda pixels: decode(pixels, symbols=[ZBarSymbol.QRCODE])


def _open(picture: bytes) -> Image.Image | None:
    """The picture in grey, at most WORK_SIDE on its long side; None if unreadable."""
    if not picture or len(picture) > MAX_BYTES:
        return None
    try:
        image = Image.open(io.BytesIO(picture))
        if image.width * image.height > MAX_PIXELS:
            return None
        image = ImageOps.exif_transpose(image)  # a phone's portrait shot, upright
        image.draft("L", (WORK_SIDE, WORK_SIDE))  # JPEG: decode at a fraction, fast
        grey = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    grey.thumbnail((WORK_SIDE, WORK_SIDE))
    return grey


def _attempts(grey: Image.Image) -> Iterator[Image.Image]:
    """The picture as taken, then helped: stretched contrast (dim light, glare), then
    sharpened and smaller (a shaky or out-of-focus shot), then cut to black and white,
    as it is and sharpened first (a blurred, tilted shot: a quarter of such photos of
    random cards were unread before these two)."""
    yield grey
    stretched = ImageOps.autocontrast(grey, cutoff=2)
    yield stretched
    half = stretched.reduce(2) if min(grey.size) >= 400 else stretched
    yield half.filter(ImageFilter.SHARPEN)
    yield stretched.point(_black_or_white)
    unsharp = ImageFilter.UnsharpMask(radius=3, percent=200, threshold=0)
    yield stretched.filter(unsharp).point(_black_or_white)


def _black_or_white(value: int) -> int:
    return 255 if value > 128 else 0
