"""The review queue over real HTTP: duplicates found by name within blocks, decisions,
and the tablet learning the outcome at its next pull.

Since issue 13 a look-alike under a new NIK is held at ingest (test_ingest_holds.py), so
the scan's pairs are made here the other way they still arise: a member whose own tablet
later corrects the name into one that resembles another member's."""

from __future__ import annotations

from dataclasses import replace

import httpx
import sqlalchemy as sa

from enrolment.card_token import verify
from enrolment.records import Enrolment
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk

PULL = "/api/v1/sync/pull"


def pull(server: Server, token: str) -> dict:
    r = httpx.get(
        server.url + PULL, params={"kec": "52.03.07"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    return r.json()


def open_items(server: Server) -> list[sa.Row]:
    with server.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT r.id, r.kind, r.member_id, s.member_id AS other FROM review_items r"
                    " JOIN submissions s ON s.id = r.submission_id"
                    " WHERE r.status = 'open' ORDER BY r.id"
                )
            ).all()
        )


def edited_into(server: Server, token: str, rec: Enrolment, first_name: str) -> Enrolment:
    """Enrol `rec` under `first_name` (nobody's look-alike), then correct the name to
    `rec`'s in version 2: the member takes it. Returns version 2."""
    first = server.push_results(token, [replace(rec, full_name=first_name)])[rec.client_id]
    assert first.outcome == "created"
    edit = replace(rec, version=2)
    assert server.push_results(token, [edit])[rec.client_id].outcome == "merged"
    return edit


def test_mistyped_nik_is_found_and_merge_reaches_the_tablet(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    right = person(50, name="Lalu Ahmad Fauzi")
    typo = person(51, name="Lalu Ahmad Fauzy")  # same person, NIK serial mistyped
    # Same birthday, sex and village, different people: must not be proposed.
    other1 = person(60, name="Baiq Sumarni", female=True)
    other2 = person(61, name="Inaq Rukiah", female=True)
    kept = server.push_results(tab_a, [right, other1, other2])
    edited_into(server, tab_b, typo, "Lalu Kurniawan")
    dup = server.push_results(tab_b, [replace(typo, version=2)])[typo.client_id]
    assert dup.outcome == "duplicate"
    a_no = kept[right.client_id].member_no

    desk = Desk(server)
    r = desk.post("/desk/review/scan")
    assert r.status_code == 303 and "scanned=1-1-" in r.headers["location"]
    (item,) = open_items(server)
    assert item.kind == "possible_duplicate"
    assert (item.member_id, item.other) == (int(a_no[2:]), int(dup.member_no[2:]))
    # A second scan proposes nothing new.
    assert "scanned=1-0-" in desk.post("/desk/review/scan").headers["location"]

    page = desk.get(f"/desk/review/{item.id}")
    assert page.status_code == 200
    assert "Lalu Ahmad Fauzi" in page.text and "Lalu Ahmad Fauzy" in page.text
    assert right.nik in page.text and typo.nik in page.text  # side by side, whole
    listing = desk.get("/desk/review").text
    assert "Kemungkinan ganda" in listing and right.nik not in listing  # masked in lists

    # A decision needs a reason; nothing changes without one.
    r = desk.post(f"/desk/review/{item.id}/decide", {"action": "merge", "reason": " "})
    assert r.status_code == 400
    assert len(open_items(server)) == 1

    before = pull(server, tab_b)
    r = desk.post(
        f"/desk/review/{item.id}/decide", {"action": "merge", "reason": "NIK salah ketik"}
    )
    assert r.status_code == 303
    assert open_items(server) == []
    again = desk.post(f"/desk/review/{item.id}/decide", {"action": "merge", "reason": "lagi"})
    assert again.status_code == 409

    # Tablet B learns its record now belongs to A's member number; every tablet learns
    # that the duplicate's card is revoked.
    after = pull(server, tab_b)
    news = [u for u in after["updates"] if u not in before["updates"]]
    # The member number comes with the member's current card (issue 9), verified here;
    # both accepted versions of the record learn it.
    for update in news:
        card = update.pop("card")
        assert verify(card, server.public_keys()).member_no == a_no
    assert sorted(news, key=lambda u: u["ver"]) == [
        {"cid": typo.client_id, "ver": v, "outcome": "merged", "member_no": a_no, "problems": []}
        for v in (1, 2)
    ]
    assert after["revoked"] and set(after["revoked"]) <= set(pull(server, tab_a)["revoked"])
    with server.engine.connect() as conn:
        sub = conn.execute(
            sa.text(
                "SELECT outcome, member_id FROM submissions WHERE client_id = :c AND version = 2"
            ),
            {"c": typo.client_id},
        ).one()
        audit = conn.execute(
            sa.text("SELECT username, action, reason FROM audit_log WHERE action LIKE 'review%'")
        ).all()
    assert (sub.outcome, sub.member_id) == ("merged", int(a_no[2:]))
    assert [tuple(a) for a in audit] == [("koord", "review_merge", "NIK salah ketik")]
    # The merged-away member no longer counts; the merged one is not proposed again.
    assert "scanned=0-0-" in desk.post("/desk/review/scan").headers["location"]
    assert ">3<" in desk.get("/desk/").text.replace(" ", "")  # 4 enrolled, 3 members


def test_identity_conflict_merge_and_reject_reach_the_tablets(server: Server) -> None:
    tab_a, tab_b, tab_c = server.pair_many(3)
    member = server.push_results(tab_a, [person(70, name="Baiq Nurul")])
    (member_no,) = {r.member_no for r in member.values()}
    variant = person(70, name="Baiq Nurul Aini")
    wrong = person(70, name="Inaq Saprah")
    assert server.push_results(tab_b, [variant])[variant.client_id].outcome == "conflict"
    assert server.push_results(tab_c, [wrong])[wrong.client_id].outcome == "conflict"
    first, second = open_items(server)
    desk = Desk(server)
    # "Keep both" is no option when one NIK is one member.
    r = desk.post(f"/desk/review/{first.id}/decide", {"action": "keep", "reason": "dua orang"})
    assert r.status_code == 400
    assert (
        desk.post(
            f"/desk/review/{first.id}/decide", {"action": "merge", "reason": "nama lengkap"}
        ).status_code
        == 303
    )
    assert (
        desk.post(
            f"/desk/review/{second.id}/decide", {"action": "reject", "reason": "NIK orang lain"}
        ).status_code
        == 303
    )

    (merged,) = pull(server, tab_b)["updates"]
    assert merged["cid"] == variant.client_id
    assert (merged["outcome"], merged["member_no"]) == ("merged", member_no)
    (rejected,) = pull(server, tab_c)["updates"]
    assert rejected["cid"] == wrong.client_id and rejected["outcome"] == "rejected"
    (problem,) = rejected["problems"]
    assert "NIK orang lain" in problem["id"] and "Ditolak" in problem["id"]
    assert "Rejected" in problem["en"]
    assert pull(server, tab_a)["updates"] == []
    # Resending the rejected record repeats the stored (rejected) answer.
    again = server.push_results(tab_c, [wrong])[wrong.client_id]
    assert again.outcome == "rejected"
    decided = desk.get("/desk/review?status=merged").text
    assert "Baiq Nurul Aini" in decided
    # The JSON queue answers a signed-in desk user (tablets get 401, see test_desk_auth).
    api = desk.get("/api/v1/review")
    assert api.status_code == 200 and api.json()["items"] == []


def test_duplicate_kept_or_rejected(server: Server) -> None:
    tab = server.pair()
    a, b = person(80, name="Amaq Junaidi"), person(81, name="Amaq Junaedi")
    c, d = person(82, name="Lalu Hamdan", day=3), person(83, name="Lalu Hamdan", day=3)
    res = server.push_results(tab, [a, c])
    for rec, first_name in ((b, "Amaq Sukri"), (d, "Lalu Sapri")):
        edited_into(server, tab, rec, first_name)
        res.update(server.push_results(tab, [replace(rec, version=2)]))
    desk = Desk(server)
    desk.post("/desk/review/scan")
    d_id = int(res[d.client_id].member_no[2:])
    (cd,) = [i for i in open_items(server) if d_id in (i.member_id, i.other)]
    (ab,) = [i for i in open_items(server) if i.id != cd.id]
    r = desk.post(f"/desk/review/{ab.id}/decide", {"action": "keep", "reason": "kembar"})
    assert r.status_code == 303
    r = desk.post(f"/desk/review/{cd.id}/decide", {"action": "reject", "reason": "fiktif"})
    assert r.status_code == 303
    updates = {u["cid"]: u for u in pull(server, tab)["updates"]}
    assert set(updates) == {d.client_id}
    assert updates[d.client_id]["outcome"] == "rejected"
    with server.engine.connect() as conn:
        retired = conn.execute(sa.text("SELECT member_id, merged_into_id FROM retired_members"))
        assert [tuple(r) for r in retired] == [(d_id, None)]
    assert desk.get("/desk/review/9999").status_code == 404
    assert desk.get("/desk/review/abc").status_code == 422
