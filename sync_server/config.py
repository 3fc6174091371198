"""Server settings, read once from the environment.

SECRET_KEY encrypts the card-signing private key at rest and peppers the hashes
of pairing codes. When it is unset, a random key is generated once into
`DATA_DIR/secret_key` (file mode 0600) and reused on every start; back that file
up with the database, since without it the signing key cannot be decrypted.
DATA_DIR itself is kept 0700: it holds the SQLite database (0600, see db.py), the
generated secret and the print jobs' PDFs, all personal data or keys.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the server."""

    data_dir: Path
    database_url: str
    public_base_url: str
    secret_key: str
    card_valid_years: int = 5
    max_body_bytes: int = 4 * 1024 * 1024  # compressed push body
    max_json_bytes: int = 16 * 1024 * 1024  # after gzip: 500 records fit with room to spare
    # How long a tablet keeps records the server accepted (UU PDP minimisation): told to
    # tablets at every pull; 0 keeps them forever.
    tablet_keep_days: int = 90
    # Hold a record whose NIK is new but that resembles a member (services/ingest_hold.py).
    # HOLD_LOOKALIKES=0 turns it off: only for measuring its cost (bench.ingest).
    hold_lookalikes: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `environ` (default `os.environ`), creating DATA_DIR if needed."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("DATA_DIR") or "./data/server").resolve()
        _make_private_dir(data_dir)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'server.db'}"
        base_url = (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8700").rstrip("/")
        secret = env.get("SECRET_KEY") or _load_or_create_secret(data_dir / SECRET_KEY_FILE)
        years = int(env.get("CARD_VALID_YEARS") or 5)
        if years < 1:
            raise ValueError("CARD_VALID_YEARS must be at least 1")
        keep = int(env.get("TABLET_KEEP_DAYS") or 90)
        if keep < 0:
            raise ValueError("TABLET_KEEP_DAYS must be 0 (keep) or more")
        hold = (env.get("HOLD_LOOKALIKES") or "1").strip() not in ("0", "false", "no")
        return cls(
            data_dir,
            database_url,
            base_url,
            secret,
            years,
            tablet_keep_days=keep,
            hold_lookalikes=hold,
        )


def _make_private_dir(path: Path) -> None:
    """Create `path` (and parents) if needed and make it 0700 when it is ours.

    A shared folder with the sticky bit (such as /tmp) is never changed: it is not the
    server's to close, so DATA_DIR should be a folder of its own inside it.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.stat()
    if st.st_uid == os.geteuid() and not st.st_mode & stat.S_ISVTX and st.st_mode & 0o077:
        path.chmod(0o700)


def _load_or_create_secret(path: Path) -> str:
    """Read the generated secret, or create it with mode 0600.

    O_EXCL makes creation race-free: if two processes start at once, the loser
    reads the winner's key instead of overwriting it.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process may have created the file a moment ago and not written it yet.
        for _ in range(50):
            secret = path.read_text(encoding="ascii").strip()
            if secret:
                return secret
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY") from None
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret + "\n")
        f.flush()
        os.fsync(f.fileno())
    log.warning("SECRET_KEY not set: generated one into %s (mode 0600); back it up", path)
    return secret
