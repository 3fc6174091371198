"""The offline NIK roster cannot be reversed (issue 10), end to end: 2,000 members of
one kecamatan pushed over HTTP, a tablet of that area pulls its roster into its real
SQLite store, and then

- every one of those NIKs still makes the tablet warn (no false negatives), and
- whoever copies the tablet's database and hashes *every* plausible NIK of the
  kecamatan (its whole candidate space, 4,090,800 NIKs) gets a list in which at
  most 5 % are members; the rest are strangers who match too (the false alarms an
  officer sees for a new person, measured here as well).

The 32-bit roster this replaces gave that attacker ~98 % members.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from enrolment import areas
from enrolment.records import Consent, Enrolment, new_client_id
from enrolment.roster import CANDIDATES_PER_PREFIX, MAX_PRECISION, expected_fill
from field_app import sync_client
from field_app.state import AppState
from field_app.store import Store
from tests.conftest import person_name
from tests.integration.area_helpers import SELONG, pair_in
from tests.integration.conftest import Server
from tests.roster_attack import enumerate_matches, plausible_nik, read_tablet_roster, sampled

MEMBERS = 2000


def members(n: int, seed: int = 10) -> list[Enrolment]:
    """`n` people of Selong whose NIKs were issued there (prefix 520307), each NIK in
    the attacker's candidate space: born 1956–2011, serial 0001–0100."""
    rng = random.Random(seed)
    villages = [v.code for v in areas.villages(SELONG)]
    people: dict[str, Enrolment] = {}
    while len(people) < n:
        nik, born, sex = plausible_nik(rng, "520307")
        # Different people, whose names are not alike (or look-alikes are held at ingest).
        name = person_name(len(people))
        people[nik] = Enrolment(
            client_id=new_client_id(),
            version=1,
            nik=nik,
            full_name=name,
            birth_date=born.isoformat(),
            sex=sex,
            village_code=rng.choice(villages),
            phone="081234567890",
            segment="tobacco_farmer",
            consent=Consent(given=True, by=name, method="ticked", at="2026-11-25T03:00:00Z"),
            created_at="2026-11-25T03:00:00Z",
        )
    return list(people.values())


def test_roster_warns_for_every_member_and_cannot_be_reversed(
    server: Server, tmp_path: Path
) -> None:
    people = members(MEMBERS)
    enroller = pair_in(server, SELONG, "Tablet pendaftar")
    for i in range(0, MEMBERS, 500):
        batch = people[i : i + 500]
        results = server.push_results(enroller, batch)
        assert {r.outcome for r in results.values()} == {"created"}

    store = Store(tmp_path / "tablet.db")
    store.set_settings(server_url=server.url, device_token=pair_in(server, SELONG, "Tablet B"))
    sync_client.pull(store)  # what the app does: its whole area on a first pull

    # The officer's check, as the app runs it: every known NIK warns.
    state = AppState(store=store)
    assert all(state._known_to_server([p.nik]) for p in people)
    salt = store.get_setting("roster_salt")  # sealed in the file: the PIN holder sees it
    store.close()

    # The attacker: the tablet's file and its officer's PIN, the published algorithm,
    # every candidate.
    key, units = read_tablet_roster(sqlite3.connect(tmp_path / "tablet.db"), salt)
    assert {u.prefix for u in units} == {"520307"}
    # The whole space on SQLite; on PostgreSQL (the same roster code) every 8th birth
    # date, the precision for the whole space then following from the measured rate.
    stride = 1 if server.database_url.startswith("sqlite") else 8
    tried, matches = enumerate_matches(key, "520307", units, stride)
    known = sum(sampled(p.nik, stride) for p in people)
    false_alarms = (matches - known) / (tried - known)  # strangers matching: false alarms
    precision = MEMBERS / (MEMBERS + false_alarms * (CANDIDATES_PER_PREFIX - MEMBERS))
    print(
        f"\n{MEMBERS} members; {matches} of {tried} candidates match: precision"
        f" {precision:.2%}, false-alarm rate {false_alarms:.2%}"
    )
    if stride == 1:
        assert tried == CANDIDATES_PER_PREFIX and abs(precision - MEMBERS / matches) < 1e-9
    assert precision <= MAX_PRECISION
    (unit,) = units
    expected = expected_fill(MEMBERS, unit.modulus)
    assert abs(false_alarms - expected) < 0.1 * expected  # the sizing model holds
