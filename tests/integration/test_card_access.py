"""A tablet's card downloads over real HTTP (issue 10): the member's active card or
nothing, never a fresh one; only its own records' members or its area's; audited."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import sqlalchemy as sa

from enrolment.card_token import token_from_text, verify
from tests.conftest import person
from tests.integration.area_helpers import PRINGGABAYA, SELONG, audit_rows, pair_in
from tests.integration.cards_helpers import cli, fresh_keys, pdf_pages, png, qr_texts
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def card(server: Server, token: str, member_no: str, fmt: str = "png") -> httpx.Response:
    """GET the card image (or PDF) as a tablet."""
    return httpx.get(
        f"{server.url}/api/v1/cards/{member_no}.{fmt}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def serial_in(r: httpx.Response, server: Server) -> int:
    """The serial of the card whose QR the image carries (the token verifies)."""
    assert r.status_code == 200, r.text
    image = png(r.content) if r.headers["content-type"] == "image/png" else pdf_pages(r.content)[0]
    (url,) = qr_texts(image)
    return verify(token_from_text(url), fresh_keys(server)).serial


def test_revoked_card_is_gone_not_reissued_and_every_download_is_audited(
    server: Server,
) -> None:
    tablet = pair_in(server, SELONG, "Tablet Selong")
    rec = person(11, name="Baiq Sumiati", female=True)
    member_no = server.push_results(tablet, [rec])[rec.client_id].member_no or ""
    first = serial_in(card(server, tablet, member_no), server)
    assert serial_in(card(server, tablet, member_no, "pdf"), server) == first  # same card

    cli(server, "revoke-card", str(first), "--reason", "stolen")
    for fmt in ("png", "pdf"):
        r = card(server, tablet, member_no, fmt)
        assert r.status_code == 410, r.text
        error = r.json()["error"]
        assert error["code"] == "card_revoked" and "stolen" in error["en"]
        assert "dicabut" in error["id"] and "koordinator" in error["id"]
    assert server.count("cards") == 1  # no fresh card was issued for the stolen one

    # Reissuing is the desk's (or the CLI's): then the new card, and only that one.
    second = int(cli(server, "reissue-card", member_no).stdout.strip())
    assert serial_in(card(server, tablet, member_no), server) == second != first
    assert server.count("cards") == 2

    device_id = _device_id(server, "Tablet Selong")
    done = audit_rows(server, "card_download")
    assert [(a.username, a.target) for a in done] == [(f"tablet:{device_id}", member_no)] * 3
    assert [_details(a)["format"] for a in done] == ["png", "pdf", "png"]
    assert [_details(a)["serial"] for a in done] == [first, first, second]
    refused = audit_rows(server, "card_download_refused")
    assert [(a.target, a.reason) for a in refused] == [(member_no, "card_revoked")] * 2


def test_member_retired_by_a_reject_decision_has_no_card(server: Server) -> None:
    tablet = pair_in(server, SELONG)
    keep, dup = person(82, name="Lalu Hamdan", day=3), person(83, name="Lalu Hamdan", day=3)
    # The pair is made alike by an edit (alike at once, the second is held at ingest).
    res = server.push_results(tablet, [keep, replace(dup, full_name="Lalu Sapri")])
    server.push_results(tablet, [replace(dup, version=2)])
    dup_no = res[dup.client_id].member_no or ""
    assert card(server, tablet, dup_no).status_code == 200
    desk = Desk(server)
    desk.post("/desk/review/scan")
    with server.engine.connect() as conn:
        item = conn.execute(sa.text("SELECT id FROM review_items WHERE status = 'open'")).scalar()
    r = desk.post(f"/desk/review/{item}/decide", {"action": "reject", "reason": "fiktif"})
    assert r.status_code == 303
    cards_before = server.count("cards")

    r = card(server, tablet, dup_no)
    assert r.status_code == 410 and r.json()["error"]["code"] == "member_retired"
    assert "ditolak" in r.json()["error"]["id"]
    assert server.count("cards") == cards_before  # nothing issued for a retired member
    assert card(server, tablet, res[keep.client_id].member_no or "").status_code == 200


def test_a_tablet_sees_only_its_own_members_and_its_area(server: Server) -> None:
    selong = pair_in(server, SELONG, "Tablet Selong")
    other_selong = pair_in(server, SELONG, "Tablet Selong 2")
    pringgabaya = pair_in(server, PRINGGABAYA, "Tablet Pringgabaya")
    no_area = server.pair("Tablet lama")  # paired before areas: its own records only
    here = person(21)  # lives in 52.03.07
    visiting = person(22, village="52.03.08.2001")  # enrolled by the Selong tablet
    res = server.push_results(selong, [here, visiting])
    here_no, visiting_no = (res[p.client_id].member_no or "" for p in (here, visiting))
    own = person(23)  # the old tablet's own record, in Selong
    own_no = server.push_results(no_area, [own])[own.client_id].member_no or ""

    assert card(server, selong, visiting_no).status_code == 200  # its own record
    assert card(server, other_selong, here_no).status_code == 200  # lives in its area
    assert card(server, pringgabaya, visiting_no).status_code == 200  # lives in its area
    assert card(server, no_area, own_no).status_code == 200
    # Not its member: answered like an unknown number (numbers are sequential).
    for token, member_no in [
        (pringgabaya, here_no),
        (no_area, here_no),
        (no_area, visiting_no),
        (other_selong, visiting_no),
    ]:
        for fmt in ("png", "pdf"):
            r = card(server, token, member_no, fmt)
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert card(server, no_area, "LT0000099").status_code == 404
    refused = audit_rows(server, "card_download_refused")
    assert len(refused) == 8 and {a.reason for a in refused} == {"not_found"}
    assert len(audit_rows(server, "card_download")) == 4


def test_a_conflicting_record_does_not_open_the_enrolled_persons_card(server: Server) -> None:
    first = server.pair("Tablet A")
    second = server.pair("Tablet B")
    member = person(31, name="Baiq Nurul")
    member_no = server.push_results(first, [member])[member.client_id].member_no or ""
    other = person(31, name="Inaq Saprah")  # the same NIK typed for someone else
    assert server.push_results(second, [other])[other.client_id].outcome == "conflict"
    assert card(server, second, member_no).status_code == 404


def _device_id(server: Server, name: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM devices WHERE name = :n"), {"n": name}
        ).scalar_one()


def _details(row: sa.Row) -> dict:
    details = row.details
    if isinstance(details, str):  # SQLite hands JSON back as text
        details = json.loads(details)
    return details
