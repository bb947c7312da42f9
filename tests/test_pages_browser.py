"""The pages around the map, in a real browser: the home page (the map first, its counters, the featured
cities), a city's, network's and country's page, the missing page, and contributing without programming.

Like every browser test, each fails on a console error (a Content-Security-Policy violation among them)
or on a request that leaves localhost. `demo` is a synthetic atlas of 150 cities; `real` is this
repository's site as published.
"""

from __future__ import annotations

import pytest

from .browser import PHONE, check, eventually, open_page, wait_for_map, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


# ---- the home page: map first ------------------------------------------------------------

def featured(server) -> list[dict]:
    return [c for c in server.data["cities"] if c["featured"]]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_home_page_opens_on_the_map_of_featured_cities_with_its_legend(browser, demo, device):
    page = open_page(browser, **(PHONE if device == "phone" else {}))
    height = page.viewport_size["height"]
    page.goto(demo.url)
    wait_for_map(page, "home")
    box = page.locator(".atlas-map").bounding_box()
    ready = page.get_attribute("[data-atlas-map='home']", "data-atlas-ready")
    legend = page.get_by_role("group", name="Legend").is_visible()
    actions = [page.locator(".atlas-actions").get_by_role("link", name=name, exact=True).bounding_box()
               for name in ("Explore the map", "Browse the cities", "Add your city")]
    check(page)
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)  # the whole map, in the first screen
    assert box["height"] >= 250
    assert int(ready) == len(featured(demo)) and legend
    assert all(a["y"] + a["height"] <= box["y"] for a in actions)  # the calls to action, above it


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_home_page_counters_are_a_compact_row(browser, demo, device):
    page = open_page(browser, **(PHONE if device == "phone" else {}))
    page.goto(demo.url)
    rows = page.eval_on_selector_all(".atlas-counts li", "items => items.map(i => Math.round(i.getBoundingClientRect().top))")
    tallest = page.eval_on_selector_all(".atlas-counts li", "items => Math.max(...items.map(i => i.getBoundingClientRect().height))")
    check(page)
    assert len(rows) == 6  # cities, countries, featured, initiatives, networks; readiness for admission (issue 16)
    assert len(set(rows)) <= (1 if device == "desktop" else 2), rows
    assert tallest < 90


def test_the_home_page_shows_the_featured_cities_as_cards(page, demo):
    page.goto(demo.url)
    cards = page.locator(".grid.cards li")
    expect(cards).to_have_count(len(featured(demo)))
    names = sorted(c["name"] for c in featured(demo))
    assert sorted(page.eval_on_selector_all(".grid.cards li a", "links => links.map(a => a.textContent)")) == names
    assert "/cities/" in page.get_attribute(".grid.cards li a >> nth=0", "href")


@pytest.mark.parametrize("path", ["", "map/"])
def test_home_and_map_have_no_navigation_rail_or_table_of_contents(page, demo, path):
    page.goto(demo.url + path)
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.locator(".md-sidebar--secondary")).to_be_hidden()
    expect(page.get_by_text("Table of contents", exact=True).locator("visible=true")).to_have_count(0)

# ---- the pages around the map -------------------------------------------------------------

def test_a_featured_city_page_has_no_empty_section(page, real):
    page.goto(real.url + "cities/potsdam/")
    empty = page.eval_on_selector_all("article h2", "hs => hs.filter(h => { const next = h.nextElementSibling;"
                                      " return !next || /^H[12]$/.test(next.tagName); }).map(h => h.textContent)")
    assert empty == []
    headings = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.textContent.replace('¶', '').trim())")
    assert "What is unique about the city" in headings and "Profile" not in headings


def test_dates_of_joining_a_network_read_as_words(page, real):
    page.goto(real.url + "cities/potsdam/")
    text = page.inner_text("article")
    assert "since June 2019" in text and "since 2019-06" not in text
    page.goto(real.url + "networks/cities-of-safe-harbours/")
    assert "since June 2019" in page.inner_text("article")


def test_field_names_never_break_and_the_field_tables_scroll_by_keyboard_on_a_phone(phone, real):
    phone.goto(real.url + "fields/")
    broken = phone.eval_on_selector_all("article td:first-child code",
                                        "codes => codes.filter(c => c.getClientRects().length > 1).map(c => c.textContent)")
    assert broken == []
    scrolling = phone.eval_on_selector_all("article *", """nodes => nodes
        .filter(n => n.scrollWidth > n.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(n).overflowX))
        .map(n => [n.tagName, n.getAttribute('tabindex'), n.getAttribute('aria-label')])""")
    assert scrolling and all(tabindex == "0" and label for _, tabindex, label in scrolling), scrolling
    box = phone.locator(".atlas-table").first
    box.focus()
    phone.keyboard.press("ArrowRight")
    assert eventually(lambda p: box.evaluate("b => b.scrollLeft") > 0, phone, True)


def test_the_home_page_is_titled_by_the_site_s_name_with_a_picture_for_link_previews(page, real):
    page.goto(real.url)
    assert page.title() == "Moving Cities Atlas"
    assert page.get_attribute("meta[property='og:title']", "content") == "Moving Cities Atlas"
    image = page.get_attribute("meta[property='og:image']", "content")
    assert image == "https://atlas.example.net/assets/atlas/og-image.png"  # absolute, on the site itself
    response = page.request.get(real.url + "assets/atlas/og-image.png")
    assert response.ok and response.body()[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(response.body()[16:20], "big") == 1200 and int.from_bytes(response.body()[20:24], "big") == 630


def test_the_favicon_is_the_atlas_s_own(page, real):
    page.goto(real.url + "about/")
    icon = page.get_attribute("link[rel=icon]", "href")
    assert icon.endswith("assets/atlas/favicon.svg")
    response = page.request.get(real.url + "assets/atlas/favicon.svg")
    assert response.ok and b"<svg" in response.body()


def apart(boxes: list[dict], least: float = 4) -> bool:
    """No two of these boxes touch: on one row they are `least` pixels apart, on two rows too."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            horizontal = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
            vertical = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
            if max(horizontal, vertical) < least:
                return False
    return True


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_missing_pages_buttons_stand_apart_on_desktop_and_phone(browser, real, device):
    page = open_page(browser, expected_statuses=(404,), **(PHONE if device == "phone" else {}))
    page.goto(real.url + "cities/no-such-city/")
    buttons = page.locator(".atlas-actions--list .md-button")
    expect(buttons).to_have_count(6)
    assert apart([buttons.nth(i).bounding_box() for i in range(6)])
    page.context.close()


def test_the_home_pages_add_your_city_button_keeps_its_paragraphs_line_spacing(page, real):
    page.goto(real.url)
    section = page.locator("h2:has-text('Add your city') + p")
    heights = section.evaluate("p => { const r = document.createRange(); r.selectNodeContents(p);"
                               " return [...r.getClientRects()].map(b => Math.round(b.height)); }")
    assert len(set(heights)) == 1, heights  # every line of the text as high as the others
    button = page.locator("p > a.md-button:has-text('Add your city')").last
    assert button.evaluate("a => a.parentElement.textContent.trim() === a.textContent.trim()")  # a paragraph of its own
    expect(page.locator(".md-footer__link")).to_be_hidden()  # no "Next: Map" under the home page


def test_a_missing_page_at_any_depth_offers_search_and_the_main_pages(browser, real):
    page = open_page(browser, expected_statuses=(404,))
    response = page.goto(real.url + "cities/no-such-city/deeper/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert page.title() == "Page not found - Moving Cities Atlas"
    header = page.eval_on_selector(".md-header", "h => getComputedStyle(h).backgroundColor")
    assert header == "rgb(0, 91, 79)"  # the site's styles, found from this depth
    for name in ("The map", "Cities", "Countries", "Networks", "Initiatives"):
        expect(page.get_by_role("link", name=name, exact=True).last).to_be_visible()
    page.get_by_label("Search the atlas for a city, an initiative or a network").fill("Potsdam")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.startswith(real.url + "?q=Potsdam") or "q=Potsdam" in url)
    expect(page.locator(".md-search-result__item").first).to_contain_text("Potsdam")
    page.goto(real.url + "cities/no-such-city/deeper/")
    page.get_by_role("link", name="The map", exact=True).click()
    wait_for_map(page)
    check(page)

# ---- contributing, without programming -----------------------------------------------------

def test_add_your_city_leads_to_the_issue_form_and_the_repository(page, real):
    from .conftest import REPO_URL
    from .site import ROOT

    assert (ROOT / ".github/ISSUE_TEMPLATE/add-city.yml").exists()
    page.goto(real.url)
    page.locator(".atlas-actions").get_by_role("link", name="Add your city").click()
    page.wait_for_url(lambda url: url.endswith("/contribute/"))
    form = page.get_by_role("link", name="Propose a city with a form")
    expect(form).to_be_visible()
    assert form.get_attribute("href") == f"{REPO_URL}/issues/new?template=add-city.yml"
    assert page.get_by_role("link", name="Open the repository").get_attribute("href") == REPO_URL


def test_without_a_repository_the_contribute_page_says_what_to_send_instead(page, demo):
    page.goto(demo.url + "contribute/")  # the demo is built without ATLAS_REPO_URL
    text = page.inner_text("article")
    assert "published without the address of its repository" in text
    assert "its name and country" in text and "web addresses where anyone can check these facts" in text
    assert page.locator("article a[href*='github.com']").count() == 0


def test_network_and_topic_pages_show_readers_no_yaml_instructions(page, real, real_site):
    from .site import read_page

    def instructions(text: str) -> bool:
        return "networks:" in text or ".yml" in text or "in its file" in text

    # What a reader sees where the instructions were: a network without members, the topics.
    for path in ("networks/from-the-sea-to-the-city/", "topics/", "networks/"):
        page.goto(real.url + path, wait_until="domcontentloaded")
        assert not instructions(page.inner_text("article")), path
    # And every other network and topic page of the site, as built.
    pages = [*real_site.glob("networks/*/index.html"), *real_site.glob("topics/*/index.html")]
    assert len(pages) >= 15
    assert [p for p in pages if instructions(read_page(p).plain)] == []
