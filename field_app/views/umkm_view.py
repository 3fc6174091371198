"""UMKM follow-up: the owners due (earliest first), each with its due date, how late,
the phone and the latest visit recorded here; a tap records a visit's outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flet as ft

from enrolment import areas
from enrolment.activities import UmkmVisit, VisitOutcome
from enrolment.contributions import format_rupiah
from enrolment.worklist import UmkmDue
from field_app.features.umkm_followup import UmkmFollowUp, days_overdue
from field_app.i18n import t
from field_app.session import Session
from field_app.store_activities import StoredActivity
from field_app.typed_values import format_date
from field_app.views.common import (
    TONES,
    big_button,
    message_bar,
    notice,
    page_frame,
    panel,
    radio_group,
    section,
    text_input,
)
from field_app.views.education_view import (
    refused_section,
    said_notice,
    server_reasons,
    status_badge,
    tile_button,
)


def _lateness(due: date, lang: str) -> list[ft.Control]:
    late = days_overdue(due, date.today())
    if late < 0:
        return []
    text = t("umkm_overdue", lang, n=late) if late else t("umkm_due_today", lang)
    fg = TONES["error" if late else "warning"][0]
    return [ft.Text(text, size=15, weight=ft.FontWeight.W_600, color=fg)]


def _owner_lines(owner: UmkmDue, lang: str) -> list[ft.Control]:
    lines: list[ft.Control] = [
        ft.Text(owner.name, size=18, weight=ft.FontWeight.W_600),
        ft.Text(areas.village_label(owner.village), size=15),
        ft.Text(t("umkm_due_on", lang, date=format_date(owner.due.isoformat())), size=15),
        *_lateness(owner.due, lang),
    ]
    if owner.phone:
        lines.append(ft.Text(t("umkm_phone", lang, phone=owner.phone), size=15))
    if owner.startup_cash is not None:
        amount = format_rupiah(owner.startup_cash)
        lines.append(ft.Text(t("umkm_cash", lang, amount=amount), size=15))
    return lines


def _last_visit(visit: StoredActivity | None, lang: str) -> list[ft.Control]:
    """The latest visit recorded here: its outcome, the status of its sending and, if
    the server refused it, why."""
    if visit is None or not isinstance(visit.activity, UmkmVisit):
        return []
    outcome = t(f"visit_{visit.activity.outcome.value}", lang)
    if visit.activity.starts is not None:
        starts = format_date(visit.activity.starts.isoformat())
        outcome = f"{outcome} ({t('umkm_starts_on', lang, date=starts)})"
    return [
        ft.Text(t("umkm_last_visit", lang, outcome=outcome), size=15, weight=ft.FontWeight.W_600),
        ft.Row([status_badge(visit.status, lang)]),
        *server_reasons(visit, lang),
    ]


def _error(follow: UmkmFollowUp, name: str, lang: str) -> str | None:
    found = follow.problem_for(name)
    return found.text(lang) if found is not None else None


def _visit_form(follow: UmkmFollowUp, lang: str) -> ft.Control:
    """The outcome of the visit, with the start date (converted) or reason (declined)."""

    def setter(name: str) -> Callable[[str], None]:
        return lambda value: follow.set_field(name, value)

    choices = [(o.value, t(f"visit_{o.value}", lang)) for o in VisitOutcome]
    controls: list[ft.Control] = [
        section(
            t("umkm_outcome_title", lang),
            _error(follow, "outcome", lang),
            radio_group(follow.outcome, choices, setter("outcome")),
        )
    ]
    if follow.outcome == VisitOutcome.CONVERTED:
        controls.append(
            text_input(
                t("umkm_starts_label", lang),
                follow.starts,
                setter("starts"),
                error=_error(follow, "starts", lang),
                keyboard=ft.KeyboardType.DATETIME,
                max_length=10,
            )
        )
    if follow.outcome == VisitOutcome.DECLINED:
        controls.append(
            text_input(
                t("umkm_reason_label", lang),
                follow.reason,
                setter("reason"),
                error=_error(follow, "reason", lang),
                max_length=200,
            )
        )

    async def save(e: ft.Event) -> None:
        await follow.save()

    controls.append(
        ft.ResponsiveRow(
            [
                ft.Container(
                    big_button(t("umkm_save", lang), save, icon=ft.Icons.SAVE),
                    col={"xs": 12, "sm": 6},
                ),
                ft.Container(
                    big_button(
                        t("cancel", lang), lambda e: follow.choose(follow.chosen), primary=False
                    ),
                    col={"xs": 12, "sm": 6},
                ),
            ],
            spacing=8,
            run_spacing=8,
        )
    )
    return panel(t("umkm_record", lang), controls)


def _owner(follow: UmkmFollowUp, owner: UmkmDue, lang: str) -> ft.Control:
    visit = follow.visits.get(owner.member_no)
    lines = _owner_lines(owner, lang) + _last_visit(visit, lang)
    parts: list[ft.Control] = [tile_button(lines, lambda e: follow.choose(owner.member_no))]
    if follow.chosen == owner.member_no:
        parts.append(_visit_form(follow, lang))
    return ft.Column(parts, spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


@ft.component
def UmkmView(session: Session, follow: UmkmFollowUp, go_home: Callable[[], None]) -> ft.Control:
    """The UMKM follow-up screen."""
    lang = session.lang
    owners: list[ft.Control] = [_owner(follow, owner, lang) for owner in follow.due] or [
        notice(t("umkm_empty", lang), "info")
    ]
    return page_frame(
        t("umkm_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            ft.Text(t("umkm_help", lang), size=16),
            message_bar(session.message, session.message_kind),
            *said_notice(follow.result, lang),
            *refused_section(follow.refused, lang),
            *owners,
            ft.Row([big_button(t("back", lang), lambda e: go_home(), primary=False)]),
        ],
    )
