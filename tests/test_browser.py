"""The map and pages in a real browser: Debian's headless Chromium driven by Playwright.

Every test fails if the page logs a console error or requests anything outside localhost.
Tests wait for what the reader will see (a marker count, a checked box, an address), never
for a fixed time. They poll from Python: the pages' Content-Security-Policy refuses the eval
that `page.wait_for_function` with a string would need.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import (ARTIFACTS, count_text, eventually, listed, members, open_map, settle, shown_on_map,
                      skip_without_chromium)
from .site import HOSTILE_NAME

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


def test_the_map_shows_every_city_of_the_data(page, demo):
    open_map(page, demo)
    total = len(demo.data["cities"])
    assert count_text(page) == f"{total} cities shown"
    assert eventually(shown_on_map, page, total) == total
    assert page.locator(".marker-cluster").count() > 0  # 150 cities in Europe do cluster


def test_the_list_alternative_matches_the_markers(page, demo):
    open_map(page, demo)
    assert sorted(listed(page)) == sorted(c["name"] for c in demo.data["cities"])
    assert len(listed(page)) == eventually(shown_on_map, page, len(listed(page)))
    first = page.locator("[data-atlas-list] li a").first
    assert first.get_attribute("href").startswith("../cities/")


def test_picking_a_network_shows_exactly_its_members(page, demo):
    open_map(page, demo)
    page.check("input[name=view][value=network]")
    page.select_option("select[name=network]", "network-003")
    expected = members(demo, "network-003")
    assert eventually(lambda p: sorted(listed(p)), page, expected) == expected
    assert eventually(shown_on_map, page, len(expected)) == len(expected)
    assert count_text(page).startswith(f"{len(expected)} cities shown: members of Synthetic Network 3")
    assert parse_qs(urlsplit(page.url).query)["network"] == ["network-003"]


def test_a_country_filter_gives_the_right_count_and_combines_with_the_others(page, demo):
    open_map(page, demo)
    page.select_option("select[name=country]", "IT")
    italian = [c for c in demo.data["cities"] if c["country"] == "IT"]
    assert count_text(page).startswith(f"{len(italian)} cities shown")
    assert eventually(shown_on_map, page, len(italian)) == len(italian)
    page.check("input[name=view][value=featured]")
    featured = [c for c in italian if c["featured"]]
    assert eventually(lambda p: len(listed(p)), page, len(featured)) == len(featured)
    assert eventually(shown_on_map, page, len(featured)) == len(featured)


def test_a_topic_filter_shows_cities_with_an_initiative_on_it(page, demo):
    open_map(page, demo)
    page.select_option("select[name=topic]", "political-participation")
    expected = sorted(c["name"] for c in demo.data["cities"] if "political-participation" in c["topics"])
    assert expected and eventually(lambda p: sorted(listed(p)), page, expected) == expected


def test_a_shared_address_restores_the_view_the_filters_and_the_position(page, demo):
    open_map(page, demo, "?view=featured&country=DE&z=6&lat=51.0&lng=10.0")
    assert page.is_checked("input[name=view][value=featured]")
    assert page.input_value("select[name=country]") == "DE"
    expected = [c for c in demo.data["cities"] if c["country"] == "DE" and c["featured"]]
    assert len(listed(page)) == len(expected)
    query = parse_qs(urlsplit(page.url).query)
    assert query["z"] == ["6"] and abs(float(query["lat"][0]) - 51.0) < 0.01


def test_a_popup_names_the_city_and_links_to_its_page(page, demo):
    open_map(page, demo, "?country=CH")
    marker = page.locator("path.atlas-marker").first
    if marker.count() == 0:  # still clustered: zoom into the cluster
        page.locator(".marker-cluster").first.click()
        marker = page.locator("path.atlas-marker").first
        marker.wait_for(state="attached")  # drawn once the zoom is over,
        settle(page)                       # and clicked once the clusters stop moving
    marker.click(force=True)
    popup = page.locator(".atlas-popup")
    popup.wait_for()
    assert "Switzerland" in popup.inner_text() and "initiative" in popup.inner_text()
    assert popup.locator("a").get_attribute("href").startswith("../cities/city-")


def test_text_from_the_data_is_shown_as_text_never_run_as_html(page, demo):
    open_map(page, demo)
    assert HOSTILE_NAME in listed(page)
    assert page.evaluate("window.__pwned") is None
    page.goto(demo.url + "cities/city-00003/")
    page.wait_for_selector("[data-atlas-ready]", state="attached")
    assert HOSTILE_NAME in page.inner_text("h1")
    assert page.title() == f"{HOSTILE_NAME} - Moving Cities Atlas"
    assert page.inner_text(".md-header__topic:last-child") .strip() in (HOSTILE_NAME, "")
    assert page.get_attribute("meta[property='og:title']", "content") == HOSTILE_NAME
    assert page.evaluate("window.__pwned") is None


def test_instant_navigation_to_the_map_and_back_leaves_working_maps(page, demo):
    page.goto(demo.url + "cities/city-00001/")
    page.wait_for_selector("[data-atlas-map='city'][data-atlas-ready]", state="attached")
    page.evaluate("window.__same_document = true")  # gone if a navigation reloads the page
    page.click("nav.md-tabs a:has-text('Map')")
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    settle(page)
    assert page.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
    assert eventually(shown_on_map, page, len(demo.data["cities"])) == len(demo.data["cities"])
    page.go_back()
    page.wait_for_selector("[data-atlas-map='city'][data-atlas-ready]", state="attached")
    assert page.locator(".leaflet-container path.atlas-marker").count() == 1
    page.go_forward()
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    assert eventually(lambda p: len(listed(p)), page, len(demo.data["cities"])) == len(demo.data["cities"])
    assert page.evaluate("window.__same_document") is True  # Material navigated instantly, each time


def requests_of(page) -> list[str]:
    """The paths of the site this page requests from now on."""
    paths: list[str] = []
    page.on("request", lambda request: paths.append(urlsplit(request.url).path))
    return paths


def test_a_page_without_a_map_loads_no_leaflet_file(page, demo):
    requested = requests_of(page)
    page.goto(demo.url + "about/")
    page.wait_for_load_state("networkidle")
    assert any(path.endswith("assets/atlas/atlas-map.js") for path in requested)
    assert [path for path in requested if "leaflet" in path] == []
    assert page.evaluate("typeof window.L") == "undefined"


def test_a_map_page_reached_by_instant_navigation_from_a_page_without_one_loads_leaflet_once(page, demo):
    requested = requests_of(page)
    page.goto(demo.url + "about/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__same_document = true")  # gone if a navigation reloads the page
    page.click("nav.md-tabs a:has-text('Map')")  # instant navigation: no reload, document$ emits
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    page.go_back()
    page.wait_for_selector("[data-atlas-map]", state="detached")
    page.go_forward()
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    assert eventually(shown_on_map, page, len(demo.data["cities"])) == len(demo.data["cities"])
    assert page.evaluate("window.__same_document") is True
    # Leaflet's styles survived the navigations (Material rewrites <head>; they are in <body>).
    assert page.eval_on_selector(".leaflet-pane", "pane => getComputedStyle(pane).position") == "absolute"
    loaded = Counter(path.rsplit("/", 1)[1] for path in requested if "leaflet" in path.lower())
    assert loaded == {"leaflet.css": 1, "leaflet.js": 1, "MarkerCluster.css": 1, "MarkerCluster.Default.css": 1,
                      "leaflet.markercluster.js": 1}


def test_a_city_page_draws_its_map_from_the_page_without_the_cities_layer(page, demo):
    requested = requests_of(page)
    page.goto(demo.url + "cities/city-00003/")  # the city with the hostile name
    page.wait_for_selector("[data-atlas-map='city'][data-atlas-ready]", state="attached")
    assert not [path for path in requested if path.endswith(".geojson") and "/data/" in path]
    assert page.locator(".leaflet-container path.atlas-marker--featured").count() == 1
    assert page.inner_text(".leaflet-tooltip") == HOSTILE_NAME  # as text
    assert page.locator("path.atlas-land--focus").count() >= 1  # its country, highlighted
    assert page.evaluate("window.__pwned") is None


def test_a_network_page_maps_its_members(page, demo):
    page.goto(demo.url + "networks/network-002/")
    page.wait_for_selector("[data-atlas-map='network'][data-atlas-ready]", state="attached")
    expected = len(members(demo, "network-002"))
    assert eventually(shown_on_map, page, expected) == expected


def test_the_map_works_in_dark_mode(browser, demo):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(demo.url + "map/")
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    page.wait_for_selector("path.atlas-land", state="attached")
    fill = page.eval_on_selector("path.atlas-land", "p => getComputedStyle(p).fill")
    context.close()
    assert fill == "rgb(43, 52, 64)"  # the slate palette's land colour


def test_a_phone_sees_the_map(browser, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(demo.url + "map/")
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    page.wait_for_selector("path.atlas-land", state="attached")  # the outlines load apart from the cities
    settle(page)
    map_box = page.locator(".atlas-map").bounding_box()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".atlas-map").screenshot(path=str(ARTIFACTS / "map-phone.png"))
    drawn = page.eval_on_selector_all(".leaflet-atlas-base-pane path", "paths => paths.map(p => p.getAttribute('class'))")
    context.close()
    assert map_box["width"] >= 350 and map_box["height"] >= 300
    assert {"atlas-land", "atlas-coast", "atlas-border"} <= set(drawn)
    assert (ARTIFACTS / "map-phone.png").stat().st_size > 10_000  # a drawn map, not a blank box


# (axe-core's checks of the pages, in both colour schemes on desktop and phone: test_accessibility.py)


def test_every_request_off_localhost_is_recorded_and_refused_and_none_on_it(browser, tmp_path):
    # What "requests anything outside localhost" fails on: a page without a policy asks other hosts,
    # one that starts like localhost's address among them, and this server itself
    from .browser import open_page
    from .site import Server

    (tmp_path / "index.html").write_text("<!doctype html><title>t</title><p>t</p>", encoding="utf-8")
    (tmp_path / "here.json").write_text("{}", encoding="utf-8")
    server = Server(tmp_path)
    page = open_page(browser)
    try:
        page.goto(server.url)
        off = ["http://example.org/a.js", "https://127.0.0.1.example.net/b.css", "http://localhost.example.org/c"]
        answers = [page.evaluate("u => fetch(u).then(r => r.status, () => 'refused')", url)
                   for url in [*off, server.url + "here.json"]]
    finally:
        page.context.close()
        server.close()
    assert answers == ["refused"] * 3 + [200]
    assert page.outside == off


# ---- the Content-Security-Policy, in the browser -------------------------------------

def test_the_policy_stops_what_a_sanitiser_bug_would_let_through(browser, demo, tmp_path):
    """A page with active content injected after the build: the browser runs and loads none of it."""
    site = demo.site
    html = (site / "about/index.html").read_text(encoding="utf-8")
    injected = ('<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
                '<img src="https://tracker.example/p.gif"><div style="background:url(https://tracker.example/b.gif)">x</div>'
                '<iframe src="https://evil.example/"></iframe><a id="clickme" href="javascript:window.__pwned=3">x</a>')
    (site / "injected").mkdir(exist_ok=True)
    (site / "injected/index.html").write_text(html.replace('<article class="md-content__inner md-typeset">',
                                                           '<article class="md-content__inner md-typeset">' + injected))
    context = browser.new_context()
    page = context.new_page()
    requested, violations = [], []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_())
                  if urlsplit(route.request.url).hostname == "127.0.0.1" else (requested.append(route.request.url),
                                                                                  route.abort()))
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(demo.url + "injected/")
    page.wait_for_load_state("networkidle")
    with page.expect_console_message(lambda m: "JavaScript URL" in m.text):  # the browser refused it
        page.click("#clickme")
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None
    assert [url for url in requested if urlsplit(url).hostname != "127.0.0.1"] == []
    assert len(violations) >= 4, violations  # inline script, handler, remote image, inline style, frame


def test_search_works_under_the_policy(page, demo):
    page.goto(demo.url)
    page.click("input.md-search__input")
    page.keyboard.type("Synthetic Network")  # typed: the search listens to key presses
    # The list first shows results for what was typed so far ("Synth..."); wait for the whole query's
    results = page.locator(".md-search-result__list")
    expect(results).to_contain_text("Synthetic Network", timeout=15_000)
    expect(results.locator("a[href*='networks/']").first).to_be_visible()


def test_the_colour_toggle_works_and_is_remembered_under_the_policy(page, demo):
    page.goto(demo.url + "about/")
    before = page.get_attribute("body", "data-md-color-scheme")
    page.click("form[data-md-component='palette'] label:visible")
    expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", before)
    after = page.get_attribute("body", "data-md-color-scheme")
    assert {before, after} == {"default", "slate"}
    page.reload()
    assert page.get_attribute("body", "data-md-color-scheme") == after  # the inline-script-free palette restore
