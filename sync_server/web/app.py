"""Mounting the desk onto the FastAPI app: its routers, static files and error pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from sync_server.web.errors import install_desk_errors
from sync_server.web.routes import (
    accounts,
    auth,
    cards,
    devices,
    education,
    exports,
    pairing_codes,
    progress_report,
    rates,
    reports,
    review,
)
from sync_server.web.templating import STATIC


def install_desk(app: FastAPI) -> None:
    """Add the desk; call after the API's error handlers are installed."""
    install_desk_errors(app)
    for module in (
        auth,
        accounts,
        reports,
        progress_report,
        rates,
        review,
        devices,
        pairing_codes,
        cards,
        exports,
        education,
    ):
        app.include_router(module.router)
    # Only the style sheet lives here: public, no personal data.
    app.mount("/desk/static", StaticFiles(directory=STATIC), name="desk-static")

    @app.get("/desk", include_in_schema=False)
    def desk_root() -> RedirectResponse:
        return RedirectResponse("/desk/", status_code=303)

    @app.get("/", include_in_schema=False)
    def site_root() -> RedirectResponse:
        return RedirectResponse("/desk/", status_code=303)
