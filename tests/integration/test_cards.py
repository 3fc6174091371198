"""Cards: the PNG's QR holds a link whose token verifies; the page shows a masked NIK only."""

from __future__ import annotations

import io

import httpx
import pytest
import zxingcpp
from markupsafe import escape
from PIL import Image

from enrolment.card_token import b64d, b64e, token_from_text, verify
from enrolment.verify_codec import decode_verify_reply
from tests.conftest import nik_for, person
from tests.integration.conftest import Server


@pytest.fixture
def enrolled(server: Server) -> tuple[str, str, str]:
    """A device token and the member number and card token of one new member."""
    token = server.pair()
    rec = person(42, name="Baiq Rahmawati", female=True, segment="umkm_owner")
    res = server.push_results(token, [rec])[rec.client_id]
    assert res.outcome == "created" and res.member_no and res.card
    return token, res.member_no, res.card


def public_keys(server: Server) -> dict[str, bytes]:
    keys = httpx.get(server.url + "/api/v1/keys").json()["keys"]
    return {k["kid"]: b64d(k["x"]) for k in keys}


def test_card_png_qr_verifies_and_opens_the_page(server: Server, enrolled) -> None:
    device_token, member_no, card = enrolled
    r = httpx.get(
        f"{server.url}/api/v1/cards/{member_no}.png",
        headers={"Authorization": f"Bearer {device_token}"},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content))
    assert img.size == (1011, 638)  # ID-1 at 300 dpi
    (code,) = zxingcpp.read_barcodes(img)
    url = code.text
    # Scheme and host come in capitals (QR alphanumeric mode); the path keeps its case.
    assert url.lower().startswith(server.url + "/v/")
    token = token_from_text(url)
    assert token == card

    claims = verify(token, public_keys(server))
    assert claims.member_no == member_no and claims.name == "Baiq Rahmawati"

    page = httpx.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "KARTU ASLI DAN BERLAKU" in page.text
    assert "5203********0042" in page.text
    assert nik_for(42, female=True) not in page.text
    assert "081234567890" not in page.text  # no phone number either
    assert "Baiq Rahmawati" in page.text and member_no in page.text
    assert "Pancor, Selong" in page.text and "Pelaku UMKM" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"

    data = httpx.get(f"{server.url}/api/v1/verify/{token}").json()
    assert data["proto"] == 1 and data["status"] == "valid"
    reply = decode_verify_reply(data)  # the codec reads what the server wrote
    assert reply.card is not None and reply.card.member_no == member_no
    assert data["card"]["nik_masked"] == "5203********0042"
    assert nik_for(42, female=True) not in str(data)


def tampered(token: str) -> str:
    """The token with its payload's name altered and the signature kept."""
    version, kid, payload, sig = token.split(".")
    forged = b64d(payload).replace(b"Baiq Rahmawati", b"Baiq Rahmawatu")
    return ".".join((version, kid, b64e(forged), sig))


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        pytest.param(tampered, "bad_signature", id="payload-changed"),
        pytest.param(lambda t: t.replace("1.k1.", "1.k9.", 1), "unknown_key", id="unknown-key"),
        pytest.param(lambda t: "not-a-token", "malformed", id="garbage"),
        pytest.param(lambda t: t[:30], "malformed", id="truncated"),
    ],
)
def test_tampered_token_page_says_not_genuine(
    server: Server, enrolled, make_token, reason: str
) -> None:
    _, _, card = enrolled
    bad = make_token(card)
    page = httpx.get(f"{server.url}/v/{bad}")
    assert page.status_code == 200
    assert "KARTU TIDAK ASLI" in page.text and "Not a genuine card" in page.text
    assert "Baiq Rahmawatu" not in page.text and "5203" not in page.text
    data = httpx.get(f"{server.url}/api/v1/verify/{bad}").json()
    assert data["status"] == "not_genuine" and "card" not in data
    assert data["reason"] == reason
    # The page states the same reason, in both languages (HTML-escaped like the page).
    assert all(str(escape(data["message"][lang])) in page.text for lang in ("id", "en"))


def test_card_of_unknown_member_is_404(server: Server, enrolled) -> None:
    device_token = enrolled[0]
    for member_no in ("LT9999999", "XX1", "LT0000000"):
        r = httpx.get(
            f"{server.url}/api/v1/cards/{member_no}.png",
            headers={"Authorization": f"Bearer {device_token}"},
        )
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"
