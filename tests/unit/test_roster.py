"""The lossy NIK roster (enrolment/roster.py) and its tablet storage (field_app/store.py).

The sizing is checked against an attacker who enumerates the whole candidate space of a
kecamatan of 20,000 members; the end-to-end version over HTTP is in
tests/integration/test_roster_privacy.py.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

from enrolment.card_token import b64e
from enrolment.roster import (
    CANDIDATES_PER_PREFIX,
    MAX_PRECISION,
    MODULI,
    RosterUnit,
    build_units,
    decode_unit,
    encode_unit,
    expected_fill,
    expected_precision,
    false_alarm_rate,
    keyed_hash,
    roster_hash,
    unit_modulus,
)
from field_app.store import MIGRATIONS, Store
from tests.roster_attack import enumerate_matches, plausible_nik, sampled

KEY = bytes(range(32))


def niks(n: int, prefix: str = "520307", seed: int = 7) -> list[str]:
    """`n` distinct NIKs of the candidate space."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < n:
        found.add(plausible_nik(rng, prefix)[0])
    return sorted(found)


def test_sizing_keeps_every_unit_at_or_under_five_percent() -> None:
    assert all(a % b == 0 for a, b in zip(MODULI, MODULI[1:], strict=False))  # nested
    assert CANDIDATES_PER_PREFIX == 4_090_800
    for members in (1, 10, 500, 2_000, 20_000, 60_000, 150_000, 204_540):
        modulus = unit_modulus(members)
        assert expected_precision(members, modulus) <= MAX_PRECISION, members
    # A kecamatan of 20,000 members (Lombok Timur at ~30 % coverage): 11.5 % false
    # alarms for a new person's NIK, 4.1 % of an attacker's matches real.
    assert unit_modulus(20_000) == 163_840
    assert round(expected_fill(20_000, 163_840), 3) == 0.115
    assert round(expected_precision(20_000, 163_840), 3) == 0.041
    # Denser than 1 member in 20 candidates cannot be hidden: every NIK then warns.
    assert unit_modulus(300_000) == 1
    # Two kecamatan in a tablet's area: their units of one prefix add up.
    assert round(false_alarm_rate([(20_000, 163_840), (1_000, 163_840)]), 3) == 0.120


def test_an_attacker_enumerating_a_kecamatan_of_20000_finds_under_5_percent() -> None:
    members = niks(20_000)
    key = os.urandom(32)
    units = build_units(key, [("52.03.07", n) for n in members], {})
    (unit,) = units
    assert all(keyed_hash(key, n) % unit.modulus in unit.buckets for n in members)
    stride = 4  # every 4th birth date: 1,022,700 candidates, then over the whole space
    tried, matches = enumerate_matches(key, "520307", units, stride)
    known = sum(sampled(n, stride) for n in members)
    false_alarms = (matches - known) / (tried - known)
    precision = len(members) / (len(members) + false_alarms * (CANDIDATES_PER_PREFIX - 20_000))
    print(f"\n20,000 members: precision {precision:.2%}, false-alarm rate {false_alarms:.2%}")
    assert precision <= MAX_PRECISION
    assert abs(false_alarms - expected_fill(20_000, unit.modulus)) < 0.005


def test_wire_form_round_trips_and_refuses_anything_else() -> None:
    unit = RosterUnit("52.03.07", "520307", 163_840, frozenset({0, 17, 163_839}))
    text = encode_unit(unit)
    assert text == "52.03.07|520307|163840|0,11,27fff"
    assert decode_unit(text) == unit
    assert decode_unit("52.03.07|520307|163840|") == RosterUnit(
        "52.03.07", "520307", 163_840, frozenset()
    )
    for bad in (
        "3fa0c2d1",  # an older server's 32-bit hash
        "52.03.07|520307|163840|28000",  # bucket beyond the modulus
        "52.03.07|520307|0|",
        "52.03.07|520307|999999999|1",
        "52.03.7|520307|10|1",
        "52.03.07|52030|10|1",
        "52.03.07|520307|10|x",
        "52.03.07|520307|10|1|2",
    ):
        assert decode_unit(bad) is None, bad
    assert roster_hash(KEY, "5203074508900001").startswith("520307:")
    assert len(roster_hash(KEY, "5203074508900001")) == 7 + 16


def tablet(tmp_path: Path) -> Store:
    store = Store(tmp_path / "tablet.db")
    store.set_settings(roster_salt=b64e(KEY))
    return store


def probe(store: Store, nik: str) -> bool:
    """The app's check (field_app/state.py `_known_to_server`)."""
    return store.in_roster(roster_hash(KEY, nik))


def pulled(store: Store, units: list[RosterUnit], *, full: bool) -> None:
    store.apply_pull(
        cursor="c", keys={}, revoked=[], roster=[encode_unit(u) for u in units], roster_full=full
    )


def wire(nik_list: list[str], modulus: int, kecamatan: str = "52.03.07") -> RosterUnit:
    buckets = frozenset(keyed_hash(KEY, n) % modulus for n in nik_list)
    return RosterUnit(kecamatan, nik_list[0][:6], modulus, buckets)


def test_tablet_keeps_every_known_nik_through_deltas_of_another_modulus(
    tmp_path: Path,
) -> None:
    first, grown, shrunk = niks(300, seed=1), niks(300, seed=2), niks(300, seed=3)
    store = tablet(tmp_path)
    pulled(store, [wire(first, 163_840)], full=True)
    assert all(probe(store, n) for n in first)
    # The unit grew past its size: a coarser delta, the stored buckets reduced to it.
    pulled(store, [wire(grown, 81_920)], full=False)
    assert all(probe(store, n) for n in first + grown)
    # A finer delta (the unit shrank) is reduced to what is stored: never refined.
    pulled(store, [wire(shrunk, 163_840)], full=False)
    assert all(probe(store, n) for n in first + grown + shrunk)
    with sqlite3.connect(tmp_path / "tablet.db") as db:
        assert db.execute("SELECT modulus FROM roster_units").fetchall() == [(81_920,)]
    # Another kecamatan's members of the same prefix are a unit of their own.
    other = niks(50, seed=4)
    pulled(store, [wire(other, 163_840, "52.03.08")], full=False)
    assert all(probe(store, n) for n in other)
    # Other prefixes, malformed probes and old-format rows: no warning, no error.
    assert not probe(store, "5202074508900001")
    assert not store.in_roster("3fa0c2d1") and not store.in_roster("")
    store.apply_pull(cursor="c", keys={}, revoked=[], roster=["3fa0c2d1"], roster_full=False)
    # A full roster replaces everything.
    pulled(store, [wire(shrunk, 163_840)], full=True)
    assert all(probe(store, n) for n in shrunk)
    assert sum(probe(store, n) for n in first) < 10  # gone, but for chance collisions
    store.close()


def test_schema_4_drops_the_reversible_32_bit_roster(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        for statement in filter(str.strip, script.split(";")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={number}")
    old = [(f"{i:08x}",) for i in range(0xC0FFEE00, 0xC0FFEE00 + 2000)]
    db.executemany("INSERT INTO roster(hash) VALUES(?)", old)
    db.execute("INSERT INTO settings(key, value) VALUES('roster_salt', 'b2xk')")
    db.execute("INSERT INTO settings(key, value) VALUES('pull_cursor', '1.2.abcdef01')")
    db.close()

    store = Store(path)
    assert store.schema_version == len(MIGRATIONS) >= 4
    assert store.get_setting("roster_salt") == ""
    assert store.get_setting("pull_cursor") == "1.2.abcdef01"  # the server sends anew
    assert not store.in_roster(roster_hash(KEY, "5203074508900001"))
    store.close()
    with sqlite3.connect(path) as check:
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
    assert "roster" not in tables and {"roster_units", "roster_buckets"} <= tables
    # The old hashes are not left in the file's free pages either.
    assert b"c0ffee" not in path.read_bytes()
