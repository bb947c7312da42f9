"""Provenance: places from the GeoNames gazetteer, dated sources, cross-network expectations.

`atlas import --geonames` makes a member list reproducible from names alone; sources say
when their content was published and when the copy read was retrieved; a network's
membership that implies another (networks/expectations.yml) is checked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from generator.core import gazetteer
from generator.site.build import build
from generator.cli.main import main

from .conftest import RECENT, ROOT, TODAY, only


def test_the_gazetteer_finds_a_place_by_name_and_country():
    place = gazetteer.resolve("Potsdam", "DE")
    assert (place.id, place.latitude, place.longitude) == (2852458, 52.39886, 13.06566)
    assert gazetteer.resolve("München", "DE").id == 2867714  # by one of its other names


def test_a_name_that_fits_several_places_is_refused_with_the_candidates():
    with pytest.raises(gazetteer.Unresolved) as refused:
        gazetteer.resolve("Neustadt", "DE")
    message = str(refused.value)
    assert "places in DE are called 'Neustadt'" in message and "GeoNames 2864067" in message
    assert "geonames column" in message


def test_a_geonames_id_pins_the_place_and_must_be_in_the_row_country():
    assert gazetteer.resolve("Neustadt", "DE", 2864067).name == "Neustadt"
    with pytest.raises(gazetteer.Unresolved, match="not in IT"):
        gazetteer.resolve("Potsdam", "IT", 2852458)


def test_an_unknown_name_says_so():
    with pytest.raises(gazetteer.Unresolved, match="no place called 'Atlantis'"):
        gazetteer.resolve("Atlantis", "DE")


def write(atlas, name: str, text: str):
    return atlas.write(name, text)


def test_import_with_geonames_places_each_row_and_cites_the_gazetteer(atlas, capsys):
    rows = write(atlas, "members.csv",
                 "name,country,source,source_title,retrieved,networks,since,geonames\n"
                 "Erlangen,DE,https://example.org/members,Members – Example,2026-11-20,test-network,2019,\n"
                 "Neustadt,DE,https://example.org/members,Members – Example,2026-11-20,test-network,,\n"
                 "Neustadt,DE,https://example.org/members,Members – Example,2026-11-20,test-network,,2864067\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--geonames", "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    assert "row 3: Neustadt: name: 3 places in DE are called 'Neustadt'" in out
    erlangen = (atlas.root / "cities/erlangen.md").read_text()
    assert "coordinates: [49.59099, 11.00783]" in erlangen
    assert "  - network: test-network\n    since: 2019\n" in erlangen
    assert "    url: https://example.org/members\n    retrieved: 2026-11-20\n" in erlangen
    # dated by the day the import read the gazetteer; GeoNames gives no date for an entry's content
    assert "url: https://www.geonames.org/2929567\n    retrieved: " in erlangen
    assert f"retrieved: {dt.date.today().isoformat()}" in erlangen
    assert (atlas.root / "cities/neustadt.md").exists()  # the pinned row
    assert atlas.diagnostics() == []


def test_an_update_with_geonames_keeps_a_point_already_placed_from_the_same_record(atlas, capsys):
    text = (atlas.root / "cities/testville.md").read_text()
    write(atlas, "cities/potsdam.md", text.replace("name: Testville", "name: Potsdam").replace(
        "[52.52, 13.405]", "[52.3989, 13.0657]").replace(
        "  - https://example.org/testville", "  - https://example.org/testville\n  - https://www.geonames.org/2852458"))
    rows = write(atlas, "rows.csv", "name,country,source\nPotsdam,DE,https://example.org/members\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--geonames", "--update"]) == 0
    out = capsys.readouterr().out
    assert "cities/potsdam.md: updated: added 1 source" in out and "coordinates" not in out


@pytest.mark.parametrize("value, code", [("2009", None), ("2009-05", None), ("2009-05-17", None),
                                         ("May 2009", "bad-date"), ("2999", "implausible-year")])
def test_a_source_may_say_when_it_was_published_and_when_it_was_read(atlas, value, code):
    text = (atlas.root / "cities/testville.md").read_text().replace(
        "  - https://example.org/testville", f"  - title: A page\n    url: https://example.org/p\n"
                                             f"    published: '{value}'\n    retrieved: 2026-11-01")
    write(atlas, "cities/testville.md", text)
    codes = [d.code for d in atlas.diagnostics()]
    assert codes == ([code] if code else []) or (code == "implausible-year" and "future-date" in codes)


def test_a_page_shows_how_old_its_evidence_is(atlas):
    text = (atlas.root / "cities/testville.md").read_text().replace(
        "  - https://example.org/testville", "  - title: Old page\n    url: https://example.org/old\n"
                                             "    published: 2009\n  - title: Newer page\n"
                                             "    url: https://example.org/new\n    published: 2024-05\n"
                                             "    retrieved: 2026-11-01")
    write(atlas, "cities/testville.md", text)
    page = next(o.content for o in build(atlas.root).outputs if o.path == "cities/testville.md")
    assert "Old page</a> <span class=\"atlas-source-dates\">(published in 2009)</span>" in page
    assert "(published in May 2024; read on 1 November 2026)" in page
    assert ("The evidence dates from 2009 to 2024. The sources were last read on 1 November 2026; "
            "1 of them has no recorded date of reading.") in page
    assert "not yet dated" not in page


@pytest.mark.parametrize("dates, says", [
    ("    retrieved: 2026-11-01\n", "None of the sources gives a date for its content. "
                                    "The sources were last read on 1 November 2026.</p>"),
    ("", "None of the sources gives a date for its content. When the sources were read is not recorded.</p>"),
    ("    retrieved: 2026-11-01\n    only: one\n", "The source gives no date for its content. "
                                                  "The source was last read on 1 November 2026.</p>"),
    ("    published: 2025-03\n    retrieved: 2026-10\n", "The evidence dates from 2025; 1 of the 2 sources gives no date. "
                                                         "The sources were last read in October 2026.</p>"),
])
def test_the_age_of_the_evidence_is_said_in_words_whatever_the_sources_give(atlas, dates, says):
    one = "    only: one\n" in dates  # a single source: the sentence speaks of it in the singular
    dates = dates.replace("    only: one\n", "")
    text = (atlas.root / "cities/testville.md").read_text().replace(
        "  - https://example.org/testville", f"  - title: A page\n    url: https://example.org/p\n{dates}"
                                             + ("" if one else "  - title: Another page\n    url: https://example.org/q\n"
                                                + dates.replace("published: 2025-03\n    ", "")))
    write(atlas, "cities/testville.md", text)
    page = next(o.content for o in build(atlas.root).outputs if o.path == "cities/testville.md")
    assert f'<p class="atlas-evidence">{says}' in page


EXPECTATIONS = """\
- members_of: test-network
  are_members_of: other-network
  because: every member of the test network is on the other network's list
"""


def test_a_membership_that_implies_another_is_checked_at_the_networks_line(atlas):
    text = (atlas.root / "networks/test-network.md").read_text()
    write(atlas, "networks/other-network.md", text.replace("name: Test Network", "name: Other Network"))
    write(atlas, "networks/expectations.yml", EXPECTATIONS)
    d = only(atlas.diagnostics(), "expected-membership")
    assert (d.path, d.line, d.severity.value) == ("cities/testville.md", 5, "error")
    assert "other-network" in d.message and "on the other network's list" in d.message
    write(atlas, "networks/expectations.yml", EXPECTATIONS + "  severity: warning\n")
    assert only(atlas.diagnostics(), "expected-membership").severity.value == "warning"
    city = (atlas.root / "cities/testville.md").read_text()
    write(atlas, "cities/testville.md", city.replace("networks: [test-network]", "networks: [test-network, other-network]"))
    assert atlas.diagnostics() == []


@pytest.mark.parametrize("written", ["-1", "test-network", "{network: test-network}"])
def test_networks_that_are_not_a_list_are_one_error_at_the_field_while_expectations_are_checked(atlas, written):
    text = (atlas.root / "networks/test-network.md").read_text()
    write(atlas, "networks/other-network.md", text.replace("name: Test Network", "name: Other Network"))
    write(atlas, "networks/expectations.yml", EXPECTATIONS)
    city = (atlas.root / "cities/testville.md").read_text()
    write(atlas, "cities/testville.md", city.replace("networks: [test-network]", f"networks: {written}"))
    d = only(atlas.diagnostics(), "wrong-type")
    assert (d.path, d.line) == ("cities/testville.md", 5) and "expected a list" in d.message


def test_a_city_the_rule_does_not_hold_for_is_named_with_the_reason_and_checked_again_when_it_changes(atlas):
    text = (atlas.root / "networks/test-network.md").read_text()
    write(atlas, "networks/other-network.md", text.replace("name: Test Network", "name: Other Network"))
    write(atlas, "networks/expectations.yml", EXPECTATIONS + "  exceptions:\n"
                                              "    testville: joined by a council decision; no page calls it a member\n")
    assert atlas.diagnostics() == []
    # Once the city holds both memberships, or the name is wrong, the exception says it is not needed.
    city = (atlas.root / "cities/testville.md").read_text()
    write(atlas, "cities/testville.md", city.replace("networks: [test-network]", "networks: [test-network, other-network]"))
    d = only(atlas.diagnostics(), "needless-exception")
    assert (d.path, d.line, d.severity.value) == ("networks/expectations.yml", 1, "warning")
    assert "'testville': it is a member of other-network" in d.message
    write(atlas, "cities/testville.md", city)
    write(atlas, "networks/expectations.yml", EXPECTATIONS + "  exceptions:\n    testvile: a typo\n")
    assert "'testvile': no file of that name" in only(atlas.diagnostics(), "needless-exception").message
    assert only(atlas.diagnostics(), "expected-membership").path == "cities/testville.md"
    write(atlas, "networks/expectations.yml", EXPECTATIONS + "  exceptions:\n    testville: ''\n")
    assert only(atlas.diagnostics(), "wrong-type").path == "networks/expectations.yml"


def test_an_expectation_naming_an_unknown_network_or_malformed_is_reported_on_its_line(atlas):
    write(atlas, "networks/expectations.yml", EXPECTATIONS + "- members_of: test-network\n  because: x\n")
    found = {d.line: d for d in atlas.diagnostics() if d.path == "networks/expectations.yml"}
    assert found[1].code == "unknown-network" and "other-network" in found[1].message
    assert found[4].code == "wrong-type"


def test_an_update_dates_a_membership_the_file_has_without_a_date(atlas, capsys):
    rows = write(atlas, "rows.csv", "name,country,latitude,longitude,source,networks,since\n"
                                    "Testville,DE,52.52,13.405,https://example.org/testville,test-network,2019-06\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--update"]) == 0
    assert "cities/testville.md: updated: dated network test-network since 2019-06" in capsys.readouterr().out
    text = (atlas.root / "cities/testville.md").read_text()
    assert "  - network: test-network\n    since: 2019-06\n" in text
    assert atlas.diagnostics() == []
    assert main(["--root", str(atlas.root), "import", str(rows), "--update"]) == 0
    assert "cities/testville.md: unchanged" in capsys.readouterr().out


def test_an_update_adds_a_dated_membership_and_names_it(atlas, capsys):
    text = (atlas.root / "networks/test-network.md").read_text()
    write(atlas, "networks/other-network.md", text.replace("name: Test Network", "name: Other Network"))
    rows = write(atlas, "rows.csv", "name,country,latitude,longitude,source,networks,since\n"
                                    "Testville,DE,52.52,13.405,https://example.org/testville,other-network,2021\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--update"]) == 0
    assert "added network other-network" in capsys.readouterr().out
    assert "  - network: other-network\n    since: 2021\n" in (atlas.root / "cities/testville.md").read_text()


def test_an_update_that_dates_a_membership_keeps_its_commitments(atlas, capsys):
    text = (atlas.root / "networks/test-network.md").read_text()
    write(atlas, "networks/test-network.md", text.replace("scope: european\n", "scope: european\ncommitments:\n"
                                                          "  - {slug: solidarity, name: Solidarity}\n"))
    city = (atlas.root / "cities/testville.md").read_text()
    write(atlas, "cities/testville.md", city.replace(
        "networks: [test-network]", "networks:\n  - network: test-network\n    commitments:\n"
        "      - {commitment: solidarity, state: declared, source: 'https://example.org/d', date: 2020-05-07}"))
    rows = write(atlas, "rows.csv", "name,country,latitude,longitude,source,networks,since\n"
                                    "Testville,DE,52.52,13.405,https://example.org/testville,test-network,2019-06\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--update"]) == 0
    assert "dated network test-network since 2019-06" in capsys.readouterr().out
    [membership] = build(atlas.root, today=TODAY).atlas.cities["testville"].memberships
    assert membership.since == "2019-06"
    assert [(s.commitment.slug, s.state) for s in membership.commitments] == [("solidarity", "declared")]


@pytest.mark.parametrize("language, between", [("en", "; "), ("el", "\u00b7 "), ("fr", "\u202f; ")])
def test_the_parts_of_a_sources_dates_are_joined_as_the_language_punctuates(atlas, language, between):
    # In Greek ";" is the question mark: the parts are joined with the ano teleia; French puts a space before it.
    text = (atlas.root / "cities/testville.md").read_text().replace(
        "  - https://example.org/testville", "  - title: A page\n    url: https://example.org/p\n"
                                             "    published: 2024\n    retrieved: 2026-11-01\n"
                                             "  - title: Another\n    url: https://example.org/q\n")
    write(atlas, "cities/testville.md", text)
    page = next(o.content for o in build(atlas.root, language=language).outputs if o.path == "cities/testville.md")
    dates = page.split('<span class="atlas-source-dates">(', 1)[1].split(")</span>", 1)[0]
    evidence = page.split('<p class="atlas-evidence">', 1)[1].split("</p>", 1)[0]
    assert between in dates and between in evidence
    if language == "el":
        assert ";" not in dates + evidence


# ---- data-sources/date_sources.py: the bulk dating of sources -------------------------------------------------

def date_sources():
    import importlib.util

    spec = importlib.util.spec_from_file_location("date_sources", ROOT / "data-sources/date_sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORD = """---
name: X
sources:
  - title: A page
    url: https://www.example.org/a/
    published: 2020-05
    retrieved: 2026-01-02
  - title: Another
    url: https://example.org/b
  - https://example.org/a
last_verified: 2026-01-02
---

Text with url: https://example.org/a
"""


def test_dating_a_source_changes_only_its_own_dates_wherever_its_address_is_written_alike():
    module = date_sources()
    text, count = module.date_items(RECORD, "http://example.org/a", "2019", "2026-12-07")
    assert count == 1  # the item, whatever its scheme, www or trailing slash; not the bare address, not the text
    assert ("    url: https://www.example.org/a/\n    published: 2020-05\n    retrieved: 2026-12-07\n"
            "  - title: Another") in text  # the date the file gave is kept, the reading replaced
    assert text.replace("retrieved: 2026-12-07", "retrieved: 2026-01-02", 1) == RECORD
    text, count = module.date_items(RECORD, "https://example.org/b", "2024-03", "2026-12-07")
    assert count == 1 and "    url: https://example.org/b\n    published: 2024-03\n    retrieved: 2026-12-07\n" in text
    text, _ = module.date_items(RECORD, "https://example.org/a", None, "2026-12-07", undated=True)
    assert "published: 2020-05" not in text  # GeoNames: a date written before is taken out


def test_readings_without_their_columns_stop_with_the_file_and_what_is_missing(tmp_path):
    readings = tmp_path / "readings.csv"
    readings.write_text("url,found\nhttps://example.org,yes\n")
    with pytest.raises(SystemExit, match=r"readings.csv:1: expected the columns url, found, published, supports; "
                                         r"missing: published, supports"):
        date_sources().read_rows([str(readings)])
    with pytest.raises(SystemExit, match="cannot be read"):
        date_sources().read_rows([str(tmp_path / "absent.csv")])


# ---- data-sources/candidates.py: the places a town-by-town pass looks up ------------------------------------

def test_candidates_are_the_places_the_atlas_lacks_biggest_first_from_the_importers_gazetteer(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("candidates", ROOT / "data-sources/candidates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["DE", "--regions", "07", "--min-population", "5000"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    ids = {int(row[2]) for row in rows}
    assert 2928810 in ids  # Essen, a big town of North Rhine-Westphalia the atlas does not have
    assert 2886242 not in ids and "Köln" not in {row[0] for row in rows}  # Cologne is in the atlas
    assert {row[1] for row in rows} == {"07"}
    populations = [int(row[3]) for row in rows]
    assert populations == sorted(populations, reverse=True)
    assert min(populations) < 15000 <= max(populations)  # places under 15,000 too: the importer's copy, from 500
