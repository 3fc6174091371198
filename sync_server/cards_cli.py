"""Card commands of `python -m sync_server`: print-cards, revoke-card, reissue-card, rotate-key.

print-cards  --kecamatan 52.03.07 | --desa 52.03.07.1001 | --serials 17,342 |
             --reprints-since 2026-11-01   [-o cards.pdf]   (progress on stderr)
revoke-card SERIAL --reason lost|stolen|data_error [--by NAME]
reissue-card MEMBER_NO [--by NAME]       new card; the old one is revoked as reissued
rotate-key                               new active signing key; old keys stay published
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlmodel import Session

from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.services.card_batches import BatchError, batch_pdf, parse_serials
from sync_server.services.members import member_number, parse_member_number
from sync_server.services.revocation import REASONS, RevocationError, reissue_card, revoke_card
from sync_server.services.signing import load_or_create_signer, rotate_key

COMMANDS = ("print-cards", "revoke-card", "reissue-card", "rotate-key")


def _serials(text: str) -> list[int]:
    try:
        return parse_serials(text)
    except BatchError:
        raise ValueError(text) from None  # argparse: "invalid _serials value"


def add_card_commands(sub: argparse._SubParsersAction) -> None:
    """Register the card commands on the main parser's subcommands."""
    default_actor = f"cli:{getpass.getuser()}"
    pc = sub.add_parser("print-cards", help="A4 PDF of cards, 10 a sheet with cut marks")
    area = pc.add_mutually_exclusive_group()
    area.add_argument("--kecamatan", help="kecamatan code, e.g. 52.03.07")
    area.add_argument("--desa", help="desa/kelurahan code, e.g. 52.03.07.1001")
    pc.add_argument("--serials", type=_serials, help="card serials, comma-separated")
    pc.add_argument(
        "--reprints-since",
        type=date.fromisoformat,
        help="cards reissued on or after this date (YYYY-MM-DD)",
    )
    pc.add_argument("-o", "--output", type=Path, default=Path("cards.pdf"))
    rv = sub.add_parser("revoke-card", help="revoke a card (tablets learn at their next pull)")
    rv.add_argument("serial", type=int)
    rv.add_argument("--reason", required=True, choices=REASONS)
    rv.add_argument("--by", default=default_actor, help="who asks (recorded with the card)")
    ri = sub.add_parser("reissue-card", help="issue a new card to a member (new token)")
    ri.add_argument("member_no")
    ri.add_argument("--by", default=default_actor)
    sub.add_parser("rotate-key", help="new active card-signing key; old ones still verify")


def run_card_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one of COMMANDS; returns the exit code (0 done, 1 refused)."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return _RUNNERS[args.command](session, args, settings)
    finally:
        engine.dispose()


def _print_cards(session: Session, args: argparse.Namespace, settings: Settings) -> int:
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        # One line, rewritten in place: a 20,000-card kecamatan takes a few minutes.
        end = "\n" if done == total else ""
        print(f"\r{done}/{total} cards", end=end, file=sys.stderr, flush=True)

    try:
        pdf = batch_pdf(
            session,
            kecamatan=args.kecamatan,
            desa=args.desa,
            serials=args.serials,
            reprints_since=args.reprints_since,
            progress=progress,
            settings=settings,
            signer=load_or_create_signer(session=session, secret_key=settings.secret_key),
        )
    except BatchError as exc:
        print(f"print-cards: {exc.code}", file=sys.stderr)
        return 1
    args.output.write_bytes(pdf)
    print(
        f"wrote {args.output} ({len(pdf) / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


def _revoke(session: Session, args: argparse.Namespace, _settings: Settings) -> int:
    try:
        revoke_card(session, serial=args.serial, reason=args.reason, actor=args.by)
    except RevocationError as exc:
        print(f"revoke-card: {exc.code}", file=sys.stderr)
        return 1
    session.commit()  # a CLI command is its own unit of work: committed before it says done
    print(f"card {args.serial} revoked ({args.reason})", file=sys.stderr)
    return 0


def _reissue(session: Session, args: argparse.Namespace, settings: Settings) -> int:
    member_id = parse_member_number(args.member_no)
    try:
        if member_id is None:
            raise RevocationError("unknown_member")
        card = reissue_card(
            session, member_id=member_id, actor=args.by, valid_years=settings.card_valid_years
        )
    except RevocationError as exc:
        print(f"reissue-card: {exc.code}", file=sys.stderr)
        return 1
    session.commit()  # a CLI command is its own unit of work: committed before it says done
    # The serial alone on stdout, so scripts can capture it (like `pair`'s code).
    print(f"new card for {member_number(member_id)}:", file=sys.stderr)
    print(card.id)
    return 0


def _rotate(session: Session, _args: argparse.Namespace, settings: Settings) -> int:
    kid = rotate_key(session=session, secret_key=settings.secret_key)
    session.commit()  # a CLI command is its own unit of work: committed before it says done
    print(f"active signing key is now {kid}; earlier keys stay published", file=sys.stderr)
    print(kid)
    return 0


_RUNNERS: dict[str, Callable[[Session, argparse.Namespace, Settings], int]] = {
    "print-cards": _print_cards,
    "revoke-card": _revoke,
    "reissue-card": _reissue,
    "rotate-key": _rotate,
}
