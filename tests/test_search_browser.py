"""Search, as a reader uses it in a real browser: a page ranks first for its own name, accents fold both
ways, and the index loads only when the reader first goes to search. (tests/test_languages_browser.py
searches each language in its own words.)
"""

from __future__ import annotations

import pytest

from .browser import eventually, search, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()

# ---- search --------------------------------------------------------------------------------

@pytest.mark.parametrize("words, first", [("Potsdam", "cities/potsdam/"), ("Palermo", "cities/palermo/"),
                                          ("Germany", "countries/de/"),
                                          ("Cities of Safe Harbours", "networks/cities-of-safe-harbours/"),
                                          ("Charter of Palermo", "initiatives/charter-of-palermo/")])
def test_a_page_ranks_first_for_its_own_name(page, real, words, first):
    search(page, real.url, words)
    # On a busy machine the results of the last key press may come after the pause; wait for them.
    assert eventually(first_result, page, first) == first


@pytest.mark.parametrize("words, first", [("Seebrucke", "networks/seebruecke-safe-harbours/"),
                                          ("Osnabruck", "cities/osnabruck/"), ("Logrono", "cities/logrono/"),
                                          ("Zürich", "cities/zurich/")])
def test_search_folds_accents_both_ways(page, real, words, first):
    search(page, real.url, words)
    assert eventually(first_result, page, first) == first


def test_the_search_index_loads_when_the_reader_first_goes_to_search(page, real):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if "search_index.json" in r.url else None)
    page.goto(real.url + "cities/potsdam/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert requested == []  # a page view without a search costs no index
    page.click("a:has-text('Germany')")  # instant navigation to another page: still none
    page.wait_for_load_state("networkidle")
    assert requested == []
    links = search(page, real.url, "Potsdam")
    assert links and len(requested) == 1


def first_result(page) -> str | None:
    links = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a =>"
                                      " new URL(a.href).pathname.slice(1))")
    return links[0] if links else None
