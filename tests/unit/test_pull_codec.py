"""The pull reply codec: what the server encodes, the tablet decodes, and nothing else."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrolment.contribution_schedule import schedule_from_dict, schedule_to_dict
from enrolment.protocol import Outcome, WireError
from enrolment.pull_codec import PullReply, decode_pull_reply, encode_pull_reply
from enrolment.roster import RosterUnit, decode_unit, encode_unit

UNIT = encode_unit(RosterUnit("52.03.07", "520307", 163840, frozenset({0x1A2B, 0x3F00C})))
KEY = {"kid": "k1", "alg": "Ed25519", "x": "AAAA", "active": True}
RATES = {
    "jkk": {"rate": "0.01", "min": 10000, "max": 207000},
    "jkm": {"flat": 6800},
    "jht": {"rate": "0.02"},
}
UPDATE = {"cid": "c1", "ver": 2, "outcome": "merged", "member_no": "LT0000042", "problems": []}


def _reply(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "cursor": "12.34.0a1b2c3d",
        "keys": [KEY],
        "revoked": [17, 342],
        "updates": [UPDATE],
        "roster_salt": "c2FsdA",
        "roster_units": [UNIT],
        "roster_full": True,
        "rewound": False,
    }
    return encode_pull_reply(**{**args, **changes})


def test_the_encoded_reply_has_the_documented_form() -> None:
    assert _reply() == {
        "proto": 1,
        "rewound": False,
        "cursor": "12.34.0a1b2c3d",
        "keys": [KEY],
        "revoked": [17, 342],
        "updates": [UPDATE],
        "roster": {"salt": "c2FsdA", "hashes": [UNIT], "full": True},
    }
    assert _reply(srv="Xq3v_2Ab.1")["srv"] == "Xq3v_2Ab.1"


def test_a_reply_round_trips() -> None:
    reply = decode_pull_reply(json.loads(json.dumps(_reply(srv="S.1", rewound=True))))
    assert isinstance(reply, PullReply)
    assert reply.cursor == "12.34.0a1b2c3d" and reply.keys == {"k1": "AAAA"}
    assert reply.revoked == (17, 342)
    (update,) = reply.updates
    assert (update.cid, update.ver, update.outcome) == ("c1", 2, Outcome.MERGED)
    assert update.member_no == "LT0000042" and update.card is None
    assert reply.roster_salt == "c2FsdA" and reply.roster_full is True
    assert [decode_unit(u) for u in reply.roster_units] == [decode_unit(UNIT)]
    assert reply.rewound is True and reply.srv == "S.1"


def test_an_older_servers_reply_without_roster_or_srv_still_reads() -> None:
    body = {"proto": 1, "cursor": "", "keys": []}
    reply = decode_pull_reply(body)
    assert (reply.revoked, reply.updates, reply.roster_units) == ((), (), ())
    assert (reply.roster_salt, reply.roster_full) == ("", False)
    assert (reply.rewound, reply.srv) == (False, "")


def test_units_of_an_unknown_form_are_kept_for_the_store_to_drop() -> None:
    reply = decode_pull_reply(_reply(roster_units=["deadbeef", UNIT]))
    assert reply.roster_units == ("deadbeef", UNIT)
    assert decode_unit(reply.roster_units[0]) is None


@pytest.mark.parametrize(
    "change",
    [
        {"proto": 2},
        {"cursor": None},
        {"cursor": 12},
        {"keys": None},
        {"keys": [{"kid": "k1"}]},
        {"keys": ["k1"]},
        {"revoked": ["17"]},
        {"revoked": [True]},
        {"revoked": None},
        {"updates": {"cid": "c1"}},
        {"updates": [{"cid": "c1", "ver": 1, "outcome": "lost"}]},
        {"roster": []},
        {"roster": {"hashes": [17]}},
        {"roster": {"hashes": "52.03.07|520307|5|1"}},
        {"roster": {"salt": 5, "hashes": []}},
    ],
)
def test_a_malformed_reply_is_a_wire_error(change: dict[str, Any]) -> None:
    with pytest.raises(WireError):
        decode_pull_reply({**_reply(), **change})


@pytest.mark.parametrize("body", [None, [], "<html>", {"cursor": "", "keys": []}])
def test_anything_but_a_proto_1_object_is_a_wire_error(body: Any) -> None:
    with pytest.raises(WireError):
        decode_pull_reply(body)


SCHEDULE = schedule_from_dict(
    {
        "tables": [
            {"from": None, "to": None, "basis": "PP 44/2015", **RATES},
            {"from": "2027-01-01", "to": "2027-03-31", "basis": "diskon", **RATES},
        ]
    }
)


def test_the_schedule_travels_as_rates_in_the_files_form() -> None:
    body = _reply(schedule=SCHEDULE)
    assert body["rates"] == schedule_to_dict(SCHEDULE)
    assert body["rates"]["tables"][1]["from"] == "2027-01-01"
    assert decode_pull_reply(json.loads(json.dumps(body))).schedule == SCHEDULE
    # Optional both ways: left out without one, and a reply without it reads as None.
    assert "rates" not in _reply() and decode_pull_reply(_reply()).schedule is None


@given(
    st.lists(
        st.tuples(st.dates(), st.decimals(min_value=0, max_value=1, places=4)),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[0],
    )
)
def test_any_schedule_round_trips(tables: list[tuple[date, Decimal]]) -> None:
    entries = [
        {"from": day.isoformat(), "to": None, **RATES, "jht": {"rate": str(rate)}}
        for day, rate in tables
    ]
    schedule = schedule_from_dict({"tables": entries})
    reply = decode_pull_reply(json.loads(json.dumps(_reply(schedule=schedule))))
    assert reply.schedule == schedule


@pytest.mark.parametrize(
    "rates",
    [
        [],
        "tables",
        {"tables": []},
        {"tables": [{"from": "2027-01-01"}]},
        {"tables": [{**RATES, "from": "x"}]},
        {"jkk": {"rate": "0.01", "min": 1, "max": 2}},  # a bare table is the file's, not the wire's
    ],
)
def test_a_malformed_schedule_is_a_wire_error(rates: Any) -> None:
    with pytest.raises(WireError):
        decode_pull_reply({**_reply(), "rates": rates})
