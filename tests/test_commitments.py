"""Commitments (issue 16, items 4 and 5): what a network asks of its members, where each member
stands, as its sources say, on the network's page, the map's data, the downloads and the home page."""

from __future__ import annotations

import csv
import io
import json
import re

import geojson
import pytest

from .conftest import RECENT, only, write_network
from .site import page_file, read_page

COMMITMENTS = """\
commitments:
  - slug: solidarity
    name: Public declaration of solidarity
  - slug: additional-admission
    name: Admission in addition to the quota
    admission: true
"""


def city(commitments: str) -> str:
    """Testville, a member of the test network; its membership's commitments from line 8."""
    return f"""\
---
name: Testville
country: DE
coordinates: [52.52, 13.405]
networks:
  - network: test-network
    commitments:
{commitments}sources:
  - https://example.org/testville
last_verified: {RECENT}
---
"""


STATE = "      - {{commitment: {0}, state: {1}, source: 'https://example.org/decision', date: 2020-05-07}}\n"


def test_a_membership_records_a_state_per_commitment_with_source_and_date(atlas):
    write_network(atlas, extra=COMMITMENTS)
    atlas.write("cities/testville.md", city(STATE.format("solidarity", "fulfilled")
                                            + STATE.format("additional-admission", "declared")))
    assert atlas.diagnostics() == []


def test_a_commitment_the_network_does_not_declare_is_an_error_with_the_nearest_one(atlas):
    write_network(atlas, extra=COMMITMENTS)
    atlas.write("cities/testville.md", city(STATE.format("solidarty", "declared")))
    d = only(atlas.diagnostics(), "unknown-commitment")
    assert (d.path, d.line) == ("cities/testville.md", 8)
    assert d.message == "expected a commitment that networks/test-network.md declares, found 'solidarty'"
    assert d.hint == "did you mean 'solidarity'?"


def test_a_network_without_commitments_says_where_to_declare_them(atlas):
    atlas.write("cities/testville.md", city(STATE.format("solidarity", "declared")))
    d = only(atlas.diagnostics(), "unknown-commitment")
    assert "declares no commitments" in d.hint


@pytest.mark.parametrize("written", ["5", "solidarity", "{solidarity: yes}"])
def test_commitments_that_are_not_a_list_are_reported_on_the_network_not_a_crash_at_its_members(atlas, written):
    write_network(atlas, extra=f"commitments: {written}\n")
    atlas.write("cities/testville.md", city(STATE.format("solidarity", "declared")))
    found = atlas.diagnostics()
    assert [(d.path, d.line, d.code) for d in found if d.path == "networks/test-network.md"] == \
        [("networks/test-network.md", 4, "wrong-type")]


def test_a_state_without_its_source_is_an_error_of_its_own(atlas):
    write_network(atlas, extra=COMMITMENTS)
    atlas.write("cities/testville.md", city("      - {commitment: solidarity, state: declared, date: 2020-05-07}\n"))
    d = only(atlas.diagnostics(), "missing-source")
    assert d.line == 8 and "'source'" in d.message and "source: https://example.org/council-decision" in d.hint


@pytest.mark.parametrize("state, code", [("promised", "bad-commitment-state"), ("", "empty-value")])
def test_a_state_is_declared_fulfilled_or_not(atlas, state, code):
    write_network(atlas, extra=COMMITMENTS)
    atlas.write("cities/testville.md", city(STATE.format("solidarity", repr(state))))
    d = only(atlas.diagnostics(), code)
    assert "declared, fulfilled, not" in d.message + (d.hint or "")


def test_a_commitment_has_a_slug_of_its_own_in_its_network(atlas):
    write_network(atlas, extra=COMMITMENTS + "  - slug: Solidarity Too\n    name: Again\n"
                                             "  - slug: solidarity\n    name: Twice\n")
    assert only(atlas.diagnostics(), "bad-slug").line == 10
    assert only(atlas.diagnostics(), "duplicate-item").line == 12


# ---- this repository's site --------------------------------------------------------------

def test_the_network_page_tabulates_members_against_commitments(real_site):
    html = page_file(real_site, "networks/seebruecke-safe-harbours/").read_text(encoding="utf-8")
    table = html[html.index('<div class="atlas-table atlas-commitments"'):]
    table = table[:table.index("</table>")]
    assert 'role="region"' in table and 'tabindex="0"' in table  # scrolls by keyboard on a phone
    # named by its title, above the box it scrolls in (a caption inside was as narrow as a phone's column)
    assert 'aria-labelledby="commitments-caption"' in table and "<caption" not in table
    assert '<p class="atlas-table__title" id="commitments-caption">Where the ' in html
    headers = [h.split(">", 1)[1].split("<", 1)[0] for h in table.split('<th scope="col"')[1:]]
    assert headers[:4] == ["Member", "Public declaration of solidarity", "Active support for sea rescue",
                           "Admission in addition to the quota"]
    freiburg = table[table.index("Freiburg im Breisgau"):].split("</tr>", 1)[0]
    cells = freiburg.split("<td")[1:]
    assert len(cells) == len(headers) - 1
    # The council's own declaration (26 March 2019), as data-sources/claim-checks.md records it.
    # the state in a word, then the date of its source: "not" never reads as part of a date
    assert ("><strong>fulfilled</strong><br><a href=\"https://fraktion.gruene-freiburg.de/2019/03/26/"
            "freiburg-bekennt-sich-zur-seenotrettung-im-mittelmeer/\">as of 26 March 2019</a>") in cells[0]
    assert "><strong>not</strong><br><a " in cells[2]
    figures = " ".join("".join(read_page(page_file(real_site, "networks/seebruecke-safe-harbours/")).text).split())
    assert re.search(r"Public declaration of solidarity: declared by \d+ members?, fulfilled by \d+ members?", figures)
    assert " 0 " not in figures.split("Commitments", 1)[1].split("Where the", 1)[0]  # no "0 fulfilled"


def test_the_network_page_and_the_home_page_count_readiness_for_additional_admission(real_site):
    network = " ".join("".join(read_page(page_file(real_site, "networks/seebruecke-safe-harbours/")).text).split())
    assert "2 municipalities declared readiness for additional admission" in network
    home = " ".join("".join(read_page(page_file(real_site, "")).text).split())
    assert "2 additional admission offers" in home  # cities that declared readiness for additional admission


def test_a_city_page_states_its_commitments_with_their_sources(real_site):
    page = read_page(page_file(real_site, "cities/herrenberg/"))
    text = " ".join("".join(page.text).split())
    assert "Commitments in Seebrücke Safe Harbours: Public declaration of solidarity: declared (18 February 2020)" in text
    assert "https://seebruecke.org/mach-mit/deutschland/baden-wuerttemberg/herrenberg/sicherer-hafen" in page.links


def test_the_downloads_carry_the_commitments(real_site):
    cities = {row["slug"]: row for row in csv.DictReader(io.StringIO((real_site / "data/cities.csv").read_text(encoding="utf-8-sig")))}
    assert cities["herrenberg"]["commitments"] == ("seebruecke-safe-harbours/solidarity=declared; "
                                                   "seebruecke-safe-harbours/additional-admission=declared")
    assert cities["potsdam"]["commitments"] == ""
    networks = {row["slug"]: row for row in csv.DictReader(io.StringIO((real_site / "data/networks.csv").read_text(encoding="utf-8-sig")))}
    assert networks["seebruecke-safe-harbours"]["commitments"].split("; ")[:3] == [
        "solidarity", "sea-rescue", "additional-admission"]
    data = json.loads((real_site / "data/atlas.json").read_text())
    herrenberg = next(c for c in data["cities"] if c["slug"] == "herrenberg")
    assert herrenberg["networks"][0]["commitments"][1] == {
        "commitment": "additional-admission", "state": "declared", "date": "2020-02-18",
        "source": "https://seebruecke.org/mach-mit/deutschland/baden-wuerttemberg/herrenberg/sicherer-hafen"}
    seebruecke = next(n for n in data["networks"] if n["slug"] == "seebruecke-safe-harbours")
    assert {"slug": "additional-admission", "name": "Admission in addition to the quota", "admission": True,
            "description": "The municipality declares itself ready to take in people rescued at sea beyond its "
                           "quota."} in seebruecke["commitments"]
    layer = json.loads((real_site / "data/cities.geojson").read_text())
    freiburg = next(f for f in layer["features"] if f["id"] == "freiburg-im-breisgau")
    assert freiburg["properties"]["commitments"]["seebruecke-safe-harbours/alliance"] == "fulfilled"


def test_municipalities_ready_for_additional_admission_are_a_layer_and_a_table_of_their_own(real_site):
    layer = geojson.loads((real_site / "data/admission.geojson").read_text())
    assert layer.is_valid
    # Freiburg's and Erfurt's records say "not decided": they are not in it.
    assert [f["id"] for f in layer["features"]] == ["herrenberg", "krefeld"]
    rows = list(csv.DictReader(io.StringIO((real_site / "data/admission.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["slug"], r["network"], r["commitment"], r["state"], r["date"]) for r in rows] == [
        ("herrenberg", "seebruecke-safe-harbours", "additional-admission", "declared", "2020-02-18"),
        ("krefeld", "seebruecke-safe-harbours", "additional-admission", "declared", "2019-03-14")]
    data_page = read_page(page_file(real_site, "data/"))
    assert "admission.geojson" in data_page.links and "admission.csv" in data_page.links
