"""The server's Ed25519 card-signing key, kept in the database.

The private key is stored as a PKCS#8 PEM encrypted with SECRET_KEY; the public
half is published at /api/v1/keys so tablets and anyone else can verify cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from enrolment.card_token import CardClaims, assemble, b64e, encode_claims, signing_input
from sync_server.db import dialect_insert
from sync_server.models import SigningKey, utcnow

FIRST_KID = "k1"


@dataclass(frozen=True)
class Signer:
    """The active signing key, decrypted once per process."""

    kid: str
    private_key: Ed25519PrivateKey

    def sign_card(self, claims: CardClaims) -> str:
        """The card token for `claims` (deterministic: Ed25519 signatures are)."""
        payload = encode_claims(claims)
        return assemble(self.kid, payload, self.private_key.sign(signing_input(self.kid, payload)))


def load_or_create_signer(*, session: Session, secret_key: str) -> Signer:
    """The active key, creating `k1` if there is none.

    Creation is race-free: two workers starting together both try to insert `k1`
    with ON CONFLICT (kid) DO NOTHING and then both read the one that won.
    """
    key = session.exec(select(SigningKey).where(SigningKey.active)).first()
    if key is None:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(secret_key.encode("utf-8")),
        )
        raw_public = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        insert = dialect_insert(session)
        session.exec(
            insert(SigningKey)
            .values(
                kid=FIRST_KID,
                public_key=raw_public,
                private_pem_encrypted=pem,
                created_at=utcnow(),
                active=True,
            )
            .on_conflict_do_nothing(index_elements=["kid"])
        )
        session.commit()
        key = session.exec(select(SigningKey).where(SigningKey.kid == FIRST_KID)).one()
    try:
        private_key = serialization.load_pem_private_key(
            key.private_pem_encrypted, password=secret_key.encode("utf-8")
        )
    except ValueError:
        raise RuntimeError(
            f"cannot decrypt signing key {key.kid}: SECRET_KEY is not the one it was created with"
        ) from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise RuntimeError(f"signing key {key.kid} is not Ed25519")
    return Signer(key.kid, private_key)


def public_keys(*, session: Session) -> dict[str, bytes]:
    """Raw public keys by key id, retired ones included so older cards still verify."""
    return {k.kid: k.public_key for k in session.exec(select(SigningKey)).all()}


def key_set(*, session: Session) -> list[dict[str, str]]:
    """The public keys in the form served at /api/v1/keys."""
    return [
        {"kid": kid, "alg": "Ed25519", "x": b64e(raw)}
        for kid, raw in sorted(public_keys(session=session).items())
    ]
