"""Home's list entries: a draft, an enrolment, a household's records under its head."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import flet as ft

from enrolment import areas
from enrolment.household import relation_name
from enrolment.segment_details import conversion_due
from enrolment.segments import Segment, segment_name
from field_app.features.education import Education
from field_app.features.umkm_followup import UmkmFollowUp
from field_app.form import format_date
from field_app.i18n import t
from field_app.store import Draft, Status, StoredEnrolment
from field_app.views.common import confirm

_STATUS_COLOURS = {
    Status.PENDING: ft.Colors.AMBER_100,
    Status.SENT: ft.Colors.GREEN_100,
    Status.CONFLICT: ft.Colors.ORANGE_200,
    Status.REJECTED: ft.Colors.RED_100,
    Status.HELD: ft.Colors.DEEP_ORANGE_100,
}


def local_time(iso: str) -> str:
    try:
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    return stamp.strftime("%d-%m-%Y %H:%M")


@ft.memo
@ft.component
def DraftTile(
    draft: Draft,
    lang: str,
    resume: Callable[[Draft], None],
    discard_draft: Callable[[Draft], Awaitable[None]],
) -> ft.Control:
    """One unfinished form (re-rendered only when it or the language changes)."""

    def discard(e: ft.Event) -> None:
        confirm(
            e.page,
            title=t("discard_draft_title", lang, title=draft.title),
            body=t("discard_body", lang),
            yes=t("discard", lang),
            no=t("cancel", lang),
            on_yes=lambda: discard_draft(draft),
        )

    segment = draft.payload.get("segment", "")
    lines: list[ft.Control] = [
        ft.Text(draft.title, size=18, weight=ft.FontWeight.W_600),
        ft.Text(
            " · ".join(
                x
                for x in (
                    t("draft_saved_at", lang, time=local_time(draft.updated_at)),
                    segment_name(segment, lang) if segment else "",
                )
                if x
            ),
            size=14,
        ),
    ]
    # The buttons under the text, each with its word: a lone trash icon beside
    # Lanjutkan was one slip of the thumb from deleting (it still asks first).
    buttons = ft.Row(
        [
            ft.FilledTonalButton(
                content=ft.Text(t("resume", lang), size=16),
                icon=ft.Icons.EDIT_NOTE,
                height=48,
                on_click=lambda e: resume(draft),
            ),
            ft.OutlinedButton(
                content=ft.Text(t("discard", lang), size=16, color=ft.Colors.RED_900),
                icon=ft.Icons.DELETE_OUTLINE,
                icon_color=ft.Colors.RED_900,
                height=48,
                on_click=discard,
            ),
        ],
        wrap=True,
        spacing=8,
        run_spacing=8,
    )
    return ft.Container(
        ft.Column([*lines, buttons], spacing=6),
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


def HouseholdGroup(
    members: list[StoredEnrolment], lang: str, open_record: Callable[[StoredEnrolment], None]
) -> ft.Control:
    """A household's records together under one heading, its head first; a record of
    no household (or the only one listed of its household) stands alone."""
    tiles = [RecordTile(item, lang, open_record, key=item.record.client_id) for item in members]
    household = members[0].record.household
    if household is None or len(members) == 1:
        return tiles[0]
    heading = ft.Row(
        [
            ft.Icon(ft.Icons.FAMILY_RESTROOM, size=22),
            ft.Text(
                t("household_group", lang, kk=household.kk, n=len(members)),
                size=16,
                weight=ft.FontWeight.W_600,
                expand=True,
            ),
        ]
    )
    return ft.Container(
        ft.Column([heading, *tiles], spacing=8),
        padding=ft.Padding.only(left=8, top=8, right=0, bottom=8),
        border=ft.Border.only(left=ft.BorderSide(4, ft.Colors.PRIMARY)),
    )


def _field_work_button(label: str, icon: ft.IconData, on_click: Callable[..., Any]) -> ft.Control:
    """A home button whose label may wrap (two share a 360 px row): its height follows
    the text, never under 48 px (the padding)."""
    return ft.FilledTonalButton(
        content=ft.Container(
            ft.Text(label, size=16, text_align=ft.TextAlign.CENTER),
            padding=ft.Padding.symmetric(vertical=14),
        ),
        icon=icon,
        on_click=on_click,
        expand=True,
        style=ft.ButtonStyle(
            padding=ft.Padding.symmetric(horizontal=10),
            shape=ft.RoundedRectangleBorder(radius=20),
        ),
    )


@ft.component
def FieldWorkButtons(
    education: Education, umkm: UmkmFollowUp, lang: str, seen: tuple[object, ...]
) -> ft.Control:
    """Home's "Sesi edukasi" and "Tindak lanjut UMKM" (with the number of UMKM owners
    due), side by side. The number is read again when `seen` changes (what home shows
    after a sync: its status line, its counters), as a pull may bring another list."""
    ft.use_effect(umkm.load_count, list(seen))
    n = umkm.due_count
    umkm_label = t("umkm_button_n", lang, n=n) if n else t("umkm_button", lang)
    return ft.Row(
        [
            _field_work_button(t("edu_button", lang), ft.Icons.GROUPS, _run(education.open)),
            _field_work_button(umkm_label, ft.Icons.STOREFRONT, _run(umkm.open)),
        ],
        spacing=8,
        # (not STRETCH: in the page's scrolling column a row has no height to fill,
        # and Flutter stops painting what follows)
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def _run(fn: Callable[[], Awaitable[None]]) -> Callable[[ft.Event], Awaitable[None]]:
    async def handler(e: ft.Event) -> None:
        await fn()

    return handler
