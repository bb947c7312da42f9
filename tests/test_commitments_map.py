"""The map filters and colours the cities by a network's commitment (issue 16, item 4), in a real
browser, on this repository's site; like every browser test it fails on a console error or a
request that leaves localhost."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import count_text, eventually, listed, open_map, settle, shown_on_map, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)

SOLIDARITY = "seebruecke-safe-harbours/solidarity"


def marker_classes(page, name: str) -> list[str]:
    return page.get_attribute(f"path.atlas-marker[aria-label^='{name},']", "class").split()


SOLIDARITY_CITIES = {"Erfurt": "declared", "Freiburg im Breisgau": "fulfilled", "Herrenberg": "declared",
                     "Kassel": "declared", "Krefeld": "declared", "Osnabrück": "declared"}
WORDS = {"fulfilled": "commitment fulfilled", "declared": "declared, not yet fulfilled", "not": "not decided"}


def test_choosing_a_commitment_shows_the_members_with_a_state_on_it_coloured_by_that_state(page, real):
    open_map(page, real)
    before = page.evaluate("history.length")
    page.select_option("select[name=commitment]", SOLIDARITY)
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("commitment") == [SOLIDARITY])
    settle(page)
    assert page.evaluate("history.length") == before + 1  # one choice, one step of history
    assert count_text(page) == (f"{len(SOLIDARITY_CITIES)} cities shown: with a recorded state on "
                                "Seebrücke Safe Harbours: Public declaration of solidarity")  # one name per network
    assert sorted(listed(page)) == sorted(SOLIDARITY_CITIES)
    assert eventually(shown_on_map, page, len(SOLIDARITY_CITIES)) == len(SOLIDARITY_CITIES)
    # Each city drawn on its own takes its state's colour, and its name says the state in words;
    # the list under the map says it for every city.
    for path in page.locator("path.atlas-marker").all():
        name = path.get_attribute("aria-label").split(",")[0]
        state = SOLIDARITY_CITIES[name]
        assert f"atlas-marker--{state}" in path.get_attribute("class").split()
        assert path.get_attribute("aria-label").endswith(": " + WORDS[state])
    items = page.locator("[data-atlas-list] li").all_inner_texts()
    assert "Freiburg im Breisgau, Germany (featured): commitment fulfilled" in items
    assert "Herrenberg, Germany: declared, not yet fulfilled" in items
    legend = page.locator(".atlas-legend", has_text="Commitment fulfilled")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Declared, not yet fulfilled")

    page.go_back()
    expect(page.locator("select[name=commitment]")).to_have_value("")
    assert "commitment" not in parse_qs(urlsplit(page.url).query)
    expect(page.locator(".atlas-legend", has_text="Commitment fulfilled")).to_have_count(0)
    assert eventually(lambda p: len(listed(p)) > len(SOLIDARITY_CITIES), page, True)


def test_a_shared_address_with_a_commitment_opens_on_that_view_coloured_by_state(page, real):
    # Close enough to Freiburg and Herrenberg that each is drawn on its own.
    open_map(page, real, "?commitment=seebruecke-safe-harbours/additional-admission&z=8&lat=48.3&lng=8.35")
    expect(page.locator("select[name=commitment]")).to_have_value("seebruecke-safe-harbours/additional-admission")
    # Freiburg's and Erfurt's records say this demand was not decided: they are shown in the colour of "not".
    assert sorted(listed(page)) == ["Erfurt", "Freiburg im Breisgau", "Herrenberg", "Krefeld"]
    assert "atlas-marker--not" in marker_classes(page, "Freiburg im Breisgau")
    assert "atlas-marker--declared" in marker_classes(page, "Herrenberg")


def test_an_unknown_commitment_in_the_address_is_ignored(page, real):
    open_map(page, real, "?commitment=seebruecke-safe-harbours/nonsense")
    expect(page.locator("select[name=commitment]")).to_have_value("")
    assert len(listed(page)) > 100


def test_on_a_phone_the_commitment_table_scrolls_in_its_own_box_and_the_page_does_not(phone, real):
    page = phone
    page.goto(real.url + "networks/seebruecke-safe-harbours/")
    box = page.locator(".atlas-commitments")
    sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    page_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    box.focus()  # reached by Tab, scrolled by the arrow keys
    page.keyboard.press("ArrowRight")
    scrolled = eventually(lambda p: box.evaluate("b => b.scrollLeft") > 0, page, True)
    assert sizes[0] > sizes[1], sizes
    assert page_width[0] <= page_width[1], page_width
    assert scrolled


# ---- accessibility of the new pages: axe, both colour schemes, desktop and phone -----------


def test_the_embeddable_map_takes_a_commitment_from_its_address_too(page, real):
    from .browser import wait_for_map

    page.goto(real.url + "embed/map/?commitment=seebruecke-safe-harbours/additional-admission")
    wait_for_map(page, "embed")
    assert count_text(page).startswith("4 cities shown: with a recorded state on Seebrücke Safe Harbours: "
                                       "Admission in addition to the quota")
    expect(page.locator(".atlas-legend", has_text="Declared, not yet fulfilled")).to_be_visible()
