"""Education sessions (/desk/edukasi, issue 14): a coordinator or administrator plans a
session for a village, lists the sessions with their attendance, opens one to see who
came, cancels one not yet attended; the figures over all sessions, the members never
reached, and the attendance and never-reached files. A refused plan or cancellation
comes back on the page with its reason (400) and nothing is stored."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from enrolment.areas import kecamatan, village_label, villages
from enrolment.messages import slashed, texts
from enrolment.segments import Segment, segment_name
from enrolment.worklist import Topic
from sync_server.dependencies import ReadSessionDep, SessionDep
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from sync_server.services import education_desk as edu
from sync_server.services import education_figures as figs
from sync_server.services.audit import audit
from sync_server.services.education_desk import EducationError
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)
# Generous caps on the request; the real limits are checked in the service (a 400 with
# its reason, not FastAPI's 422).
Text = Annotated[str, Form(max_length=4000)]
WHEN = ("upcoming", "past", "all")
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _today() -> date:
    return to_wita(utcnow()).date()


@cache
def _village_groups() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(kecamatan code, name, ((village code, name), …)) for the grouped select."""
    return tuple(
        (k.code, k.name, tuple((v.code, v.name) for v in villages(k.code))) for k in kecamatan()
    )


@cache
def _area_codes() -> frozenset[str]:
    codes = {k for k, _, _ in _village_groups()}
    codes.update(v for _, _, vs in _village_groups() for v, _ in vs)
    return frozenset(codes)


def _choices() -> dict[str, object]:
    return {
        "topics": [(t.value, *texts(f"topic_{t.value}")) for t in Topic],
        "segments": [
            (s.value, segment_name(s.value), segment_name(s.value, "en")) for s in Segment
        ],
        "village_groups": _village_groups(),
    }


def _filters(area: str, topik: str, waktu: str) -> tuple[str, str, str]:
    """The list's filters; an unknown value (from an edited link) is dropped, not refused."""
    return (
        area if area in _area_codes() else "",
        topik if topik in {t.value for t in Topic} else "",
        waktu if waktu in WHEN else "upcoming",
    )


def _list_page(
    request: Request,
    session: Session,
    *,
    area: str = "",
    topik: str = "",
    waktu: str = "upcoming",
    halaman: int = 1,
    form: dict[str, object] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    area, topik, waktu = _filters(area, topik, waktu)
    today = _today()
    rows, total = edu.list_sessions(
        session=session, area=area, topic=topik, when="" if waktu == "all" else waktu, today=today
    )
    never, never_total = figs.never_reached(session=session, area=area, page=max(1, halaman))
    pages = max(1, -(-never_total // figs.PAGE_SIZE))
    context = {
        **_choices(),
        "rows": rows,
        "total": total,
        "today": today,
        "area": area,
        "topik": topik,
        "waktu": waktu,
        "when": WHEN,
        "form": form or {},
        "error": error,
        "f": figs.figures(session=session),
        "never": never,
        "never_total": never_total,
        "never_by_kecamatan": figs.never_reached_by_kecamatan(session=session),
        "page": min(max(1, halaman), pages),
        "pages": pages,
        "topic_name": edu.topic_name,
        "segment_codes": edu.segment_codes,
        "segment_name": segment_name,
        "village_label": village_label,
    }
    return render(request, "education.html", context, status=status)


@router.get("/edukasi", response_model=None)
def education_page(
    request: Request,
    desk: DeskDep,
    session: ReadSessionDep,
    area: str = "",
    topik: str = "",
    waktu: str = "upcoming",
    halaman: str = "1",
) -> Response:
    """The sessions (filtered), the planning form, the figures and the members never reached."""
    page = int(halaman) if halaman.isdigit() and len(halaman) < 7 else 1  # from links: lenient
    return _list_page(request, session, area=area, topik=topik, waktu=waktu, halaman=page)


class PlanForm(BaseModel):
    """The plan form's fields as typed; `education_desk.parse_plan` judges them."""

    topic: str = Field("", max_length=4000)
    title: str = Field("", max_length=4000)
    village: str = Field("", max_length=4000)
    day: str = Field("", max_length=4000)
    place: str = Field("", max_length=4000)
    facilitator: str = Field("", max_length=4000)
    segments: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=40
    )


@router.post("/edukasi", response_model=None)
def education_plan(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    form: Annotated[PlanForm, Form()],
) -> Response:
    """Plan a session (audited); refused: the page again with the reason, nothing stored."""
    typed = form.model_dump()
    try:
        plan = edu.parse_plan(**typed, today=_today())
    except EducationError as exc:
        error = slashed(f"edk_{exc.code}", **exc.params)
        return _list_page(request, session, form=typed, error=error, status=400)
    row = edu.plan_session(session=session, user=desk.user, plan=plan)
    return RedirectResponse(f"/desk/edukasi/{row.uid}?baru=1", status_code=303)


def _fmt(fmt: str) -> str:
    if fmt not in _MEDIA:
        raise DeskError(404, "not_found")
    return fmt


def _download(body: bytes, stem: str, fmt: str) -> Response:
    name = f"{stem}-{to_wita(utcnow()):%Y%m%d-%H%M}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, media_type=_MEDIA[fmt], headers=headers)


@router.get("/edukasi/kehadiran.{fmt}", response_model=None)
def attendance_download(
    desk: DeskDep, session: SessionDep, fmt: str, area: str = "", topik: str = "", sesi: str = ""
) -> Response:
    """Every recorded attendance (in the list's area and topic, or of one session `sesi`)
    as CSV or XLSX; audited."""
    fmt = _fmt(fmt)
    area, topik, _ = _filters(area, topik, "")
    sesi = sesi[:16]
    rows = figs.attendance_rows(session=session, area=area, topic=topik, uid=sesi)
    audit(
        session,
        desk.user,
        "export_attendance",
        fmt,
        "",
        {"area": area, "topic": topik, "session": sesi, "rows": len(rows)},
    )
    if fmt == "csv":
        body = figs.to_csv(figs.ATTENDANCE_HEADER, rows)
    else:
        body = figs.to_xlsx("Kehadiran", figs.ATTENDANCE_HEADER, rows)
    return _download(body, "kehadiran-edukasi", fmt)


@router.get("/edukasi/belum-terjangkau.{fmt}", response_model=None)
def never_download(desk: DeskDep, session: SessionDep, fmt: str, area: str = "") -> Response:
    """The members never reached (in the list's area) as CSV or XLSX; audited."""
    fmt = _fmt(fmt)
    area, _, _ = _filters(area, "", "")
    rows = figs.never_rows(session=session, area=area)
    audit(session, desk.user, "export_never_reached", fmt, "", {"area": area, "rows": len(rows)})
    if fmt == "csv":
        body = figs.to_csv(figs.NEVER_HEADER, rows)
    else:
        body = figs.to_xlsx("Belum terjangkau", figs.NEVER_HEADER, rows)
    return _download(body, "belum-terjangkau", fmt)


def _session_page(
    request: Request,
    session: Session,
    uid: str,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    s = edu.find_session(session=session, uid=uid)
    if s is None:
        raise DeskError(404, "not_found")
    people = edu.attendees(session=session, session_id=s.id or 0)
    context = {
        "s": s,
        "people": people,
        "by_segment": edu.by_segment(people),
        "members": sum(1 for p in people if p.is_member),
        "others": sum(1 for p in people if not p.is_member),
        "label": edu.session_label(s),
        "topic_name": edu.topic_name,
        "segments": [
            (c, segment_name(c), segment_name(c, "en")) for c in edu.segment_codes(s.segments)
        ],
        "segment_name": segment_name,
        "village_label": village_label,
        "today": _today(),
        "notice": notice,
        "error": error,
    }
    return render(request, "education_session.html", context, status=status)


@router.get("/edukasi/{uid}", response_model=None)
def education_session_page(
    request: Request, uid: str, desk: DeskDep, session: ReadSessionDep, baru: str = ""
) -> Response:
    """One session: its details, who came (members and not), attendance by segment."""
    return _session_page(request, session, uid, notice="planned" if baru else "")


@router.post("/edukasi/{uid}/batal", response_model=None)
def education_cancel(
    request: Request, uid: str, desk: DeskPostDep, session: SessionDep, confirm: Text = ""
) -> Response:
    """Cancel the session (audited) once confirmed; refused: the page with the reason."""
    if edu.find_session(session=session, uid=uid) is None:
        raise DeskError(404, "not_found")
    if confirm != "yes":
        return _session_page(
            request, session, uid, error=slashed("edk_confirm_missing"), status=400
        )
    try:
        edu.cancel_session(session=session, user=desk.user, uid=uid)
    except EducationError as exc:
        error = slashed(f"edk_{exc.code}", **exc.params)
        return _session_page(request, session, uid, error=error, status=400)
    except LookupError:
        raise DeskError(404, "not_found") from None
    return RedirectResponse(f"/desk/edukasi/{uid}", status_code=303)
