"""Officers with PINs on real SQLite files: who can unlock, and wrong PINs backing off."""

from __future__ import annotations

import pytest

from field_app.officers import PinBlocked, UnknownOfficer, WrongPin, backoff
from field_app.store import Locked, Store
from field_app.vault import KdfParams
from tests.conftest import person

pytestmark = pytest.mark.own_keys
FAST = KdfParams(n=2**10)  # the default (2**15) costs ~0.2 s a try; one test uses it


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def open_store(path, clock=None, **options) -> Store:
    return Store(path, kdf=FAST, clock=clock or Clock(), **options)


def test_two_officers_each_unlock_the_same_data_and_records_name_who_saved_them(tmp_path):
    store = open_store(tmp_path / "app.db")
    assert not store.protected and not store.locked
    siti = store.add_officer("Siti", "135790")
    assert store.protected and not store.locked and store.officer_id == siti.officer_id
    rec = person(1, name="Baiq Nurul")
    store.save_enrolment(rec)
    ahmad = store.add_officer("Ahmad", "864200")
    assert [o.name for o in store.officers()] == ["Ahmad", "Siti"]
    store.close()

    store = open_store(tmp_path / "app.db")
    assert store.locked
    with pytest.raises(Locked):
        store.get(rec.client_id)
    store.unlock(ahmad.officer_id, "864200")
    item = store.get(rec.client_id)
    assert item.record == rec and item.officer == siti.officer_id
    second = person(2)
    store.save_enrolment(second)
    store.lock()
    store.unlock(siti.officer_id, "135790")
    saved_by = {i.record.client_id: i.officer for i in store.list_enrolments()}
    assert saved_by == {rec.client_id: siti.officer_id, second.client_id: ahmad.officer_id}
    store.close()


def test_a_wrong_pin_opens_nothing(tmp_path):
    store = open_store(tmp_path / "app.db")
    siti = store.add_officer("Siti", "135790")
    store.save_enrolment(person(1))
    store.close()
    store = open_store(tmp_path / "app.db")
    with pytest.raises(WrongPin):
        store.unlock(siti.officer_id, "135791")
    assert store.locked and store.officer_id is None
    for read in (store.list_enrolments, store.drafts, lambda: store.pending(5)):
        with pytest.raises(Locked):
            read()
    with pytest.raises(Locked):
        store.save_enrolment(person(2))
    with pytest.raises(Locked):  # only an unlocked officer can let a colleague in
        store.add_officer("Stranger", "000000")
    with pytest.raises(UnknownOfficer):
        store.unlock("nobody", "135790")
    assert store.count_by_status() == {"pending": 1}  # counts give nothing away


def test_wrong_pins_back_off_exponentially_and_the_wait_survives_a_restart(tmp_path):
    clock = Clock()
    store = open_store(tmp_path / "app.db", clock)
    oid = store.add_officer("Siti", "135790").officer_id
    store.lock()
    waits = []
    for _ in range(2):
        with pytest.raises(WrongPin) as wrong:
            store.unlock(oid, "000000")
        waits.append(wrong.value.retry_after)
    assert waits == [0, 0]
    with pytest.raises(WrongPin) as wrong:
        store.unlock(oid, "000000")
    assert (wrong.value.failures, wrong.value.retry_after) == (3, 30)
    # During the wait not even the right PIN is checked, and a restart does not help.
    clock.now += 29
    store.close()
    store = open_store(tmp_path / "app.db", clock)
    with pytest.raises(PinBlocked) as blocked:
        store.unlock(oid, "135790")
    assert blocked.value.retry_after == pytest.approx(1)
    assert store.unlock_wait(oid) == pytest.approx(1)
    clock.now += 1
    with pytest.raises(WrongPin) as wrong:
        store.unlock(oid, "000000")
    assert wrong.value.retry_after == 60  # doubling
    clock.now += 60
    store.unlock(oid, "135790")
    assert store.officers()[0].failures == 0 and store.unlock_wait(oid) == 0
    assert [backoff(n) for n in range(1, 6)] == [0, 0, 30, 60, 120]
    assert backoff(50) == 3600  # capped at an hour


def test_a_try_is_counted_before_the_pin_is_checked(tmp_path, monkeypatch):
    store = open_store(tmp_path / "app.db")
    oid = store.add_officer("Siti", "135790").officer_id
    store.lock()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the app dies while scrypt runs

    monkeypatch.setattr("field_app.officers.derive_kek", killed)
    with pytest.raises(KeyboardInterrupt):
        store.unlock(oid, "000000")
    assert store.officers()[0].failures == 1


def test_pins_are_digits_change_and_the_last_officer_stays(tmp_path):
    store = open_store(tmp_path / "app.db")
    for bad in ("12345", "12345a", "١٢٣٤٥٦"):
        with pytest.raises(ValueError):
            store.add_officer("Siti", bad)
    siti = store.add_officer("Siti", "135790")
    ahmad = store.add_officer("Ahmad", "864200")
    with pytest.raises(WrongPin):
        store.change_pin("000000", "112233")
    store.change_pin("135790", "112233")
    store.remove_officer(ahmad.officer_id)
    with pytest.raises(ValueError):
        store.remove_officer(siti.officer_id)
    store.lock()
    with pytest.raises(WrongPin):
        store.unlock(siti.officer_id, "135790")
    store.unlock(siti.officer_id, "112233")


def test_an_officer_made_with_the_platform_secret_needs_it(tmp_path):
    store = open_store(tmp_path / "app.db", platform_secret=b"from the keystore")
    oid = store.add_officer("Siti", "135790").officer_id
    store.save_enrolment(person(1))
    store.close()
    with pytest.raises(Locked):
        open_store(tmp_path / "app.db").unlock(oid, "135790")
    store = open_store(tmp_path / "app.db", platform_secret=b"another tablet")
    with pytest.raises(WrongPin):
        store.unlock(oid, "135790")
    store = open_store(tmp_path / "app.db", platform_secret=b"from the keystore")
    store.unlock(oid, "135790")
    assert len(store.list_enrolments()) == 1


def test_an_officer_from_before_the_keystore_is_bound_to_it_at_the_next_unlock(tmp_path):
    oid = open_store(tmp_path / "app.db").add_officer("Siti", "135790").officer_id
    open_store(tmp_path / "app.db", platform_secret=b"keystore").unlock(oid, "135790")
    with pytest.raises(Locked):
        open_store(tmp_path / "app.db").unlock(oid, "135790")
    open_store(tmp_path / "app.db", platform_secret=b"keystore").unlock(oid, "135790")


def test_the_default_key_derivation_is_slow_on_purpose(tmp_path):
    """Each officer's PIN is stretched with the default scrypt cost, stored with the
    officer (so it can be raised later): 128·n·r bytes of memory per try. Checked by its
    parameters, not a stopwatch (a timed test fails on a fast moment)."""
    import sqlite3

    from field_app.vault import KdfParams

    store = Store(tmp_path / "app.db")
    oid = store.add_officer("Siti", "135790").officer_id
    store.lock()
    with pytest.raises(WrongPin):
        store.unlock(oid, "000000")
    assert store.officers()[0].failures == 1
    with sqlite3.connect(tmp_path / "app.db") as db:
        (kdf,) = db.execute("SELECT kdf FROM officers WHERE officer_id=?", (oid,)).fetchone()
    params = KdfParams.parse(kdf)
    assert params == KdfParams() and (params.n, params.r) == (2**15, 8)
    assert 128 * params.n * params.r >= 32 * 2**20  # 32 MiB a try
