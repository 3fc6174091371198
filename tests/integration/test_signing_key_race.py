"""Server workers starting together on an empty database make exactly one signing key."""

from __future__ import annotations

import multiprocessing

import sqlalchemy as sa

from sync_server.db import migrate

STARTERS = 4


def _start(database_url: str, barrier, out) -> None:  # in a child process, as a worker is
    from sqlmodel import Session

    from sync_server.db import make_engine
    from sync_server.services.signing import load_or_create_signer

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            barrier.wait()
            out.put(load_or_create_signer(session=session, secret_key="race-test-secret").kid)
    except Exception as exc:  # reported to the test
        out.put(f"error: {exc!r}")
    finally:
        engine.dispose()


def test_workers_starting_together_share_one_key(database_url: str) -> None:
    migrate(database_url)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(STARTERS), ctx.Queue()
    procs = [ctx.Process(target=_start, args=(database_url, barrier, out)) for _ in range(STARTERS)]
    for p in procs:
        p.start()
    answers = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert len(set(answers)) == 1 and not answers[0].startswith("error"), answers
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM signing_keys")).scalar_one() == 1
    engine.dispose()
