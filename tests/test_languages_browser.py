"""Seven languages in a real browser: the demo atlas built in every language (once per session).

The language switcher keeps the reader on the same page, also after Material's instant
navigation; a translated profile, a profile that falls back to English with its notice, and
the map, in German and Greek. Every test fails on a console error or a request off localhost.
"""

from __future__ import annotations

import re

import pytest

from .browser import count_text, eventually, listed, search, skip_without_chromium, wait_for_map
from .site import TRANSLATED_CITY

pytestmark = pytest.mark.browser
skip_without_chromium()

from playwright.sync_api import expect  # noqa: E402  (after the skip: only where chromium is)


def switch_language(page, name: str) -> None:
    """As a reader does it: open the header's language menu and choose the language by its name."""
    page.hover(".md-header__option .md-select")
    page.click(f".md-select__link:has-text('{name}')")
    page.wait_for_load_state()


def test_the_switcher_leads_to_the_same_page_in_the_other_language_also_after_instant_navigation(page, demo):
    page.goto(demo.url + "cities/city-00005/")
    page.evaluate("window.__same_document = true")
    page.click("nav.md-tabs a:has-text('Networks')")  # instant navigation: no new document
    expect(page).to_have_url(demo.url + "networks/")
    assert page.evaluate("window.__same_document") is True
    switch_language(page, "Deutsch")
    expect(page).to_have_url(demo.url + "de/networks/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_contain_text("Netzwerke")
    page.evaluate("window.__same_document = true")
    page.click("nav.md-tabs a:has-text('Städte')")  # instantly, within the German site
    expect(page).to_have_url(demo.url + "de/cities/")
    assert page.evaluate("window.__same_document") is True
    switch_language(page, "Italiano")
    expect(page).to_have_url(demo.url + "it/cities/")
    expect(page.locator("h1")).to_contain_text("Città")
    switch_language(page, "English")
    expect(page).to_have_url(demo.url + "cities/")


def test_the_switcher_keeps_the_view_of_the_map(page, demo):
    page.goto(demo.url + "de/map/?country=FR")
    wait_for_map(page)
    switch_language(page, "Français")
    expect(page).to_have_url(re.compile(re.escape(demo.url + "fr/map/?country=FR&z=")))  # the filter and the position
    wait_for_map(page)
    french = sorted(c["name"] for c in demo.data["cities"] if c["country"] == "FR")
    assert sorted(eventually(listed, page, french)) == french


def english_subtitle(demo, slug: str) -> str:
    return next(c["subtitle"] for c in demo.data["cities"] if c["slug"] == slug)


def test_a_translated_profile_is_shown_in_german_and_says_it_is_machine_assisted(page, demo):
    page.goto(demo.url + f"de/cities/{TRANSLATED_CITY}/")
    expect(page.locator(".atlas-lead")).to_have_text("Eine synthetische Stadt mit Profil.")
    expect(page.locator("h2#was-die-stadt-besonders-macht")).to_be_visible()
    notice = page.locator(".atlas-translation--machine")
    expect(notice).to_contain_text("maschinell unterstützt")
    notice.locator("a").click()  # the English version of the same page
    expect(page).to_have_url(demo.url + f"cities/{TRANSLATED_CITY}/")
    expect(page.locator(".atlas-lead")).to_have_text(english_subtitle(demo, TRANSLATED_CITY))


def test_an_untranslated_profile_falls_back_to_english_with_a_notice_that_leads_to_how_to_translate(page, demo):
    page.goto(demo.url + "de/cities/city-00002/")
    notice = page.locator(".atlas-translation--missing")
    expect(notice).to_contain_text("Dieses Profil ist noch nicht übersetzt")
    expect(page.locator(".atlas-lead")).to_have_text(english_subtitle(demo, "city-00002"))  # English, as written
    expect(page.locator("#sources")).to_have_text("Quellen¶")  # our own words are German all the same
    notice.locator("a").click()
    expect(page).to_have_url(demo.url + "de/contribute/#translate")
    expect(page.locator("#translate")).to_be_visible()


def test_the_map_speaks_german(page, demo):
    page.goto(demo.url + "de/map/")
    wait_for_map(page)
    total = len(demo.data["cities"])
    assert eventually(count_text, page, f"{total} Städte angezeigt") == f"{total} Städte angezeigt"
    expect(page.locator(".atlas-legend")).to_contain_text("Ausführliches Profil")
    expect(page.locator(".atlas-views legend")).to_have_text("Ansicht")
    page.select_option("select[name=country]", "IT")
    italian = [c for c in demo.data["cities"] if c["country"] == "IT"]
    expected = f"{len(italian)} Städte angezeigt: in Italien"
    assert eventually(count_text, page, expected) == expected
    expect(page.locator("[data-atlas-list] li").first).to_contain_text(", Italien")
    page.select_option("select[name=topic]", index=1)
    page.select_option("select[name=network]", index=1)
    text = count_text(page)
    assert "angezeigt" in text or text.startswith("Keine Stadt passt"), text


def test_the_map_speaks_greek_with_greek_plurals(page, demo):
    page.goto(demo.url + "el/map/?view=featured")
    wait_for_map(page)
    featured = sum(1 for c in demo.data["cities"] if c["featured"])
    expected = f"Εμφανίζονται {featured} πόλεις: αναλυτικά προφίλ"
    assert eventually(count_text, page, expected) == expected


# ---- search, in each language's own words ----------------------------------------------------------

@pytest.mark.parametrize("language, written, folded, first", [
    ("de", "Städte", "Stadte", "de/cities/"),  # the page whose title it is comes first
    ("de", "Geflüchtete", "Gefluchtete", "de/"),  # the home page says "Geflüchtete"
    ("pl", "Źródła", "zrodla", None),  # every city page's sources heading
    ("pl", "uchodźców", "uchodzcow", "pl/"),
    ("el", "Χάρτης", "χαρτης", "el/map/"),
    ("el", "Ελλάδα", "ελλαδα", "el/countries/gr/"),
    ("fr", "réfugiés", "refugies", None),
    ("it", "città", "citta", "it/cities/"),
    ("es", "políticas", "politicas", None),
])
def test_search_finds_a_languages_own_words_with_and_without_their_marks(page, demo, language, written, folded,
                                                                          first):
    found = search(page, f"{demo.url}{language}/", written)
    assert found and all(path.startswith(f"{language}/") for path in found), found
    if first is not None:
        assert found[0] == first, found[:3]
    assert search(page, f"{demo.url}{language}/", folded)[:5] == found[:5]


def test_german_search_finds_a_word_in_its_other_forms(page, demo):
    # German is stemmed, index and query alike: "Stadt" finds the page titled "Städte"
    assert "de/cities/" in search(page, f"{demo.url}de/", "Stadt")[:3]


def test_the_switcher_stays_on_the_address_the_site_is_served_at(page, real):
    # This repository's site is built for its public address (ATLAS_SITE_URL) and served here on localhost:
    # the switcher and the hreflang links lead to the same page in the other language, here.
    page.goto(real.url + "cities/potsdam/")
    switch_language(page, "Deutsch")
    expect(page).to_have_url(real.url + "de/cities/potsdam/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switch_language(page, "English")
    expect(page).to_have_url(real.url + "cities/potsdam/")


def test_a_missing_address_in_a_languages_folder_answers_in_that_language(browser, real):
    from .browser import check, open_page

    # As on GitHub Pages, the server answers every missing address with the site's one 404.html (English)
    page = open_page(browser, expected_statuses=(404,))
    page.goto(real.url + "de/cities/no-such-city/")
    expect(page.locator("h1")).to_have_text("Seite nicht gefunden")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.url == real.url + "de/cities/no-such-city/"
    page.get_by_role("link", name="Die Karte", exact=True).click()
    expect(page).to_have_url(real.url + "de/map/")
    page.goto(real.url + "cities/no-such-city/")  # outside a language's folder: English
    expect(page.locator("h1")).to_have_text("Page not found")
    check(page)


@pytest.mark.parametrize("language, country, sea", [("de", "Deutschland", "Ostsee"), ("el", "Γερμανία", "Βαλτική Θάλασσα"),
                                                    ("en", "Germany", "Baltic Sea")])
def test_the_basemap_names_countries_and_seas_in_the_readers_language(page, demo, language, country, sea):
    prefix = "" if language == "en" else f"{language}/"
    page.goto(f"{demo.url}{prefix}map/?lat=54.5&lng=14&z=5")
    wait_for_map(page)
    labels = page.locator(".atlas-label")
    expect(labels.filter(has_text=country)).to_have_count(1)
    expect(labels.filter(has_text=sea)).to_have_count(1)
    texts = " ".join(labels.all_text_contents())
    if language != "en":
        assert "Germany" not in texts and "Baltic Sea" not in texts, texts
    assert "Russian Federation" not in texts  # the CLDR's name, in English too
