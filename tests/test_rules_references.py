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
