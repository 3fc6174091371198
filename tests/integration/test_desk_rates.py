"""Contribution tables with dates on the desk (/desk/rates), over real HTTP on SQLite and
PostgreSQL: an administrator enters a temporary discount, the money page and the pull
follow it; a coordinator cannot change tables; a bad change is refused with its reason
and changes nothing; every change is audited."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from enrolment.contribution_schedule import first_gap, schedule_from_dict
from field_app import sync_client
from field_app.form import EnrolmentForm
from field_app.store import Store
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from sync_server.services.money import money
from sync_server.services.rate_tables import current_schedule
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def _today() -> date:
    return to_wita(utcnow()).date()


def _discount() -> tuple[date, date]:
    """From the first of this month to the last day of the next: today is inside."""
    first = _today().replace(day=1)
    after_next = (first + timedelta(days=62)).replace(day=1)
    return first, after_next - timedelta(days=1)


def _fmt(day: date) -> str:
    return day.strftime("%d-%m-%Y")


DISCOUNTED = {
    "jkk_percent": "0,5",
    "jkk_min": "5.000",
    "jkk_max": "Rp 207.000",
    "jkm_flat": "3.400",
    "jht_percent": "2",
    "basis": "Permenaker diskon sementara",
}


def _add_discount(desk: Desk) -> None:
    first, last = _discount()
    r = desk.post("/desk/rates", {"start": _fmt(first), "end": _fmt(last), **DISCOUNTED})
    assert r.status_code == 303, r.text


def _rows(server: Server) -> list[tuple]:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT starts_on, ends_on, jkk_rate, jkk_min, jkk_max, jkm_flat, jht_rate"
                " FROM rate_tables ORDER BY id"
            )
        ).all()


def _audit(server: Server) -> list[tuple]:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT username, action, target, details FROM audit_log"
                " WHERE action LIKE 'rate_table_%' ORDER BY id"
            )
        ).all()


def _push_one(server: Server) -> None:
    token = server.pair()
    village = replace(person(5, name="Amaq Desa", segment="village_official"), funding="add")
    village = replace(village, income=None)  # the minimum: JKK minimum + JKM
    results = server.push_results(token, [village])
    assert {r.outcome for r in results.values()} == {"created"}


def test_a_temporary_discount_is_in_force_inside_its_period_only(server: Server) -> None:
    _push_one(server)
    admin = Desk(server, "admin", "administrator")
    page = admin.get("/desk/rates").text
    assert 'id="rates-shipped"' in page and "PP 44/2015" in page  # the shipped table
    assert 'href="/desk/rates"' in page  # in the administrator's menu
    before = admin.get("/desk/money").text
    assert 'id="fund-add"><td>' in before and "Rp 16.800" in before
    assert "JKK Rp 10.000 + JKM Rp 6.800" in before  # the intro names today's minimum

    _add_discount(admin)
    page = admin.get("/desk/rates").text
    first, last = _discount()
    row = re.search(rf'<tr id="rate-{first.isoformat()}">(.*?)</tr>', page, re.S)
    assert row, page
    assert _fmt(first) in row.group(1) and _fmt(last) in row.group(1)
    assert (
        "0,5 %" in row.group(1) and "Rp 3.400" in row.group(1) and "in force today" in row.group(1)
    )
    assert 'id="rates-shipped"' not in page  # the shipped table was copied, then the new one
    assert len(_rows(server)) == 2

    # Today is inside the discount: JKK minimum Rp 5.000 + JKM Rp 3.400.
    fund_add = re.search(r'<tr id="fund-add">(.*?)</tr>', admin.get("/desk/money").text, re.S)
    assert fund_add and "Rp 8.400" in fund_add.group(1), fund_add
    intro = re.search(r'id="money-intro">(.*?)</p>', admin.get("/desk/money").text, re.S)
    assert intro and "JKK Rp 5.000 + JKM Rp 3.400" in intro.group(1)
    assert "the minimum, Rp 8.400 a month" in intro.group(1)
    with Session(server.engine) as session:
        # A month computed with the table in force then, another with today's.
        assert money(session=session, today=last + timedelta(days=1)).totals["add"] == 16_800
        assert money(session=session, today=first - timedelta(days=1)).totals["add"] == 16_800
        assert money(session=session, today=first).totals["add"] == 8_400
        assert money(session=session, today=last).totals["add"] == 8_400

    (entry,) = _audit(server)
    assert entry[:2] == ("admin", "rate_table_add") and entry[2] == f"rates:{_fmt(first)}"
    assert "0,5 %" in str(entry[3]) and "JKM Rp 3.400" in str(entry[3])
    audit_page = admin.get("/desk/audit").text
    assert "Tabel iuran ditambah" in audit_page and "Contribution table added" in audit_page


def test_an_administrator_edits_and_deletes_a_table(server: Server) -> None:
    admin = Desk(server, "admin", "administrator")
    _add_discount(admin)
    first, last = _discount()
    changed = {**DISCOUNTED, "jkm_flat": "4.000", "start": _fmt(first), "end": _fmt(last)}
    r = admin.post(f"/desk/rates/{first.isoformat()}/edit", changed)
    assert r.status_code == 303, r.text
    assert [row[5] for row in _rows(server)] == [6_800, 4_000]
    r = admin.post(f"/desk/rates/{first.isoformat()}/delete")
    assert r.status_code == 303, r.text
    assert [row[5] for row in _rows(server)] == [6_800]
    assert [a[1] for a in _audit(server)] == [
        "rate_table_add",
        "rate_table_edit",
        "rate_table_delete",
    ]
    assert "before" in json.dumps(_audit(server)[1][3]) and "Rp 4.000" in str(_audit(server)[1][3])
    assert admin.post("/desk/rates/2001-01-01/delete").status_code == 404
    assert admin.post("/desk/rates/garbage/delete").status_code == 404


def test_a_coordinator_sees_the_tables_but_cannot_change_them(server: Server) -> None:
    koord = Desk(server)
    page = koord.get("/desk/rates")
    assert page.status_code == 200 and "PP 44/2015" in page.text
    assert 'action="/desk/rates"' not in page.text  # no form to add
    assert 'href="/desk/rates"' not in koord.get("/desk/").text  # not in a coordinator's menu
    first, last = _discount()
    r = koord.post("/desk/rates", {"start": _fmt(first), "end": _fmt(last), **DISCOUNTED})
    assert r.status_code == 403
    assert koord.post("/desk/rates/0001-01-01/delete").status_code == 403
    # An administrator's form without its CSRF token, or signed out: refused too.
    admin = Desk(server, "admin", "administrator")
    form = {"start": _fmt(first), "end": _fmt(last), **DISCOUNTED}
    assert admin.client.post("/desk/rates", data=form).status_code == 403
    bad = {**form, "csrf_token": "x" * 43}
    assert admin.client.post("/desk/rates", data=bad).status_code == 403
    anonymous = httpx.post(server.url + "/desk/rates", data=form)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/desk/login"
    assert httpx.get(server.url + "/desk/rates").status_code == 303
    assert _rows(server) == [] and _audit(server) == []


def test_a_bad_change_is_refused_with_its_reason_and_changes_nothing(server: Server) -> None:
    admin = Desk(server, "admin", "administrator")
    _add_discount(admin)
    rows, audited = _rows(server), _audit(server)
    first, last = _discount()
    base = {"start": _fmt(first + timedelta(days=3)), "end": "", **DISCOUNTED}
    cases = [
        # (form changes, a piece of the Indonesian and of the English reason)
        ({"start": _fmt(first)}, "mulai pada hari yang sama", "cannot start on the same day"),
        ({"end": _fmt(first)}, "sebelum mulai", "before it starts"),
        ({"jkm_flat": "-3.400"}, "tidak boleh negatif", "cannot be negative"),
        ({"jkk_percent": "-1"}, "tidak boleh negatif", "cannot be negative"),
        ({"jkk_percent": "satu"}, "Angka tidak valid", "Not a number"),
        ({"jkk_percent": "1e9999"}, "Angka tidak valid", "Not a number"),
        ({"jht_percent": "150"}, "lebih dari 100", "above 100"),
        ({"jkk_min": "300.000"}, "melebihi maksimumnya", "above its maximum"),
        ({"start": "31-02-2027"}, "Tanggal tidak valid", "Not a date"),
        ({"start": "<script>"}, "Tanggal tidak valid", "Not a date"),
        ({"start": ""}, "mulai pada hari yang sama", "same day"),  # a second open start
    ]
    for change, indonesian, english in cases:
        r = admin.post("/desk/rates", {**base, **change})
        assert r.status_code == 400, (change, r.text[:500])
        error = re.search(r'id="rates-error">(.*?)</div>', r.text, re.S)
        assert error and indonesian in error.group(1) and english in error.group(1), change
        assert "<script>" not in r.text
    # A change that would leave days without a table: the base table ends, or goes.
    shipped = {**base, "start": "", "end": "31-12-2030", "jkk_percent": "1", "jkm_flat": "6.800"}
    r = admin.post("/desk/rates/0001-01-01/edit", shipped)
    assert r.status_code == 400 and "tanpa tabel iuran, mulai 01-01-2031" in r.text
    assert "without a contribution table, from 01-01-2031" in r.text
    r = admin.post("/desk/rates/0001-01-01/delete")
    assert r.status_code == 400 and "Tabel paling awal harus tanpa tanggal mulai" in r.text
    r = admin.post("/desk/rates/0001-01-01/edit", {**shipped, "start": "01-01-2020", "end": ""})
    assert r.status_code == 400 and "earliest table must have no start date" in r.text
    assert _rows(server) == rows and _audit(server) == audited


def test_the_pull_carries_the_schedule_and_the_tablets_estimate_uses_it(
    server: Server, tmp_path: Path
) -> None:
    store = Store(tmp_path / "tablet.db")
    device_id, token = sync_client.pair(server.url, server.pairing_code(), "tab-1", "Petugas")
    store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
    sync_client.sync(store)
    shipped = store.rate_schedule()
    assert shipped is not None and len(shipped.tables) == 1  # the shipped one, as sent
    form = EnrolmentForm(schedule=shipped, income="0")
    assert form.contribution() is not None and form.contribution().total == 16_800  # type: ignore[union-attr]

    _add_discount(Desk(server, "admin", "administrator"))
    sync_client.sync(store)
    schedule = store.rate_schedule()
    assert schedule is not None and len(schedule.tables) == 2
    first, last = _discount()
    assert schedule.table_on(first).rates.jkm_flat == 3_400
    assert schedule.table_on(last + timedelta(days=1)).rates.jkm_flat == 6_800
    # The estimate of a form opened now uses the pulled schedule for today.
    form = EnrolmentForm(schedule=store.rate_schedule(), income="2.000.000", jht=True)
    due = form.contribution()
    assert due is not None and (due.jkk, due.jkm, due.jht) == (10_000, 3_400, 40_000)
    assert form.member_contribution().total == 5_000 + 3_400
    # What the server sent is the schedule it has, in the rates file's form.
    r = httpx.get(server.url + "/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and schedule_from_dict(r.json()["rates"]) == schedule
    store.close()


def test_two_administrators_at_once_never_leave_a_gap(server: Server) -> None:
    """Each change alone is fine; both together would leave 2027 without a table. The
    schedule is read and judged under one lock, so the second sees the first."""
    one, two = Desk(server, "admin1", "administrator"), Desk(server, "admin2", "administrator")
    later = {**DISCOUNTED, "start": "01-01-2027", "end": ""}
    assert one.post("/desk/rates", later).status_code == 303
    base = {**DISCOUNTED, "start": "", "end": "31-12-2026", "jkk_percent": "1"}
    base |= {"jkk_min": "10.000", "jkm_flat": "6.800"}
    with ThreadPoolExecutor(2) as pool:
        ended = pool.submit(one.post, "/desk/rates/0001-01-01/edit", base)
        gone = pool.submit(two.post, "/desk/rates/2027-01-01/delete")
        codes = sorted([ended.result().status_code, gone.result().status_code])
    assert codes == [303, 400], codes
    with Session(server.engine) as session:
        schedule = current_schedule(session=session)
    assert first_gap(schedule) is None
