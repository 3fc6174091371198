"""An unexpected server error is a generic JSON 500: logged, never shown as a traceback."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from sync_server.config import Settings
from sync_server.db import migrate
from sync_server.main import create_app


def test_unexpected_error_is_generic_json_500(tmp_path: Path, caplog) -> None:
    settings = Settings.from_env(
        {"DATA_DIR": str(tmp_path), "SECRET_KEY": "test-secret-not-for-production"}
    )
    migrate(settings.database_url)
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    body = r.json()
    assert body["proto"] == 1 and body["error"]["code"] == "internal"
    assert body["error"]["id"] and body["error"]["en"]
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert "secret internal detail" in caplog.text  # but it is logged
