"""Card PDFs and village batches: every QR decodes from the PNG and from a 150-dpi
render of the PDF, verifies with the published keys, and opens the member's page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
import sqlalchemy as sa

from enrolment import areas
from enrolment.card_token import token_from_text, verify
from enrolment.nik import mask_nik
from tests.conftest import nik_for, person, person_name
from tests.integration.cards_helpers import (
    cli,
    desk_cookies,
    fresh_keys,
    pdf_pages,
    png,
    qr_texts,
    url_prefix_ok,
)
from tests.integration.conftest import Server

KEC = "52.03.07"  # Selong
OTHER_KEC_VILLAGE = "52.03.09.2001"


def utc_today() -> date:
    """The server's date (it dates cards and revocations in UTC)."""
    return datetime.now(UTC).date()


def enrol(server: Server, serials: list[int], villages: list[str]) -> tuple[str, dict[int, str]]:
    """Push one person per serial (cycling through `villages`); member numbers by serial."""
    token = server.pair()
    recs = [
        person(n, name=person_name(n), village=villages[i % len(villages)])
        for i, n in enumerate(serials)
    ]
    results = server.push_results(token, recs)
    return token, {
        n: results[r.client_id].member_no or "" for n, r in zip(serials, recs, strict=True)
    }


def check_page(url: str, name: str, nik: str) -> None:
    """The link opens the verification page of this member, masked NIK only."""
    page = httpx.get(url)
    assert page.status_code == 200
    assert "KARTU ASLI DAN BERLAKU" in page.text and name in page.text
    assert mask_nik(nik) in page.text and nik not in page.text


def test_card_pdf_is_id1_and_its_qr_verifies(server: Server) -> None:
    token, members = enrol(server, [7], [areas.villages(KEC)[0].code])
    auth = {"Authorization": f"Bearer {token}"}
    r = httpx.get(f"{server.url}/api/v1/cards/{members[7]}.pdf", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(r.content)
    width, height = doc[0].get_size()
    doc.close()
    assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (85.6, 54.0)
    (url,) = qr_texts(pdf_pages(r.content)[0])
    assert url_prefix_ok(url, server)
    claims = verify(token_from_text(url), fresh_keys(server))
    assert claims.member_no == members[7]
    check_page(url, person_name(7), nik_for(7))

    # The PNG carries the same token.
    r = httpx.get(f"{server.url}/api/v1/cards/{members[7]}.png", headers=auth)
    assert qr_texts(png(r.content)) == [url]


def test_kecamatan_batch_prints_every_unrevoked_card(server: Server) -> None:
    villages = [v.code for v in areas.villages(KEC)]
    serials = list(range(1, 13))
    _, members = enrol(server, serials, villages)
    _, outside = enrol(server, [50], [OTHER_KEC_VILLAGE])
    with server.engine.connect() as conn:
        card_of = dict(
            conn.exec_driver_sql("SELECT member_id, id FROM cards WHERE revoked_at IS NULL").all()
        )
    lost = int(members[3][2:])  # member id of person 3
    cli(server, "revoke-card", str(card_of[lost]), "--reason", "lost")

    cookies = desk_cookies(server)
    progress_seen = cli(server, "print-cards", "--kecamatan", KEC, "-o", "/dev/null").stderr
    assert "11/11 cards" in progress_seen

    r = httpx.get(
        f"{server.url}/api/v1/cards/batch.pdf", params={"kecamatan": KEC}, cookies=cookies
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    pages = pdf_pages(r.content, dpi=150)
    assert len(pages) == 2  # 11 cards, 10 a sheet
    assert abs(pages[0].size[0] - 1240) <= 1 and abs(pages[0].size[1] - 1754) <= 1  # A4, 150 dpi
    urls = [u for p in pages for u in qr_texts(p)]
    assert len(urls) == 11
    keys = fresh_keys(server)
    printed = {}
    for url in urls:
        assert url_prefix_ok(url, server)
        claims = verify(token_from_text(url), keys)  # genuine with the published keys
        printed[claims.member_no] = url
    expected = {members[n] for n in serials if n != 3}
    assert set(printed) == expected  # not the revoked card, not the other kecamatan
    assert outside[50] not in printed
    for n in (1, 12):
        check_page(printed[members[n]], person_name(n), nik_for(n))

    # One desa only.
    r = httpx.get(
        f"{server.url}/api/v1/cards/batch.pdf", params={"desa": villages[0]}, cookies=cookies
    )
    assert r.status_code == 200
    desa_urls = qr_texts(pdf_pages(r.content)[0])
    assert {verify(token_from_text(u), keys).village_code for u in desa_urls} == {villages[0]}


def test_batch_refusals(server: Server) -> None:
    enrol(server, [1], [areas.villages(KEC)[0].code])
    url = f"{server.url}/api/v1/cards/batch.pdf"
    # A tablet's token is not a desk sign-in.
    assert httpx.get(url, params={"kecamatan": KEC}).status_code == 401
    cookies = desk_cookies(server)
    cases = [
        ({}, 400, "bad_selection"),
        ({"kecamatan": KEC, "desa": areas.villages(KEC)[0].code}, 400, "bad_selection"),
        ({"kecamatan": "52.03.99"}, 400, "bad_kecamatan"),
        ({"desa": "52.03.07.9999"}, 400, "bad_desa"),
        ({"serials": "1,x"}, 400, "bad_selection"),
        # Beyond any serial (SQLite cannot even bind it): refused, not a 500.
        ({"serials": "1,99999999999999999999999"}, 400, "bad_selection"),
        ({"serials": "²"}, 400, "bad_selection"),
        ({"kecamatan": "52.03.09"}, 404, "no_cards"),
    ]
    for params, status, code in cases:
        r = httpx.get(url, params=params, cookies=cookies)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), params


def test_lost_card_revoke_reissue_and_reprint_list(server: Server) -> None:
    device, members = enrol(server, [21, 22], [areas.villages(KEC)[0].code])
    auth = {"Authorization": f"Bearer {device}"}
    member_no = members[21]
    old_url = qr_texts(
        png(httpx.get(f"{server.url}/api/v1/cards/{member_no}.png", headers=auth).content)
    )[0]
    old = verify(token_from_text(old_url), fresh_keys(server))
    first_pull = httpx.get(f"{server.url}/api/v1/sync/pull", headers=auth).json()

    # Lost: revoked at once, with the reason, on the page and in JSON.
    cli(server, "revoke-card", str(old.serial), "--reason", "lost", "--by", "petugas desa")
    page = httpx.get(old_url)
    assert "KARTU SUDAH DICABUT" in page.text and "Kartu dilaporkan hilang." in page.text
    assert "The card was reported lost." in page.text
    assert mask_nik(nik_for(21)) in page.text and nik_for(21) not in page.text
    data = httpx.get(f"{server.url}/api/v1/verify/{token_from_text(old_url)}").json()
    assert (data["status"], data["reason"]) == ("revoked", "lost")
    assert data["revoked_on"] == utc_today().isoformat()
    with server.engine.connect() as conn:
        query = sa.text("SELECT revoked_by FROM cards WHERE id = :id")
        by = conn.execute(query, {"id": old.serial}).scalar_one()
    assert by == "petugas desa"
    # Tablets learn the serial at their next pull.
    pulled = httpx.get(
        f"{server.url}/api/v1/sync/pull", params={"cursor": first_pull["cursor"]}, headers=auth
    ).json()
    assert old.serial in pulled["revoked"]
    # A second revocation is refused, the first reason kept.
    again = cli(server, "revoke-card", str(old.serial), "--reason", "stolen", check=False)
    assert again.returncode == 1 and "already_revoked" in again.stderr
    assert cli(server, "revoke-card", "999999", "--reason", "lost", check=False).returncode == 1

    # Reissue: a new serial, a new token, valid; the old one stays revoked (lost).
    new_serial = int(cli(server, "reissue-card", member_no).stdout.strip())
    assert new_serial != old.serial
    new_url = qr_texts(
        png(httpx.get(f"{server.url}/api/v1/cards/{member_no}.png", headers=auth).content)
    )[0]
    assert new_url != old_url
    new = verify(token_from_text(new_url), fresh_keys(server))
    assert new.serial == new_serial and new.member_no == member_no
    assert (
        httpx.get(f"{server.url}/api/v1/verify/{token_from_text(new_url)}").json()["status"]
        == "valid"
    )
    assert (
        httpx.get(f"{server.url}/api/v1/verify/{token_from_text(old_url)}").json()["reason"]
        == "lost"
    )

    # Reissuing over an active card revokes it as `reissued`.
    third = int(cli(server, "reissue-card", member_no).stdout.strip())
    data = httpx.get(f"{server.url}/api/v1/verify/{token_from_text(new_url)}").json()
    assert (data["status"], data["reason"]) == ("revoked", "reissued")
    assert "Kartu baru telah diterbitkan" in httpx.get(new_url).text

    # The reprint list: only the member's current card (person 22 was never reissued).
    cookies = desk_cookies(server)
    r = httpx.get(
        f"{server.url}/api/v1/cards/batch.pdf",
        params={"reprints_since": utc_today().isoformat()},
        cookies=cookies,
    )
    assert r.status_code == 200, r.text
    (url,) = qr_texts(pdf_pages(r.content)[0])
    assert verify(token_from_text(url), fresh_keys(server)).serial == third
    # ... and by serials: revoked serials are never printed.
    r = httpx.get(
        f"{server.url}/api/v1/cards/batch.pdf",
        params={"serials": f"{old.serial},{third}"},
        cookies=cookies,
    )
    (url,) = qr_texts(pdf_pages(r.content)[0])
    assert verify(token_from_text(url), fresh_keys(server)).serial == third


@pytest.mark.parametrize("reason", ["stolen", "data_error"])
def test_every_revocation_reason_is_explained(server: Server, reason: str) -> None:
    device, members = enrol(server, [31], [areas.villages(KEC)[0].code])
    auth = {"Authorization": f"Bearer {device}"}
    url = qr_texts(
        png(httpx.get(f"{server.url}/api/v1/cards/{members[31]}.png", headers=auth).content)
    )[0]
    serial = verify(token_from_text(url), fresh_keys(server)).serial
    cli(server, "revoke-card", str(serial), "--reason", reason)
    data = httpx.get(f"{server.url}/api/v1/verify/{token_from_text(url)}").json()
    assert (data["status"], data["reason"]) == ("revoked", reason)
    assert data["card"]["nik_masked"] == mask_nik(nik_for(31))
    assert "KARTU SUDAH DICABUT" in httpx.get(url).text


def test_expired_card_says_expired(server: Server) -> None:
    device, members = enrol(server, [41], [areas.villages(KEC)[0].code])
    # Backdate the card: the server signs what its database holds, so the next image
    # carries a genuine token whose validity has passed.
    with server.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cards SET issued_on = '2020-01-01', expires_on = '2025-01-01'")
    auth = {"Authorization": f"Bearer {device}"}
    url = qr_texts(
        png(httpx.get(f"{server.url}/api/v1/cards/{members[41]}.png", headers=auth).content)
    )[0]
    claims = verify(token_from_text(url), fresh_keys(server))
    assert claims.expires == date(2025, 1, 1)
    data = httpx.get(f"{server.url}/api/v1/verify/{token_from_text(url)}").json()
    assert (data["status"], data["reason"]) == ("expired", "expired")
    page = httpx.get(url).text
    assert "KARTU ASLI, MASA BERLAKU HABIS" in page and "01-01-2025" in page
    assert mask_nik(nik_for(41)) in page
