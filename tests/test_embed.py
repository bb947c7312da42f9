"""The embeddable map in a real browser, inside an <iframe> of another origin; the code to embed it on
the pages that offer it; and the city reports as a reader reaches them from a city page.

The atlas is served on one local port and the page that embeds it on a second one: a second
origin, as a municipality's site would be. Every test fails on a console error or a request off
localhost, in the embedding page and in the frame.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import count_text, eventually, members, open_page, check, settle, shown_on_map, skip_without_chromium
from .site import Server

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


@pytest.fixture(scope="module")
def host(tmp_path_factory, demo):
    """Another site (another port: another origin) whose page embeds the atlas's map, tall enough to scroll."""
    folder = tmp_path_factory.mktemp("host")
    server = Server(folder)

    def embedding(query: str) -> str:
        name = f"page-{abs(hash(query))}.html"
        (folder / name).write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A municipality</title>'
            '<link rel="icon" href="data:,"></head><body><h1>Our city in the atlas</h1>'
            f'<iframe src="{demo.url}embed/map/{query}" width="640" height="480" loading="lazy" '
            'title="Map from the Moving Cities Atlas"></iframe><div style="height: 3000px"></div></body></html>',
            encoding="utf-8")
        return server.url + name

    server.embedding = embedding
    yield server
    server.close()


def frame_of(page):
    frame = page.frame_locator("iframe")
    frame.locator("[data-atlas-map='embed'][data-atlas-ready]").wait_for(state="attached")
    expect(frame.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0)
    return frame


def shown_in(frame) -> int:
    clusters = frame.locator(".marker-cluster span").all_inner_texts()
    return sum(int(text) for text in clusters) + frame.locator("path.atlas-marker").count()


def test_the_embedded_map_draws_a_networks_members_from_another_origin_without_the_sites_frame(page, demo, host):
    assert urlsplit(host.url).port != urlsplit(demo.url).port
    page.goto(host.embedding("?view=network&network=network-003"))
    frame = frame_of(page)
    expected = len(members(demo, "network-003"))
    assert eventually(lambda p: shown_in(frame), page, expected) == expected
    expect(frame.locator("[data-atlas-count]")).to_have_text(
        f"{expected} cities shown: members of Synthetic Network 3")
    # The map alone: no header, tabs, navigation, search or footer of the site.
    expect(frame.locator(".md-header, .md-tabs, .md-sidebar, .md-search, .md-footer")).to_have_count(0)
    expect(frame.locator("meta[name=robots]")).to_have_attribute("content", "noindex")  # search engines: the atlas
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth · Atlas data CC BY 4.0")
    # Full-window: the map fills the frame (inside its 2 px border) but for the bar with the way back.
    box = frame.locator("[data-atlas-map='embed']").bounding_box()
    frame_box = page.locator("iframe").bounding_box()
    assert box["width"] >= frame_box["width"] - 4 and box["height"] >= frame_box["height"] * 0.85


def test_the_embedded_map_honours_a_country_and_the_featured_view(page, demo, host):
    page.goto(host.embedding("?view=featured&country=DE"))
    frame = frame_of(page)
    expected = len([c for c in demo.data["cities"] if c["country"] == "DE" and c["featured"]])
    assert expected > 0
    assert eventually(lambda p: shown_in(frame), page, expected) == expected
    expect(frame.locator("[data-atlas-count]")).to_contain_text("featured profiles, in Germany")


def test_the_wheel_scrolls_the_embedding_page_until_the_map_is_clicked(page, demo, host):
    page.goto(host.embedding("?view=network&network=network-003"))
    frame = frame_of(page)
    link = frame.locator("a[data-atlas-open]")
    zoom = parse_qs(urlsplit(link.get_attribute("href")).query)["z"]
    page.mouse.move(320, 300)
    page.mouse.wheel(0, 400)
    assert eventually(lambda p: p.evaluate("window.scrollY") > 0, page, True)  # the page scrolled, not the map
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["z"] == zoom
    page.evaluate("window.scrollTo(0, 0)")
    frame.locator(".leaflet-container").click(position={"x": 600, "y": 250})  # the sea, away from the cities
    page.mouse.move(320, 300)
    page.mouse.wheel(0, -400)
    zoomed = eventually(lambda p: parse_qs(urlsplit(link.get_attribute("href")).query)["z"] != zoom, page, True)
    assert zoomed, "after a click, the wheel zooms the map"


def test_open_in_the_atlas_opens_the_map_with_the_same_view_in_a_new_tab(page, demo, host):
    page.goto(host.embedding("?view=network&network=network-003&country=DE"))
    frame = frame_of(page)
    expected = len([c for c in demo.data["cities"] if c["country"] == "DE"
                    and "network-003" in [m["network"] for m in c["networks"]]])
    link = frame.locator("a[data-atlas-open]")
    expect(link).to_have_text("Open in the atlas")
    with page.context.expect_page() as opened:
        link.click()
    atlas = opened.value
    atlas.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    settle(atlas)
    address = urlsplit(atlas.url)
    assert address.path == "/map/" and f"{address.scheme}://{address.netloc}/" == demo.url
    state = parse_qs(address.query)
    assert (state["view"], state["network"], state["country"]) == (["network"], ["network-003"], ["DE"])
    assert count_text(atlas).startswith(f"{expected} cities shown")
    assert eventually(shown_on_map, atlas, expected) == expected


@pytest.mark.parametrize("url, query, title", [
    ("networks/network-003/", "?view=network&network=network-003", "Map of the members of Synthetic Network 3"),
    ("countries/de/", "?country=DE", "Map of the solidarity cities of Germany"),
    ("cities/city-00001/", "?lat=", "Map of Synthetic City 1 and the solidarity cities around it"),
    ("map/", "", "Map of solidarity cities"),
])
def test_network_country_city_and_map_pages_offer_the_iframe_code_to_copy(browser, demo, url, query, title):
    page = open_page(browser)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo.url.rstrip("/"))
    page.goto(demo.url + url)
    page.get_by_text("Embed this map in your website").click()
    code = page.locator("textarea[data-atlas-embed]")
    expect(code).to_be_visible()
    expect(code).to_have_attribute("readonly", "")
    value = code.input_value()
    assert value.startswith(f'<iframe src="{demo.url}embed/map/{query.replace("&", "&amp;")}')
    assert 'loading="lazy"' in value and f'title="{title}' in value and value.endswith("></iframe>")
    page.get_by_role("button", name="Copy the code").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == code.input_value()
    check(page)


def test_the_maps_code_to_embed_follows_the_view_chosen(page, demo):
    page.goto(demo.url + "map/")
    page.wait_for_selector("[data-atlas-map='explore'][data-atlas-ready]", state="attached")
    page.check("input[name=view][value=network]")
    page.select_option("select[name=network]", "network-002")
    code = page.locator("textarea[data-atlas-embed]")
    src = lambda p: urlsplit(code.input_value().split('src="')[1].split('"')[0].replace("&amp;", "&"))  # noqa: E731
    assert eventually(lambda p: parse_qs(src(p).query).get("network"), page, ["network-002"]) == ["network-002"]
    assert parse_qs(src(page).query)["view"] == ["network"] and src(page).path == "/embed/map/"


def test_a_featured_city_page_links_to_its_report_and_the_pdf_is_there(page, demo):
    from pypdf import PdfReader

    city = next(c for c in demo.data["cities"] if c["featured"] and c["name"].startswith("Synthetic"))
    page.goto(demo.url + f"cities/{city['slug']}/")
    link = page.locator("a.atlas-report")
    expect(link).to_contain_text("the city report (PDF")
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    printed = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert city["name"] in printed and "City report" in printed
    plain = next(c for c in demo.data["cities"] if not c["featured"])
    page.goto(demo.url + f"cities/{plain['slug']}/")
    expect(page.locator("h1")).to_contain_text(plain["name"])
    expect(page.locator("a.atlas-report")).to_have_count(0)


def test_printing_a_page_leaves_out_the_sites_header_navigation_search_and_map_controls(page, demo):
    page.goto(demo.url + "networks/network-003/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-search", ".atlas-map", ".atlas-embed",
                     ".md-footer"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    # A link that leaves the site prints its address after its text.
    source = page.locator("#sources ~ ol a[href^='http']").first
    after = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert source.get_attribute("href") in after
