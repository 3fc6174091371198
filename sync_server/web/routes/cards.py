"""Card actions at the desk: print a kecamatan's or village's cards, a reprint list,
revoke, reissue.

The work is the cards services' (card_batches, print_jobs, revocation); this router
checks the form, audits the action in the same transaction, and answers with a page.
A batch PDF is drawn by a background job: the form redirects to the job's page, which
refreshes itself until the PDF can be downloaded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from enrolment.areas import kecamatan, villages
from enrolment.messages import slashed
from sync_server.dependencies import SessionDep, SettingsDep, SignerDep
from sync_server.desk_format import format_day, format_number, parse_day
from sync_server.services.audit import audit
from sync_server.services.card_batches import BatchError, count_cards, parse_serial
from sync_server.services.members import member_number, parse_member_number
from sync_server.services.print_jobs import MAX_CARDS, BusyError, PrintJobs, Selection
from sync_server.services.revocation import REASONS, RevocationError, reissue_card, revoke_card
from sync_server.services.signing import Signer
from sync_server.web.deps import Desk, DeskDep, DeskPostDep, PrintJobsDep, get_print_jobs
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk/cards", tags=["desk"], include_in_schema=False)

# The texts are the catalogue's revoke_reason_<reason> and cards_<code>
# (enrolment/messages/desk.py).
REASON_NAMES = {reason: slashed(f"revoke_reason_{reason}") for reason in REASONS}


def _page(
    request: Request,
    *,
    error: str = "",
    done: str = "",
    busy_job: str = "",
    status: int = 200,
) -> Response:
    areas = []
    for k in kecamatan():
        areas.append((k.code, f"Kec. {k.name}"))
        areas.extend((v.code, f"   {v.name}") for v in villages(k.code))
    context = {
        "areas": areas,
        "reasons": REASON_NAMES,
        "error": error,
        "done": done,
        "busy_job": busy_job,
        "jobs": get_print_jobs(request).recent(),
    }
    return render(request, "cards.html", context, status=status)


@router.get("", response_model=None)
def cards_page(request: Request, desk: DeskDep) -> Response:
    """Forms: print a batch or a reprint list, revoke a card, reissue a member's card."""
    return _page(request)


def _start_job(
    request: Request,
    desk: Desk,
    session: Session,
    jobs: PrintJobs,
    signer: Signer,
    selection: Selection,
) -> Response:
    """Count the selection's cards, start its job, audit, and go to the job's page."""
    try:
        total = count_cards(session, **selection.criteria())
        if total == 0:
            raise BatchError("no_reprints" if selection.reprints_since else "no_cards")
        if total > MAX_CARDS:
            raise BatchError("batch_too_large", n=total, max=MAX_CARDS)
    except BatchError as exc:
        session.rollback()
        params = {k: format_number(v) for k, v in exc.params.items()}
        return _page(request, error=slashed(f"cards_{exc.code}", **params), status=400)
    try:
        job_id = jobs.start(selection, total=total, started_by=desk.user.username, signer=signer)
    except BusyError as exc:
        session.rollback()
        return _page(request, error=slashed("cards_busy"), busy_job=exc.job.id, status=409)
    kind = "cards_reprint" if selection.reprints_since else "cards_batch"
    target = selection.area or "semua"
    if selection.reprints_since:
        target = f"{target} sejak {format_day(selection.reprints_since)}"
    audit(session, desk.user, kind, target, "", {"job": job_id, "cards": total})
    return RedirectResponse(f"/desk/cards/jobs/{job_id}", status_code=303)


@router.post("/batch", response_model=None)
def cards_batch(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    jobs: PrintJobsDep,
    signer: SignerDep,
    area: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Start an A4 PDF of the active cards of one kecamatan or village (a job)."""
    if not area.strip():
        return _page(request, error=slashed("cards_bad_selection"), status=400)
    return _start_job(request, desk, session, jobs, signer, Selection.of(area))


@router.post("/reprints", response_model=None)
def cards_reprints(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    jobs: PrintJobsDep,
    signer: SignerDep,
    since: Annotated[str, Form(max_length=20)] = "",
    area: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Start a PDF of the cards reissued on or after `since` (DD-MM-YYYY, or ISO from an
    older form), optionally within one kecamatan or village."""
    try:
        day = parse_day(since)
    except ValueError:
        day = None
    if day is None:  # nothing is started or audited
        return _page(request, error=slashed("cards_bad_date"), status=400)
    return _start_job(request, desk, session, jobs, signer, Selection.of(area, day))


# Declared before the page: "{job_id}" alone would also match "<id>.pdf".
@router.get("/jobs/{job_id}.pdf", response_model=None)
def cards_job_pdf(job_id: str, desk: DeskDep, jobs: PrintJobsDep) -> Response:
    """The finished job's PDF, as a download."""
    job = jobs.get(job_id)
    path = jobs.pdf(job) if job else None
    if job is None or path is None:
        raise DeskError(404, "not_found")
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=job.file_name,
        headers={"Cache-Control": "no-store"},  # personal data
    )


@router.get("/jobs/{job_id}", response_model=None)
def cards_job(request: Request, job_id: str, desk: DeskDep, jobs: PrintJobsDep) -> Response:
    """A job's progress (the page refreshes itself while it runs), then its download."""
    job = jobs.get(job_id)
    if job is None:
        raise DeskError(404, "not_found")
    return render(request, "cards_job.html", {"job": job})


@router.post("/revoke", response_model=None)
def cards_revoke(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    serial: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Revoke one card (lost, stolen, wrong data); every tablet learns it at its next pull."""
    number = parse_serial(serial)
    if number is None:
        return _page(request, error=slashed("cards_unknown_card"), status=400)
    try:
        revoke_card(session, serial=number, reason=reason, actor=desk.user.username)
    except RevocationError as exc:
        session.rollback()
        return _page(request, error=slashed(f"cards_{exc.code}"), status=400)
    audit(session, desk.user, "card_revoke", f"card:{number}", note.strip() or reason)
    return _page(request, done=slashed("cards_revoked_done", number=number))


@router.post("/reissue", response_model=None)
def cards_reissue(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    settings: SettingsDep,
    member_no: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A new card for a member (the old one, if active, is revoked as reissued)."""
    member_id = parse_member_number(member_no)
    if member_id is None:
        return _page(request, error=slashed("cards_unknown_member"), status=400)
    try:
        card = reissue_card(
            session,
            member_id=member_id,
            actor=desk.user.username,
            valid_years=settings.card_valid_years,
        )
    except RevocationError as exc:
        session.rollback()
        return _page(request, error=slashed(f"cards_{exc.code}"), status=400)
    serial = card.id
    audit(
        session,
        desk.user,
        "card_reissue",
        member_number(member_id),
        note.strip(),
        {"serial": serial},
    )
    return _page(
        request, done=slashed("cards_reissued_done", serial=serial, member=member_number(member_id))
    )
