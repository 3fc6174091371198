"""Reading a QR code for a screen (card check, pairing) from a picture: the camera's on
an Android tablet, an image file in a browser or on a desktop (no camera control there).

The picture is read off the event loop (Pillow and zbar take 20-200 ms on a tablet).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import flet as ft

from field_app.qr_image import QrReaderMissing, read_qr

OnText = Callable[[str], Awaitable[None]]


def has_camera_control(page: ft.Page) -> bool:
    """True where flet-camera runs: the Android and iOS apps (the web client and the
    desktop app of `flet run` are built without it)."""
    return not page.web and page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)


@ft.observable
@dataclass
class QrScan:
    """One screen's scanning: whether the camera is open, and why the last picture gave
    no code (a message key, "" if none)."""

    camera_open: bool = False
    reading: bool = False
    problem: str = ""

    async def read(self, picture: bytes | None, on_text: OnText) -> None:
        """Read the code in `picture` and hand its text to the screen (None: the officer
        cancelled the picker or the camera, nothing changes)."""
        if picture is None:
            return
        self.reading, self.problem = True, ""
        try:
            text = await asyncio.to_thread(read_qr, picture)
        except QrReaderMissing:
            text, self.problem = None, "scan_no_reader"
        self.reading = False
        if text is None:
            self.problem = self.problem or "scan_no_code"
            return
        self.camera_open = False
        await on_text(text)

    async def pick_file(self, on_text: OnText) -> None:
        """Ask for an image file (a photo of the card, a screenshot of the desk's QR)."""
        files = await ft.FilePicker().pick_files(
            file_type=ft.FilePickerFileType.IMAGE,
            with_data=True,
            cancel_upload_on_window_blur=False,
        )
        await self.read(files[0].bytes if files else None, on_text)

    def open_camera(self) -> None:
        """Show the camera's preview (the Android and iOS apps)."""
        self.camera_open, self.problem = True, ""

    def close_camera(self) -> None:
        """Back from the preview without a picture."""
        self.camera_open = False
