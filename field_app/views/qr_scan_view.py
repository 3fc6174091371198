"""The scan controls a screen embeds: a button that opens the camera (Android, iOS) or
an image file picker (browser, desktop), and what the last picture gave."""

from __future__ import annotations

import flet as ft
import flet_camera as fc

from field_app.features.qr_scan import OnText, QrScan, has_camera_control
from field_app.i18n import t
from field_app.views.common import big_button, error_text


@ft.component
def QrScanner(label: str, lang: str, on_text: OnText) -> ft.Control:
    """`label` on the button; `on_text` gets the text of the code read."""
    scan, _ = ft.use_state(QrScan)
    camera = has_camera_control(ft.context.page)

    async def start(e: ft.Event) -> None:
        if camera:
            scan.open_camera()
        else:
            await scan.pick_file(on_text)

    controls: list[ft.Control] = []
    if scan.camera_open:
        controls.append(CameraShot(lang, scan, on_text))
    else:
        icon = ft.Icons.QR_CODE_SCANNER if camera else ft.Icons.IMAGE_SEARCH
        controls.append(ft.Row([big_button(label, start, icon=icon, disabled=scan.reading)]))
    if not camera and not scan.camera_open:
        controls.append(ft.Text(t("scan_file_help", lang), size=15))
    if scan.reading:
        controls.append(ft.Text(t("scan_reading", lang), size=16))
    if scan.problem:
        controls.append(error_text(t(scan.problem, lang)))
    return ft.Column(controls, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


@ft.component
def CameraShot(lang: str, scan: QrScan, on_text: OnText) -> ft.Control:
    """The back camera's preview with a shutter: the officer holds the QR in the frame
    and taps (a still is read rather than a stream: cheap tablets stay cool)."""
    ref = ft.use_ref(None)
    ready, set_ready = ft.use_state(False)

    async def start_camera() -> None:
        cam = ref.current
        try:
            cameras = await cam.get_available_cameras()
            back = [c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK]
            if cameras:
                await cam.initialize(
                    (back or cameras)[0], fc.ResolutionPreset.HIGH, enable_audio=False
                )
        except (RuntimeError, TimeoutError):  # permission refused, camera busy
            cameras = []
        if not cameras:
            scan.close_camera()
            scan.problem = "scan_no_camera"
            return
        set_ready(True)

    ft.use_effect(start_camera, [])

    async def shoot(e: ft.Event) -> None:
        try:
            picture = await ref.current.take_picture()
        except (RuntimeError, TimeoutError):
            scan.problem = "scan_no_camera"
            return
        await scan.read(picture, on_text)

    return ft.Column(
        [
            ft.Container(fc.Camera(ref=ref, expand=True), height=320, border_radius=12),
            ft.Text(t("scan_camera_help", lang), size=15),
            ft.Row(
                [
                    big_button(
                        t("scan_take", lang),
                        shoot,
                        icon=ft.Icons.CAMERA,
                        disabled=not ready or scan.reading,
                    )
                ]
            ),
            ft.Row([big_button(t("back", lang), lambda e: scan.close_camera(), primary=False)]),
        ],
        spacing=8,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
