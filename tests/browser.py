"""Helpers of the browser tests: pages that record what a reader must never see (console errors,
CSP violations, requests off localhost), and what a reader does see on the map.

Tests wait for what the reader will see (a marker count, a checked box, an address), never for a
fixed time. They poll from Python: the pages' Content-Security-Policy refuses the eval that
`page.wait_for_function` with a string would need.
"""

from __future__ import annotations

import os
import re
import time

import pytest

from .site import ROOT, chromium_path

ARTIFACTS = ROOT / "tests" / "artifacts"
OFF_LOCALHOST = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost)(?::\d+)?/)")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def skip_without_chromium() -> None:
    """Skips the calling test module where Debian's chromium is missing (never in CI)."""
    if chromium_path() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI must have Debian's chromium for the browser tests (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium", allow_module_level=True)


def open_page(browser, expected_statuses: tuple[int, ...] = (), **options):
    """A page in a fresh context that records console errors (CSP violations among them), failed
    responses and every request off localhost (blocked); `check(page)` asserts there were none."""
    context = browser.new_context(**{**DESKTOP, **options})
    page = context.new_page()
    page.errors, page.outside = [], []
    page.on("console", lambda m: m.type == "error" and not _expected(m.text, expected_statuses)
            and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and r.status not in expected_statuses
            and page.errors.append(f"HTTP {r.status}: {r.url}"))

    def refuse(route):
        page.outside.append(route.request.url)
        route.abort()

    # Only what leaves localhost is intercepted: Chromium matches the pattern, so the page's own requests
    # never wait for a round trip to this process.
    context.route(OFF_LOCALHOST, refuse)
    return page


def _expected(text: str, statuses: tuple[int, ...]) -> bool:
    # Chromium logs a page served with an error status as "Failed to load resource: ... status of 404".
    return any(f"status of {status}" in text for status in statuses)


def check(page) -> None:
    page.context.close()
    assert page.outside == [], f"requests left localhost: {page.outside}"
    assert page.errors == [], f"console errors: {page.errors}"


def settle(page):
    """Waits until the map stops moving: after a change, markercluster animates its clusters
    apart, and until it is done a city is drawn twice (in the fading cluster and as a marker)."""
    from playwright.sync_api import expect

    expect(page.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0)


def eventually(read, page, expected, timeout: float = 10):
    """`read(page)` as soon as it equals `expected`, or whatever it is when `timeout` seconds
    are up, for the test's assertion to show: markers are drawn in chunks after the data is in."""
    deadline = time.monotonic() + timeout
    while (value := read(page)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # a polling interval, during which Playwright delivers the page's events
    return value


def wait_for_map(page, kind: str = "explore"):
    page.wait_for_selector(f"[data-atlas-map='{kind}'][data-atlas-ready]", state="attached")
    settle(page)


def open_map(page, server, query: str = ""):
    page.goto(server.url + "map/" + query)
    wait_for_map(page)


def shown_on_map(page) -> int:
    """What the reader sees: the numbers on the cluster bubbles plus the single markers."""
    clusters = page.eval_on_selector_all(".marker-cluster span", "spans => spans.map(s => +s.textContent)")
    singles = page.locator("path.atlas-marker").count()
    return sum(clusters) + singles


def listed(page) -> list[str]:
    return page.eval_on_selector_all("[data-atlas-list] li a", "links => links.map(a => a.textContent)")


def count_text(page) -> str:
    return page.inner_text("[data-atlas-count]")


def members(server, network: str) -> list[str]:
    return sorted(c["name"] for c in server.data["cities"] if network in [m["network"] for m in c["networks"]])


def search(page, url: str, words: str) -> list[str]:
    """The pages the site's search lists for some words, best first, as site paths. The page at `url` is
    opened unless it is open already: a second search on it reuses the index it loaded."""
    from playwright.sync_api import expect

    if page.url != url:
        page.goto(url)
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "")
    expect(page.locator(".md-search-result__item")).to_have_count(0)
    # The words filled in, then a key pressed: the search listens to key presses (a letter outside ASCII,
    # typed, is inserted without one), so it searches once, for the whole words
    page.fill("input.md-search__input", words)
    page.keyboard.press("End")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # results of the last key press
    return page.eval_on_selector_all(".md-search-result__item > a",
                                     "links => links.map(a => new URL(a.href).pathname.slice(1))")
