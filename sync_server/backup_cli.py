"""Command line: `backup` and `restore` of the server's database.

    backup -o FILE     SQLite: an online backup (the server may keep running);
                       PostgreSQL: `pg_dump --format=custom`
    restore FILE       stop the server first. Puts FILE back (SQLite backup API, or
                       `pg_restore --clean`), migrates it, then starts a new restore
                       generation: tablets notice and offer back what the backup
                       lacks, and new member numbers and card serials come from a
                       block no one has used (services/server_identity.py)

The highest generation ever used is also kept in `DATA_DIR/generation`, so
restoring the same old backup twice still moves to a fresh block.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.config import Settings
from sync_server.db import make_engine, migrate, unit_of_work
from sync_server.services.server_identity import load_identity, start_generation

COMMANDS = ("backup", "restore")
GENERATION_FILE = "generation"


def add_backup_commands(sub: argparse._SubParsersAction) -> None:
    """Register `backup` and `restore` on the main parser's subcommands."""
    b = sub.add_parser("backup", help="back the database up into one file")
    b.add_argument("-o", "--output", type=Path, required=True)
    r = sub.add_parser("restore", help="restore a backup (server stopped); tablets reconcile")
    r.add_argument("backup", type=Path)


def run_backup_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `backup` or `restore`; returns the exit code."""
    if args.command == "backup":
        _backup(settings.database_url, args.output)
        print(f"backup written: {args.output}")
        return 0
    if not args.backup.is_file():
        print(f"no such backup file: {args.backup}", file=sys.stderr)
        return 1
    used = max(_generation_in_db(settings.database_url), _generation_on_disk(settings))
    _restore(settings.database_url, args.backup)
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as session:  # the restore's last step, committed
            identity = start_generation(session, at_least=used)
    finally:
        engine.dispose()
    _write_private(settings.data_dir / GENERATION_FILE, str(identity.generation))
    print(f"restored {args.backup}; server {identity.server_id}, generation {identity.generation}")
    return 0


def _backup(url: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        tmp = out.with_name(out.name + ".part")
        src = sqlite3.connect(_sqlite_path(url))
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # consistent even while the server writes
        finally:
            dst.close()
            src.close()
        os.chmod(tmp, 0o600)
        tmp.replace(out)
        return
    libpq, schema = _libpq(url)
    cmd = ["pg_dump", "--format=custom", "--no-owner", f"--file={out}", libpq]
    subprocess.run(cmd + (["--schema", schema] if schema else []), check=True)
    os.chmod(out, 0o600)


def _restore(url: str, backup: Path) -> None:
    if url.startswith("sqlite"):
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dst = sqlite3.connect(_sqlite_path(url))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    libpq, schema = _libpq(url)
    if schema:  # --clean drops what the dump holds; tables made since stay otherwise
        subprocess.run(
            ["psql", "--quiet", "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', libpq],
            check=True,
        )
    cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={libpq}"]
    subprocess.run([*cmd, str(backup)], check=True)


def _generation_in_db(url: str) -> int:
    """The generation of the database being replaced (0 if it cannot be read)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return load_identity(session).generation
    except sa.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _generation_on_disk(settings: Settings) -> int:
    try:
        return int((settings.data_dir / GENERATION_FILE).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _sqlite_path(url: str) -> str:
    return sa.make_url(url).database or ""


def _libpq(url: str) -> tuple[str, str]:
    """A libpq connection string for pg_dump/pg_restore, and the schema named by
    `options=-csearch_path=…` if any (the tests keep each database in a schema)."""
    parsed = sa.make_url(url)
    options = str(parsed.query.get("options", ""))
    schema = options.split("search_path=", 1)[1].split(",")[0] if "search_path=" in options else ""
    plain = parsed.set(drivername="postgresql").difference_update_query(["options"])
    if not shutil.which("pg_dump"):
        raise RuntimeError("pg_dump/pg_restore not found (Debian: postgresql-client)")
    return plain.render_as_string(hide_password=False), schema
