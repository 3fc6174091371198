"""Home: today's work at a glance, sync, drafts, search and filters, the list of enrolments.

On a phone (360 px) the header stays compact so records show on the first screen: the
four counters in one row, Sync and Check a card side by side, the village and segment
filters folded behind Saring until asked for (or while one is set)."""

from __future__ import annotations

import flet as ft

from enrolment import areas
from enrolment.segments import Segment, segment_name
from field_app.features.home_list import LIST_LIMIT, HomeList, grouped
from field_app.i18n import t
from field_app.session import Session
from field_app.state import AppState
from field_app.store import Status
from field_app.views.common import TOUCH, big_button, bind, message_bar, page_frame, picker
from field_app.views.home_tiles import DraftTile, FieldWorkButtons, HouseholdGroup, local_time

_ALL = "*"  # the "no filter" option (a dropdown cannot hold an empty key)
_COUNTER_HEIGHT = 72


def _counter(home: HomeList, label: str, value: int, status: str | None) -> ft.Control:
    """A count of today's work; tapping a status count filters the list by it. Four
    fit a 360 px row: the label wraps under the figure rather than being cut."""
    active = status is not None and home.status_filter == status

    async def toggle(e: ft.Event) -> None:
        await home.set_filter("status", "" if active else (status or ""))

    content = ft.Column(
        [
            ft.Text(str(value), size=22, weight=ft.FontWeight.BOLD),
            ft.Text(label, size=13, text_align=ft.TextAlign.CENTER),
        ],
        spacing=0,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        alignment=ft.MainAxisAlignment.CENTER,
        tight=True,
    )
    if status is None:
        return ft.Container(
            content,
            height=_COUNTER_HEIGHT,
            alignment=ft.Alignment.CENTER,
            border_radius=10,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
            col=3,
        )
    # A real button: screen readers announce it, and a tap filters the list by status.
    return ft.FilledTonalButton(
        content=content,
        on_click=toggle,
        height=_COUNTER_HEIGHT,
        style=ft.ButtonStyle(
            shape=ft.RoundedRectangleBorder(radius=10),
            bgcolor=ft.Colors.PRIMARY_CONTAINER if active else ft.Colors.SURFACE_CONTAINER_HIGH,
            color=ft.Colors.ON_SURFACE,
            padding=4,
        ),
        col=3,
    )


def _counters(home: HomeList, lang: str) -> ft.Control:
    counts = home.counts
    attention = sum(counts.get(s, 0) for s in Status.ATTENTION)
    return ft.ResponsiveRow(
        [
            _counter(home, t("count_draft", lang), counts.get("draft", 0), None),
            _counter(home, t("count_pending", lang), counts.get(Status.PENDING, 0), "pending"),
            _counter(home, t("count_sent", lang), counts.get(Status.SENT, 0), "sent"),
            _counter(home, t("count_attention", lang), attention, "attention"),
        ],
        spacing=6,
    )


def _waiting(home: HomeList, lang: str) -> list[ft.Control]:
    """How many records wait to be sent and since when (the tablet's local time): with
    no background work on Android, the officer must see that data sits only here.
    Nothing when none waits. A Text in the page's column wraps at 360 px."""
    pending = home.counts.get(Status.PENDING, 0)
    if not pending or not home.waiting_since:
        return []
    since = local_time(home.waiting_since)
    return [ft.Text(t("waiting_since", lang, n=pending, time=since), size=15)]


def _filters(home: HomeList, lang: str) -> list[ft.Control]:
    """The search box with the Saring toggle, and under it the village and segment
    filters while they are open or one is set (a set filter never hides itself)."""
    active = (home.village_filter != "") + (home.segment_filter != "")
    label = t("filters_button_on", lang, n=active) if active else t("filters_button", lang)
    search = ft.Row(
        [
            ft.TextField(
                label=t("search", lang),
                value=home.query,
                height=TOUCH,
                prefix_icon=ft.Icons.SEARCH,
                on_change=bind(home.search, lambda e: e.control.value),
                expand=True,
            ),
            ft.OutlinedButton(
                content=ft.Text(label, size=16),
                icon=ft.Icons.FILTER_LIST,
                height=TOUCH,
                on_click=lambda e: home.toggle_filters(),
                # Narrow padding: the search label stays on one line beside it at 360 px.
                style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=10)),
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=8,
    )
    if not (home.filters_open or home.filtering()):
        return [search]
    return [search, _filter_pickers(home, lang)]


def _filter_pickers(home: HomeList, lang: str) -> ft.Control:
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
                    col=6,
                ),
                ft.Container(
                    big_button(t("lock_button", lang), lock, primary=False, icon=ft.Icons.LOCK),
                    col=6,
                ),
            ],
            spacing=8,
        ),
    ]


def _actions(state: AppState, session: Session, lang: str) -> ft.Control:
    """New enrolment across the width; Sync and Check a card side by side under it (on
    a tablet the three share one row)."""
    return ft.ResponsiveRow(
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
                col={"xs": 6, "sm": 4},
            ),
            ft.Container(
                big_button(
                    t("verify_button", lang),
                    lambda e: state.checker.open(),
                    primary=False,
                    icon=ft.Icons.QR_CODE_SCANNER,
                ),
                col={"xs": 6, "sm": 4},
            ),
        ],
        spacing=8,
        run_spacing=8,
    )


def _seen(session: Session, home: HomeList) -> tuple[object, ...]:
    """What changes on home when a sync ends (FieldWorkButtons reads its count again)."""
    return (session.busy, session.message, *sorted(home.counts.items()))


def _records(state: AppState, home: HomeList, lang: str) -> list[ft.Control]:
    """The list, each household's records together under its head."""
    groups = grouped(home.records)
    tiles: list[ft.Control] = [
        HouseholdGroup(members, lang, state.open_record) for members in groups
    ] or [ft.Text(t("empty_list", lang), size=16, italic=True)]
    if len(home.records) >= LIST_LIMIT:
        tiles.append(ft.Text(t("list_more", lang, n=LIST_LIMIT), size=14, italic=True))
    return tiles


@ft.component
def HomeView(state: AppState, session: Session, home: HomeList) -> ft.Control:
    """The officer's home screen."""
    lang = session.lang
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
            _counters(home, lang),
            ft.Text(t("today", lang, n=home.today_count), size=15),
            *_waiting(home, lang),
            _actions(state, session, lang),
            FieldWorkButtons(state.education, state.umkm, lang, _seen(session, home)),
            *([ft.ProgressBar()] if session.busy else []),
            message_bar(session.message, session.message_kind),
            *drafts,
            *_officer_bar(state, lang),
            *_filters(home, lang),
            *_records(state, home, lang),
        ],
    )
