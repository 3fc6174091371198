"""One session's attendance: scan a card, or record by NIK, or a guest who is not a
member (offered enrolment); the people recorded on this tablet, each with its status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from enrolment.activities import ActivityOutcome, Attendance
from field_app.features.education import Education
from field_app.i18n import t
from field_app.session import Session
from field_app.store_activities import ActivityStatus, StoredActivity
from field_app.views.common import big_button, page_frame, panel, text_input
from field_app.views.education_view import (
    said_notice,
    server_reasons,
    session_lines,
    status_badge,
)
from field_app.views.home_tiles import local_time
from field_app.views.qr_scan_view import QrScanner


def _header(education: Education, lang: str) -> ft.Control:
    item = education.current
    lines = session_lines(item, lang) if item is not None else []
    return ft.Container(
        ft.Column(lines, spacing=2),
        padding=12,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
    )


def _error(education: Education, name: str, lang: str) -> str | None:
    found = education.problem_for(name)
    return found.text(lang) if found is not None else None


def _entry_buttons(education: Education, lang: str) -> ft.Control:
    def button(entry: str, code: str, icon: ft.IconData) -> ft.Control:
        return ft.Container(
            big_button(
                t(code, lang),
                lambda e: education.open_entry(entry),
                primary=education.entry == entry,
                icon=icon,
            ),
            col={"xs": 12, "sm": 6},
        )

    return ft.ResponsiveRow(
        [
            button("nik", "att_by_nik", ft.Icons.PIN),
            button("guest", "att_guest", ft.Icons.PERSON_OUTLINE),
        ],
        spacing=8,
        run_spacing=8,
    )


def _setter(education: Education, name: str) -> Callable[[str], None]:
    return lambda value: education.set_field(name, value)


def _entry(education: Education, lang: str) -> list[ft.Control]:
    """The NIK entry or the guest entry, whichever is open."""
    if education.entry == "nik":
        return [
            panel(
                t("att_by_nik", lang),
                [
                    ft.Text(t("att_nik_help", lang), size=15),
                    text_input(
                        t("att_nik_label", lang),
                        education.nik,
                        _setter(education, "nik"),
                        error=_error(education, "nik", lang),
                        keyboard=ft.KeyboardType.NUMBER,
                        max_length=16,
                    ),
                    ft.Row([big_button(t("att_nik_save", lang), _save(education))]),
                ],
            )
        ]
    if education.entry == "guest":
        return [
            panel(
                t("att_guest", lang),
                [
                    ft.Text(t("att_guest_help", lang), size=15),
                    text_input(
                        t("att_guest_name", lang),
                        education.guest_name,
                        _setter(education, "guest_name"),
                        error=_error(education, "name", lang),
                        max_length=100,
                    ),
                    text_input(
                        t("att_guest_nik", lang),
                        education.guest_nik,
                        _setter(education, "guest_nik"),
                        error=_error(education, "nik", lang),
                        keyboard=ft.KeyboardType.NUMBER,
                        max_length=16,
                    ),
                    ft.Row([big_button(t("att_guest_save", lang), _save(education))]),
                ],
            )
        ]
    return []


def _save(education: Education) -> Callable[[Any], Any]:
    async def save(e: ft.Event) -> None:
        await education.record_entry()

    return save


def _attendee(item: StoredActivity, lang: str) -> ft.Control:
    """One person recorded: who, how, when, and the status of its sending."""
    activity = item.activity
    assert isinstance(activity, Attendance)
    method = t(f"att_method_{activity.method.value}", lang)
    lines: list[ft.Control] = [
        ft.Text(item.label, size=17, weight=ft.FontWeight.W_600),
        ft.Text(f"{method} · {local_time(activity.at)}", size=14),
    ]
    if item.member_no:
        lines.append(ft.Text(f"{t('member_no', lang)}: {item.member_no}", size=14))
    if item.outcome == ActivityOutcome.ALREADY_COUNTED:
        lines.append(ft.Text(t("act_already_counted", lang), size=14))
    lines.extend(server_reasons(item, lang))
    return ft.Container(
        ft.Row(
            [ft.Column(lines, spacing=2, expand=True), status_badge(item.status, lang)],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        padding=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=10,
    )


def _outcome(
    education: Education, lang: str, enrol: Callable[[str, str], None]
) -> list[ft.Control]:
    """What the last scan or entry did, and for a guest the way to enrol them."""
    shown = said_notice(education.result, lang) + said_notice(education.note, lang)
    offer = education.enrol_offer
    if offer is not None:
        name, nik = offer
        shown.append(
            ft.Row(
                [
                    big_button(
                        t("att_enrol_now", lang),
                        lambda e: enrol(name, nik),
                        icon=ft.Icons.PERSON_ADD,
                    )
                ]
            )
        )
    return shown


@ft.component
def AttendanceView(
    session: Session, education: Education, enrol: Callable[[str, str], None]
) -> ft.Control:
    """The attendance screen of the session opened."""
    lang = session.lang
    people = education.attendance
    # What the server refused first (the officer must see it), then newest first.
    ordered = sorted(people, key=lambda item: item.status != ActivityStatus.REJECTED)
    listed: list[ft.Control] = [_attendee(item, lang) for item in ordered] or [
        ft.Text(t("att_list_empty", lang), size=16, italic=True)
    ]
    return page_frame(
        t("att_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            _header(education, lang),
            QrScanner(t("att_scan", lang), lang, education.scanned),
            *_outcome(education, lang, enrol),
            _entry_buttons(education, lang),
            *_entry(education, lang),
            ft.Text(t("att_list_title", lang, n=len(people)), size=18, weight=ft.FontWeight.W_600),
            *listed,
            ft.Row(
                [big_button(t("att_back", lang), lambda e: education.back_to_list(), primary=False)]
            ),
        ],
    )
