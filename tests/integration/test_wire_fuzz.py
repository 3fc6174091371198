"""Whatever a tablet sends, one bad record never fails its batch (property-based).

Batches mix valid records with records whose fields hold arbitrary JSON (numbers,
booleans, nulls, nested objects, lists) or arbitrary Unicode text (NUL, lone
surrogates, bidi controls, zero-width characters, very long strings), pushed over
real HTTP to the live server on SQLite and on PostgreSQL. Every push must answer
200 with one result per record, the valid records must be created, and the server
log must stay free of tracebacks (checked by the `server` fixture). Afterwards the
desk's exports must still work on whatever was accepted.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import replace
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from enrolment.protocol import PUSH_PATH, record_to_wire
from tests.conftest import nik_for, person, person_name
from tests.integration.conftest import Server
from tests.integration.desk import Desk

# Characters that broke batches or exports, offered often so few examples find them.
NASTY = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ud83d",  # half of an emoji's surrogate pair
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u2028",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
]
FIELDS = (
    "cid",
    "ver",
    "nik",
    "name",
    "birth_date",
    "sex",
    "village",
    "phone",
    "segment",
    "consent",
    "created_at",
    "details",
    "income",
    "funding",
    "jht",
    "household",
)
CONSENT_FIELDS = ("given", "by", "method", "at")
HOUSEHOLD_FIELDS = ("kk", "relation", "head")
ACCEPTED = {"created", "merged", "duplicate"}
OUTCOMES = ACCEPTED | {"conflict", "rejected", "superseded"}

any_char = st.characters(exclude_categories=())  # every code point, surrogates too
texts = st.one_of(
    st.text(alphabet=any_char, max_size=30),
    st.text(alphabet=st.sampled_from(NASTY), min_size=1, max_size=3),
    st.text(alphabet=any_char, min_size=150, max_size=2000),  # over the field limits
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=8,
)
serials = itertools.count(1)  # unique people across every example of a run


def valid_wire(with_programme: bool = False) -> dict[str, Any]:
    """A valid record of a new person (its own NIK), in wire form."""
    n = next(serials)
    kec = f"{7 + n // 9000:02d}"  # 9,000 people per kecamatan keep the NIK serial at 4 digits
    rec = person(n % 9000 + 1, day=1 + n % 28, name=person_name(n))
    rec = replace(rec, nik=nik_for(n % 9000 + 1, day=1 + n % 28, kecamatan=kec))
    if with_programme:
        details = {"farmer_group": "Poktan Maju", "land_ha": 0.75, "season": "2026"}
        rec = replace(rec, details=details, income=1_500_000, funding="dbhcht")
    return record_to_wire(rec)


def with_text(value: str, insert: str, at: int) -> str:
    """`value` with `insert` placed inside it (a bad character inside a good value)."""
    at = at % (len(value) + 1)
    return value[:at] + insert + value[at:]


@st.composite
def broken_wire(draw: st.DrawFn) -> Any:
    """A valid record with some fields replaced, spiked or nested wrongly; or any JSON."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)  # not even an object
    rec = valid_wire(with_programme=draw(st.booleans()))
    if draw(st.booleans()):
        rec["household"] = {"kk": "5203070101010001", "relation": "head", "head": rec["cid"]}
        rec["segment"] = "poor_household"
    for key in draw(st.sets(st.sampled_from(FIELDS), min_size=1, max_size=4)):
        rec[key] = draw(_mutated(rec.get(key)))
    for part, keys in (("consent", CONSENT_FIELDS), ("household", HOUSEHOLD_FIELDS)):
        if isinstance(rec.get(part), dict) and draw(st.booleans()):
            key = draw(st.sampled_from(keys))
            rec[part][key] = draw(_mutated(rec[part].get(key)))
    if isinstance(rec.get("details"), dict) and draw(st.booleans()):
        rec["details"][draw(texts)] = draw(json_values)
    return rec


def _mutated(value: Any) -> st.SearchStrategy[Any]:
    """A replacement for `value`: the same text with a bad character in it, or anything."""
    if isinstance(value, str):
        spiked = st.builds(with_text, st.just(value), st.sampled_from(NASTY), st.integers(0, 99))
        return st.one_of(spiked, json_values)
    return json_values


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[Any], list[int]]:
    """Records to push and the positions of the valid ones among them."""
    n_valid = draw(st.integers(1, 4))
    records: list[Any] = [valid_wire(with_programme=draw(st.booleans())) for _ in range(n_valid)]
    records += draw(st.lists(broken_wire(), min_size=1, max_size=8))
    order = draw(st.permutations(range(len(records))))
    return [records[i] for i in order], [order.index(i) for i in range(n_valid)]


def push_raw(server: Server, token: str, records: list[Any]) -> httpx.Response:
    """POST records exactly as given; JSON escapes (ensure_ascii) carry lone surrogates."""
    body = json.dumps({"proto": 1, "records": records}, ensure_ascii=True).encode("ascii")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return httpx.post(server.url + PUSH_PATH, content=body, headers=headers, timeout=60)


def check_batch(server: Server, token: str, records: list[Any], valid: list[int]) -> None:
    """One push: 200, a result per record in order, every valid record created."""
    r = push_raw(server, token, records)
    assert r.status_code == 200, r.text[:500]
    results = r.json()["results"]
    assert len(results) == len(records)
    outcomes = [res["o"] for res in results]
    assert set(outcomes) <= OUTCOMES, outcomes
    assert [outcomes[i] for i in valid] == ["created"] * len(valid), (outcomes, valid)
    for res in results:
        json.dumps(res, ensure_ascii=False).encode("utf-8")  # what the tablet stores


def check_exports(server: Server) -> None:
    """The desk's XLSX and CSV exports open and list every member."""
    desk = Desk(server)
    try:
        r = desk.post("/desk/exports/members", {"fmt": "xlsx"})
        assert r.status_code == 200, r.text[:500]
        ws = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert len(rows) - 1 == server.count("members")
        r = desk.post("/desk/exports/members", {"fmt": "csv"})
        assert r.status_code == 200
        r.content.decode("utf-8-sig")
        for page in ("/desk/", "/desk/review", "/desk/money", "/desk/devices"):
            assert desk.get(page).status_code == 200, page
    finally:
        desk.close()


def test_arbitrary_records_never_fail_a_batch(server: Server) -> None:
    token = server.pair()

    @settings(
        max_examples=60,
        deadline=None,
        database=None,  # no .hypothesis/ folder left in the work tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batches())
    def one_batch(batch: tuple[list[Any], list[int]]) -> None:
        records, valid = batch
        check_batch(server, token, records, valid)

    one_batch()
    check_exports(server)


def test_every_bad_character_in_every_text_field_is_rejected_alone(server: Server) -> None:
    token = server.pair()
    records: list[Any] = []
    where: list[str] = []
    for ch in NASTY:
        for key in ("cid", "nik", "name", "birth_date", "village", "phone", "created_at"):
            rec = valid_wire()
            rec[key] = with_text(rec[key], ch, 3)
            records.append(rec)
            where.append(key)
        for key in CONSENT_FIELDS[1:]:
            rec = valid_wire()
            rec["consent"][key] = with_text(rec["consent"][key], ch, 2)
            records.append(rec)
            where.append(f"consent.{key}")
        rec = valid_wire()
        rec["household"] = {"kk": "5203070101010001", "relation": "head", "head": ch}
        rec["segment"] = "poor_household"
        records.append(rec)
        where.append("household.head")
    fine = [valid_wire(), valid_wire(with_programme=True)]
    r = push_raw(server, token, records + fine)
    assert r.status_code == 200, r.text[:500]
    results = r.json()["results"]
    assert len(results) == len(records) + len(fine)
    for res, key, rec in zip(results, where, records, strict=False):
        # Rejected by validation, naming the field: not set aside by a failed INSERT.
        assert res["o"] == "rejected", (key, rec)
        assert "bad_characters" in [p["code"] for p in res["p"]], (key, res)
        for p in res["p"]:
            assert p["id"] and p["en"] and p["id"] != p["en"]
    assert [res["o"] for res in results[len(records) :]] == ["created", "created"]
    assert server.count("members") == 2
    check_exports(server)


def test_a_bad_detail_key_or_value_is_rejected_per_record(server: Server) -> None:
    token = server.pair()
    records = []
    for ch in ("\x00", "\ud800", "\u202e"):
        bad_key = valid_wire(with_programme=True)
        bad_key["details"][f"catatan{ch}"] = "x"
        bad_value = valid_wire(with_programme=True)
        bad_value["details"]["farmer_group"] = f"Poktan{ch}Maju"
        # A bad key whose value is not text either: the shape check must not echo the key.
        bad_both = valid_wire(with_programme=True)
        bad_both["details"][f"catatan{ch}"] = [1, 2]
        records += [bad_key, bad_value, bad_both]
    fine = valid_wire(with_programme=True)
    r = push_raw(server, token, [*records, fine])
    assert r.status_code == 200, r.text[:500]
    outcomes = [res["o"] for res in r.json()["results"]]
    assert outcomes == ["rejected"] * len(records) + ["created"]


def test_accepted_unusual_but_harmless_text_exports(server: Server) -> None:
    # Real names in other scripts, accents in NFD, a zero-width joiner in a detail value.
    token = server.pair()
    names = ["Inaq Se\u0301nah", "محمد عبد الله", "王小明", "Ni Luh 🌺 Ayu"]
    records = []
    for name in names:
        rec = valid_wire(with_programme=True)
        rec["name"] = rec["consent"]["by"] = name
        rec["details"]["farmer_group"] = "Poktan\u200dMaju"
        records.append(rec)
    r = push_raw(server, token, records)
    assert [res["o"] for res in r.json()["results"]] == ["created"] * len(names)
    check_exports(server)


def test_surrogate_bytes_in_the_body_are_a_corrupt_body_not_a_crash(server: Server) -> None:
    # Raw UTF-8-encoded surrogates are not UTF-8: the whole body is refused (400).
    token = server.pair()
    body = json.dumps({"proto": 1, "records": [valid_wire()]}, ensure_ascii=False)
    raw = body.replace("Uji ", "U\ud800ji ").encode("utf-8", "surrogatepass")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    r = httpx.post(server.url + PUSH_PATH, content=raw, headers=headers, timeout=60)
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_json"
    assert server.count("submissions") == 0
