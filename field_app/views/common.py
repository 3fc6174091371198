"""Building blocks shared by the screens: big touch targets, one look."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import flet as ft

TOUCH = 56  # minimum height of anything tappable, in logical pixels
TEXT = 18


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
) -> ft.TextField:
    """A labelled text field whose error shows under it."""
    return ft.TextField(
        label=label,
        value=value,
        on_change=bind(on_change, lambda e: e.control.value),
        error=error or None,
        keyboard_type=keyboard,
        max_length=max_length,
        text_size=TEXT,
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


def radio_group(
    value: str, choices: list[tuple[str, str]], on_change: Callable[[str], None]
) -> ft.Control:
    """One choice out of a few, each a full-height touch target."""
    return ft.RadioGroup(
        value=value or None,
        on_change=bind(on_change, lambda e: e.control.value or ""),
        content=ft.Column(
            [
                ft.Radio(value=k, label=label, label_style=ft.TextStyle(size=TEXT))
                for k, label in choices
            ],
            spacing=0,
        ),
    )


def section(title: str, error: str | None, body: ft.Control) -> ft.Control:
    """A titled group with its error under it."""
    items: list[ft.Control] = [ft.Text(title, size=16, weight=ft.FontWeight.W_600), body]
    if error:
        items.append(error_text(error))
    return ft.Column(items, spacing=4)


def error_text(text: str) -> ft.Control:
    """An error message in the theme's error colour."""
    return ft.Text(text, color=ft.Colors.ERROR, size=15)


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


def message_bar(text: str) -> ft.Control:
    """A status line for the last action's outcome (empty when there is none)."""
    if not text:
        return ft.Container(height=0)
    return ft.Container(
        ft.Text(text, size=16, color=ft.Colors.ON_SECONDARY_CONTAINER),
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        padding=12,
        border_radius=8,
    )


def page_frame(
    title: str, lang_label: str, on_lang: Callable[..., Any], body: list[ft.Control]
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
    )
    return ft.SafeArea(
        ft.Container(
            ft.Container(column, padding=16, width=720),
            alignment=ft.Alignment.TOP_CENTER,
            expand=True,
        ),
        expand=True,
    )
