"""Helpers for tests of field activities (issue 14): sessions and UMKM owners written
straight into the server's database, activities as a tablet sends them, the rows kept."""

from __future__ import annotations

import gzip
import json
import secrets
from datetime import date, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from enrolment.activities import ACTIVITIES_PATH
from enrolment.protocol import RecordResult
from enrolment.records import new_client_id as new_activity_id
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from tests.conftest import person
from tests.integration.conftest import Server

ACTIVITY_TABLES = ("attendances", "umkm_visits", "education_sessions")
AT = "2027-01-15T02:00:00Z"


def clear_activities(server: Server) -> None:
    """Empty the issue-14 tables (the shared reset predates them), children first."""
    with server.engine.begin() as conn:
        for table in ACTIVITY_TABLES:
            conn.execute(sa.text(f"DELETE FROM {table}"))


def add_session(
    server: Server,
    *,
    village: str = "52.03.07.1001",
    held_on: date | None = None,
    cancelled: bool = False,
    topic: str = "financial_literacy",
) -> str:
    """A planned education session; its uid (what tablets name it by)."""
    uid = secrets.token_hex(6)
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO education_sessions (uid, topic, title, village_code, held_on,"
                " place, facilitator, segments, created_at, created_by, cancelled_at)"
                " VALUES (:uid, :topic, '', :village, :held_on, 'Balai desa', 'Ibu Fasilitator',"
                " 'umkm_owner', :now, 'test', :cancelled)"
            ),
            {
                "uid": uid,
                "topic": topic,
                "village": village,
                "held_on": held_on or days(0),
                "now": utcnow(),
                "cancelled": utcnow() if cancelled else None,
            },
        )
    return uid


def enrol(server: Server, token: str, serials: list[int], **kw: Any) -> list[RecordResult]:
    """Push test people `serials` (see tests.conftest.person); their results, in order."""
    people = [person(n, **kw) for n in serials]
    by_cid = server.push_results(token, people)
    results = [by_cid[p.client_id] for p in people]
    assert all(r.member_no for r in results), results
    return results


def make_umkm(server: Server, member_no: str, due: date | None, cash: int | None = 2_500_000):
    """Make a member an UMKM owner with start-up cash, conversion due on `due`."""
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE members SET segment = 'umkm_owner', startup_cash = :cash,"
                " conversion_due = :due WHERE id = :id"
            ),
            {"cash": cash, "due": due, "id": int(member_no[2:])},
        )


def card_att(session: str, card: str, cid: str | None = None) -> dict[str, Any]:
    """An attendance by scanned card."""
    cid = cid or new_activity_id()
    return {
        "cid": cid,
        "kind": "attendance",
        "session": session,
        "method": "card",
        "card": card,
        "at": AT,
    }


def nik_att(session: str, nik: str, cid: str | None = None) -> dict[str, Any]:
    """An attendance by typed NIK."""
    cid = cid or new_activity_id()
    return {
        "cid": cid,
        "kind": "attendance",
        "session": session,
        "method": "nik",
        "nik": nik,
        "at": AT,
    }


def guest_att(session: str, name: str) -> dict[str, Any]:
    """An attendance of a guest, by name."""
    return {
        "cid": new_activity_id(),
        "kind": "attendance",
        "session": session,
        "method": "guest",
        "name": name,
        "at": AT,
    }


def visit(member_no: str, outcome: str, **extra: Any) -> dict[str, Any]:
    """An UMKM follow-up visit."""
    return {
        "cid": new_activity_id(),
        "kind": "umkm_visit",
        "member_no": member_no,
        "outcome": outcome,
        "at": AT,
        **extra,
    }


def send(server: Server, token: str, items: list[Any], *, gz: bool = False) -> httpx.Response:
    """POST the activities as a tablet does."""
    body = json.dumps({"proto": 1, "activities": items}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if gz:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    return httpx.post(server.url + ACTIVITIES_PATH, content=body, headers=headers, timeout=60)


def results(server: Server, token: str, items: list[Any], **kw: Any) -> list[dict[str, Any]]:
    """The reply's results (200 required, one per activity)."""
    r = send(server, token, items, **kw)
    assert r.status_code == 200, r.text
    out = r.json()["results"]
    assert len(out) == len(items)
    return out


def codes(result: dict[str, Any]) -> list[str]:
    """The problem codes of one result."""
    return [p["code"] for p in result.get("p", [])]


def rows(server: Server, sql: str, **params: Any) -> list[sa.Row]:
    """Rows of a query on the server's database."""
    with server.engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params).all())


def scalar(server: Server, sql: str, **params: Any) -> Any:
    """One value of a query on the server's database."""
    with server.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def days(n: int) -> date:
    """The server's today (the WITA day) plus `n` days."""
    return to_wita(utcnow()).date() + timedelta(days=n)
