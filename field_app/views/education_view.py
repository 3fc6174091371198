"""The area's education sessions (nearest first); a tap opens a session's attendance.
Also the pieces the attendance and UMKM screens share: a session's lines, an
activity's status badge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import flet as ft

from enrolment import areas
from enrolment.segments import segment_name
from enrolment.worklist import EducationSession, Topic
from field_app.features.education import Education, Said
from field_app.i18n import t
from field_app.session import Session
from field_app.store_activities import ActivityStatus, StoredActivity
from field_app.typed_values import format_date
from field_app.views.common import big_button, message_bar, notice, page_frame

#: An activity's status: its text and look.
_STATUS = {
    ActivityStatus.PENDING: ("act_status_pending", ft.Colors.AMBER_100),
    ActivityStatus.SENT: ("act_status_sent", ft.Colors.GREEN_100),
    ActivityStatus.REJECTED: ("act_status_rejected", ft.Colors.RED_100),
}


def topic_name(item: EducationSession, lang: str) -> str:
    """The session's topic as shown: a coordinator's own title for "other"."""
    if item.topic is Topic.OTHER and item.title:
        return item.title
    return t(f"topic_{item.topic.value}", lang)


def session_lines(item: EducationSession, lang: str) -> list[ft.Control]:
    """Topic, date and village, place and facilitator: each a wrapping line."""
    when = format_date(item.held_on.isoformat())
    if item.held_on == date.today():
        when = f"{when} ({t('edu_today', lang)})"
    lines: list[ft.Control] = [
        ft.Text(topic_name(item, lang), size=18, weight=ft.FontWeight.W_600),
        ft.Text(f"{when} · {areas.village_label(item.village)}", size=15),
    ]
    if item.topic is not Topic.OTHER and item.title:
        lines.insert(1, ft.Text(item.title, size=15))
    if item.place:
        lines.append(ft.Text(t("edu_place", lang, place=item.place), size=15))
    if item.facilitator:
        lines.append(ft.Text(t("edu_facilitator", lang, name=item.facilitator), size=15))
    if item.segments:
        names = ", ".join(segment_name(code, lang) for code in item.segments)
        lines.append(ft.Text(t("edu_for", lang, segments=names), size=15))
    return lines


def status_badge(status: str, lang: str) -> ft.Control:
    """An activity's status as a coloured badge (waiting, sent, needs attention)."""
    code, colour = _STATUS.get(status, _STATUS[ActivityStatus.PENDING])
    return ft.Container(
        ft.Text(t(code, lang), size=14),
        bgcolor=colour,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
        border_radius=12,
    )


def server_reasons(item: StoredActivity, lang: str) -> list[ft.Control]:
    """The server's reasons for an activity it refused, in the officer's language."""
    return [
        ft.Text(p.get(lang) or p.get("id", ""), size=14, color=ft.Colors.RED_900)
        for p in item.problems
    ]


def refused_section(items: list[StoredActivity], lang: str) -> list[ft.Control]:
    """What the server refused (set aside, never resent): who, and why."""
    if not items:
        return []
    rows: list[ft.Control] = [notice(t("act_refused_title", lang, n=len(items)), "error")]
    for item in items:
        lines: list[ft.Control] = [ft.Text(item.label or item.member_no, size=16)]
        rows.append(
            ft.Container(
                ft.Column([*lines, *server_reasons(item, lang)], spacing=2, tight=True),
                padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                border=ft.Border.all(1, ft.Colors.RED_200),
                border_radius=10,
            )
        )
    return rows


def said_notice(said: Said | None, lang: str) -> list[ft.Control]:
    """The last outcome on a screen, as a notice of its kind (nothing if none)."""
    return [notice(said.text(lang), said.kind)] if said is not None else []


def tile_button(lines: list[ft.Control], on_click: Callable[..., Any]) -> ft.Control:
    """A list entry tapped as a whole: its lines wrap (the content sets its height, at
    least 48 px), and a screen reader hears them all as the button's name."""
    return ft.OutlinedButton(
        content=ft.Container(
            ft.Column(lines, spacing=2, tight=True),
            padding=ft.Padding.symmetric(vertical=10),
            alignment=ft.Alignment.CENTER_LEFT,
            expand=True,
        ),
        on_click=on_click,
        style=ft.ButtonStyle(
            shape=ft.RoundedRectangleBorder(radius=10),
            padding=ft.Padding.symmetric(horizontal=12),
            color=ft.Colors.ON_SURFACE,
        ),
    )


@ft.component
def SessionsView(session: Session, education: Education, go_home: Callable[[], None]) -> ft.Control:
    """The sessions screen."""
    lang = session.lang

    def opener(item: EducationSession):
        async def open_it(e: ft.Event) -> None:
            await education.open_session(item)

        return open_it

    tiles: list[ft.Control] = [
        tile_button(session_lines(item, lang), opener(item)) for item in education.sessions
    ] or [notice(t("edu_empty", lang), "info")]
    return page_frame(
        t("edu_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            ft.Text(t("edu_help", lang), size=16),
            message_bar(session.message, session.message_kind),
            *refused_section(education.refused, lang),
            *tiles,
            ft.Row([big_button(t("back", lang), lambda e: go_home(), primary=False)]),
        ],
    )
