"""Card actions at the desk (the cards services do the work): batch PDF, revoke, reissue."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def test_print_revoke_and_reissue_from_the_desk(server: Server) -> None:
    token = server.pair()
    res = server.push_results(token, [person(1, name="Lalu Kartu")])
    (member_no,) = {r.member_no for r in res.values()}
    desk = Desk(server)
    r = desk.post("/desk/cards/batch", {"area": "52.03.07"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert desk.post("/desk/cards/batch", {"area": "52.03.01"}).status_code == 400  # none there
    assert desk.post("/desk/cards/batch", {"area": "xx"}).status_code == 400

    with server.engine.connect() as conn:
        serial = conn.execute(sa.text("SELECT id FROM cards")).scalar_one()
    r = desk.post("/desk/cards/revoke", {"serial": str(serial), "reason": "lost", "note": "pasar"})
    assert r.status_code == 200 and "dicabut" in r.text
    again = desk.post("/desk/cards/revoke", {"serial": str(serial), "reason": "lost"})
    assert again.status_code == 400 and "sudah dicabut" in again.text
    pulled = httpx.get(
        server.url + "/api/v1/sync/pull",
        params={"kec": "52.03.07"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert serial in pulled["revoked"]

    r = desk.post("/desk/cards/reissue", {"member_no": member_no})
    assert r.status_code == 200 and "Kartu baru" in r.text
    assert desk.post("/desk/cards/reissue", {"member_no": "LT9999999"}).status_code == 400
    assert server.count("cards") == 2
    with server.engine.connect() as conn:
        actions = [a for (a,) in conn.execute(sa.text("SELECT action FROM audit_log"))]
    assert {"cards_batch", "card_revoke", "card_reissue"} <= set(actions)
    # Without the form's token nothing happens.
    r = desk.client.post("/desk/cards/revoke", data={"serial": str(serial), "reason": "lost"})
    assert r.status_code == 403
