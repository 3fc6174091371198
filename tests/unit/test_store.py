"""The tablet store on real SQLite files: durable saves, outcomes, migrations."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from enrolment.protocol import Outcome, RecordResult
from field_app import outbox
from field_app.store import MIGRATIONS, Status, Store
from tests.conftest import person


def test_saved_record_is_pending_and_listed(tmp_path):
    store = Store(tmp_path / "app.db")
    rec = person(1)
    store.save_enrolment(rec)
    [item] = store.list_enrolments()
    assert item.record == rec and item.status == Status.PENDING
    assert store.pending(10) == [rec]


def test_save_survives_a_killed_process(tmp_path):
    db = tmp_path / "app.db"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        from field_app.store import Store
        from tests.conftest import person
        s = Store({str(db)!r})
        s.save_enrolment(person(7, client_id="killed"))
        print("saved", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL and "saved" in proc.stdout
    item = Store(db).get("killed")
    assert item is not None and item.status == Status.PENDING


def test_outcomes_apply_per_record_and_only_to_that_version(tmp_path):
    store = Store(tmp_path / "app.db")
    a, b, c = person(1), person(2), person(3)
    for r in (a, b, c):
        store.save_enrolment(r)
    batch = outbox.next_batch(store)
    # The officer corrects c while the batch is in flight: the new version stays pending.
    store.save_enrolment(outbox.revise(c))
    results = [
        RecordResult(a.client_id, 1, Outcome.CREATED, "LT0000001", "tok"),
        RecordResult(
            b.client_id,
            1,
            Outcome.REJECTED,
            problems=[{"field": "nik", "code": "x", "id": "salah", "en": "wrong"}],
        ),
        RecordResult(c.client_id, 1, Outcome.CREATED, "LT0000003", "tok3"),
        RecordResult("stranger", 1, Outcome.CREATED, "LT9", "t"),
    ]
    outbox.apply_results(store, batch, results)
    assert store.get(a.client_id).status == Status.SENT
    assert store.get(a.client_id).member_no == "LT0000001"
    assert store.get(b.client_id).status == Status.REJECTED
    assert store.get(b.client_id).problems[0]["id"] == "salah"
    assert store.get(c.client_id).status == Status.PENDING
    assert store.get(c.client_id).record.version == 2
    assert store.get("stranger") is None
    assert [r.client_id for r in store.pending(10)] == [c.client_id]


def test_search_by_name_and_nik(tmp_path):
    store = Store(tmp_path / "app.db")
    store.save_enrolment(person(1, name="Baiq Nurul"))
    store.save_enrolment(person(2, name="Lalu Ahmad"))
    assert [i.record.full_name for i in store.list_enrolments("nurul")] == ["Baiq Nurul"]
    nik = person(2).nik
    assert [i.record.full_name for i in store.list_enrolments(nik[:12])] != []
    assert store.nik_exists(nik) and not store.nik_exists("5203000000000000")


def test_database_of_an_older_schema_opens_with_every_record(tmp_path):
    db = tmp_path / "old.db"
    # Build the file exactly as the first released schema did, with a queued record.
    con = sqlite3.connect(db)
    con.executescript(MIGRATIONS[0])
    rec = person(5)
    from enrolment.protocol import record_to_wire

    con.execute(
        "INSERT INTO enrolments(client_id, version, payload, status, nik, full_name, village_code,"
        " segment, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
        (
            rec.client_id,
            1,
            json.dumps(record_to_wire(rec)),
            "pending",
            rec.nik,
            rec.full_name,
            rec.village_code,
            rec.segment,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
        ),
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    store = Store(db)
    assert store.schema_version == len(MIGRATIONS)
    assert store.pending(10) == [rec]


def test_household_is_saved_in_one_transaction_with_its_draft_removed(tmp_path):
    from dataclasses import replace

    from enrolment.household import Household

    store = Store(tmp_path / "app.db")
    head = person(10, segment="poor_household")
    kk = "5203071203150007"
    records = [replace(head, household=Household(kk, "head", head.client_id))] + [
        replace(
            person(n, segment="poor_household"), household=Household(kk, "child", head.client_id)
        )
        for n in (11, 12)
    ]
    store.save_draft(head.client_id, "Orang Uji 10", {"nik": head.nik})
    # A failure half-way (here: a record that cannot be stored) leaves nothing behind.
    broken = replace(records[2], nik=None)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_enrolments([*records[:2], broken], draft_id=head.client_id)
    assert store.list_enrolments() == [] and len(store.drafts()) == 1
    store.save_enrolments(records, draft_id=head.client_id)
    assert [i.record.client_id for i in store.household(head.client_id)][0] == head.client_id
    assert len(store.household(head.client_id)) == 3
    assert store.drafts() == []


def test_drafts_round_trip_and_are_counted(tmp_path):
    store = Store(tmp_path / "app.db")
    store.save_draft("d1", "Siti", {"nik": "5203", "members": [{"nik": "1"}]})
    store.save_draft("d1", "Siti Aminah", {"nik": "52030745"})
    [draft] = store.drafts()
    assert (draft.title, draft.payload) == ("Siti Aminah", {"nik": "52030745"})
    assert store.count_by_status()["draft"] == 1
    store.delete_draft("d1")
    assert store.get_draft("d1") is None


def test_list_filters_by_village_segment_status_and_escapes_wildcards(tmp_path):
    store = Store(tmp_path / "app.db")
    store.save_enrolments(
        [
            person(1, name="Baiq 100%", segment="umkm_owner"),
            person(2, name="Lalu Ahmad", village="52.03.07.1002"),
        ]
    )
    assert [i.record.full_name for i in store.list_enrolments(segment="umkm_owner")] == [
        "Baiq 100%"
    ]
    assert [i.record.full_name for i in store.list_enrolments(village="52.03.07.1002")] == [
        "Lalu Ahmad"
    ]
    assert [i.record.full_name for i in store.list_enrolments("0%")] == ["Baiq 100%"]
    assert store.list_enrolments("_") == []
    assert store.list_enrolments(status="sent") == []
    assert store.villages_used() == ["52.03.07.1001", "52.03.07.1002"]


def test_list_by_several_statuses_and_niks_held_by_other_records(tmp_path):
    store = Store(tmp_path / "app.db")
    a, b, c = person(1), person(2), person(3)
    store.save_enrolments([a, b, c])
    store.record_outcomes(
        [
            (a.client_id, 1, Status.CONFLICT, None, None, "[]"),
            (b.client_id, 1, Status.REJECTED, None, None, "[]"),
        ]
    )
    attention = store.list_enrolments(status=Status.ATTENTION)
    assert {i.record.client_id for i in attention} == {a.client_id, b.client_id}
    assert store.niks_taken([a.nik, b.nik], [a.client_id]) == {b.nik}
    assert store.niks_taken([a.nik, b.nik], [a.client_id, b.client_id]) == set()


def test_the_pulled_contribution_schedule_is_kept_until_a_pull_brings_another(tmp_path):
    from enrolment.contributions import load_schedule

    store = Store(tmp_path / "t.db")
    assert store.rate_schedule() is None  # never pulled: the shipped file applies
    store.apply_pull(
        cursor="1.1.x", keys={}, revoked=[], roster=[], roster_full=False, schedule=load_schedule()
    )
    store.apply_pull(cursor="2.2.x", keys={}, revoked=[], roster=[], roster_full=False)
    assert store.rate_schedule() == load_schedule()  # an older server's pull keeps it
    store.set_settings(rate_tables="{not json")
    assert store.rate_schedule() is None
    store.close()
