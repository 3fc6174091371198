"""Command line: `python -m sync_server {serve,pair,migrate}`.

    serve    migrate the database, then run the HTTP server (uvicorn)
    pair     print a new single-use pairing code (valid 24 h) and nothing else;
             --kecamatan 52.03.07,52.03.08 sets the tablet's area (none: own records only)
    migrate  bring the database schema up to date
    create-admin USERNAME  create a desk administrator (password prompted, or
             read from stdin with --password-stdin)
    print-cards, revoke-card, reissue-card, rotate-key: see sync_server/cards_cli.py
    backup, restore: see sync_server/backup_cli.py

Settings come from the environment (see sync_server/config.py); diagnostics go
to stderr so `pair` output can be captured as-is.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

from sync_server.config import Settings
from sync_server.gc_pause import collector_paused


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    with collector_paused():
        # The command modules are imported here, under the pause, not at the top.
        from sync_server.backup_cli import COMMANDS as BACKUP_COMMANDS
        from sync_server.backup_cli import run_backup_command
        from sync_server.cards_cli import COMMANDS as CARD_COMMANDS
        from sync_server.cards_cli import run_card_command
        from sync_server.db import migrate

        args = _parser().parse_args(argv)
        if args.command == "serve":
            _load_app()
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings.from_env()
    if args.command in BACKUP_COMMANDS:
        return run_backup_command(args, settings)  # as found: no migration first
    migrate(settings.database_url)
    if args.command == "serve":
        _serve(args)
    elif args.command == "pair":
        return _pair(settings, args.name, args.kecamatan)
    elif args.command in CARD_COMMANDS:
        return run_card_command(args, settings)
    elif args.command == "create-admin":
        from sync_server.desk_cli import create_admin

        return create_admin(settings, args.username, args.display_name, args.password_stdin)
    return 0


def _parser() -> argparse.ArgumentParser:
    """The command line: serve, pair, migrate, create-admin and the card and backup commands."""
    from sync_server.backup_cli import add_backup_commands
    from sync_server.cards_cli import add_card_commands

    parser = argparse.ArgumentParser(prog="python -m sync_server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate and run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY") or 1),
        help="worker processes (each keeps its own key and salt; safe on both databases)",
    )
    pair = sub.add_parser("pair", help="print a new single-use pairing code")
    pair.add_argument("--name", default="", help="label, e.g. the officer it is for")
    pair.add_argument(
        "--kecamatan",
        default="",
        help="the tablet's area: dotted kecamatan codes, e.g. 52.03.07,52.03.08",
    )
    sub.add_parser("migrate", help="bring the database schema up to date")
    admin = sub.add_parser("create-admin", help="create a desk administrator account")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="")
    admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_card_commands(sub)
    add_backup_commands(sub)
    return parser


def _load_app() -> None:
    """Import the app and uvicorn (still under the collector pause), then freeze what
    was loaded: later collections skip those objects (a shorter pause per collection),
    and no collection has to walk them at start. The few cycles of garbage the imports
    left stay in memory (kilobytes)."""
    import uvicorn  # noqa: F401  (loaded now, under the pause)

    import sync_server.main  # noqa: F401  (uvicorn finds it in sys.modules)

    gc.freeze()


def _serve(args: argparse.Namespace) -> None:
    """Run the HTTP server (uvicorn) with the app factory until it is stopped."""
    import uvicorn

    uvicorn.run(
        "sync_server.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        server_header=False,
        workers=args.workers,
        # A line per request costs throughput on 500-record pushes from many
        # tablets; errors are still logged by the app.
        access_log=False,
        log_level="warning",
    )


def _pair(settings: Settings, name: str, kecamatan: str) -> int:
    """Print a pairing code for a tablet working in `kecamatan` (exit 2 if unknown)."""
    from sync_server.db import make_engine, unit_of_work
    from sync_server.services.devices import AreaError, create_pairing_code, parse_area

    try:
        area = parse_area(kecamatan)
    except AreaError:
        print(f"unknown kecamatan in {kecamatan!r} (e.g. 52.03.07,52.03.08)", file=sys.stderr)
        return 2
    if not area:
        print("no --kecamatan: the tablet sees its own records only", file=sys.stderr)
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as session:  # the command is one unit of work
            code = create_pairing_code(
                session=session, secret_key=settings.secret_key, name=name, area=area
            )
    finally:
        engine.dispose()
    print(code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
