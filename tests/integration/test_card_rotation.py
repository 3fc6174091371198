"""Key rotation: `rotate-key` makes a new active key; cards signed before still verify,
new cards carry the new key id, and /api/v1/keys lists both with the active one flagged.

A module of its own: the rotation outlives the per-test reset (keys are kept), and
the other card tests expect the first key.
"""

from __future__ import annotations

import httpx

from enrolment.card_token import token_from_text, verify
from enrolment.protocol import KEYS_PATH
from tests.conftest import person
from tests.integration.cards_helpers import cli, fresh_keys, png, qr_texts
from tests.integration.conftest import Server


def test_rotated_key_keeps_old_cards_valid(server: Server) -> None:
    device = server.pair()
    auth = {"Authorization": f"Bearer {device}"}
    before = server.push(device, [person(1)]).json()
    kid_before = before["kid"]
    old_token = httpx.get(f"{server.url}/api/v1/cards/LT0000001.png", headers=auth)
    (old_url,) = qr_texts(png(old_token.content))
    old = token_from_text(old_url)
    assert old.split(".")[1] == kid_before

    new_kid = cli(server, "rotate-key").stdout.strip()
    assert new_kid != kid_before

    keys = httpx.get(server.url + KEYS_PATH).json()["keys"]
    assert [k["kid"] for k in keys if k["active"]] == [new_kid]
    assert {kid_before, new_kid} <= {k["kid"] for k in keys}
    # The running server signs with the new key at once (no restart).
    reply = server.push(device, [person(2)]).json()
    assert reply["kid"] == new_kid
    r = httpx.get(f"{server.url}/api/v1/cards/LT0000002.png", headers=auth)
    (new_url,) = qr_texts(png(r.content))
    new = token_from_text(new_url)
    assert new.split(".")[1] == new_kid

    published = fresh_keys(server)
    assert verify(old, published).member_no == "LT0000001"  # printed before: still genuine
    assert verify(new, published).member_no == "LT0000002"
    for token in (old, new):
        data = httpx.get(f"{server.url}/api/v1/verify/{token}").json()
        assert (data["status"], data["reason"]) == ("valid", "active")
    assert "KARTU ASLI DAN BERLAKU" in httpx.get(old_url).text

    # Pull carries both keys for the tablets' offline checks.
    pulled = httpx.get(f"{server.url}/api/v1/sync/pull", headers=auth).json()
    assert {k["kid"] for k in pulled["keys"]} >= {kid_before, new_kid}
