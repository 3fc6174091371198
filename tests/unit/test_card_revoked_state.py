"""The tablet shows a card it has learnt is revoked as revoked, never as valid."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from enrolment import card_token
from enrolment.card_token import CardClaims
from field_app.state import AppState
from field_app.store import Status, Store
from tests.conftest import person


def token_for(serial: int, name: str) -> str:
    """A token of the right form (the signature is not checked by the card screen)."""
    claims = CardClaims(
        serial,
        "LT0000001",
        name,
        "tobacco_farmer",
        "52.03.07.1001",
        date(2026, 11, 25),
        date(2031, 11, 25),
    )
    return card_token.assemble("k1", card_token.encode_claims(claims), b"\0" * 64)


def test_a_revoked_card_opens_as_revoked(tmp_path: Path) -> None:
    store = Store(tmp_path / "tablet.db")
    kept, lost = person(1), person(2)
    store.save_enrolments([kept, lost])
    store.record_outcomes(
        [
            (kept.client_id, 1, Status.SENT, "LT0000001", token_for(11, kept.full_name), "[]"),
            (lost.client_id, 1, Status.SENT, "LT0000002", token_for(12, lost.full_name), "[]"),
        ]
    )
    store.apply_pull(cursor="1.1.x", keys={}, revoked=[12], roster=[], roster_full=False)
    state = AppState(store=store)
    state.open_card(store.get(kept.client_id))
    assert state.screen == "card" and state.card_revoked is False
    state.open_card(store.get(lost.client_id))
    assert state.card_revoked is True
