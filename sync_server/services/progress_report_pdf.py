"""The progress report as an A4 PDF in Indonesian (reportlab; figures from progress_report).

Two pages: the targets, the map by kecamatan (progress_report_map.py) beside the
kecamatan table; then the week trend, segments, families, funding by source, UMKM
conversions and education reach. Every text is at least 7 pt (progress_report_page.py).
Texts are the catalogue's `rep_*` (enrolment/messages/report.py).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4

from enrolment.contributions import format_rupiah
from enrolment.messages import text
from sync_server.desk_format import format_day, format_number, format_percent, format_when
from sync_server.services.card_pdf import new_canvas
from sync_server.services.money import DUE_BUCKETS, PUBLIC_FUNDS
from sync_server.services.progress_report import ProgressReport
from sync_server.services.progress_report_map import draw_map, legend
from sync_server.services.progress_report_page import (
    BAR,
    FONT,
    GRID,
    INK,
    MARGIN,
    MUTED,
    PAGE_W,
    SMALLEST,
    TARGET,
    WIDTH,
    Page,
    progress_bar,
    row_at,
    table,
    wrap,
)


def _header(p: Page, r: ProgressReport) -> None:
    p.c.setFillColor(INK)
    p.text(MARGIN, p.y - 8, text("rep_title"), 15, bold=True)
    p.y -= 26
    p.c.setFillColor(MUTED)
    p.text(MARGIN, p.y, text("rep_subtitle", day=format_day(r.day)), 10)
    p.c.setFillColor(INK)
    p.y -= 6


def _targets(p: Page, r: ProgressReport) -> None:
    c = r.coverage
    p.heading(text("rep_targets"))
    rows: list[tuple[str, int, int]] = [
        (b.label, b.count, b.target) for b in c.segments if b.target is not None
    ]
    share = format_number(c.targets.coverage_share * 100)
    working = format_number(c.targets.working_population)
    rows.append((text("rep_overall", share=share, working=working), c.total, c.targets.overall))
    columns = [
        (text("rep_col_target_name"), 255.0),
        (text("rep_col_members"), 55.0),
        (text("rep_col_target"), 60.0),
        (text("rep_col_achieved"), 50.0),
    ]
    cells = [
        (label, format_number(n), format_number(t), format_percent(100.0 * n / t if t else None))
        for label, n, t in rows
    ]
    top = p.y
    table(p, columns, cells, bold_last=1)
    for i, (_, n, t) in enumerate(rows):
        progress_bar(p, MARGIN + 432, top - 13 * (i + 1) - 1, WIDTH - 432, n, t)


def _kecamatan_table(p: Page, r: ProgressReport, x: float, top: float) -> None:
    size, lead = 8.0, 12.6
    cols = [
        (text("rep_kecamatan"), 100.0),
        (text("rep_col_members"), 50.0),
        (text("rep_col_target"), 50.0),
        (text("rep_col_achieved"), 48.0),
    ]
    y = top
    p.c.setFillColor(MUTED)
    row_at(p, x, y, cols, [h for h, _ in cols], size, bold=True)
    p.c.setStrokeColor(GRID)
    p.c.line(x, y - 4, x + sum(w for _, w in cols), y - 4)
    p.c.setFillColor(INK)
    for bar in r.coverage.kecamatan:
        y -= lead
        values = [
            bar.label,
            format_number(bar.count),
            format_number(bar.target),
            format_percent(bar.percent),
        ]
        row_at(p, x, y, cols, values, size, bold=False)


def _map_section(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_map"))
    top = p.y + 6
    height = 430.0
    width = draw_map(p, r.map, MARGIN, top, height)
    _kecamatan_table(p, r, MARGIN + width + 18, top - 4)
    legend_y = top - 21 * 12.6 - 40
    legend(p, MARGIN + width + 18, legend_y)
    p.y = top - height - 14
    p.note(text("rep_map_note"))


def _weeks(p: Page, r: ProgressReport) -> None:
    """New members per week as bars, members so far as a line on the right scale."""
    p.heading(text("rep_weeks"))
    weeks = r.coverage.weeks
    before = r.coverage.total - sum(w.count for w in weeks)
    running, cumulative = before, []
    for w in weeks:
        running += w.count
        cumulative.append(running)
    h, left, right = 120.0, MARGIN + 30, PAGE_W - MARGIN - 40
    base = p.y - h - 6
    top_new = max([w.count for w in weeks] + [1])
    top_all = max(cumulative + [1])
    slot = (right - left) / len(weeks)
    c = p.c
    c.setStrokeColor(GRID)
    c.line(left, base, right, base)
    line = []
    for i, (w, total) in enumerate(zip(weeks, cumulative, strict=True)):
        bh = h * w.count / top_new
        c.setFillColor(BAR)
        c.rect(left + i * slot + slot * 0.2, base, slot * 0.6, bh, stroke=0, fill=1)
        c.setFillColor(INK)
        p.c.setFont(FONT, SMALLEST)
        c.drawCentredString(left + (i + 0.5) * slot, base + bh + 3, format_number(w.count))
        c.drawCentredString(left + (i + 0.5) * slot, base - 10, w.label)
        line.append((left + (i + 0.5) * slot, base + h * total / top_all))
    c.setStrokeColor(TARGET)
    c.setLineWidth(1.4)
    c.setDash(3, 2)
    for (x0, y0), (x1, y1) in zip(line, line[1:], strict=False):
        c.line(x0, y0, x1, y1)
    c.setDash()
    c.setLineWidth(0.5)
    c.setFillColor(TARGET)
    p.text(right + 4, line[-1][1] - 3, format_number(cumulative[-1]), 7.5, bold=True)
    if top_all != cumulative[-1]:
        p.text(right + 4, base + h - 3, format_number(top_all), 7.5)
    c.setFillColor(INK)
    p.y = base - 24
    p.note(text("rep_weeks_note"))


def _segments(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_segments"))
    total = r.coverage.total
    cols = [
        (text("rep_col_segment"), 200.0),
        (text("rep_col_members"), 75.0),
        (text("rep_col_target"), 75.0),
        (text("rep_col_achieved"), 75.0),
        (text("rep_col_share"), 90.0),
    ]
    rows = [
        (
            b.label,
            format_number(b.count),
            format_number(b.target) if b.target else "–",
            format_percent(b.percent),
            format_percent(100.0 * b.count / total if total else None),
        )
        for b in r.coverage.segments
    ]
    rows.append(
        (text("rep_total"), format_number(total), "", "", format_percent(100.0 if total else None))
    )
    table(p, cols, rows, bold_last=1)


def _families(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_families"))
    f = r.families
    size = format_number(f.average_size, 1) if f.average_size else "–"
    p.c.setFillColor(INK)
    for line in wrap(
        text(
            "rep_families_line",
            households=format_number(f.households),
            members=format_number(f.members),
            size=size,
        ),
        WIDTH,
        9,
    ):
        p.text(MARGIN, p.y, line, 9)
        p.y -= 12


def _funding(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_funding"))
    m = r.money
    cols = [
        (text("rep_col_source"), 200.0),
        (text("rep_col_members"), 75.0),
        (text("rep_col_monthly"), 120.0),
        (text("rep_col_yearly"), 120.0),
    ]
    rows = [
        (
            text(f"funding_{code}") if code else text("money_unknown_payer"),
            format_number(n),
            format_rupiah(v),
            format_rupiah(12 * v),
        )
        for code, n, v in m.sources()
        if code in PUBLIC_FUNDS or n
    ]
    rows.append(
        (
            text("rep_public_total"),
            format_number(m.public_members()),
            format_rupiah(m.public_monthly()),
            format_rupiah(12 * m.public_monthly()),
        )
    )
    rows.append(
        (
            text("rep_all_total"),
            format_number(m.all_members()),
            format_rupiah(m.all_monthly()),
            format_rupiah(12 * m.all_monthly()),
        )
    )
    table(p, cols, rows, bold_last=2)
    p.y -= 2
    p.note(text("rep_funding_note", day=format_day(r.day.replace(day=1))))


def _conversions(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_umkm"))
    m = r.money
    p.text(
        MARGIN,
        p.y,
        text(
            "rep_umkm_cash",
            people=format_number(m.startup_cash_people),
            amount=format_rupiah(m.startup_cash_paid),
        ),
        9,
    )
    p.y -= 14
    cols = [(text("rep_col_due"), 200.0), (text("rep_col_members"), 75.0)]
    rows = [(text("rep_umkm_overdue"), format_number(m.due.get("overdue", 0)))]
    rows += [
        (text("rep_umkm_due", bucket=label), format_number(m.due.get(label, 0)))
        for _, label in DUE_BUCKETS
    ]
    table(p, cols, rows, bold_last=0)
    p.y -= 2
    fu = m.followup
    if fu is None or not fu.owners:
        p.note(text("rep_umkm_no_outcomes"))
        return
    # The follow-up visits (issue 14): each owner's latest visit, as the money page shows.
    p.note(
        text(
            "rep_umkm_outcomes",
            converted=format_number(fu.outcomes.get("converted", 0)),
            declined=format_number(fu.outcomes.get("declined", 0)),
            moved=format_number(fu.outcomes.get("moved", 0)),
            not_found=format_number(fu.outcomes.get("not_found", 0)),
            not_visited=format_number(fu.outcomes.get("", 0)),
        )
    )


def _education(p: Page, r: ProgressReport) -> None:
    p.heading(text("rep_education"))
    e = r.education
    if e is None:
        line = text("rep_education_none")
    else:
        percent = format_percent(100.0 * e.reached / r.coverage.total if r.coverage.total else None)
        line = text(
            "rep_education_line",
            sessions=format_number(e.sessions),
            reached=format_number(e.reached),
            percent=percent,
        )
    p.text(MARGIN, p.y, line, 9)
    p.y -= 12


def render_report_pdf(r: ProgressReport) -> bytes:
    """The report as PDF bytes (A4, two pages)."""
    out = io.BytesIO()
    canvas = new_canvas(out, A4, text("rep_title") + " " + format_day(r.day))
    canvas.setSubject(text("rep_subtitle", day=format_day(r.day)))
    p = Page(canvas, text("rep_footer", made=format_when(r.made_at), page="{page}", pages="2"))
    _header(p, r)
    _targets(p, r)
    _map_section(p, r)
    p.finish_page()
    _weeks(p, r)
    _segments(p, r)
    _families(p, r)
    _funding(p, r)
    _conversions(p, r)
    _education(p, r)
    p.finish_page()
    canvas.save()
    return out.getvalue()
