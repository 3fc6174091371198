"""The server's Ed25519 card-signing keys, kept in the database.

Private keys are stored as PKCS#8 PEMs encrypted with SECRET_KEY; the public
halves are published at /api/v1/keys so tablets and anyone else can verify cards.
Exactly one key is active (signs new cards). `rotate_key` makes a new active key;
retired keys stay published, so every card already printed keeps verifying.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update
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

    Creation is race-free: two workers starting together both try to insert `k1` with
    ON CONFLICT DO NOTHING and then both read the one that won. No conflict target: the
    loser may collide on the one-active-key index rather than on `kid` (PostgreSQL
    raised a UniqueViolation there when two workers started on an empty database).
    """
    key = session.exec(select(SigningKey).where(SigningKey.active)).first()
    if key is None:
        insert = dialect_insert(session)
        session.exec(
            insert(SigningKey)
            .values(**_new_key_values(FIRST_KID, secret_key))
            .on_conflict_do_nothing()
        )
        session.commit()  # startup: the key exists for every worker before any request
        key = session.exec(select(SigningKey).where(SigningKey.active)).one()
    return _decrypt(key, secret_key)


def _new_key_values(kid: str, secret_key: str) -> dict:
    """Column values of a fresh active key named `kid`."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret_key.encode("utf-8")),
    )
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "kid": kid,
        "public_key": raw_public,
        "private_pem_encrypted": pem,
        "created_at": utcnow(),
        "active": True,
    }


def _decrypt(key: SigningKey, secret_key: str) -> Signer:
    """The signer of a stored key; a clear error if SECRET_KEY is not the one it was made with."""
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


def active_kid(*, session: Session) -> str:
    """The id of the key new cards are signed with."""
    kid = session.exec(select(SigningKey.kid).where(SigningKey.active)).first()
    if kid is None:
        raise RuntimeError("no active signing key: start the server once to create one")
    return kid


def public_keys(*, session: Session) -> dict[str, bytes]:
    """Raw public keys by key id, retired ones included so older cards still verify."""
    return {k.kid: k.public_key for k in session.exec(select(SigningKey)).all()}


def key_set(*, session: Session) -> list[dict[str, str | bool]]:
    """The public keys in the form served at /api/v1/keys, oldest first.

    `active` flags the key new cards are signed with; the others are retired but
    still vouch for the cards they signed.
    """
    keys = session.exec(select(SigningKey).order_by(SigningKey.id)).all()  # type: ignore[arg-type]
    return [
        {"kid": k.kid, "alg": "Ed25519", "x": b64e(k.public_key), "active": bool(k.active)}
        for k in keys
    ]


_KID_NUMBER = re.compile(r"^k(\d+)$")


def rotate_key(*, session: Session, secret_key: str) -> str:
    """Make a new active signing key (`k<n+1>`) and retire the current one (the caller commits).

    Key ids stay short on purpose: the kid is inside every QR code. The retired key
    keeps its row (and stays in the key set), so cards it signed still verify.
    """
    kids = session.exec(select(SigningKey.kid)).all()
    numbers = [int(m.group(1)) for kid in kids if (m := _KID_NUMBER.match(kid))]
    kid = f"k{max(numbers, default=0) + 1}"
    # Deactivate first: the one-active-key index would refuse the new row otherwise.
    session.execute(update(SigningKey).where(SigningKey.active).values(active=False))  # type: ignore[arg-type]
    session.add(SigningKey(**_new_key_values(kid, secret_key)))
    return kid


class SignerCache:
    """The active signer for a server process, following rotations without a restart.

    Each use costs one indexed read of the active key id; the (deliberately slow,
    password-based) decryption happens only when that id changes, e.g. after the
    CLI's `rotate-key`.
    """

    def __init__(self, secret_key: str, signer: Signer):
        self._secret_key = secret_key
        self._signer = signer
        self._lock = threading.Lock()

    def current(self, session: Session) -> Signer:
        """The signer of the key active in the database now."""
        kid = session.exec(select(SigningKey.kid).where(SigningKey.active)).first()
        if kid is None or kid == self._signer.kid:
            return self._signer
        with self._lock:
            if kid != self._signer.kid:
                key = session.exec(select(SigningKey).where(SigningKey.kid == kid)).one()
                self._signer = _decrypt(key, self._secret_key)
            return self._signer
