"""Printing cards in batches: A4 sheets of 10 cards (2 x 5), outlined, with cut marks.

A batch is every unrevoked card of a kecamatan or a desa, or a reprint list: the
cards with given serials, or the cards reissued since a date (after a loss, a
theft or a corrected record), optionally limited to a kecamatan or desa. Cards come
in village, then name order, so a village's stack comes off the guillotine sorted.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4  # light: the drawing half is card_pdf's, imported late
from reportlab.lib.units import mm
from sqlmodel import Session

from enrolment.areas import area_name, is_home_village
from enrolment.card_token import CardClaims
from sync_server.config import Settings
from sync_server.models import Card, Member, utcnow
from sync_server.services.card_layout import CARD_H, CARD_W, MIN_TEXT_PT, layout_card
from sync_server.services.card_pdf import draw_card, new_canvas
from sync_server.services.cards import verify_url
from sync_server.services.members import member_number
from sync_server.services.qr import qr_matrix, qr_text
from sync_server.services.signing import Signer

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
# Cards are butted edge to edge (one guillotine cut separates two cards), the block
# centred on the sheet; cut marks sit in the margin, clear of every card.
_BLOCK_W, _BLOCK_H = COLUMNS * CARD_W, ROWS * CARD_H
_LEFT = (A4[0] / mm - _BLOCK_W) / 2
_BOTTOM = (A4[1] / mm - _BLOCK_H) / 2
_MARK_GAP, _MARK_LEN = 1.5, 4.0  # mm from the block, and mark length
# Every card's edge is printed too (the cut line itself), so scissors or a guillotine
# set by eye cut right without the marks: a 0.25 pt mid-grey line, thin and grey so
# a cut a hair off leaves no dark edge.
OUTLINE_PT, OUTLINE_GREY = 0.25, 0.5

_FOOTER_Y = 5.0  # mm: baseline of the sheet footer, below the cut marks
_FOOTER_PT = MIN_TEXT_PT

Progress = Callable[[int, int], None]
#: The largest serial there can be: `cards.id` is a 32-bit INTEGER.
MAX_SERIAL = 2**31 - 1


class BatchError(ValueError):
    """Why a batch cannot be made: `bad_selection`, `bad_kecamatan`, `bad_desa`,
    `no_cards`, `batch_too_large` (with `params` n and max)."""

    def __init__(self, code: str, **params: int):
        super().__init__(code)
        self.code = code
        self.params = params


def parse_serial(text: str) -> int | None:
    """The card serial in `text`, or None if it is not one.

    Bounded, so a huge number is a clear refusal rather than a database overflow;
    `isdecimal` (not `isdigit`, which passes "²") guarantees `int` accepts it.
    """
    text = text.strip()
    if not text.isdecimal() or not 0 < int(text) <= MAX_SERIAL:
        return None
    return int(text)


def parse_serials(text: str) -> list[int]:
    """Card serials from "17,342"; BatchError `bad_selection` if one is not a serial."""
    serials = []
    for part in filter(str.strip, text.split(",")):
        serial = parse_serial(part)
        if serial is None:
            raise BatchError("bad_selection")
        serials.append(serial)
    return serials


def _is_kecamatan(code: str) -> bool:
    return code.count(".") == 2 and area_name(code) != code


def _card_query(
    *,
    kecamatan: str | None,
    desa: str | None,
    serials: Sequence[int] | None,
    reprints_since: date | None,
) -> sa.Select:
    """The query behind `select_cards` and `count_cards`, after checking the selection."""
    if kecamatan and desa:
        raise BatchError("bad_selection")
    if not (kecamatan or desa or serials or reprints_since):
        raise BatchError("bad_selection")
    if kecamatan and not _is_kecamatan(kecamatan):
        raise BatchError("bad_kecamatan")
    if desa and not is_home_village(desa):
        raise BatchError("bad_desa")
    c, m = Card.__table__.c, Member.__table__.c  # type: ignore[attr-defined]
    query = (
        sa.select(c.id, c.member_id, m.full_name, m.segment, m.village_code)
        .add_columns(c.issued_on, c.expires_on)
        .join_from(Card.__table__, Member.__table__, c.member_id == m.id)  # type: ignore[attr-defined]
        .where(c.revoked_at.is_(None))
        .order_by(m.village_code, m.full_name, c.id)
    )
    if kecamatan:
        # A range rather than LIKE: it uses the village index on both databases
        # ("/" is the character after ".").
        query = query.where(m.village_code > kecamatan + ".", m.village_code < kecamatan + "/")
    if desa:
        query = query.where(m.village_code == desa)
    if serials:
        query = query.where(c.id.in_(sorted(set(serials))))
    if reprints_since:
        older = Card.__table__.alias("older")  # type: ignore[attr-defined]
        query = query.where(
            c.issued_on >= reprints_since,
            sa.exists().where(older.c.member_id == c.member_id, older.c.id < c.id),
        )
    return query


def select_cards(
    session: Session,
    *,
    kecamatan: str | None = None,
    desa: str | None = None,
    serials: Sequence[int] | None = None,
    reprints_since: date | None = None,
) -> list[CardClaims]:
    """What the unrevoked cards a batch prints state, in village, name, serial order.

    Selectors combine with AND; at least one is needed (printing the whole regency by
    mistake would waste a ream), and kecamatan and desa exclude each other.
    """
    query = _card_query(
        kecamatan=kecamatan, desa=desa, serials=serials, reprints_since=reprints_since
    )
    return [
        CardClaims(serial, member_number(member_id), name, segment, village, issued, expires)
        for serial, member_id, name, segment, village, issued, expires in session.execute(query)
    ]


def count_cards(
    session: Session,
    *,
    kecamatan: str | None = None,
    desa: str | None = None,
    serials: Sequence[int] | None = None,
    reprints_since: date | None = None,
) -> int:
    """How many cards `select_cards` would return (same checks, same `BatchError`s).

    Lets the desk refuse an empty or oversized batch before starting a background job.
    """
    query = _card_query(
        kecamatan=kecamatan, desa=desa, serials=serials, reprints_since=reprints_since
    )
    counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    return session.execute(counted).scalar_one()


def batch_pdf(
    session: Session,
    *,
    kecamatan: str | None = None,
    desa: str | None = None,
    serials: list[int] | None = None,
    reprints_since: date | None = None,
    progress: Progress | None = None,
    settings: Settings,
    signer: Signer,
    max_cards: int | None = None,
) -> bytes:
    """An A4 PDF of the selected cards (see `select_cards`), 10 a page with cut marks.

    `progress(done, total)` is called at the start and after every page.
    `max_cards` refuses bigger batches before any drawing (an HTTP request must end).
    """
    cards = select_cards(
        session, kecamatan=kecamatan, desa=desa, serials=serials, reprints_since=reprints_since
    )
    if not cards:
        raise BatchError("no_cards")
    if max_cards is not None and len(cards) > max_cards:
        raise BatchError("batch_too_large", n=len(cards), max=max_cards)
    session.rollback()  # everything is read: hold no transaction while drawing
    title = _title(kecamatan=kecamatan, desa=desa, reprints_since=reprints_since)
    out = io.BytesIO()
    canvas = new_canvas(out, A4, title)
    total, pages = len(cards), (len(cards) + PER_PAGE - 1) // PER_PAGE
    if progress:
        progress(0, total)
    for page, start in enumerate(range(0, total, PER_PAGE), 1):
        chunk = cards[start : start + PER_PAGE]
        for i, claims in enumerate(chunk):
            url = verify_url(settings.public_base_url, signer.sign_card(claims))
            x, y = card_origin(i)
            draw_card(canvas, layout_card(claims, qr_matrix(qr_text(url))), x * mm, y * mm)
        _outlines(canvas, len(chunk))
        _cut_marks(canvas)
        # The sheet's villages in the footer: stacks get sorted by desa after cutting.
        desa_names = ", ".join(dict.fromkeys(area_name(c.village_code) for c in chunk))
        _footer(canvas, f"{title} — {page}/{pages} — {desa_names}")
        canvas.showPage()
        if progress:
            progress(start + len(chunk), total)
    canvas.save()
    return out.getvalue()


def area_labels(*, kecamatan: str | None, desa: str | None) -> list[str]:
    """The selected areas for people: ["Kec. Selong (52.03.07)"], or []."""
    labels = []
    if kecamatan:
        labels.append(f"Kec. {area_name(kecamatan)} ({kecamatan})")
    if desa:
        labels.append(f"Desa {area_name(desa)} ({desa})")
    return labels


def _title(*, kecamatan: str | None, desa: str | None, reprints_since: date | None) -> str:
    parts = ["Kartu peserta BPJS Ketenagakerjaan", *area_labels(kecamatan=kecamatan, desa=desa)]
    if reprints_since:
        parts.append(f"cetak ulang sejak {reprints_since:%d-%m-%Y}")
    return " — ".join(parts)


def card_origin(i: int) -> tuple[float, float]:
    """The bottom-left corner (mm from the sheet's bottom-left) of a page's card `i`."""
    col, line = i % COLUMNS, i // COLUMNS
    return _LEFT + col * CARD_W, _BOTTOM + (ROWS - 1 - line) * CARD_H  # first row at the top


def _outlines(canvas: Canvas, n: int) -> None:
    """The edge of each of the page's `n` cards: one stroked rectangle a card."""
    rects = (card_origin(i) for i in range(n))
    ops = " ".join(
        f"{x * mm:.2f} {y * mm:.2f} {CARD_W * mm:.2f} {CARD_H * mm:.2f} re S" for x, y in rects
    )
    canvas.addLiteral(f"q {OUTLINE_GREY} G {OUTLINE_PT} w {ops} Q")


def _cut_marks(canvas: Canvas) -> None:
    """Short hairlines in the margin extending every card edge of the 2 x 5 block."""
    ops = []
    xs = [_LEFT + i * CARD_W for i in range(COLUMNS + 1)]
    ys = [_BOTTOM + j * CARD_H for j in range(ROWS + 1)]
    top, right = _BOTTOM + _BLOCK_H, _LEFT + _BLOCK_W
    for x in xs:
        for y0 in (_BOTTOM - _MARK_GAP - _MARK_LEN, top + _MARK_GAP):
            ops.append(f"{x * mm:.2f} {y0 * mm:.2f} m {x * mm:.2f} {(y0 + _MARK_LEN) * mm:.2f} l")
    for y in ys:
        for x0 in (_LEFT - _MARK_GAP - _MARK_LEN, right + _MARK_GAP):
            ops.append(f"{x0 * mm:.2f} {y * mm:.2f} m {(x0 + _MARK_LEN) * mm:.2f} {y * mm:.2f} l")
    canvas.addLiteral(f"q 0 G 0.25 w {' '.join(ops)} S Q")


def _footer(canvas: Canvas, text: str) -> None:
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.setFont("DejaVuSans", _FOOTER_PT)
    room = (_BLOCK_W - 38) * mm  # leave the right end to the print date
    while len(text) > 1 and canvas.stringWidth(text, "DejaVuSans", _FOOTER_PT) > room:
        text = text[:-2] + "…"
    canvas.drawString(_LEFT * mm, _FOOTER_Y * mm, text)
    canvas.drawRightString(
        (_LEFT + _BLOCK_W) * mm,
        _FOOTER_Y * mm,
        f"dicetak / printed {utcnow():%d-%m-%Y}",
    )
