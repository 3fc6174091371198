"""Building blocks shared by the screens: big touch targets, one look."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import flet as ft

TOUCH = 56  # minimum height of anything tappable, in logical pixels
TEXT = 18
ROW = 48  # minimum height of a choice in a list (radio, checkbox)


def bind(fn: Callable[[Any], Any], extract: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An event handler passing `extract(event)` to `fn`; async if `fn` is, because
    Flet awaits only handlers that are coroutine functions themselves."""
    if inspect.iscoroutinefunction(fn):

        async def handler_async(e: Any) -> None:
            await fn(extract(e))

        return handler_async

    def handler(e: Any) -> None:
        fn(extract(e))

    return handler


def big_button(
    label: str,
    on_click: Callable[..., Any],
    *,
    primary: bool = True,
    icon: ft.IconData | None = None,
    disabled: bool = False,
) -> ft.Control:
    """A full-width button at least 56 px high."""
    cls = ft.FilledButton if primary else ft.OutlinedButton
    return cls(
        content=ft.Text(label, size=TEXT),
        icon=icon,
        on_click=on_click,
        disabled=disabled,
        height=TOUCH,
        expand=True,
    )


def text_input(
    label: str,
    value: str,
    on_change: Callable[[str], None],
    *,
    error: str | None = None,
    keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
    max_length: int | None = None,
    on_blur: Callable[[], Any] | None = None,
    ref: ft.Ref | None = None,
    warnings: list[str] | None = None,
    key: str | None = None,
) -> ft.Control:
    """A labelled text field; its error (red) and warnings (amber) show under it as
    wrapping notices, never cut to one line. `on_blur` runs when the field is left."""
    field = ft.TextField(
        label=label,
        value=value,
        on_change=bind(on_change, lambda e: e.control.value),
        on_blur=(lambda e: on_blur()) if on_blur else None,
        keyboard_type=keyboard,
        max_length=max_length,
        text_size=TEXT,
        ref=ref,
        border_color=ERROR_BORDER if error else None,
        label_style=ft.TextStyle(color=TONES["error"][0]) if error else None,
    )
    notes = [notice(w, "warning") for w in warnings or []]
    if error:
        notes.insert(0, notice(error, "error", compact=True))
    if not notes:
        field.key = key
        return field
    return ft.Column(
        [field, *notes], spacing=4, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, key=key
    )


def picker(
    label: str,
    value: str,
    options: list[tuple[str, str]],
    on_pick: Callable[[str], None],
    *,
    error: str | None = None,
) -> ft.Control:
    """A dropdown of `(key, text)` options; editable with a filter, so on a long list
    the officer types a few letters."""
    return ft.Dropdown(
        label=label,
        value=value or None,
        options=[ft.DropdownOption(key=k, text=text) for k, text in options],
        on_select=bind(on_pick, lambda e: e.control.value or ""),
        editable=True,
        enable_filter=True,
        expand=True,
        menu_height=400,
        error_text=error or None,
        text_size=TEXT,
    )


def picker_field(
    label: str,
    value: str,
    options: list[tuple[str, str]],
    on_pick: Callable[[str], None],
    *,
    error: str | None = None,
    key: str | None = None,
    list_key: str | None = None,
) -> ft.Control:
    """A full-width `picker` with its error under it as a wrapping notice (a dropdown's
    own error line is cut to one line). `list_key` names the option list: a new key
    is a new dropdown, so a stale choice never lingers."""
    dropdown = ft.Dropdown(
        label=label,
        value=value or None,
        options=[ft.DropdownOption(key=k, text=text) for k, text in options],
        on_select=bind(on_pick, lambda e: e.control.value or ""),
        editable=True,
        enable_filter=True,
        expand=True,
        menu_height=400,
        text_size=TEXT,
        border_color=ERROR_BORDER if error else None,
    )
    items: list[ft.Control] = [ft.Row([dropdown], key=list_key)]
    if error:
        items.append(notice(error, "error", compact=True))
    return ft.Column(items, spacing=4, key=key)


def radio_group(
    value: str, choices: list[tuple[str, str]], on_change: Callable[[str], None]
) -> ft.Control:
    """One choice out of a few, each a row at least 48 px high (a thumb's width)."""
    return ft.RadioGroup(
        value=value or None,
        on_change=bind(on_change, lambda e: e.control.value or ""),
        content=ft.Column(
            [
                # A tall line makes the whole labelled radio a 48 px target (Flutter
                # sizes it by its label; the radio alone is 40 px, 32 on desktop/web).
                ft.Radio(
                    value=k,
                    label=label,
                    label_style=ft.TextStyle(size=TEXT, height=ROW / TEXT + 0.05),
                    visual_density=ft.VisualDensity.STANDARD,
                )
                for k, label in choices
            ],
            spacing=0,
        ),
    )


def check_row(
    label: str, value: bool, on_change: Callable[[bool], None], *, bold: bool = False
) -> ft.Control:
    """A checkbox with its sentence beside it, wrapping on a narrow screen; tapping the
    sentence toggles it too, and a screen reader hears the whole sentence."""
    return ft.Row(
        [
            ft.Checkbox(
                value=value,
                semantics_label=label,
                visual_density=ft.VisualDensity.STANDARD,
                on_change=bind(on_change, lambda e: bool(e.control.value)),
            ),
            ft.Container(
                ft.Text(
                    label,
                    size=TEXT,
                    weight=ft.FontWeight.W_600 if bold else None,
                ),
                on_click=lambda e: on_change(not value),
                expand=True,
                padding=ft.Padding.symmetric(vertical=12),
            ),
        ],
        spacing=4,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


def section(
    title: str, error: str | None, body: ft.Control, *, key: str | None = None
) -> ft.Control:
    """A titled group with its error under it."""
    items: list[ft.Control] = [ft.Text(title, size=16, weight=ft.FontWeight.W_600), body]
    if error:
        items.append(notice(error, "error", compact=True))
    return ft.Column(items, spacing=4, key=key)


def error_text(text: str) -> ft.Control:
    """An error message: dark red on pale red, with its icon."""
    return notice(text, "error")


#: Each notice kind: (text and icon colour, background, icon). Text on background has a
#: contrast of at least 4.5:1 (RED_900 on RED_50 about 7.6, a brown on AMBER_50 about 8.9,
#: GREEN_900 on GREEN_50 about 9.0, BLUE_900 on BLUE_50 about 9.8), readable in the sun.
TONES: dict[str, tuple[str, str, ft.IconData]] = {
    "error": (ft.Colors.RED_900, ft.Colors.RED_50, ft.Icons.ERROR),
    "warning": ("#6d4c00", ft.Colors.AMBER_50, ft.Icons.WARNING_AMBER),
    "success": (ft.Colors.GREEN_900, ft.Colors.GREEN_50, ft.Icons.CHECK_CIRCLE),
    "info": (ft.Colors.BLUE_900, ft.Colors.BLUE_50, ft.Icons.INFO_OUTLINE),
}
ERROR_BORDER = ft.Colors.RED_900


def notice(text: str, kind: str = "info", *, compact: bool = False) -> ft.Control:
    """A message with the colour and icon of its kind ("error", "warning", "success",
    "info"; anything else is info), wrapping over as many lines as it needs."""
    fg, bg, icon = TONES.get(kind, TONES["info"])
    return ft.Container(
        ft.Row(
            [
                ft.Icon(icon, color=fg, size=20 if compact else 24),
                ft.Text(text, size=15 if compact else 16, color=fg, expand=True),
            ],
            spacing=8,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        bgcolor=bg,
        padding=ft.Padding.symmetric(horizontal=10, vertical=6) if compact else 12,
        border_radius=8,
        border=ft.Border.all(1, fg),
    )


def confirm(
    page: ft.Page,
    *,
    title: str,
    body: str,
    yes: str,
    no: str,
    on_yes: Callable[[], Any],
    danger: bool = True,
) -> None:
    """Ask before an action that cannot be undone: a dialog with `no` (closes, nothing
    happens) and `yes` (closes, then runs `on_yes`, awaited when it is async)."""

    async def answer_yes(e: Any) -> None:
        page.pop_dialog()
        result = on_yes()
        if inspect.isawaitable(result):
            await result

    yes_style = ft.ButtonStyle(bgcolor=ft.Colors.RED_900, color=ft.Colors.WHITE) if danger else None
    page.show_dialog(
        ft.AlertDialog(
            modal=True,
            title=ft.Text(title, size=20, weight=ft.FontWeight.BOLD),
            content=ft.Text(body, size=16),
            actions=[
                ft.OutlinedButton(
                    content=ft.Text(no, size=TEXT),
                    on_click=lambda e: page.pop_dialog(),
                    height=TOUCH,
                ),
                ft.FilledButton(
                    content=ft.Text(yes, size=TEXT),
                    on_click=answer_yes,
                    height=TOUCH,
                    style=yes_style,
                ),
            ],
        )
    )


def panel(title: str, controls: list[ft.Control]) -> ft.Control:
    """A tinted block that groups one part of a long form under a heading."""
    return ft.Container(
        ft.Column(
            [ft.Text(title, size=19, weight=ft.FontWeight.BOLD), *controls],
            spacing=12,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
        padding=12,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
    )


def message_bar(text: str, kind: str = "info") -> ft.Control:
    """A status line for the last action's outcome (empty when there is none), in the
    colour of its kind (see `notice`)."""
    if not text:
        return ft.Container(height=0)
    return notice(text, kind)


def page_frame(
    title: str,
    lang_label: str,
    on_lang: Callable[..., Any],
    body: list[ft.Control],
    *,
    scroll_ref: ft.Ref | None = None,
) -> ft.Control:
    """A screen: title bar with the language switch, then scrolling content, max 720 px wide."""
    # Side by side on a tablet; on a phone the title gets the whole width (long
    # Indonesian words must not break mid-word) and the language switch sits under it.
    header = ft.ResponsiveRow(
        [
            ft.Text(title, size=22, weight=ft.FontWeight.BOLD, col={"xs": 12, "sm": 8, "md": 9}),
            ft.Container(
                ft.TextButton(content=ft.Text(lang_label, size=16), on_click=on_lang, height=48),
                alignment=ft.Alignment.CENTER_RIGHT,
                col={"xs": 12, "sm": 4, "md": 3},
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
        run_spacing=0,
    )
    column = ft.Column(
        [header, *body],
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        expand=True,
        ref=scroll_ref,
    )
    return ft.SafeArea(
        ft.Container(
            ft.Container(column, padding=16, width=720),
            alignment=ft.Alignment.TOP_CENTER,
            expand=True,
        ),
        expand=True,
    )
