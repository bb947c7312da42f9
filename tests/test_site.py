"""The built site, as the public reads it: built for real by MkDocs from this repository."""

from __future__ import annotations

import csv
import io
import json
import re

import geojson
import pytest

from .conftest import REPO_URL, SITE_URL
from .site import ROOT, build_site, page_file, read_page, resolve, small_atlas

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def site(real_site):
    """The repository's site, as published (built once per run, in conftest.py)."""
    return real_site


@pytest.fixture(scope="module")
def pages(site):
    """Every HTML page of the built site, parsed once for the tests that read them all."""
    return {path: read_page(path) for path in site.rglob("*.html")}


@pytest.fixture(scope="module")
def data(repository_report):
    by_kind = {"city": {}, "initiative": {}, "network": {}}
    for source in repository_report.sources:
        by_kind[source.kind][source.slug] = source.data
    return by_kind


def test_every_entity_has_its_page_with_its_name_as_heading(site, pages, data):
    for kind, folder, field in (("city", "cities", "name"), ("initiative", "initiatives", "title"),
                                ("network", "networks", "name")):
        for slug, record in data[kind].items():
            assert record[field] in pages[page_file(site, f"{folder}/{slug}/")].plain


def test_every_country_and_topic_has_its_page(site, data):
    for code in {c["country"] for c in data["city"].values()}:
        assert page_file(site, f"countries/{code.lower()}/").exists()
    for topic in (ROOT / "initiatives/topics.yml").read_text().split("- slug: ")[1:]:
        assert page_file(site, f"topics/{topic.split()[0]}/").exists()


def test_no_internal_link_or_asset_of_the_built_site_is_broken(site, pages):
    from generator.core.i18n import LANGUAGES

    # This build has English and German; a link into another language's section is checked by the demo's.
    unbuilt = [site / code for code in LANGUAGES[1:] if not (site / code).exists()]
    broken = []
    for path, page in pages.items():
        for href in page.links + page.assets:
            target = resolve(site, path, href)
            if target is None:
                continue
            file, fragment = target
            if any(file.is_relative_to(folder) for folder in unbuilt):
                continue
            if not file.exists():
                broken.append(f"{path.relative_to(site)} -> {href}")
            elif fragment and file.suffix == ".html" and fragment not in (pages.get(file) or read_page(file)).ids:
                broken.append(f"{path.relative_to(site)} -> {href} (no such anchor)")
    assert len(pages) > 20
    assert broken == []


def test_the_home_page_counts_equal_the_data(site, data):
    text = read_page(site / "index.html").plain
    countries = {c["country"] for c in data["city"].values()}
    featured = [c for c in data["city"].values() if c.get("featured")]
    assert f"{len(data['city'])} cities" in text
    assert f"{len(countries)} countries" in text
    assert f"{len(featured)} featured city profiles" in text
    assert f"{len(data['initiative'])} local initiatives" in text
    assert f"{len(data['network'])} city networks" in text


def test_a_city_page_links_to_its_country_networks_initiatives_and_sources(site, data):
    page = read_page(page_file(site, "cities/potsdam/"))
    assert "../../countries/de/" in page.links
    assert "../../networks/cities-of-safe-harbours/" in page.links
    assert "../../initiatives/potsdam-declaration/" in page.links
    for source in data["city"]["potsdam"]["sources"]:
        assert (source if isinstance(source, str) else source["url"]) in page.links
    assert "since June 2019" in page.plain and "Last verified on" in page.plain


def test_edit_this_page_opens_the_data_file_in_the_repository(site):
    page = read_page(page_file(site, "cities/potsdam/"))
    assert f"{REPO_URL}/edit/main/cities/potsdam.md" in page.links
    assert f"{REPO_URL}/edit/main/content/about.md" in read_page(page_file(site, "about/")).links


def test_related_initiatives_link_both_ways(site):
    a = read_page(page_file(site, "initiatives/potsdam-declaration/"))
    b = read_page(page_file(site, "initiatives/charter-of-palermo/"))
    assert "../charter-of-palermo/" in a.links and "../potsdam-declaration/" in b.links


def test_a_network_page_lists_its_members_with_their_count(site, data):
    members = [slug for slug, c in data["city"].items()
               if any((m if isinstance(m, str) else m["network"]) == "cities-of-safe-harbours"
                      for m in c.get("networks", []))]
    page = read_page(page_file(site, "networks/cities-of-safe-harbours/"))
    assert f"{len(members)} {'city' if len(members) == 1 else 'cities'} in" in page.plain
    for slug in members:
        assert f"../../cities/{slug}/" in page.links


def test_pages_carry_description_open_graph_and_canonical_url(site):
    page = read_page(page_file(site, "cities/potsdam/"))
    assert page.canonical == f"{SITE_URL}cities/potsdam/"
    assert page.meta["og:url"] == page.canonical
    assert page.meta["og:title"] == "Potsdam"
    assert page.meta["description"].startswith("The capital of Brandenburg")


def test_generated_entity_pages_stay_out_of_the_navigation(site):
    html = page_file(site, "about/").read_text()
    assert "cities/potsdam/" not in html and "cities/" in html


def test_each_geojson_layer_is_valid_with_one_feature_per_entity_in_lon_lat_order(site, data):
    cities = geojson.loads((site / "data/cities.geojson").read_text())
    assert cities.is_valid and len(cities["features"]) == len(data["city"])
    for feature in cities["features"]:
        lat, lon = data["city"][feature["properties"]["slug"]]["coordinates"]
        assert feature["geometry"]["coordinates"] == [round(lon, 5), round(lat, 5)]
    initiatives = geojson.loads((site / "data/initiatives.geojson").read_text())
    assert initiatives.is_valid and len(initiatives["features"]) == len(data["initiative"])
    for slug in data["network"]:
        layer = geojson.loads((site / f"data/networks/{slug}.geojson").read_text())
        assert layer.is_valid


def test_csv_rows_match_the_files(site, data):
    for name, kind, field in (("cities", "city", "name"), ("initiatives", "initiative", "title"),
                              ("networks", "network", "name")):
        rows = list(csv.DictReader(io.StringIO((site / f"data/{name}.csv").read_text(encoding="utf-8-sig"))))
        assert {r["slug"]: r[field] for r in rows} == {s: d[field] for s, d in data[kind].items()}
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO((site / "data/cities.csv").read_text(encoding="utf-8-sig")))}
    assert float(rows["potsdam"]["latitude"]) == data["city"]["potsdam"]["coordinates"][0]


def test_the_spreadsheets_open_with_their_letters_and_whole_addresses(real_site):
    from .conftest import SITE_URL

    for language, prefix in (("en", ""), ("de", "de/")):
        for name in ("cities", "initiatives", "networks", "admission"):
            raw = (real_site / f"{prefix}data/{name}.csv").read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 with its mark: Excel reads "Gdańsk" as written
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
            assert rows and all(row["url"].startswith(f"{SITE_URL}{prefix}") for row in rows), (language, name)
    cities = (real_site / "data/cities.csv").read_bytes().decode("utf-8-sig")
    assert "Gdańsk" in cities and f"{SITE_URL}cities/gdansk/" in cities


def test_the_about_tab_opens_about_and_its_section_lists_open_data(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    tabs = dict((name.strip(), href) for href, name in
                re.findall(r'<a href="([^"]*)" class="md-tabs__link">\s*([^<]+?)\s*</a>', home))
    assert tabs["About"] == "about/"
    about = (real_site / "about/index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"]*)" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]+?)\s*<',
                     re.sub(r"\s+", " ", about).replace("> <", "><"))
    assert ("../data/", "Open data") in nav, nav


def test_search_results_never_show_the_embed_code(real_site):
    for prefix in ("", "de/"):
        docs = json.loads((real_site / f"{prefix}search/search_index.json").read_text(encoding="utf-8"))["docs"]
        shown = [d["location"] for d in docs if "iframe" in d["text"] or "atlas-embed" in d["text"]
                 or "Copy the code" in d["text"] or "Code kopieren" in d["text"]]
        assert shown == [], shown[:5]
    page = (real_site / "map/index.html").read_text(encoding="utf-8")
    assert '<details class="atlas-embed" data-search-exclude' in page  # still on the page, for who wants it


def test_search_indexes_what_is_written_about_a_place_and_not_the_pages_structure(real_site):
    """A city's entries hold its lead, its other names, its takeaways and its profile; its facts, lists,
    sources and embed code are on the page, not in the index (generator/site/search.py)."""
    docs = json.loads((real_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    palermo = {d["location"]: d for d in docs if d["location"].startswith("cities/palermo/")}
    text = " ".join(d["text"] for d in palermo.values())
    assert "The open harbour city that challenges European migration politics." in text  # the lead
    assert "Palerme" in text  # its name in French, found from any language
    assert "cities/palermo/#key-takeaways" in palermo and "cities/palermo/#what-is-unique-about-the-city" in palermo
    assert "cities/palermo/#sources" not in palermo and "cities/palermo/#initiatives" not in palermo
    for words in ("Last verified", "Networks:", "Population:", "Country:", "moving-cities.eu", "atlas-embed"):
        assert words not in text, words
    charter = " ".join(d["text"] for d in docs if d["location"].startswith("initiatives/charter-of-palermo/"))
    assert "Actors:" in charter and "City:" not in charter  # who runs it is searched; the links around it not
    facts = [d["location"] for d in docs if d["location"].startswith("cities/") and "Country:" in d["text"]]
    assert facts == [], facts[:5]  # "Germany" finds the country's page, not the facts of every German city
    shown = " ".join(read_page(page_file(real_site, "cities/palermo/")).plain.split())
    assert "Last verified" in shown and "Networks:" in shown and "Sources" in shown  # still on the page itself
    html = (real_site / "cities/palermo/index.html").read_text(encoding="utf-8")
    assert "atlas:unsearched" not in html and "atlas:searched" not in html  # the marks never reach a reader
    german = json.loads((real_site / "de/search/search_index.json").read_text(encoding="utf-8"))["docs"]
    notices = [d["location"] for d in german if d["location"].startswith(("cities/", "initiatives/", "networks/"))
               and "noch nicht übersetzt" in d["text"]]
    assert notices == [], notices[:5]  # nor the notice of an untranslated profile, on hundreds of pages


def test_a_city_without_a_profile_tells_in_sentences_what_the_atlas_knows(real_site):
    from .site import ROOT

    text = (ROOT / "cities/herrenberg.md").read_text(encoding="utf-8")
    assert "featured: true" not in text and "commitments:" in text  # the case: a plain city with commitments
    page = read_page(page_file(real_site, "cities/herrenberg/"))
    # the text as read: the spaces the parser puts around a link's words taken out again
    plain = re.sub(r"\(\s+", "(", re.sub(r"\s+([),.;:])", r"\1", " ".join(page.plain.split())))
    assert "What the atlas knows" in plain
    said = plain[plain.index("Herrenberg is a member of"):].split(" Initiatives", 1)[0]
    assert "Herrenberg is a member of Seebrücke Safe Harbours (since 18 February 2020)." in said
    assert "Its commitments in Seebrücke Safe Harbours: Public declaration of solidarity: declared" in said
    assert re.search(r"Elsewhere in its country \(Germany\), the atlas has \d+ initiatives; the nearest are ", said)
    assert re.search(r"The nearest cities in the atlas are [^.]+ \(\d+ km\), [^.]+ \(\d+ km\),? and [^.]+ \(\d+ km\)\.",
                     said), said
    german = " ".join(read_page(page_file(real_site, "de/cities/herrenberg/")).plain.split())
    assert "Was der Atlas weiß" in german and "Die nächstgelegenen Städte im Atlas sind" in german
    featured = read_page(page_file(real_site, "cities/potsdam/")).plain
    assert "What the atlas knows" not in featured  # a profile says it itself


def test_the_nearest_cities_are_the_nearest_of_all(repository_report):
    from generator.core.link import link
    from generator.render.pages import Nearby, distance_km

    atlas = link(repository_report)
    cities = list(atlas.cities.values())
    nearby = Nearby(cities)
    for city in cities:
        brute = sorted((distance_km(city.coordinates, o.coordinates), o.slug) for o in cities if o is not city)[:3]
        assert [(round(km, 6), o.slug) for o, km in nearby.nearest(city)] == [(round(km, 6), s) for km, s in brute]
    # Each ring is its own cells, each once: a far-off city's search does not go over the inner rings again.
    for ring in range(6):
        cells = list(Nearby.ring(3, -2, ring))
        assert len(cells) == len(set(cells)) == max(1, 8 * ring)
        assert all(max(abs(i - 3), abs(j + 2)) == ring for i, j in cells)


def test_atlas_json_holds_the_whole_graph(site, data):
    atlas = json.loads((site / "data/atlas.json").read_text())
    assert {c["slug"] for c in atlas["cities"]} == set(data["city"])
    assert {i["slug"] for i in atlas["initiatives"]} == set(data["initiative"])
    assert {n["slug"] for n in atlas["networks"]} == set(data["network"])


def test_the_data_page_describes_every_download(site):
    page = read_page(page_file(site, "data/"))
    for name in ("cities.geojson", "initiatives.geojson", "atlas.json", "cities.csv", "initiatives.csv",
                 "networks.csv"):
        assert name in page.links
    assert "CC BY 4.0" in page.plain and "population_year" in page.plain


def _fits(value: str, kind: str) -> bool:
    """Whether a CSV cell holds a value of a Table Schema type (an empty cell is a missing value)."""
    import datetime as dt

    if value == "" or kind == "string":
        return True
    try:
        if kind == "integer":
            int(value)
        elif kind == "number":
            float(value)
        elif kind == "year":
            return value.isdigit() and len(value) == 4
        elif kind == "date":
            dt.date.fromisoformat(value)
        elif kind == "boolean":
            return value in ("true", "false")
        return True
    except ValueError:
        return False


def test_the_data_package_describes_every_download_as_it_is(site):
    """datapackage.json, read as a data tool reads it: every file it names is there, with its licence; every
    CSV has the columns its schema lists, in that order, and every cell is of its column's type."""
    package = json.loads((site / "data/datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    paths = {resource["path"] for resource in package["resources"]}
    assert {"cities.csv", "initiatives.csv", "networks.csv", "admission.csv", "cities.geojson", "atlas.json"} <= paths
    typed = set()
    for resource in package["resources"]:
        assert (site / "data" / resource["path"]).is_file() and resource["licenses"] == package["licenses"]
        if resource.get("format") != "csv":
            continue
        fields = resource["schema"]["fields"]
        rows = list(csv.reader(io.StringIO((site / "data" / resource["path"]).read_text(encoding="utf-8-sig"))))
        assert rows[0] == [field["name"] for field in fields], resource["path"]
        for row in rows[1:]:
            for value, field in zip(row, fields):
                assert _fits(value, field["type"]), (resource["path"], field["name"], value)
                typed.add((resource["name"], field["name"], field["type"]))
    assert {("cities", "latitude", "number"), ("cities", "population", "integer"), ("cities", "featured", "boolean"),
            ("cities", "population_year", "year"), ("initiatives", "since", "year")} <= typed
    assert "datapackage.json" in read_page(page_file(site, "data/")).links


def test_the_built_site_requests_nothing_from_other_hosts(site, pages):
    for path, page in pages.items():
        for asset in page.assets:
            assert resolve(site, path, asset) is not None, f"{path}: third-party asset {asset}"


def test_a_failing_data_file_stops_the_build_with_its_diagnostic_and_writes_nothing(tmp_path):
    from .site import with_bad_country

    atlas = small_atlas(tmp_path / "atlas")
    expected = with_bad_country(atlas)
    result = build_site(atlas, tmp_path / "out")
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_data_text_is_shown_as_text_never_as_markup(tmp_path):
    from generator.core.link import link
    from generator.core.validate import validate

    from .site import demo_atlas

    atlas = demo_atlas(tmp_path / "atlas", cities=60, hostile=False, featured=3)
    # A city with a subtitle, an initiative and a network: its name shows on every kind of page.
    linked = link(validate(atlas))
    city = next(c for c in linked.cities.values() if c.initiatives and c.memberships and c.subtitle)
    path = atlas / city.path
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^subtitle: .*$", "subtitle: '<b>Bold</b> *stars* [link](x) The capital'", text, count=1)
    text = re.sub(r"(?m)^name: .*$", "name: '<i>Pots</i>dam & *Co* \"q\"'", text, count=1)
    path.write_text(text, encoding="utf-8")
    result = build_site(atlas, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    html = page_file(tmp_path / "out", f"cities/{city.slug}/").read_text()
    assert "&lt;b&gt;Bold&lt;/b&gt; *stars* [link](x) The capital" in html
    # The name, in every list, table and card of generated HTML that shows it, and on its map.
    name = '<i>Pots</i>dam & *Co* "q"'
    for url in (f"cities/{city.slug}/", "cities/", f"countries/{city.country.code.lower()}/",
                f"networks/{city.memberships[0].network.slug}/", f"initiatives/{city.initiatives[0].slug}/"):
        page = read_page(page_file(tmp_path / "out", url))
        assert name in page.plain, url
        assert "<i>Pots" not in page_file(tmp_path / "out", url).read_text(), url
    assert 'data-name="&lt;i&gt;Pots&lt;/i&gt;dam &amp; *Co* &quot;q&quot;"' in html


@pytest.mark.parametrize("here, target", [
    ("cities/potsdam/", "countries/de/"), ("cities/potsdam/", "cities/berlin/"), ("cities/", "cities/berlin/"),
    ("cities/potsdam/", "cities/"), ("cities/potsdam/", ""), ("", "cities/"), ("cities/potsdam/", "cities/potsdam/"),
    ("data/", "data/networks/iash.geojson"), ("data/", "data/cities.csv"), ("fields/", "contribute/"),
])
def test_links_in_generated_html_are_written_as_mkdocs_writes_links(here, target):
    from mkdocs.utils import get_relative_url

    from generator.render.pages import relative_url

    assert relative_url(target, here) == get_relative_url(target or "./", here or "./")


def test_an_unknown_snippet_marker_in_a_page_stops_the_build_naming_the_page(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    with (atlas / "content/about.md").open("a") as page:
        page.write("\n<!-- atlas:cuonts -->\n")
    result = build_site(atlas, tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/about.md" in result.stderr and "unknown <!-- atlas:cuonts -->; known: counts, map, featured" in result.stderr


def test_generated_html_blocks_come_out_as_python_markdown_writes_raw_html():
    import markdown

    from generator.site.html_blocks import MARKER, GeneratedHtml

    page = ("# Title\n\n{m}\n<ul>\n<li><a href=\"../x/\">X &amp; *Y*</a></li>\n</ul>\n\nSome *Markdown*.\n\n"
            "## Sources\n\n{m}\n<ol>\n<li>a</li>\n</ol>\n\n{m}\n<p class=\"atlas-verified\">On <time>1 May</time>.</p>\n")
    extensions = ["attr_list", "md_in_html", "tables", "admonition", "toc"]
    plain = markdown.markdown(page.format(m=""), extensions=extensions)
    stored = markdown.markdown(page.format(m=MARKER), extensions=[*extensions, GeneratedHtml()])
    assert stored.replace("\n\n", "\n") == plain.replace("\n\n", "\n")  # blank lines between blocks aside
    assert "<em>Markdown</em>" in stored and "*Y*" in stored and MARKER not in stored
