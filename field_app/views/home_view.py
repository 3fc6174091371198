"""Home: today's work at a glance, sync, drafts, search and filters, the list of enrolments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import flet as ft

from enrolment import areas
from enrolment.household import relation_name
from enrolment.segment_details import conversion_due
from enrolment.segments import Segment, segment_name
from field_app.features.home_list import LIST_LIMIT, HomeList
from field_app.form import format_date
from field_app.i18n import t
from field_app.session import Session
from field_app.state import AppState
from field_app.store import Draft, Status, StoredEnrolment
from field_app.views.common import TOUCH, big_button, bind, message_bar, page_frame, picker

_STATUS_COLOURS = {
    Status.PENDING: ft.Colors.AMBER_100,
    Status.SENT: ft.Colors.GREEN_100,
    Status.CONFLICT: ft.Colors.ORANGE_200,
    Status.REJECTED: ft.Colors.RED_100,
}
_ALL = "*"  # the "no filter" option (a dropdown cannot hold an empty key)


def _counter(home: HomeList, label: str, value: int, status: str | None) -> ft.Control:
    """A count of today's work; tapping a status count filters the list by it."""
    active = status is not None and home.status_filter == status

    async def toggle(e: ft.Event) -> None:
        await home.set_filter("status", "" if active else (status or ""))

    content = ft.Column(
        [ft.Text(str(value), size=26, weight=ft.FontWeight.BOLD), ft.Text(label, size=14)],
        spacing=2,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        alignment=ft.MainAxisAlignment.CENTER,
        tight=True,
    )
    if status is None:
        return ft.Container(
            content,
            height=80,
            alignment=ft.Alignment.CENTER,
            border_radius=10,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
            col={"xs": 6, "sm": 3},
        )
    # A real button: screen readers announce it, and a tap filters the list by status.
    return ft.FilledTonalButton(
        content=content,
        on_click=toggle,
        height=80,
        style=ft.ButtonStyle(
            shape=ft.RoundedRectangleBorder(radius=10),
            bgcolor=ft.Colors.PRIMARY_CONTAINER if active else ft.Colors.SURFACE_CONTAINER_HIGH,
            color=ft.Colors.ON_SURFACE,
            padding=8,
        ),
        col={"xs": 6, "sm": 3},
    )


def _local_time(iso: str) -> str:
    try:
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    return stamp.strftime("%d-%m-%Y %H:%M")


def _waiting(home: HomeList, lang: str) -> list[ft.Control]:
    """How many records wait to be sent and since when (the tablet's local time): with
    no background work on Android, the officer must see that data sits only here.
    Nothing when none waits. A Text in the page's column wraps at 360 px."""
    pending = home.counts.get(Status.PENDING, 0)
    if not pending or not home.waiting_since:
        return []
    since = _local_time(home.waiting_since)
    return [ft.Text(t("waiting_since", lang, n=pending, time=since), size=15)]


@ft.memo
@ft.component
def DraftTile(
    draft: Draft,
    lang: str,
    resume: Callable[[Draft], None],
    discard_draft: Callable[[Draft], Awaitable[None]],
) -> ft.Control:
    """One unfinished form (re-rendered only when it or the language changes)."""

    async def discard(e: ft.Event) -> None:
        await discard_draft(draft)

    segment = draft.payload.get("segment", "")
    lines: list[ft.Control] = [
        ft.Text(draft.title, size=18, weight=ft.FontWeight.W_600),
        ft.Text(
            " · ".join(
                x
                for x in (
                    t("draft_saved_at", lang, time=_local_time(draft.updated_at)),
                    segment_name(segment, lang) if segment else "",
                )
                if x
            ),
            size=14,
        ),
    ]
    return ft.Container(
        ft.Row(
            [
                ft.Column(lines, spacing=2, expand=True),
                ft.FilledTonalButton(
                    content=ft.Text(t("resume", lang), size=16),
                    height=48,
                    on_click=lambda e: resume(draft),
                ),
                ft.IconButton(
                    ft.Icons.DELETE_OUTLINE,
                    tooltip=t("discard", lang),
                    width=48,
                    height=48,
                    on_click=discard,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        padding=12,
        border=ft.Border.all(1, ft.Colors.AMBER_300),
        bgcolor=ft.Colors.AMBER_50,
        border_radius=10,
    )


@ft.memo
@ft.component
def RecordTile(
    item: StoredEnrolment, lang: str, open_record: Callable[[StoredEnrolment], None]
) -> ft.Control:
    """One enrolment in the list. Memoised: a progress message or a new draft does not
    re-render the tiles, only a change to the record or the language does."""
    rec = item.record
    status = t(f"status_{item.status}", lang)
    subtitle = (
        f"NIK {rec.nik} · {segment_name(rec.segment, lang)} · {areas.area_name(rec.village_code)}"
    )
    lines: list[ft.Control] = [
        ft.Text(rec.full_name, size=18, weight=ft.FontWeight.W_600),
        ft.Text(subtitle, size=14),
    ]
    if rec.household is not None:
        family = t("household_of", lang, kk=rec.household.kk)
        lines.append(ft.Text(f"{family} · {relation_name(rec.household.relation, lang)}", size=14))
    due = conversion_due(rec.details or {}) if rec.segment == Segment.UMKM_OWNER else None
    if due is not None:
        lines.append(ft.Text(t("conversion_due", lang, date=format_date(due.isoformat())), size=14))
    if item.member_no:
        lines.append(ft.Text(f"{t('member_no', lang)}: {item.member_no}", size=15))
    for p in item.problems:
        lines.append(ft.Text(p.get(lang) or p.get("id", ""), size=14, color=ft.Colors.RED_800))
    action: ft.Control | None = None
    if item.status == Status.SENT and item.card_token:
        action = ft.OutlinedButton(
            t("open_card", lang), height=48, on_click=lambda e: open_record(item)
        )
    elif item.status in (Status.REJECTED, Status.CONFLICT):
        action = ft.OutlinedButton(
            t("fix_record", lang), height=48, on_click=lambda e: open_record(item)
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


def _filters(home: HomeList, lang: str) -> ft.Control:
    villages = [(_ALL, t("all_villages", lang))] + [
        (code, areas.area_name(code)) for code in home.villages
    ]
    segments = [(_ALL, t("all_segments", lang))] + [
        (s.value, segment_name(s, lang)) for s in Segment
    ]

    def choose(name: str):
        async def pick(value: str) -> None:
            await home.set_filter(name, "" if value == _ALL else value)

        return pick

    return ft.ResponsiveRow(
        [
            ft.Container(
                picker(
                    t("filter_village", lang),
                    home.village_filter or _ALL,
                    villages,
                    choose("village"),
                ),
                col={"xs": 12, "sm": 6},
            ),
            ft.Container(
                picker(
                    t("filter_segment", lang),
                    home.segment_filter or _ALL,
                    segments,
                    choose("segment"),
                ),
                col={"xs": 12, "sm": 6},
            ),
        ]
    )


def _officer_bar(state: AppState, lang: str) -> list[ft.Control]:
    """Who is signed in, with Add officer and Lock; on a tablet without officers, the
    notice that its data is not protected and the button that sets the first PIN."""
    if not state.store.protected:
        return [
            ft.Container(
                ft.Column(
                    [
                        ft.Text(t("not_protected", lang), size=16),
                        ft.Row(
                            [
                                big_button(
                                    t("set_pin_button", lang),
                                    lambda e: state.open_add_officer(),
                                    icon=ft.Icons.PIN,
                                )
                            ]
                        ),
                    ],
                    spacing=8,
                ),
                padding=12,
                border_radius=10,
                bgcolor=ft.Colors.ERROR_CONTAINER,
            )
        ]

    async def lock(e: ft.Event) -> None:
        await state.lock()

    return [
        ft.Text(t("signed_in_as", lang, name=state.officer_name), size=15),
        ft.ResponsiveRow(
            [
                ft.Container(
                    big_button(
                        t("add_officer_button", lang),
                        lambda e: state.open_add_officer(),
                        primary=False,
                        icon=ft.Icons.GROUP_ADD,
                    ),
                    col={"xs": 12, "sm": 6},
                ),
                ft.Container(
                    big_button(t("lock_button", lang), lock, primary=False, icon=ft.Icons.LOCK),
                    col={"xs": 12, "sm": 6},
                ),
            ]
        ),
    ]


@ft.component
def HomeView(state: AppState, session: Session, home: HomeList) -> ft.Control:
    """The officer's home screen."""
    lang, counts = session.lang, home.counts
    attention = sum(counts.get(s, 0) for s in Status.ATTENTION)
    tiles = [
        RecordTile(item, lang, state.open_record, key=item.record.client_id)
        for item in home.records
    ] or [ft.Text(t("empty_list", lang), size=16, italic=True)]
    if len(home.records) >= LIST_LIMIT:
        tiles.append(ft.Text(t("list_more", lang, n=LIST_LIMIT), size=14, italic=True))
    drafts: list[ft.Control] = []
    if home.drafts:
        resume, discard = state.flow.resume_draft, home.discard_draft
        drafts = [
            ft.Text(t("drafts_title", lang), size=18, weight=ft.FontWeight.W_600),
            *[DraftTile(d, lang, resume, discard, key=d.draft_id) for d in home.drafts],
        ]
    return page_frame(
        t("app_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            ft.ResponsiveRow(
                [
                    _counter(home, t("count_draft", lang), counts.get("draft", 0), None),
                    _counter(
                        home, t("count_pending", lang), counts.get(Status.PENDING, 0), "pending"
                    ),
                    _counter(home, t("count_sent", lang), counts.get(Status.SENT, 0), "sent"),
                    _counter(home, t("count_attention", lang), attention, "attention"),
                ]
            ),
            ft.Text(t("today", lang, n=home.today_count), size=15),
            *_waiting(home, lang),
            # Side by side on a tablet, stacked on a phone.
            ft.ResponsiveRow(
                [
                    ft.Container(
                        big_button(
                            t("new_enrolment", lang),
                            lambda e: state.flow.new_enrolment(),
                            icon=ft.Icons.PERSON_ADD,
                        ),
                        col={"xs": 12, "sm": 4},
                    ),
                    ft.Container(
                        big_button(
                            t("sync_button", lang),
                            state.sync_now,
                            primary=False,
                            icon=ft.Icons.SYNC,
                            disabled=session.busy,
                        ),
                        col={"xs": 12, "sm": 4},
                    ),
                    ft.Container(
                        big_button(
                            t("verify_button", lang),
                            lambda e: state.checker.open(),
                            primary=False,
                            icon=ft.Icons.QR_CODE_SCANNER,
                        ),
                        col={"xs": 12, "sm": 4},
                    ),
                ]
            ),
            *([ft.ProgressBar()] if session.busy else []),
            message_bar(session.message),
            *drafts,
            *_officer_bar(state, lang),
            ft.TextField(
                label=t("search", lang),
                value=home.query,
                height=TOUCH,
                prefix_icon=ft.Icons.SEARCH,
                on_change=bind(home.search, lambda e: e.control.value),
            ),
            _filters(home, lang),
            *tiles,
        ],
    )
