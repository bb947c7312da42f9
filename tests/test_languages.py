"""Seven languages, as built: this repository's site in English and German (the demo has them all).

What a German reader and a search engine get: the page in German where it is translated, the
English text with a German notice where it is not, German navigation, headings and numbers
everywhere, and every page's address in every language.
"""

from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import urljoin

import pytest
import yaml

from generator.core.i18n import LANGUAGES

from .conftest import SITE_URL
from .site import ENGLISH_POST, TRANSLATED_CITY, TRANSLATED_POST, page_file, read_page

pytestmark = pytest.mark.build


def test_a_german_page_is_german_from_its_lang_to_its_headings_and_numbers(real_site):
    html = page_file(real_site, "de/cities/potsdam/").read_text(encoding="utf-8")
    page = read_page(page_file(real_site, "de/cities/potsdam/"))
    assert '<html lang="de"' in html
    assert "Die Landeshauptstadt Brandenburgs" in page.plain  # the translated subtitle
    for words in ("Land:", "Einwohnerzahl: 187.310 im Jahr 2023", "Das Wichtigste in Kürze", "Quellen",
                  "Was die Stadt besonders macht", "Zuletzt geprüft am", "Deutschland"):
        assert words in page.plain, words
    assert "maschinell unterstützt" in page.plain  # machine-assisted, and the page says so
    assert page.canonical == f"{SITE_URL}de/cities/potsdam/"


def test_an_untranslated_profile_shows_the_english_text_under_a_german_notice_that_links_to_how_to_translate(demo):
    english = (demo.atlas / "cities/city-00002.md").read_text(encoding="utf-8")  # featured, not translated
    subtitle = yaml.safe_load(english.split("---\n")[1])["subtitle"]
    page = read_page(page_file(demo.site, "de/cities/city-00002/"))
    assert "Dieses Profil ist noch nicht übersetzt" in page.plain
    assert subtitle in page.plain  # the English text, as it is
    html = page_file(demo.site, "de/cities/city-00002/").read_text(encoding="utf-8")
    assert f'<p class="atlas-lead" lang="en">{escape(subtitle, quote=False)}' in html  # marked as English
    assert 'class="atlas-lead" lang' not in page_file(demo.site, f"de/cities/{TRANSLATED_CITY}/").read_text(
        encoding="utf-8")
    assert "../../contribute/#translate" in page.links
    contribute = read_page(page_file(demo.site, "de/contribute/"))
    assert "translate" in contribute.ids


def test_a_networks_page_in_german_is_its_translation_under_the_machine_assisted_notice(real_site):
    from generator.core.load import read_source

    from .conftest import ROOT

    def opening(path) -> str:  # the text's first words, as a reader sees them (links and emphasis undone)
        body = read_source(path, path.name, "network", 1 << 20)[0].body
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body.strip().split("\n\n")[0])
        return " ".join(re.sub(r"[*_`]", "", text).split()[:8])

    translated = sorted(p for p in (ROOT / "networks").glob("*.de.md"))
    assert translated, "no network is translated into German"
    for path in translated:
        slug = path.name[: -len(".de.md")]
        page = " ".join(read_page(page_file(real_site, f"de/networks/{slug}/")).plain.split())
        assert len(opening(path).split()) >= 3 and opening(path) in page, slug  # the German text ...
        assert opening(ROOT / "networks" / f"{slug}.md") not in page, slug  # ... in place of the English
        assert "maschinell unterstützt" in page and "noch nicht übersetzt" not in page, slug


def test_a_news_post_in_german_is_its_translation_or_says_it_is_written_in_english(demo):
    untranslated = read_page(page_file(demo.site, f"de/news/{ENGLISH_POST}/"))
    assert "Dieser Beitrag ist auf Englisch geschrieben." in untranslated.plain
    assert "Quellen" in untranslated.plain  # the post's footer, in German
    translated = read_page(page_file(demo.site, f"de/news/{TRANSLATED_POST}/"))
    assert "Synthetische Stadt 1 eröffnet ein Willkommenszentrum" in translated.meta["og:title"]
    assert "berät Neuankömmlinge in sechs Sprachen" in translated.plain
    assert "advises newcomers" not in translated.plain and "auf Englisch geschrieben" not in translated.plain
    assert "maschinell unterstützt" in translated.plain  # machine-assisted, and the post says so
    assert "2. November 2026" in translated.plain and "Quellen" in translated.plain  # the English post's date, sources
    news = read_page(page_file(demo.site, "de/news/"))
    assert "Synthetische Stadt 1 eröffnet ein Willkommenszentrum" in news.plain
    feed = (demo.site / "de/feed_rss_created.xml").read_text(encoding="utf-8")
    assert "Synthetische Stadt 1 eröffnet ein Willkommenszentrum" in feed
    english = read_page(page_file(demo.site, f"news/{ENGLISH_POST}/"))
    assert "This post is written in English." not in english.plain


def test_every_page_links_to_itself_in_every_language_and_to_english_as_the_default(real_site):
    for url in ("", "cities/potsdam/", "de/map/", "de/countries/it/"):
        html = page_file(real_site, url).read_text(encoding="utf-8")
        path = url.removeprefix("de/")
        links = dict(re.findall(r'<link rel="alternate " hreflang="([a-z-]+)" href="([^"]+)">', html))
        # relative: the site works wherever it is served (the canonical address alone is the public one)
        assert not any(href.startswith(("http:", "https:", "/")) for href in links.values()), links
        resolved = {code: urljoin(SITE_URL + url, href) for code, href in links.items()}
        expected = {code: f"{SITE_URL}{'' if code == 'en' else code + '/'}{path}" for code in LANGUAGES}
        assert resolved == {**expected, "x-default": f"{SITE_URL}{path}"}, url
        # Material's links to each language's home page (href before hreflang, base.html) are replaced
        assert not re.search(r'<link rel="alternate" href="[^"]*" hreflang=', html), url


def test_each_language_has_its_own_sitemap_and_search_index(real_site):
    sitemap = (real_site / "de/sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(f"{SITE_URL}de/") for loc in locations)
    assert f"{SITE_URL}de/cities/potsdam/" in locations
    english = re.findall(r"<loc>([^<]+)</loc>", (real_site / "sitemap.xml").read_text(encoding="utf-8"))
    assert english and not any(loc.startswith(f"{SITE_URL}de/") for loc in english)
    index = json.loads((real_site / "de/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]  # lunr's German stemmer
    assert any("Landeshauptstadt Brandenburgs" in doc["text"] for doc in index["docs"])


def test_the_navigation_the_404_page_and_the_maps_messages_are_in_german(real_site):
    home = read_page(page_file(real_site, "de/"))
    for words in ("Startseite", "Karte", "Städte", "Netzwerke", "Übersetzungen"):
        assert words in home.plain, words
    assert "Seite nicht gefunden" in read_page(real_site / "de/404.html").plain
    html = page_file(real_site, "de/map/").read_text(encoding="utf-8")
    script = re.search(r'<script src="([./]*atlas-messages\.js)"></script>', html).group(1)
    assert script == "../atlas-messages.js"  # the German one, /de/atlas-messages.js, not English's
    text = (real_site / "de/atlas-messages.js").read_text(encoding="utf-8")
    messages = json.loads(re.fullmatch(r"self\.atlasMessages = (\{.*\});\n", text, re.S).group(1))
    assert messages["language"] == "de" and messages["legendFeatured"] == "Ausführliches Profil"
    assert messages["shown"] == {"one": "%(count)s Stadt angezeigt", "other": "%(count)s Städte angezeigt"}


def test_the_volunteers_page_reports_each_language(real_site):
    page = read_page(page_file(real_site, "translations/"))
    for name in ("Deutsch", "Italiano", "Ελληνικά", "Polski", "Français", "Español"):
        assert name in page.plain
    assert "UI strings" in page.plain and "cities/potsdam.de.md" in page.plain
    assert "Texte der Oberfläche" in read_page(page_file(real_site, "de/translations/")).plain


def test_a_language_that_fails_to_build_leaves_no_site(tmp_path):
    from .site import build_languages, small_atlas

    atlas = small_atlas(tmp_path / "atlas")
    config = atlas / "mkdocs.it.yml"
    config.write_text(config.read_text().replace("language: it", "language: nl"))
    result = build_languages(atlas, tmp_path / "site", None, ["it"])
    messages = result.stderr
    assert result.returncode == 1 and not (tmp_path / "site").exists()
    assert "theme.language: expected one of en, de, it, el, pl, fr, es, found 'nl'" in messages
    assert "the build failed for: it; site not written" in messages


STOPPED_BUILD = """
import sys
from pathlib import Path
from generator.site import sites

if sys.argv[3] == "subprocesses":
    sites.can_fork = lambda: False  # as where `fork` is missing: each language a `python -m mkdocs build`
ok, messages = sites.build_site(Path(sys.argv[1]), Path(sys.argv[2]), ["de", "it"], jobs=1)
sys.stderr.write(messages)
sys.exit(0 if ok else 1)
"""


@pytest.mark.parametrize("how", ["forked", "subprocesses"])
def test_after_a_language_fails_no_further_language_is_started(tmp_path, how):
    import subprocess
    import sys

    from .site import ROOT, small_atlas

    atlas = small_atlas(tmp_path / "atlas")
    config = atlas / "mkdocs.yml"
    config.write_text(config.read_text().replace("language: en", "language: nl"))  # English, built first, fails
    result = subprocess.run([sys.executable, "-c", STOPPED_BUILD, str(atlas), str(tmp_path / "site"), how],
                            cwd=ROOT, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                            "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1 and not (tmp_path / "site").exists()
    assert "the build failed for: en; site not written (not built after the failure: de, it)" in result.stderr
    assert "[de]" not in result.stderr and "[it]" not in result.stderr  # neither was started


def test_a_translated_initiative_title_is_used_wherever_the_german_site_names_it(real_site):
    title = "Potsdamer Erklärung der Städte Sicherer Häfen"
    assert read_page(page_file(real_site, "de/initiatives/potsdam-declaration/")).meta["og:title"] == title
    assert title in read_page(page_file(real_site, "de/cities/potsdam/")).plain  # the city's initiatives
    layer = json.loads((real_site / "de/data/initiatives.geojson").read_text(encoding="utf-8"))
    assert title in [f["properties"]["title"] for f in layer["features"]]  # the German map's popups
    english = read_page(page_file(real_site, "initiatives/potsdam-declaration/"))
    assert english.meta["og:title"] == "Potsdam Declaration of the Cities of Safe Harbours"


def test_a_city_is_named_in_the_readers_language_where_its_file_gives_the_name(real_site):
    import yaml

    from .site import ROOT

    named = {}
    for path in sorted((ROOT / "cities").glob("*.md")):
        if "." not in path.stem:
            data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
            if (data.get("names") or {}).get("de") not in (None, data["name"]):
                named[path.stem] = data
    slug, city = next(iter(named.items()))  # the atlas names some cities in German
    german, english = city["names"]["de"], city["name"]
    page = read_page(page_file(real_site, f"de/cities/{slug}/"))
    html = page_file(real_site, f"de/cities/{slug}/").read_text(encoding="utf-8")
    assert heading(html) == german and german in page.meta["og:title"]
    assert f'<span lang="en">{escape(english, quote=False)}</span> (English)' in html  # its other names, found by search
    assert city["names"]["source"] in page.links
    country = read_page(page_file(real_site, f"de/countries/{city['country'].lower()}/"))
    assert german in country.plain
    layer = json.loads((real_site / "de/data/cities.geojson").read_text(encoding="utf-8"))
    assert german in {f["properties"]["name"] for f in layer["features"]}
    assert f"{slug},{german}," in (real_site / "de/data/cities.csv").read_text(encoding="utf-8-sig")
    # In English, the English name, and the German among its other names
    page = read_page(page_file(real_site, f"cities/{slug}/"))
    assert heading(page_file(real_site, f"cities/{slug}/").read_text(encoding="utf-8")) == english
    assert german in page.plain


def heading(html: str) -> str:
    from html import unescape

    return unescape(re.search(r"<h1[^>]*>([^<]*)", html).group(1)).strip()
