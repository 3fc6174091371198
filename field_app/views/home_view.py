"""Home: today's work at a glance, sync, search, and the list of enrolments."""

from __future__ import annotations

import flet as ft

from enrolment import areas
from enrolment.segments import segment_name
from field_app.i18n import t
from field_app.state import AppState
from field_app.store import Status, StoredEnrolment
from field_app.views.common import TOUCH, big_button, message_bar, page_frame

_STATUS_COLOURS = {
    Status.PENDING: ft.Colors.AMBER_100,
    Status.SENT: ft.Colors.GREEN_100,
    Status.CONFLICT: ft.Colors.ORANGE_200,
    Status.REJECTED: ft.Colors.RED_100,
}


def _counter(label: str, value: int) -> ft.Control:
    return ft.Container(
        ft.Column(
            [ft.Text(str(value), size=26, weight=ft.FontWeight.BOLD), ft.Text(label, size=14)],
            spacing=2,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        padding=10,
        border_radius=10,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
        expand=True,
    )


def _record_tile(state: AppState, item: StoredEnrolment) -> ft.Control:
    lang, rec = state.lang, item.record
    status = t(f"status_{item.status}", lang)
    subtitle = (
        f"NIK {rec.nik} · {segment_name(rec.segment, lang)} · {areas.area_name(rec.village_code)}"
    )
    lines: list[ft.Control] = [
        ft.Text(rec.full_name, size=18, weight=ft.FontWeight.W_600),
        ft.Text(subtitle, size=14),
    ]
    if item.member_no:
        lines.append(ft.Text(f"{t('member_no', lang)}: {item.member_no}", size=15))
    for p in item.problems:
        lines.append(ft.Text(p.get(lang) or p.get("id", ""), size=14, color=ft.Colors.RED_800))
    action: ft.Control | None = None
    if item.status == Status.SENT and item.card_token:
        action = ft.OutlinedButton(
            t("open_card", lang), height=48, on_click=lambda e: state.open_record(item)
        )
    elif item.status in (Status.REJECTED, Status.CONFLICT):
        action = ft.OutlinedButton(
            t("fix_record", lang), height=48, on_click=lambda e: state.open_record(item)
        )
    badge = ft.Container(
        ft.Text(status, size=14),
        bgcolor=_STATUS_COLOURS.get(item.status),
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
        border_radius=12,
    )
    return ft.Container(
        ft.Column(
            [
                ft.Row(
                    [ft.Column(lines, spacing=2, expand=True), badge],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
                *([action] if action else []),
            ],
            spacing=6,
        ),
        padding=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=10,
    )


@ft.component
def HomeView(state: AppState) -> ft.Control:
    """The officer's home screen."""
    lang, counts = state.lang, state.counts
    attention = counts.get(Status.CONFLICT, 0) + counts.get(Status.REJECTED, 0)
    tiles = [_record_tile(state, item) for item in state.records] or [
        ft.Text(t("empty_list", lang), size=16, italic=True)
    ]
    return page_frame(
        t("app_title", lang),
        t("switch_lang", lang),
        lambda e: state.toggle_lang(),
        [
            ft.Row(
                [
                    _counter(t("count_pending", lang), counts.get(Status.PENDING, 0)),
                    _counter(t("count_sent", lang), counts.get(Status.SENT, 0)),
                    _counter(t("count_attention", lang), attention),
                ]
            ),
            # Side by side on a tablet, stacked on a phone.
            ft.ResponsiveRow(
                [
                    ft.Container(
                        big_button(
                            t("new_enrolment", lang),
                            lambda e: state.new_enrolment(),
                            icon=ft.Icons.PERSON_ADD,
                        ),
                        col={"xs": 12, "sm": 6},
                    ),
                    ft.Container(
                        big_button(
                            t("sync_button", lang),
                            state.sync,
                            primary=False,
                            icon=ft.Icons.SYNC,
                            disabled=state.busy,
                        ),
                        col={"xs": 12, "sm": 6},
                    ),
                ]
            ),
            message_bar(state.message),
            ft.TextField(
                label=t("search", lang),
                value=state.query,
                height=TOUCH,
                prefix_icon=ft.Icons.SEARCH,
                on_change=lambda e: state.search(e.control.value),
            ),
            *tiles,
        ],
    )
