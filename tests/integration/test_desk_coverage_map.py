"""The coverage page over real HTTP: members against each kecamatan's and desa's target,
and the map that draws every area coloured by its figure.

Members are planted straight into the database (thousands are needed to lift an area
into a higher band; pushing them through ingest would only slow the test down), then the
page is read as a coordinator's browser gets it.
"""

from __future__ import annotations

import csv
import html
import re
from datetime import date

import sqlalchemy as sa

from enrolment.areas import WILAYAH_DIR
from sync_server.models import Member, utcnow
from sync_server.web.templating import STATIC
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk

OVERALL = 297_349  # 30 % of 0.68 × 1.457.591 (assets/targets.json, population.csv)
_PATH = re.compile(
    r"<path id=\"map-([0-9.]+)\" data-code=\"([0-9.]+)\" class=\"area (b\d)( sel)?\" d=\"([^\"]+)\""
)

# Sembalun-side 52.03.15 has 6 villages; 52.03.07 (Selong) 12, with 52.03.07.1001 among them.
FULL_KEC = "52.03.15"
ONE_DESA = "52.03.07.1001"


def _areas() -> tuple[list[str], dict[str, list[str]]]:
    """Kecamatan codes and their villages, read from the official list itself."""
    with (WILAYAH_DIR / "lombok_timur.csv").open(encoding="utf-8", newline="") as f:
        codes = [r["kode"] for r in csv.DictReader(f)]
    kec = [c for c in codes if c.count(".") == 2]
    desa = {k: [c for c in codes if c.count(".") == 3 and c.startswith(k + ".")] for k in kec}
    return kec, desa


def _desa_target(code: str, all_desa: list[str]) -> int:
    """The stated rule: the overall target split equally, the remainder one each to the
    first villages in code order."""
    share, rest = divmod(OVERALL, len(all_desa))
    return share + (1 if sorted(all_desa).index(code) < rest else 0)


def _plant(server: Server, village: str, n: int, first_serial: int) -> None:
    """`n` members in `village`, with NIKs no other planting uses."""
    now = utcnow()
    rows = [
        {
            "nik": f"5203{village[6:8]}{first_serial + i:010d}",  # unique; not checked here
            "full_name": f"Tanam {first_serial + i}",
            "birth_date": date(1985, 8, 17),
            "sex": "M",
            "village_code": village,
            "segment": "tobacco_farmer",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    with server.engine.begin() as conn:
        conn.execute(sa.insert(Member.__table__), rows)  # type: ignore[attr-defined]


def _paths(page: str) -> dict[str, tuple[str, bool, str]]:
    found = {}
    for pid, code, band, sel, d in _PATH.findall(page):
        assert pid == code
        found[code] = (band, bool(sel), d)
    return found


def _row(page: str, code: str) -> str:
    """The text of the table row of `code` (its cells, tags stripped)."""
    match = re.search(rf'<tr id="a-{re.escape(code)}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row for {code}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def _pct(p: float) -> str:
    return f"{p:.1f} %".replace(".", ",")


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_map_draws_every_kecamatan_coloured_by_its_coverage(server: Server) -> None:
    kec, desa = _areas()
    all_desa = [c for vs in desa.values() for c in vs]
    assert len(kec) == 21 and len(all_desa) == 254
    kec_target = sum(_desa_target(c, all_desa) for c in desa[FULL_KEC])
    # 60 % of the kecamatan's target, spread over its villages: band 50–75 % (b3).
    planted = round(0.60 * kec_target)
    per_village, extra = divmod(planted, len(desa[FULL_KEC]))
    serial = 0
    for i, v in enumerate(desa[FULL_KEC]):
        _plant(server, v, per_village + (1 if i < extra else 0), serial)
        serial += 10_000
    # One village of Selong at ~34 % of its own target (b2), Selong itself under 25 % (b1).
    one = round(0.34 * _desa_target(ONE_DESA, all_desa))
    _plant(server, ONE_DESA, one, 500_000)
    # And one enrolment through the real path, in the same village.
    token = server.pair()
    rec = person(1, village=ONE_DESA)
    assert server.push_results(token, [rec])[rec.client_id].outcome == "created"
    one += 1

    desk = Desk(server)
    page = desk.get("/desk/").text
    paths = _paths(page)
    assert sorted(paths) == sorted(kec)  # every kecamatan drawn, once, with its code
    assert all(len(d) > 40 for _, _, d in paths.values())
    assert paths[FULL_KEC][0] == "b3"
    assert paths["52.03.07"][0] == "b1"
    assert {paths[k][0] for k in kec if k not in (FULL_KEC, "52.03.07")} == {"b0"}
    for code in kec:  # each links to its own figures
        assert f'href="/desk/?area={code}#a-{code}"' in page

    # The table: members, target and coverage against the target, per kecamatan.
    full = _row(page, FULL_KEC)
    assert f"{_num(planted)} {_num(kec_target)} {_pct(100 * planted / kec_target)}" in full
    selong_target = sum(_desa_target(c, all_desa) for c in desa["52.03.07"])
    selong = _row(page, "52.03.07")
    assert f"{_num(one)} {_num(selong_target)} {_pct(100 * one / selong_target)}" in selong
    empty = _row(page, "52.03.19")
    target_19 = sum(_desa_target(c, all_desa) for c in desa["52.03.19"])
    assert f"0 {_num(target_19)} 0,0 %" in empty
    assert f"{_num(OVERALL)}" in page and "dibagi rata" in page  # the rule is stated

    # Per desa: 254 areas, the planted village in its own band, its neighbours empty.
    village = desk.get("/desk/?peta=desa")
    # Page weight: 254 simplified outlines and the table come to ~35 KB on the wire.
    assert village.headers.get("content-encoding") == "gzip"
    assert village.num_bytes_downloaded < 80_000, village.num_bytes_downloaded
    village_page = village.text
    vpaths = _paths(village_page)
    assert sorted(vpaths) == sorted(all_desa)
    assert vpaths[ONE_DESA][0] == "b2"
    assert {vpaths[c][0] for c in desa["52.03.07"] if c != ONE_DESA} == {"b0"}
    assert {vpaths[c][0] for c in desa[FULL_KEC]} == {"b3"}
    row = _row(village_page, ONE_DESA)
    target = _desa_target(ONE_DESA, all_desa)
    assert f"{_num(one)} {_num(target)} {_pct(100 * one / target)}" in row


def test_the_bands_stay_in_order_printed_in_grey() -> None:
    """The map's fills (desk.css) get darker band by band, each step visible in grey."""
    css = (STATIC / "desk.css").read_text(encoding="utf-8")
    fills = dict(re.findall(r"\.area\.(b[1-5]) \{ fill: (#[0-9a-f]{6}); \}", css))
    assert sorted(fills) == ["b1", "b2", "b3", "b4", "b5"]
    assert "url(#hatch-none)" in css  # b0, no member yet: hatched, not a colour

    def grey(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b  # what a greyscale printer keeps

    greys = [grey(fills[f"b{i}"]) for i in range(1, 6)]
    assert all(a - b >= 25 for a, b in zip(greys, greys[1:], strict=False)), greys


def test_a_click_on_an_area_opens_its_figures(server: Server) -> None:
    desk = Desk(server)
    page = desk.get("/desk/?area=52.03.15").text
    assert re.search(r'<tr id="a-52\.03\.15" class="kec hit">', page)
    # Its villages' list is open, no other kecamatan's.
    assert page.count("<details open>") == 1
    block = page[page.index('id="a-52.03.15"') :]
    assert block.index("<details open>") < block.index('<tr id="a-', 10)
    assert _paths(page)["52.03.15"][1] is True  # outlined on the map

    village = desk.get(f"/desk/?peta=desa&area={ONE_DESA}").text
    assert re.search(rf'<tr id="a-{re.escape(ONE_DESA)}" class="sub hit">', village)
    assert _paths(village)[ONE_DESA][1] is True
    assert f'href="/desk/?peta=desa&amp;area={ONE_DESA}#a-{ONE_DESA}"' in village

    # Links are typed by hand too: nonsense is ignored, not an error page.
    odd = desk.get("/desk/?peta=../../etc&area=<x>")
    assert odd.status_code == 200
    assert len(_paths(odd.text)) == 21 and "<details open>" not in odd.text
