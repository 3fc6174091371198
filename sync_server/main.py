"""The FastAPI application factory (run with `uvicorn --factory sync_server.main:create_app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES

from sync_server.api.errors import install_error_handlers
from sync_server.api.routes import activities, cards, devices, health, review, sync, verify
from sync_server.config import Settings
from sync_server.db import make_engine, unit_of_work
from sync_server.request_limits import install_body_limits
from sync_server.services.print_jobs import PrintJobs
from sync_server.services.server_identity import load_identity
from sync_server.services.server_settings import roster_salt
from sync_server.services.signing import SignerCache, load_or_create_signer
from sync_server.web.app import install_desk


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: from the environment).

    The schema must already be migrated (`python -m sync_server serve` does it).
    """
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with unit_of_work(engine) as session:  # startup: its own unit of work
            app.state.signers = SignerCache(
                settings.secret_key,
                load_or_create_signer(session=session, secret_key=settings.secret_key),
            )
            app.state.roster_salt = roster_salt(session)
            # Read once: it changes only at a restore, done with the server stopped.
            app.state.identity = load_identity(session)
        yield
        app.state.print_jobs.shutdown()  # stops a batch drawing in a child process
        engine.dispose()

    app = FastAPI(
        title="Lombok Timur enrolment sync server",
        lifespan=lifespan,
        docs_url=None,  # no public API browser on a server that holds personal data
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.print_jobs = PrintJobs(settings=settings)
    install_error_handlers(app)
    # Replies travel over 2G village links: compress anything worth compressing.
    # Card PDFs are compressed already: gzipping a 40 MB batch again only burns CPU.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=500,
        compresslevel=9,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf"),
    )
    # Outermost of the app's middleware: an oversized body is refused before anything
    # (gzip, a route, the form parser) reads it.
    install_body_limits(app, settings)
    for module in (health, devices, sync, activities, cards, review, verify):
        app.include_router(module.router)
    install_desk(app)  # the coordinator's desk: /desk pages and their errors
    return app
