"""Programme fields as member columns (issue 11): written at ingest, taken from the
member's own device's edits only, filled for existing members by migration 0007, and
summed by the money page in SQL exactly as `enrolment.contributions` computes them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session

from enrolment.contributions import load_rates, monthly_contribution
from sync_server.db import alembic_config, make_engine, migrate
from sync_server.models import Member
from sync_server.services.money import money
from tests.conftest import person
from tests.integration.conftest import Server

_M = Member.__table__  # type: ignore[attr-defined]
FARM = {"farmer_group": "Poktan Maju", "land_ha": 0.75, "season": "2026"}
UMKM = {
    "business_name": "Kopi Sembalun",
    "business_type": "food",
    "startup_cash": 750000,
    "cash_date": "2025-12-01",
}


def _columns(server: Server, nik: str) -> dict:
    with server.engine.connect() as conn:
        row = conn.execute(sa.select(_M).where(_M.c.nik == nik)).one()
    return dict(row._mapping)


def test_ingest_writes_the_programme_columns_and_only_the_owner_changes_them(
    server: Server,
) -> None:
    mine, other = server.pair(), server.pair()
    farmer = replace(person(1), details=FARM, funding="dbhcht", income=2_000_000, jht=True)
    owner = replace(person(2, female=True, segment="umkm_owner"), details=UMKM)
    plain = person(3)  # an older app's record: no programme fields at all
    results = server.push_results(mine, [farmer, owner, plain])
    assert {r.outcome for r in results.values()} == {"created"}

    got = _columns(server, farmer.nik)
    assert (got["funding"], got["income"], got["jht"]) == ("dbhcht", 2_000_000, True)
    assert json.loads(got["details"]) == FARM
    assert got["startup_cash"] is None and got["conversion_due"] is None
    got = _columns(server, owner.nik)
    assert (got["funding"], got["income"], got["jht"]) == ("", None, False)
    assert (got["startup_cash"], got["conversion_due"]) == (750000, date(2026, 12, 1))
    got = _columns(server, plain.nik)
    assert (got["details"], got["funding"], got["household_kk"]) == (None, "", "")

    # Another tablet's record of the same person is merged, but changes none of it.
    theirs = replace(farmer, client_id="other-tablet-1", funding="add", income=9_000_000)
    assert server.push_results(other, [theirs])[theirs.client_id].outcome == "merged"
    assert _columns(server, farmer.nik)["funding"] == "dbhcht"

    # The owner's edit does.
    edit = replace(farmer, version=2, funding="self", income=None, jht=False)
    assert server.push_results(mine, [edit])[edit.client_id].outcome == "merged"
    got = _columns(server, farmer.nik)
    assert (got["funding"], got["income"], got["jht"]) == ("self", None, False)


def test_money_sums_in_sql_as_the_calculator_does(server: Server) -> None:
    engine = server.engine
    rates = load_rates()
    incomes = [None, -5, 0, 1, 49, 50, 149, 150, 999_999, 1_000_000, 1_234_567, 20_700_000]
    incomes += [20_700_049, 25_000_000, 1_000_000_000]
    rows, expected = [], 0
    for i, income in enumerate(incomes * 2):
        jht = i >= len(incomes)
        rows.append(
            {
                "nik": f"52030701018{i:05d}",
                "full_name": f"Orang {i}",
                "birth_date": date(1985, 1, 1),
                "sex": "M",
                "village_code": "52.03.07.1001",
                "segment": "village_official",  # ADD unless funding says otherwise
                "funding": "",
                "income": income,
                "jht": jht,
                "created_at": datetime(2026, 11, 1),
                "updated_at": datetime(2026, 11, 1),
            }
        )
        expected += monthly_contribution(income or 0, rates, jht=jht).total
    rows.append({**rows[0], "nik": "5203070101900001", "funding": "self"})  # not public
    rows.append({**rows[0], "nik": "5203070101900002", "segment": "tobacco_farmer"})
    with engine.begin() as conn:
        conn.execute(sa.insert(_M), rows)
    with Session(engine) as session:
        m = money(session=session, today=date(2026, 12, 1))
    assert m.members == {"add": len(incomes) * 2, "dbhcht": 1}
    assert m.totals["add"] == expected
    assert m.totals["dbhcht"] == monthly_contribution(0, rates).total
    assert [v.code for v in m.villages] == ["52.03.07.1001"]


def test_migration_fills_existing_members_from_their_own_devices_records(
    tmp_path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
        _fill_0006(engine)
        migrate(url)
        with engine.connect() as conn:
            got = {r.nik: r for r in conn.execute(sa.select(_M)).all()}
    finally:
        engine.dispose()
    a, b, c = got["5203075708850001"], got["5203075708850002"], got["5203075708850003"]
    # A: its own device's edit (v2) counts, the other tablet's later merge does not.
    assert (a.funding, a.income, a.jht, json.loads(a.details)) == ("add", 3_000_000, True, FARM)
    assert (b.startup_cash, b.conversion_due) == (750000, date(2026, 12, 1))
    assert (b.household_kk, b.household_relation) == ("5203070101010001", "head")
    assert (c.funding, c.income, c.details) == ("", None, None)  # an older app's record


def _fill_0006(engine: sa.Engine) -> None:
    """A database of revision 0006 with members and their submissions."""
    md = sa.MetaData()
    md.reflect(engine)
    devices, members, subs = md.tables["devices"], md.tables["members"], md.tables["submissions"]
    now = datetime(2026, 11, 20)
    base = {"birth_date": date(1985, 8, 17), "sex": "F", "village_code": "52.03.07.1001"}
    base |= {"phone": "", "created_at": now, "updated_at": now}
    sent = {"segment": "tobacco_farmer", "details": FARM, "funding": "dbhcht", "income": 1}
    with engine.begin() as conn:
        conn.execute(
            sa.insert(devices),
            [
                {"name": n, "officer": "", "token_hash": n * 64, "created_at": now, "area": ""}
                for n in "ab"
            ],
        )
        conn.execute(
            sa.insert(members),
            [
                {**base, "nik": "5203075708850001", "full_name": "A", "segment": "tobacco_farmer"},
                {**base, "nik": "5203075708850002", "full_name": "B", "segment": "umkm_owner"},
                {**base, "nik": "5203075708850003", "full_name": "C", "segment": "umkm_owner"},
            ],
        )
        umkm = {
            "segment": "umkm_owner",
            "details": UMKM,
            "household": {"kk": "5203070101010001", "relation": "head", "head": "b1"},
        }
        edit = {**sent, "funding": "add", "income": 3_000_000, "jht": True}
        rows = [
            (1, "a1", 1, "created", 1, sent),
            (1, "a1", 2, "merged", 1, edit),
            (2, "x1", 1, "merged", 1, {**sent, "funding": "self", "income": 9}),
            (1, "b1", 1, "created", 2, umkm),
            (1, "b1", 2, "conflict", 2, {**umkm, "details": {}}),
            (2, "c1", 1, "created", 3, {"segment": "umkm_owner"}),
        ]
        conn.execute(
            sa.insert(subs),
            [
                {
                    "device_id": d,
                    "client_id": cid,
                    "version": ver,
                    "content_hash": "0" * 64,
                    "payload": json.dumps(payload),
                    "outcome": outcome,
                    "member_id": m,
                    "problems": "[]",
                    "consent_by": "",
                    "consent_method": "",
                    "consent_at": "",
                    "received_at": now,
                }
                for d, cid, ver, outcome, m, payload in rows
            ],
        )
