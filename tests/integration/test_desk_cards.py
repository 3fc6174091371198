"""Card actions at the desk over live HTTP: batch PDFs and reprint lists as background
jobs (progress page, download, QR codes of the right cards), revoke, reissue."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from enrolment import areas
from enrolment.card_token import CardClaims, token_from_text, verify
from tests.conftest import person, person_name
from tests.integration.cards_helpers import first_page, fresh_keys, qr_texts, url_prefix_ok
from tests.integration.conftest import Server
from tests.integration.desk import Desk

KEC = "52.03.07"  # Selong
OTHER_KEC_VILLAGE = "52.03.09.2001"
JOB_URL = re.compile(r"^/desk/cards/jobs/([A-Za-z0-9_-]{22})$")
PROGRESS = re.compile(r"Mencetak ([\d.]+) / ([\d.]+) kartu")


def job_path(r: httpx.Response) -> str:
    """The job page a started batch redirects to."""
    assert r.status_code == 303, r.text[:2000]
    location = r.headers["location"]
    assert JOB_URL.match(location), location
    return location


def wait_for_job(desk: Desk, path: str, timeout: float = 180) -> tuple[str, list[str]]:
    """Poll the job page as its meta refresh does, until it stops refreshing.

    Returns the final page and the progress lines seen while the job ran.
    """
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = desk.get(path)
        assert page.status_code == 200, page.text[:2000]
        if 'http-equiv="refresh"' not in page.text:
            return page.text, seen
        match = PROGRESS.search(page.text)
        assert match, page.text[:3000]
        seen.append(match.group(0))
        time.sleep(0.3)
    raise AssertionError(f"job {path} still running after {timeout} s")


def download(desk: Desk, path: str) -> httpx.Response:
    """The finished job's PDF, checked to be a PDF attachment."""
    r = desk.get(path + ".pdf")
    assert r.status_code == 200, r.text[:2000]
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"].startswith("attachment;")
    return r


def job_files(server: Server) -> list[Path]:
    """The job state files in the server's data directory."""
    return sorted((Path(server.env["DATA_DIR"]) / "print_jobs").glob("*.json"))


def audit_actions(server: Server) -> list[str]:
    """Every audited action, oldest first."""
    with server.engine.connect() as conn:
        return [a for (a,) in conn.execute(sa.text("SELECT action FROM audit_log ORDER BY id"))]


def enrol(server: Server, people: list[tuple[int, str]]) -> dict[str, str]:
    """Push (serial, village) people in one batch; their villages by member number."""
    token = server.pair()
    records = [person(n, name=person_name(n), village=v) for n, v in people]
    results = server.push_results(token, records)
    return {results[r.client_id].member_no or "": r.village_code for r in records}


def claims_on_page_one(server: Server, pdf: bytes) -> tuple[list[CardClaims], int]:
    """The verified claims of every QR on page 1 rendered at 150 dpi, and the page count."""
    image, pages = first_page(pdf, dpi=150)
    keys = fresh_keys(server)
    urls = qr_texts(image)
    assert all(url_prefix_ok(u, server) for u in urls), urls
    return [verify(token_from_text(u), keys) for u in urls], pages


def test_kecamatan_batch_runs_as_a_job_with_progress(server: Server) -> None:
    villages = [v.code for v in areas.villages(KEC)]
    # 300 cards take a few seconds to draw: long enough to watch the progress page.
    inside = enrol(server, [(n, villages[n % len(villages)]) for n in range(1, 301)])
    outside = enrol(server, [(n, OTHER_KEC_VILLAGE) for n in range(400, 405)])
    desk = Desk(server)
    before = len(job_files(server))

    path = job_path(desk.post("/desk/cards/batch", {"area": KEC}))
    # One batch draws at a time; a second one is refused with a link to the first.
    busy = desk.post("/desk/cards/batch", {"area": villages[0]})
    assert busy.status_code == 409 and "Batch lain sedang dicetak" in busy.text
    assert f'href="{path}"' in busy.text

    page, seen = wait_for_job(desk, path)
    assert seen, "the job finished before its page was ever seen running"
    counts = [int(PROGRESS.search(s).group(1).replace(".", "")) for s in seen]  # type: ignore[union-attr]
    assert counts == sorted(counts) and counts[-1] <= 300, seen
    assert all(s.endswith("/ 300 kartu") for s in seen), seen
    assert "Selesai: 300 kartu, 30 halaman A4" in page and "Done: 300 cards" in page
    assert f'href="{path}.pdf"' in page
    assert len(job_files(server)) == before + 1

    r = download(desk, path)
    today = datetime.now(UTC).date()
    assert f'filename="kartu-{KEC}-{today:%Y%m%d}.pdf"' in r.headers["content-disposition"]
    assert "content-encoding" not in r.headers  # PDFs are compressed already
    claims, pages = claims_on_page_one(server, r.content)
    assert pages == 30 and len(claims) == 10
    with server.engine.connect() as conn:
        kec_serials = set(
            conn.execute(
                sa.text(
                    "SELECT c.id FROM cards c JOIN members m ON m.id = c.member_id"
                    " WHERE m.village_code LIKE :k"
                ),
                {"k": KEC + ".%"},
            ).scalars()
        )
    for c in claims:
        assert c.member_no in inside and c.member_no not in outside
        assert c.village_code == inside[c.member_no] and c.village_code.startswith(KEC + ".")
        assert c.serial in kec_serials
    # Village order: page 1 holds the cards of the first villages.
    first = sorted(inside.values())[:10]
    assert sorted(c.village_code for c in claims) == first

    # The job is listed on the cards page and audited.
    cards = desk.get("/desk/cards")
    assert f'href="{path}"' in cards.text and "Kec. Selong (52.03.07)" in cards.text
    assert audit_actions(server).count("cards_batch") == 1


def test_print_revoke_reissue_and_reprint_list_from_the_desk(server: Server) -> None:
    village = areas.villages(KEC)[0].code
    members = enrol(server, [(1, village), (2, village), (3, village)])
    desk = Desk(server)
    before = len(job_files(server))
    # Nothing to print, or no such area: refused on the cards page, no job.
    none_there = desk.post("/desk/cards/batch", {"area": "52.03.01"})
    assert none_there.status_code == 400 and "Tidak ada kartu aktif" in none_there.text
    for area in ("xx", "52.03.99", "52.03.07.9999", ""):
        assert desk.post("/desk/cards/batch", {"area": area}).status_code == 400, area
    assert len(job_files(server)) == before

    with server.engine.connect() as conn:
        serial = conn.execute(sa.text("SELECT min(id) FROM cards")).scalar_one()
        member_id = conn.execute(
            sa.text("SELECT member_id FROM cards WHERE id = :s"), {"s": serial}
        ).scalar_one()
    r = desk.post("/desk/cards/revoke", {"serial": str(serial), "reason": "lost", "note": "pasar"})
    assert r.status_code == 200 and "dicabut" in r.text
    again = desk.post("/desk/cards/revoke", {"serial": str(serial), "reason": "lost"})
    assert again.status_code == 400 and "sudah dicabut" in again.text
    # Not a serial (isdigit() passes "²", int() does not): a clear refusal, never a 500.
    for bad in ("²", "x", "0", "99999999999"):
        r = desk.post("/desk/cards/revoke", {"serial": bad, "reason": "lost"})
        assert r.status_code == 400 and "Nomor seri kartu tidak dikenal" in r.text, bad
    (member_no,) = [m for m in members if int(m[2:]) == member_id]
    r = desk.post("/desk/cards/reissue", {"member_no": member_no})
    assert r.status_code == 200 and "Kartu baru" in r.text
    assert desk.post("/desk/cards/reissue", {"member_no": "LT9999999"}).status_code == 400
    assert server.count("cards") == 4
    with server.engine.connect() as conn:
        new_serial = conn.execute(sa.text("SELECT max(id) FROM cards")).scalar_one()

    # A bad date changes nothing.
    audited = len(audit_actions(server))
    for bad in ("2026-02-30", "kemarin", ""):
        r = desk.post("/desk/cards/reprints", {"since": bad})
        assert r.status_code == 400 and "Tanggal tidak valid" in r.text, bad
    assert len(job_files(server)) == before and len(audit_actions(server)) == audited
    # No reissue since tomorrow.
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    r = desk.post("/desk/cards/reprints", {"since": tomorrow.isoformat()})
    assert r.status_code == 400 and "diterbitkan ulang" in r.text

    # The reprint list holds exactly the reissued card.
    today = datetime.now(UTC).date()
    # Typed as the form asks, DD-MM-YYYY (ISO, above, is still understood).
    path = job_path(desk.post("/desk/cards/reprints", {"since": f"{today:%d-%m-%Y}"}))
    page, _seen = wait_for_job(desk, path)
    assert "Selesai: 1 kartu, 1 halaman A4" in page
    assert "Done: 1 card, 1 A4 page" in page  # not "1 cards", "1 A4 pages"
    r = download(desk, path)
    name = f"kartu-ulang-sejak-{today:%Y%m%d}-{today:%Y%m%d}.pdf"
    assert f'filename="{name}"' in r.headers["content-disposition"]
    claims, pages = claims_on_page_one(server, r.content)
    assert pages == 1 and [(c.serial, c.member_no) for c in claims] == [(new_serial, member_no)]
    # ... also within the member's kecamatan, and not within another one.
    path = job_path(desk.post("/desk/cards/reprints", {"since": today.isoformat(), "area": KEC}))
    wait_for_job(desk, path)
    claims, _pages = claims_on_page_one(server, download(desk, path).content)
    assert [c.serial for c in claims] == [new_serial]
    other = desk.post("/desk/cards/reprints", {"since": today.isoformat(), "area": "52.03.09"})
    assert other.status_code == 400

    # A village batch: the 3 active cards, the revoked one not among them.
    path = job_path(desk.post("/desk/cards/batch", {"area": village}))
    page, _seen = wait_for_job(desk, path)
    assert "Selesai: 3 kartu" in page and "Done: 3 cards, 1 A4 page<" in page
    claims, _pages = claims_on_page_one(server, download(desk, path).content)
    assert len(claims) == 3 and serial not in {c.serial for c in claims}

    actions = audit_actions(server)
    assert actions.count("cards_reprint") == 2 and actions.count("cards_batch") == 1
    assert {"card_revoke", "card_reissue"} <= set(actions)
    # Without the form's token nothing happens.
    r = desk.client.post("/desk/cards/revoke", data={"serial": str(new_serial), "reason": "lost"})
    assert r.status_code == 403


def test_job_pages_need_a_desk_sign_in_and_a_known_job(server: Server) -> None:
    enrol(server, [(1, areas.villages(KEC)[0].code)])
    desk = Desk(server)
    path = job_path(desk.post("/desk/cards/batch", {"area": KEC}))
    wait_for_job(desk, path)
    download(desk, path)

    # Not signed in: to the sign-in page, never the PDF.
    with httpx.Client(base_url=server.url, follow_redirects=False) as anonymous:
        for url in (path, path + ".pdf"):
            r = anonymous.get(url)
            assert r.status_code == 303 and r.headers["location"] == "/desk/login", url
        # A tablet's bearer token is no desk sign-in either.
        r = anonymous.get(path + ".pdf", headers={"Authorization": f"Bearer {server.pair()}"})
        assert r.status_code == 303

    # Unknown or malformed job ids: the desk's 404 page, not a crash.
    for url in (
        "/desk/cards/jobs/" + "A" * 22,
        "/desk/cards/jobs/" + "A" * 22 + ".pdf",
        "/desk/cards/jobs/nope",
        "/desk/cards/jobs/..%2F..%2Fsecret_key",
        "/desk/cards/jobs/%2E%2E.pdf",
    ):
        r = desk.get(url)
        assert r.status_code == 404 and "tidak ditemukan" in r.text, url

    # A batch or reprint form without its CSRF token starts nothing.
    files, audited = len(job_files(server)), len(audit_actions(server))
    for url, data in (
        ("/desk/cards/batch", {"area": KEC}),
        ("/desk/cards/reprints", {"since": "2026-01-01"}),
    ):
        r = desk.client.post(url, data=data)
        assert r.status_code == 403 and "Formulir" in r.text
        r = desk.client.post(url, data={**data, "csrf_token": "salah"})
        assert r.status_code == 403
    assert len(job_files(server)) == files and len(audit_actions(server)) == audited
