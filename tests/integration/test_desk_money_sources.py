"""The money page shows every funding source, APBD (poor households) among them (real HTTP)."""

from __future__ import annotations

import re
from dataclasses import replace

from enrolment.contributions import format_rupiah, load_rates, monthly_contribution
from enrolment.household import Household
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def _row(page: str, row_id: str) -> str:
    """The HTML of one table row, by its id."""
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id!r} in the page"
    return match.group(1)


def test_apbd_and_every_other_source_have_their_row_and_figure(server: Server) -> None:
    token = server.pair()
    head = replace(
        person(1, name="Amaq Miskin", segment="poor_household"),
        details={},
        income=None,  # no income declared: the minimum
        funding="",  # the segment's usual payer: APBD
    )
    head = replace(head, household=Household("5203070101010001", "head", head.client_id))
    wife = replace(
        person(2, name="Inaq Miskin", female=True, segment="poor_household"),
        details={},
        income=1_500_000,
        funding="apbd",
    )
    wife = replace(wife, household=Household("5203070101010001", "spouse", head.client_id))
    own = replace(person(3, name="Lalu Mandiri"), funding="self", income=3_000_000)
    boss = replace(person(4, name="Lalu Buruh"), funding="employer")
    village = replace(person(5, name="Amaq Desa", segment="village_official"), funding="add")
    results = server.push_results(token, [head, wife, own, boss, village])
    assert {r.outcome for r in results.values()} == {"created"}, results

    rates = load_rates()
    apbd = monthly_contribution(0, rates).total + monthly_contribution(1_500_000, rates).total
    assert apbd == 16_800 + 21_800  # JKK 15.000 + JKM 6.800: the figure this test expects
    page = Desk(server).get("/desk/money").text

    row = _row(page, "fund-apbd")
    assert "APBD" in row
    assert re.search(r'<td class="n">2</td>', row), row  # two members
    assert format_rupiah(apbd) in row and format_rupiah(12 * apbd) in row
    assert f'id="kpi-apbd"><div class="v">{format_rupiah(apbd)}</div>' in page
    assert "Mandiri" in _row(page, "fund-self")
    assert format_rupiah(monthly_contribution(3_000_000, rates).total) in _row(page, "fund-self")
    assert "Pemberi kerja" in _row(page, "fund-employer")
    assert "Rp 16.800" in _row(page, "fund-add") and "Rp 0" in _row(page, "fund-dbhcht")
    # Public funds: ADD 16.800 + APBD 38.600; all five members in the total.
    assert format_rupiah(16_800 + apbd) in _row(page, "fund-public")
    assert '<th class="n">5</th>' in _row(page, "fund-total")
    # The village table has the APBD columns too.
    villages = page.split('id="money-villages"', 1)[1]
    assert "APBD peserta" in villages and format_rupiah(apbd) in villages
