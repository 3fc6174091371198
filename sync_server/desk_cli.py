"""`python -m sync_server create-admin USERNAME`: the first desk account, from a shell."""

from __future__ import annotations

import getpass
import sys

from sqlmodel import Session

from enrolment.messages import slashed
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.services.accounts import AccountError, create_user
from sync_server.services.audit import audit


def create_admin(settings: Settings, username: str, display_name: str, from_stdin: bool) -> int:
    """Create an administrator; returns the exit code (0 ok, 1 refused)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print(slashed("cli_passwords_differ"), file=sys.stderr)
            return 1
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            user = create_user(
                session=session,
                username=username,
                password=password,
                role="administrator",
                display_name=display_name,
            )
            audit(session, None, "user_create", f"user:{user.username}", "CLI create-admin")
            session.commit()  # a CLI command is its own unit of work
            name = user.username
    except AccountError as exc:
        print(slashed(f"account_{exc.code}"), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(slashed("cli_admin_created", name=name), file=sys.stderr)
    return 0
