"""Accessibility: axe-core on the atlas's kinds of page, on desktop and on a phone, in both colour schemes,
for serious or critical violations. (Keyboards and screen readers on the map: tests/test_map_browser.py.)
"""

from __future__ import annotations

import pytest

from .browser import PHONE, check, open_page, settle, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


# ---- accessibility: axe in both colour schemes, on desktop and phone -----------------------

AXE_PAGES = {"home": "", "map": "map/", "featured city": "cities/potsdam/", "network": "networks/cities-of-safe-harbours/",
             "country": "countries/de/", "404": "no-such-page/at/any/depth/",
             "embedded map": "embed/map/?view=network&network=cities-of-safe-harbours",
             "commitments": "networks/seebruecke-safe-harbours/", "news": "news/",
             "news post": "news/iash-founded-palermo/", "german city": "de/cities/potsdam/"}


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_no_serious_or_critical_accessibility_violation(browser, real, name, device):
    """axe on each page as it opens for a reader who prefers light colours, then once the reader has switched
    it to dark ones with the header's toggle."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, expected_statuses=(404,) if name == "404" else (), color_scheme="light",
                     **(PHONE if device == "phone" else {}))
    page.goto(real.url + AXE_PAGES[name])
    serious = {}
    for scheme in ("light", "dark"):
        if scheme == "dark":
            if not page.locator("[data-md-component=palette]").count():
                break  # no colour schemes to choose from (the embedded map): the same page again
            page.emulate_media(color_scheme="dark")
            page.locator("[data-md-component=palette] label:visible").click()  # the reader's toggle
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        if page.locator("[data-atlas-map]").count():
            page.wait_for_selector("[data-atlas-map][data-atlas-ready]", state="attached")
            settle(page)
        results = Axe().run(page)
        serious[scheme] = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                           f" {v['nodes'][0].get('failureSummary', '')[:300]}"
                           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    check(page)
    assert serious == {scheme: [] for scheme in serious}
