"""Building blocks shared by the screens: big touch targets, one look."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

TOUCH = 56  # minimum height of anything tappable, in logical pixels
TEXT = 18


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
        on_change=lambda e: on_change(e.control.value),
        error=error or None,
        keyboard_type=keyboard,
        max_length=max_length,
        text_size=TEXT,
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
    header = ft.Row(
        [
            ft.Text(title, size=22, weight=ft.FontWeight.BOLD, expand=True),
            ft.TextButton(content=ft.Text(lang_label, size=16), on_click=on_lang, height=48),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
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
