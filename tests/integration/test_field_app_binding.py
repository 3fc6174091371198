"""The field app in web mode listens on loopback only, unless FLET_SERVER_IP says
otherwise (issue 10): read from the kernel's socket table, no traffic sent anywhere."""

from __future__ import annotations

from pathlib import Path

from tests.live import FieldAppProcess


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp* writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_web_app_listens_on_loopback_by_default(tmp_path: Path) -> None:
    app = FieldAppProcess(tmp_path / "app")
    app.env.pop("FLET_SERVER_IP", None)  # as ./run.sh starts it
    app.start()
    try:
        addresses = _listening_addresses(app.port)
    finally:
        app.stop()
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1 only, not 0.0.0.0 or ::
