"""A tablet's area over real HTTP (issue 10): chosen with its pairing code (desk and CLI),
editable on the desk, and the limit of what its pulls bring; a push no longer tells
which of another person's details differ."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa

from enrolment.card_token import b64d
from enrolment.roster import decode_unit, keyed_hash
from tests.conftest import person
from tests.integration.area_helpers import (
    AIKMEL,
    PRINGGABAYA,
    SELONG,
    audit_rows,
    pair_in,
    pull,
    redeem,
)
from tests.integration.cards_helpers import cli
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def warns(reply: dict, nik: str) -> bool:
    """Would the tablet warn for `nik` with this pull's roster?"""
    key = b64d(reply["roster"]["salt"])
    units = [decode_unit(u) for u in reply["roster"]["hashes"]]
    h = keyed_hash(key, nik)
    return any(u is not None and u.prefix == nik[:6] and h % u.modulus in u.buckets for u in units)


def kecamatan_of(reply: dict) -> set[str]:
    """The kecamatan whose members a pull's roster holds."""
    return {u.split("|")[0] for u in reply["roster"]["hashes"]}


def area_of(server: Server, device_id: int | str) -> str:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT area FROM devices WHERE id = :i"), {"i": int(device_id)}
        ).scalar_one()


def test_roster_is_the_devices_area_only(server: Server) -> None:
    enroller = pair_in(server, f"{SELONG},{PRINGGABAYA},{AIKMEL}")
    selong, pringgabaya, aikmel = (
        person(1),
        person(2, village="52.03.08.2001"),
        person(3, village="52.03.09.2002"),
    )
    done = server.push_results(enroller, [selong, pringgabaya, aikmel])
    assert {r.outcome for r in done.values()} == {"created"}
    tablet = pair_in(server, f"{SELONG},{PRINGGABAYA}")

    whole = pull(server, tablet)  # a new tablet asks for nothing: its whole area
    assert kecamatan_of(whole) == {SELONG, PRINGGABAYA}
    assert warns(whole, selong.nik) and warns(whole, pringgabaya.nik)
    # What it asks for neither widens nor narrows it: the area decides.
    for kec in (f"{SELONG},{AIKMEL}", AIKMEL, SELONG):
        assert kecamatan_of(pull(server, tablet, kec=kec)) == {SELONG, PRINGGABAYA}
    # Paired before areas existed: its own records only, so no roster at all.
    old = server.pair("Tablet lama")
    for kec in ("", SELONG, f"{SELONG},{PRINGGABAYA},{AIKMEL}"):
        assert pull(server, old, kec=kec)["roster"]["hashes"] == []
    # The protocol's checks still apply to what is asked.
    r = httpx.get(
        server.url + "/api/v1/sync/pull",
        params={"kec": "52.03.99"},
        headers={"Authorization": f"Bearer {tablet}"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_kecamatan"


def test_area_chosen_on_the_desk_shown_and_changed(server: Server) -> None:
    desk = Desk(server)
    page = desk.get("/desk/devices").text
    assert 'name="kecamatan" value="52.03.07"' in page  # the choice on the pairing form
    r = desk.post(
        "/desk/devices/pair", {"label": "Tablet Selong", "kecamatan": [SELONG, PRINGGABAYA]}
    )
    assert r.status_code == 200
    code = r.text.split('id="pairing-code">')[1].split("<")[0]
    shown = r.text.split('id="pairing-area">')[1].split("</p>")[0]
    assert "Selong" in shown and "Pringgabaya" in shown
    paired = redeem(server, code, "Tablet Selong")
    device_id = paired["device_id"]
    assert area_of(server, device_id) == f"{SELONG},{PRINGGABAYA}"
    assert audit_rows(server, "pairing_code")[-1].details is not None

    # Unknown kecamatan are refused with a page, not stored.
    bad = desk.post("/desk/devices/pair", {"label": "x", "kecamatan": "52.03.99"})
    assert bad.status_code == 400 and "<html" in bad.text.lower()

    first = pull(server, paired["token"])
    r = desk.post(f"/desk/devices/{device_id}/area", {"kecamatan": AIKMEL})
    assert r.status_code == 303
    assert area_of(server, device_id) == AIKMEL
    (change,) = audit_rows(server, "device_area")
    assert (change.username, change.target) == ("koord", f"device:{device_id}")
    # The next pull replaces the roster with the new area's.
    aikmel = person(9, village="52.03.09.2002")
    done = server.push_results(pair_in(server, AIKMEL), [aikmel])
    assert done[aikmel.client_id].outcome == "created"
    after = pull(server, paired["token"], first["cursor"])
    assert after["roster"]["full"] is True and kecamatan_of(after) == {AIKMEL}
    assert warns(after, aikmel.nik)
    assert desk.post("/desk/devices/999/area", {"kecamatan": AIKMEL}).status_code == 404
    assert desk.post(f"/desk/devices/{device_id}/area", {"kecamatan": "x"}).status_code == 400

    # Cleared: the page says so, in both languages.
    desk.post(f"/desk/devices/{device_id}/area", {})
    cell = desk.get("/desk/devices").text.split(f'id="area-{device_id}">')[1]
    assert cell.startswith('<span class="tag bad"') and "no area" in cell.split("</span>")[0]


def test_cli_pair_takes_the_area(server: Server) -> None:
    out = cli(server, "pair", "--name", "Tablet Aikmel", "--kecamatan", f"{AIKMEL}, {SELONG}")
    code = out.stdout.strip().splitlines()[-1]
    paired = redeem(server, code, "Tablet Aikmel")
    assert area_of(server, paired["device_id"]) == f"{SELONG},{AIKMEL}"
    bad = cli(server, "pair", "--kecamatan", "52.03.99", check=False)
    assert bad.returncode == 2 and "52.03.99" in bad.stderr and bad.stdout == ""
    none = cli(server, "pair", "--name", "tanpa wilayah")
    assert "own records only" in none.stderr


def test_enrolment_from_outside_the_area_is_accepted_and_flagged(server: Server) -> None:
    tablet = pair_in(server, SELONG, "Tablet Selong")
    here, visitor = person(11), person(12, village="52.03.08.2001")
    results = server.push_results(tablet, [here, visitor])
    assert {r.outcome for r in results.values()} == {"created"}  # ingest unchanged
    with server.engine.connect() as conn:
        device_id = conn.execute(sa.text("SELECT id FROM devices")).scalar_one()
    cell = Desk(server).get("/desk/devices").text.split(f'id="area-{device_id}">')[1]
    cell = cell.split("</td>")[0]
    flag = re.search(rf'id="outside-{device_id}"[^>]*>([^<]*)<', cell)
    assert flag and flag.group(1).startswith("1 di luar wilayah")


def test_identity_conflict_says_nothing_of_the_enrolled_person(server: Server) -> None:
    first, second = server.pair("Tablet A"), server.pair("Tablet B")
    enrolled = person(40, name="Baiq Nurul", year=1925)
    server.push_results(first, [enrolled])
    other_name = person(40, name="Inaq Saprah", year=1925)
    other_date = person(40, name="Baiq Nurul", year=2025)  # NIK keeps only "25"
    texts = []
    for rec in (other_name, other_date):
        res = server.push_results(second, [rec])[rec.client_id]
        assert res.outcome == "conflict"
        (prob,) = res.problems
        texts.append((prob["id"], prob["en"]))
        assert "Baiq Nurul" not in str(prob) and "1925" not in str(prob)
    # Which field differs is for the coordinator; the officer gets one generic text.
    assert texts[0] == texts[1]
    assert "sudah terdaftar" in texts[0][0] and "KTP" in texts[0][0]
    assert "koordinator" in texts[0][0].lower() and "coordinator" in texts[0][1]
