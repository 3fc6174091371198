"""Card printing benchmark: one A4 batch PDF of a kecamatan's cards.

    python -m bench.card_batch [--cards 1000] [--db sqlite|postgres] [-o batch.pdf]

Fills a fresh database with `--cards` members of one kecamatan (realistic names from
bench.dataset) and their cards, then times `card_batches.batch_pdf` end to end
(query, signing, QR encoding, layout, PDF writing). Prints seconds, cards per second,
pages, PDF size and the QR versions the links needed. Target: 1,000 cards < 10 s on
2 cores.
"""

from __future__ import annotations

import argparse
import collections
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from bench.dataset import people
from enrolment import areas
from sync_server.config import Settings
from sync_server.db import insert_rows, make_engine, migrate
from sync_server.models import Card, Member, utcnow
from sync_server.services.card_batches import batch_pdf, select_cards
from sync_server.services.cards import add_years, verify_url
from sync_server.services.qr import qr_matrix, qr_text
from sync_server.services.signing import load_or_create_signer

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
KEC = "52.03.07"
PUBLIC_BASE_URL = "https://bpjstk-lotim.example.id"


def fill(session: Session, n: int) -> None:
    """`n` members of KEC (spread over its villages) with one card each."""
    villages = [v.code for v in areas.villages(KEC)]
    recs = list({p.nik: p for p in people(n + n // 10)}.values())[:n]
    now, today = utcnow(), utcnow().date()
    rows = [
        {
            "nik": r.nik,
            "full_name": r.full_name,
            "birth_date": date.fromisoformat(r.birth_date),
            "sex": r.sex,
            "village_code": villages[i % len(villages)],
            "phone": r.phone,
            "segment": r.segment,
            "created_at": now,
            "updated_at": now,
        }
        for i, r in enumerate(recs)
    ]
    members = Member.__table__  # type: ignore[attr-defined]
    ids = insert_rows(session, members, rows, returning=("id",))
    cards = Card.__table__  # type: ignore[attr-defined]
    insert_rows(
        session,
        cards,
        [
            {"member_id": i.id, "kid": "k1", "issued_on": today, "expires_on": add_years(today, 5)}
            for i in ids
        ],
    )
    session.commit()


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.card_batch")
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("-o", "--output", type=Path, help="keep the PDF here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        schema = ""
        if args.db == "sqlite":
            url = f"sqlite:///{tmp}/bench.db"
        else:
            schema = "bench_" + secrets.token_hex(4)
            admin = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
            with admin.begin() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        settings = Settings(Path(tmp), url, PUBLIC_BASE_URL, secrets.token_urlsafe(32))
        migrate(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                signer = load_or_create_signer(session=session, secret_key=settings.secret_key)
                fill(session, args.cards)
                # What the links need: QR versions over this batch's real tokens.
                versions: collections.Counter[int] = collections.Counter()
                for claims in select_cards(session, kecamatan=KEC):
                    url_text = qr_text(verify_url(PUBLIC_BASE_URL, signer.sign_card(claims)))
                    versions[qr_matrix(url_text).version] += 1
                session.rollback()

                started = time.perf_counter()
                pdf = batch_pdf(session, kecamatan=KEC, settings=settings, signer=signer)
                seconds = time.perf_counter() - started
        finally:
            engine.dispose()
            if schema:
                with admin.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
    if args.output:
        args.output.write_bytes(pdf)
    pages = (args.cards + 9) // 10
    print(f"cards:          {args.cards} ({args.db}), {pages} A4 pages")
    print(f"batch PDF:      {seconds:.2f} s, {args.cards / seconds:.0f} cards/s")
    print(f"PDF size:       {len(pdf) / 1e6:.2f} MB ({len(pdf) / args.cards / 1e3:.1f} kB a card)")
    print(
        "QR versions:    "
        + ", ".join(f"v{v}: {n}" for v, n in sorted(versions.items()))
        + f" (error correction M, links {PUBLIC_BASE_URL}/v/<token>)"
    )


if __name__ == "__main__":
    main()
