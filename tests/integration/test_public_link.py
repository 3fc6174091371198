"""The card QR on the tablet links to the server's public address (PUBLIC_BASE_URL),
learnt at pull, not to the address the tablet reaches the server by (issue 12)."""

from __future__ import annotations

from field_app import sync_client
from field_app.features.card import ShownCard
from field_app.session import Session
from field_app.store import Store
from tests.conftest import person
from tests.live import ServerProcess

PUBLIC = "https://kartu.lomboktimurkab.go.id"


def test_the_tablets_card_links_to_the_public_address(tmp_path) -> None:
    server = ServerProcess(tmp_path / "server")
    server.env["PUBLIC_BASE_URL"] = PUBLIC
    server.start()
    try:
        store = Store(tmp_path / "tablet.db")
        device_id, token = sync_client.pair(server.url, server.pairing_code(), "tab", "Petugas")
        store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
        rec = person(1)
        store.save_enrolment(rec)
        sync_client.sync(store)
        assert store.get_setting(sync_client.PUBLIC_URL) == PUBLIC
        item = store.get(rec.client_id)
        assert item is not None and item.card_token
        shown = ShownCard(Session(store))
        shown.open(item)
        assert shown.link_base == PUBLIC != server.url
        assert shown.valid is not None and shown.valid[0] < shown.valid[1]  # shown on the card
    finally:
        server.stop()


def test_an_unusable_public_address_is_not_taken() -> None:
    assert sync_client._public_link("javascript:alert(1)") == ""
    assert sync_client._public_link("https://user:pw@x.id") == ""
    assert sync_client._public_link("http://kartu.example.id/") == "http://kartu.example.id"
    assert sync_client._public_link(PUBLIC + "/") == PUBLIC
