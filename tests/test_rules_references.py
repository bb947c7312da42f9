"""Rules about references between files, and about the Markdown body and freshness."""

import datetime as dt

import pytest

from .conftest import RECENT, TODAY, only, write_initiative, write_network


def test_an_initiative_naming_an_unknown_city_names_the_file_the_line_and_the_nearest_city(atlas):
    write_initiative(atlas, city="testvile")
    d = only(atlas.diagnostics(), "unknown-city")
    assert (d.path, d.line, d.column) == ("initiatives/test-welcome.md", 3, 7)
    assert "'testvile'" in d.message and d.hint == "did you mean 'testville'?"


def test_a_city_naming_an_unknown_network_is_an_error(atlas):
    atlas.write("cities/testville.md", f"---\nname: T\ncountry: DE\ncoordinates: [52.52, 13.405]\n"
                                       f"networks: [test-network, test-netwrk]\nsources: [https://example.org]\n"
                                       f"last_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "unknown-network")
    assert d.line == 5 and d.hint == "did you mean 'test-network'?"


def test_a_related_initiative_that_does_not_exist_is_an_error(atlas):
    write_initiative(atlas, "other", extra="related: [test-welcom]\n")
    d = only(atlas.diagnostics(), "unknown-initiative")
    assert d.path == "initiatives/other.md" and d.hint == "did you mean 'test-welcome'?"


def test_an_initiative_related_to_itself_is_an_error(atlas):
    write_initiative(atlas, extra="related: [test-welcome]\n")
    d = only(atlas.diagnostics(), "self-reference")
    assert d.line == 5 and "itself" in d.message


def test_an_item_listed_twice_is_an_error_at_the_second(atlas):
    atlas.write("cities/testville.md", f"---\nname: T\ncountry: DE\ncoordinates: [52.52, 13.405]\nnetworks:\n"
                                       f"  - test-network\n  - network: test-network\n    since: 2020\n"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "duplicate-item")
    assert d.line == 7 and "'test-network'" in d.message


def body(atlas, text: str):
    atlas.write("cities/testville.md", f"---\nname: T\ncountry: DE\ncoordinates: [52.52, 13.405]\n"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n\n{text}\n")
    return atlas.diagnostics()


@pytest.mark.parametrize("html, code, found", [
    ("<script>alert(1)</script>", "unsafe-html", "<script>"),
    ("<iframe src='https://example.org'></iframe>", "unsafe-html", "<iframe>"),
    ("<object data='x.swf'></object>", "unsafe-html", "<object>"),
    ("<img src=x onerror=alert(1)>", "unsafe-html", "event handler"),
    ('<a href="#" onclick="steal()">click</a>', "unsafe-html", "event handler"),
    ("[click](javascript:alert(1))", "unsafe-url", "javascript:"),
    ('<a href="jav&#x61;script:alert(1)">x</a>', "unsafe-url", "javascript:"),
])
def test_unsafe_html_in_the_body_is_an_error_on_its_line(atlas, html, code, found):
    d = only(body(atlas, "Fine text.\n\n" + html), code)
    assert d.line == 11 and found in d.message


def test_plain_markdown_and_harmless_html_pass(atlas):
    assert body(atlas, "**Bold**, [a link](https://example.org), <abbr title='x'>X</abbr>, "
                       "an online event, data: 5") == []


def test_a_link_to_an_atlas_page_that_does_not_exist_is_an_error(atlas):
    d = only(body(atlas, "See [Berlin](berlin.md) and [the network](../networks/test-network.md)."), "broken-link")
    assert d.line == 9 and "cities/berlin" in d.message


@pytest.mark.parametrize("page, link, hint", [
    # from a city's text, at cities/testville.md: a link leaves from its folder
    ("cities/testville.md", "/cities/testville/#sources", "write it relative to this page: testville.md#sources"),
    ("cities/testville.md", "/networks/test-network/", "write it relative to this page: ../networks/test-network.md"),
    ("cities/testville.md", "../networks/test-network/", "link to the file: ../networks/test-network.md"),
    # from a hand-written page at the site's root
    ("content/help.md", "/cities/testville/", "write it relative to this page: cities/testville.md"),
    ("content/help.md", "/", "write it relative to this page: index.md"),
    ("content/help.md", "cities/testville/", "link to the file: cities/testville.md"),
    ("content/help.md", "/cities/nowhere/", "write it relative to this page, e.g. cities/berlin.md"),
])
def test_a_link_written_as_a_web_address_gets_the_file_to_link_from_this_page(atlas, page, link, hint):
    text = f"See [it]({link})."
    if page.startswith("content/"):
        atlas.write("content/index.md", "# Home\n")
        atlas.write(page, f"# Help\n\n{text}\n")
        diagnostics = atlas.diagnostics()
    else:
        diagnostics = body(atlas, text)
    d = only(diagnostics, "broken-link")
    assert d.hint == hint
    written = hint.rsplit(": ", 1)[-1]
    if "e.g." not in hint:  # the link the hint gives is a good one
        fixed = f"See [it]({written})."
        if page.startswith("content/"):
            atlas.write(page, f"# Help\n\n{fixed}\n")
            assert "broken-link" not in [d.code for d in atlas.diagnostics()]
        else:
            assert "broken-link" not in [d.code for d in body(atlas, fixed)]


@pytest.mark.parametrize("written", ["Seebrücke Safe Harbours", "SEEBRÜCKE", "Seebrücke", "Sichere Häfen",
                                     "Test-Network"])
def test_a_network_named_instead_of_its_slug_gets_the_slug_as_hint(atlas, written):
    # A contributor writes the network as they know it: its name, its short name, its first word, in capitals
    for slug, names in (("seebruecke-safe-harbours", "name: Seebrücke Safe Harbours\n"),
                        ("test-network", "name: Test network\nshort_name: Sichere Häfen\n")):
        atlas.write(f"networks/{slug}.md", f"---\n{names}scope: european\nsources: [https://example.org]\n"
                                           f"last_verified: {RECENT}\n---\n")
    atlas.write("cities/testville.md", f"---\nname: Testville\ncountry: DE\ncoordinates: [52.52, 13.405]\n"
                f"networks: ['{written}']\nsources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "unknown-network")
    meant = "test-network" if written in ("Sichere Häfen", "Test-Network") else "seebruecke-safe-harbours"
    assert d.hint == f"did you mean '{meant}'?"


def test_a_link_to_an_initiative_that_does_not_exist_suggests_the_nearest(atlas):
    d = only(body(atlas, "See [this](../initiatives/test-welcom.md)."), "broken-link")
    assert d.hint == "did you mean 'test-welcome'?"


def test_links_to_existing_topic_and_country_pages_pass(atlas):
    assert body(atlas, "[t](../topics/access-to-social-rights.md) [c](../countries/de.md) "
                       "[w](https://example.org/cities/nowhere.md)") == []


def test_a_file_verified_more_than_24_months_ago_is_a_warning(atlas):
    old = (TODAY - dt.timedelta(days=800)).isoformat()
    write_network(atlas, last_verified=old)
    d = only(atlas.diagnostics(), "stale")
    assert d.severity.value == "warning" and old in d.message and d.line == 5


def city(atlas, slug: str, name: str, coordinates: str, *, country: str = "DE", sources: str = "https://example.org"):
    atlas.write(f"cities/{slug}.md", f"---\nname: {name}\ncountry: {country}\ncoordinates: {coordinates}\n"
                                     f"sources:\n  - {sources}\nlast_verified: {RECENT}\n---\n")


def test_two_cities_citing_the_same_geonames_place_are_an_error_naming_the_other_file(atlas):
    city(atlas, "munich", "Munich", "[48.13743, 11.57549]", sources="https://www.geonames.org/2867714/munich.html")
    city(atlas, "muenchen", "München", "[48.2, 11.6]", sources="https://www.geonames.org/2867714")
    d = only(atlas.diagnostics(), "duplicate-place")
    assert (d.path, d.line, d.column) == ("cities/munich.md", 6, 5)
    assert d.message == ("this city is the same place as München (cities/muenchen.md): both cite GeoNames place "
                         "2867714")
    assert "merge" in d.hint


def test_two_cities_of_one_country_less_than_a_kilometre_apart_are_a_warning_but_neighbours_are_not(atlas):
    city(atlas, "munich", "Munich", "[48.13743, 11.57549]", sources="https://www.geonames.org/2867714")
    city(atlas, "muenchen", "München", "[48.1372, 11.5755]")
    city(atlas, "across", "Across", "[48.1373, 11.5754]", country="AT")  # close, but across a border
    city(atlas, "nearby", "Nearby", "[48.1474, 11.5755]")  # 1.1 km away
    city(atlas, "twin-a", "Twin A", "[50.0, 8.0]", sources="https://www.geonames.org/2812482")  # two GeoNames
    city(atlas, "twin-b", "Twin B", "[50.0001, 8.0]", sources="https://www.geonames.org/2812483")  # places
    d = only(atlas.diagnostics(), "likely-duplicate")
    assert (d.path, d.line, d.severity.value) == ("cities/munich.md", 4, "warning")
    assert d.message == ("this city is probably the same place as München (cities/muenchen.md): it lies 0.03 km "
                         "away, in the same country")
    assert "GeoNames" in d.hint


def test_finding_duplicates_among_10000_cities_compares_each_only_with_its_neighbours(monkeypatch):
    # Work counted, not timed: a timed test fails on a busy machine (make bench measures speed).
    import random
    from pathlib import Path

    from generator.core import validate
    from generator.core.load import SourceFile

    rng = random.Random(7)
    # 10,000 cities in one country within about 60 x 40 km: crowded enough to find many close pairs.
    cities = [SourceFile(Path(f"cities/c{n}.md"), f"cities/c{n}.md", "city", f"c{n}",
                         {"country": "DE", "coordinates": [51 + rng.uniform(-0.3, 0.3), 10 + rng.uniform(-0.3, 0.3)]})
              for n in range(10_000)]
    distances = 0
    km = validate._km

    def counted(a, b):
        nonlocal distances
        distances += 1
        return km(a, b)

    monkeypatch.setattr(validate, "_km", counted)
    found = list(validate.find_duplicate_places(cities))
    assert len(found) > 1000 and all(d.code == "likely-duplicate" for d in found)
    # Every pair would be 50 million distances; the grid keeps it to a few dozen per city.
    assert distances < 50 * len(cities), distances
