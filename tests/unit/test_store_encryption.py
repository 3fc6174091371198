"""Encryption at rest, checked on the SQLite file's own bytes: a lost tablet gives nothing away.

Also: a locked store refuses personal data, search and duplicates still work, and a
plaintext database of schema 3 or 4 is encrypted in place at its first unlock, nothing
lost, even when the app is killed half-way.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from enrolment.household import Household
from enrolment.protocol import record_to_wire
from field_app import store as store_module
from field_app.store import MIGRATIONS, Locked, Status, Store
from field_app.vault import KdfParams, Vault, WrongKey
from tests.conftest import person

pytestmark = pytest.mark.own_keys
FAST = KdfParams(n=2**10)
NAME = "Baiq Nurul Hidayati"
KK = "5203071203150007"
TOKEN = "devtok-8f3a91c2e7d4b605"
CARD = "cardtoken-Q2FyZFRva2VuRm9yVGVzdA"


def file_bytes(path: Path) -> bytes:
    """The database file and its WAL, as someone holding the tablet reads them."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def secrets_of(records) -> list[bytes]:
    return [s.encode() for r in records for s in (r.nik, r.full_name)] + [
        NAME.encode(),
        KK.encode(),
        b"081234567890",
        TOKEN.encode(),
        CARD.encode(),
        b"Petugas Lina",
    ]


def test_neither_nik_nor_name_is_in_the_file_or_its_wal(tmp_path):
    path = tmp_path / "app.db"
    store = Store(path, kdf=FAST)
    store.add_officer("Rina", "135790")
    head = person(1, name=NAME, segment="poor_household")
    child = replace(person(2, name="Lalu Ahmad Zaki", segment="poor_household"))
    records = [
        replace(head, household=Household(KK, "head", head.client_id)),
        replace(child, household=Household(KK, "child", head.client_id)),
    ]
    store.save_draft(head.client_id, NAME, {"nik": head.nik, "kk": KK})
    store.save_enrolments(records)
    store.save_draft("d2", "Lalu Ahmad Zaki", {"nik": child.nik})
    store.set_settings(device_token=TOKEN, officer="Petugas Lina", server_url="https://x.id")
    problems = json.dumps([{"field": "full_name", "id": f"Nama {NAME} salah", "en": "x"}])
    store.record_outcomes(
        [
            (head.client_id, 1, Status.SENT, "LT0000001", CARD, "[]"),
            (child.client_id, 1, Status.REJECTED, None, None, problems),
        ]
    )
    assert Path(f"{path}-wal").stat().st_size > 0  # the WAL holds the recent pages
    data = file_bytes(path)
    for secret in secrets_of(records):
        assert secret not in data, secret
    # ... and everything reads back as it was written.
    assert store.get(head.client_id).card_token == CARD
    assert store.get(child.client_id).problems[0]["id"] == f"Nama {NAME} salah"
    assert store.get_draft(head.client_id).payload == {"nik": head.nik, "kk": KK}
    assert store.get_setting("device_token") == TOKEN
    assert store.get_setting("server_url") == "https://x.id"
    store.close()
    for secret in secrets_of(records):
        assert secret not in file_bytes(path), secret


def test_a_locked_store_refuses_personal_data_and_still_counts(tmp_path):
    path = tmp_path / "app.db"
    store = Store(path, kdf=FAST)
    officer = store.add_officer("Rina", "135790")
    rec = person(1)
    store.save_enrolment(rec)
    store.save_draft("d1", "Siti", {"nik": "5203"})
    store.set_settings(device_token=TOKEN, server_url="https://x.id")
    store.lock()
    refused = [
        lambda: store.get(rec.client_id),
        store.list_enrolments,
        lambda: store.household(rec.client_id),
        store.drafts,
        lambda: store.get_draft("d1"),
        lambda: store.save_draft("d2", "x", {}),
        lambda: store.save_enrolment(person(2)),
        lambda: store.pending(5),
        lambda: store.pending_wire(5),
        lambda: store.nik_exists(rec.nik),
        lambda: store.record_outcomes([(rec.client_id, 1, Status.SENT, "LT1", "t", "[]")]),
        lambda: store.get_setting("device_token"),
        lambda: store.set_settings(device_token="other"),
    ]
    for call in refused:
        with pytest.raises(Locked):
            call()
    assert store.count_by_status() == {Status.PENDING: 1, "draft": 1}
    assert store.villages_used() == [rec.village_code] and store.delivered_count() == 0
    assert store.has_setting("device_token") and not store.has_setting("officer")
    assert store.get_setting("server_url") == "https://x.id"
    store.unlock(officer.officer_id, "135790")
    assert store.pending(5) == [rec]
    # A vault that is not this file's is refused before it reads or writes anything.
    with pytest.raises(WrongKey):
        Store(path, vault=Vault.new())


@pytest.mark.parametrize("many_hits", [False, True])
def test_search_and_duplicates_work_on_the_encrypted_store(tmp_path, monkeypatch, many_hits):
    if many_hits:  # the path for queries matching thousands: SQLite asks the index
        monkeypatch.setattr(store_module, "IN_LIST_MAX", 0)
    store = Store(tmp_path / "app.db", vault=Vault.new())
    store.save_enrolments(
        [
            person(1, name="Baiq 100%", segment="umkm_owner"),
            person(2, name="Lalu Ahmad", village="52.03.07.1002"),
            person(3, name="Ḃaiq Ünal"),
        ]
    )
    names = lambda *a, **k: sorted(i.record.full_name for i in store.list_enrolments(*a, **k))  # noqa: E731
    assert names("baiq") == ["Baiq 100%"]
    assert names("ünal") == ["Ḃaiq Ünal"]  # any case, in any script
    assert names("0%") == ["Baiq 100%"] and names("_") == []
    assert names(person(2).nik) == ["Lalu Ahmad"]
    assert names(person(2).nik[:12]) == ["Baiq 100%", "Lalu Ahmad", "Ḃaiq Ünal"]
    assert len(names("5203 07")) == 3 and names("5204") == []
    assert names("a", segment="umkm_owner") == ["Baiq 100%"]
    assert names("a", village="52.03.07.1002") == ["Lalu Ahmad"]
    assert names("a", status=Status.ATTENTION) == []
    assert store.nik_exists(person(2).nik) and not store.nik_exists("5203000000000000")
    assert store.niks_taken([person(1).nik, person(2).nik], []) == {person(1).nik, person(2).nik}
    # A correction changes the name and NIK the index holds.
    first = store.list_enrolments("Lalu")[0].record
    store.save_enrolment(replace(first, full_name="Lalu Zainul", nik=person(9).nik))
    assert names("ahmad") == [] and names("zainul") == ["Lalu Zainul"]
    assert names(person(9).nik) == ["Lalu Zainul"] and names(person(2).nik) == []


def test_the_search_index_follows_writes_by_another_connection(tmp_path):
    vault = Vault.new()
    reader = Store(tmp_path / "app.db", vault=vault)
    writer = Store(tmp_path / "app.db", vault=Vault(vault._dek))
    assert reader.list_enrolments("Nurul") == []
    writer.save_enrolment(person(4, name="Baiq Nurul"))
    assert [i.record.full_name for i in reader.list_enrolments("Nurul")] == ["Baiq Nurul"]


def plaintext_database(path: Path, version: int) -> dict:
    """A file exactly as the app of schema `version` (3 or 4) wrote it, with every kind of
    personal value in it. Returns what it holds."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        for statement in filter(str.strip, script.split(";")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={number}")
    head = person(1, name=NAME, segment="poor_household")
    head = replace(head, household=Household(KK, "head", head.client_id))
    child = person(2, name="Lalu Ahmad Zaki", segment="poor_household")
    child = replace(child, household=Household(KK, "child", head.client_id))
    records = [head, child] + [person(n) for n in range(3, 1203)]
    rows = []
    for i, r in enumerate(records):
        sent = i % 3 == 0
        rows.append(
            (
                r.client_id,
                1,
                json.dumps(record_to_wire(r), ensure_ascii=False, separators=(",", ":")),
                Status.SENT if sent else Status.PENDING,
                r.nik,
                r.full_name,
                r.village_code,
                r.segment,
                f"LT{i:07d}" if sent else None,
                f"{CARD}{i}" if sent else None,
                json.dumps([{"field": "nik", "id": f"NIK {r.nik} dipakai"}]) if i == 1 else "[]",
                "2026-11-25T03:00:00Z",
                "2026-11-26T03:00:00Z",
                "2026-11-26T03:00:00Z" if sent else None,
                r.household.head if r.household else None,
            )
        )
    db.executemany(
        "INSERT INTO enrolments(client_id, version, payload, status, nik, full_name, "
        "village_code, segment, member_no, card_token, problems, created_at, updated_at, "
        "sent_at, household_head) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.execute(
        "INSERT INTO drafts VALUES('d1', ?, ?, '2026-11-27T00:00:00Z')",
        ("Siti Aminah", json.dumps({"nik": "5203075508900003", "kk": KK})),
    )
    settings = {"server_url": "https://x.id", "device_id": "dev1", "device_token": TOKEN}
    settings |= {"officer": "Petugas Lina", "pull_cursor": "1.2.abc"}
    if version == 3:
        db.execute("INSERT INTO roster(hash) VALUES('c0ffee01')")
        settings["roster_salt"] = "c2FsdA"
    db.executemany("INSERT INTO settings VALUES(?, ?)", list(settings.items()))
    db.close()
    return {"records": records, "settings": settings}


def everything(store: Store, settings: dict) -> tuple:
    return (
        [
            (i.record, i.status, i.member_no, i.card_token, i.problems)
            for i in store.list_enrolments(limit=10_000)
        ],
        store.drafts(),
        {k: store.get_setting(k) for k in settings},
        store.household(store.list_enrolments(NAME)[0].record.client_id),
    )


@pytest.mark.parametrize("version", [3, 4])
def test_a_plaintext_database_is_encrypted_in_place_at_first_unlock(tmp_path, version):
    path = tmp_path / "old.db"
    held = plaintext_database(path, version)
    store = Store(path, kdf=FAST)  # today's code: schema migrated, file not yet protected
    assert store.schema_version == len(MIGRATIONS) and not store.protected
    before = everything(store, held["settings"])
    assert len(before[0]) == 1202 and before[1][0].title == "Siti Aminah"
    officer = store.add_officer("Lina", "135790")  # the first unlock (names are in clear)
    assert everything(store, held["settings"]) == before
    store.close()
    secrets = secrets_of(held["records"][:2]) + [b"5203075508900003", b"Siti Aminah"]
    secrets += [r.nik.encode() for r in held["records"][2:50]]
    data = file_bytes(path)
    for secret in secrets:
        assert secret not in data, secret
    store = Store(path, kdf=FAST)
    store.unlock(officer.officer_id, "135790")
    assert everything(store, held["settings"]) == before


def test_a_migration_killed_half_way_is_finished_by_the_next_unlock(tmp_path):
    path = tmp_path / "old.db"
    held = plaintext_database(path, 3)
    Store(path).close()  # schema 5, still plaintext
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        from field_app import sealing
        from field_app.store import Store
        from field_app.vault import KdfParams, Vault
        sealing.BATCH = 100
        calls = 0
        real = Vault.seal_text
        def dying(self, text, ad):
            global calls
            calls += 1
            if calls == 1000:  # in the middle of a batch, after a few committed ones
                print("killing", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, text, ad)
        Vault.seal_text = dying
        Store({str(path)!r}, kdf=KdfParams(n=2**10)).add_officer("Lina", "135790")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL and "killing" in proc.stdout, proc.stderr
    with sqlite3.connect(path) as db:
        kinds = dict(db.execute("SELECT typeof(payload), COUNT(*) FROM enrolments GROUP BY 1"))
    assert kinds["blob"] > 0 and kinds["text"] > 0  # half-way: some batches committed
    store = Store(path, kdf=FAST)
    assert store.locked
    [officer] = store.officers()
    store.unlock(officer.officer_id, "135790")
    records = {i.record.client_id: i.record for i in store.list_enrolments(limit=10_000)}
    assert records == {r.client_id: r for r in held["records"]}
    assert store.get_setting("device_token") == TOKEN
    with sqlite3.connect(path) as db:
        kinds = dict(db.execute("SELECT typeof(payload), COUNT(*) FROM enrolments GROUP BY 1"))
    assert kinds == {"blob": 1202}
    store.close()
    assert TOKEN.encode() not in file_bytes(path) and NAME.encode() not in file_bytes(path)


def test_encrypted_search_lists_newest_first_within_the_limit(tmp_path):
    vault = Vault.new()
    store = Store(tmp_path / "app.db", vault=vault)
    stamps = ["2026-11-25T03:00:00Z", "2026-11-27T03:00:00Z", "2026-11-26T03:00:00Z"]
    records = [replace(person(n, name=f"Baiq {n}"), created_at=c) for n, c in enumerate(stamps)]
    store.save_enrolments(records)
    store.close()
    store = Store(tmp_path / "app.db", vault=vault)  # the index as built at unlock
    assert [i.record.full_name for i in store.list_enrolments("baiq")] == [
        "Baiq 1",
        "Baiq 2",
        "Baiq 0",
    ]
    assert [i.record.full_name for i in store.list_enrolments("baiq", 2)] == ["Baiq 1", "Baiq 2"]
    # A correction keeps its place; a new record comes first.
    store.save_enrolment(replace(records[0], full_name="Baiq Nol"))
    store.save_enrolment(replace(person(9, name="Baiq 9"), created_at="2026-11-28T00:00:00Z"))
    assert [i.record.full_name for i in store.list_enrolments("baiq")] == [
        "Baiq 9",
        "Baiq 1",
        "Baiq 2",
        "Baiq Nol",
    ]
    same = [i.record.client_id for i in store.list_enrolments("baiq")]
    assert same == [i.record.client_id for i in store.list_enrolments("baiq", status="pending")]
