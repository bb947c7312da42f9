"""Whatever a contributor types or imports, the atlas answers with messages, never an exception."""

import json
import re
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.core.validate import validate

from .conftest import CITY, INITIATIVE, NETWORK

TEXT = st.text(alphabet=string.printable + "äöüßé€\t\r\x00\u2028&*[]{}:-#'\"|>", max_size=400)


def mutate(original: str, data) -> str:
    """Delete, insert or replace a slice of a valid file."""
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 20)))
    return original[:start] + data.draw(TEXT) + original[end:]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_give_diagnostics_never_an_exception(atlas, data):
    kind, folder, original = data.draw(st.sampled_from([("city", "cities", CITY), ("network", "networks", NETWORK),
                                                        ("initiative", "initiatives", INITIATIVE)]))
    text = mutate(original, data)
    name = {"city": "testville", "network": "test-network", "initiative": "test-welcome"}[kind]
    atlas.write(f"{folder}/{name}.md", text.encode("utf-8", "surrogatepass"))
    report = validate(atlas.root)
    for d in report.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.code and d.message


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_diagnostics_never_an_exception(atlas, raw):
    atlas.write("cities/random.md", raw)
    report = validate(atlas.root)
    assert any(d.path == "cities/random.md" for d in report.diagnostics)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
FEATURE = st.fixed_dictionaries({}, optional={
    "type": st.just("Feature") | JSON,
    "properties": st.fixed_dictionaries({}, optional={k: JSON | st.text(max_size=30) for k in (
        "name", "country", "latitude", "longitude", "networks", "sources", "featured", "website", "slug")}) | JSON,
    "geometry": st.fixed_dictionaries({"type": st.just("Point") | JSON,
                                       "coordinates": st.lists(st.floats() | st.integers() | JSON, max_size=3)}) | JSON,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(collection=st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(FEATURE | JSON,
                                                                                                      max_size=4)})
       | JSON)
def test_whatever_a_geojson_file_holds_import_answers_with_messages_never_an_exception(atlas, tmp_path, collection):
    from generator.cli.importer import ImportFailed, import_cities

    source = tmp_path / "members.geojson"
    source.write_text(json.dumps(collection))
    try:
        outcome = import_cities(atlas.root, source, update=True)
    except ImportFailed as error:
        assert str(error).startswith(str(source))
    else:
        assert all(reasons for _, _, reasons in outcome.failed)



# ---- the other files a pull request can change -------------------------------------------

MARKUP = ["<", ">", "<a href=\"%(url)s\">", "</a>", "<img src=x onerror=alert(1)", "<meta http-equiv=refresh ",
          "<!--", "-->", "<!-->", "&lt;", "&amp;", "\"", "'", "%(url)s", "{entity.name}", "onclick=", "<b>", "</b>",
          "Karte", " ", "é", "\\\""]


@settings(max_examples=150, deadline=None)
@given(msgstr=st.lists(st.sampled_from(MARKUP), max_size=8).map("".join),
       msgid=st.sampled_from(["Map", "See <a href=\\\"%(url)s\\\">the list</a>", "Data &amp; code"]))
def test_a_catalogue_translation_is_accepted_only_without_markup_the_english_lacks(tmp_path_factory, msgid, msgstr):
    from generator.core.i18n import read_catalogue

    from .site import active_content

    path = tmp_path_factory.mktemp("po") / "atlas.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "{msgid}"\n'
                    f'msgstr "{msgstr}"\n', encoding="utf-8")
    catalogue, problems = read_catalogue(path, "de", "atlas.po")
    assert all(p.line >= 1 and p.code in ("bad-translation", "bad-catalogue") for p in problems)
    if catalogue is not None and not problems:
        printed = catalogue[msgid.replace('\\"', '"')].string.replace("%(url)s", "https://example.org/")
        assert active_content(printed + "<p>the rest of the page</p>") == [], printed


FRONT = ["title: About\n", "description: x\n", "hide: [toc]\n", "hide: 5\n", "search:\n  boost: 2\n",
         "template: x.html\n", "a: &x [1]\nb: *x\n", "machine_assisted: true\n", "title: [\n", "\t", ": :\n"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.lists(st.sampled_from(FRONT), max_size=6).map("".join), post=st.booleans())
def test_whatever_a_page_or_posts_front_matter_holds_validate_answers_with_messages(atlas, front, post):
    relative = "content/news/posts/x.md" if post else "content/about.md"
    atlas.write(relative, f"---\n{front}---\n\n# Page\n")
    report = validate(atlas.root)
    for d in report.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.code and d.message
    if "template" in front or "&x" in front or "hide: 5" in front:
        assert report.errors


FEED_TEXT = st.text(alphabet=string.printable + "\x0b\uffff\ufffe\ud7ff<>&\"'é", max_size=80)


@settings(max_examples=200, deadline=None)
@given(title=FEED_TEXT, description=FEED_TEXT)
@example(title="&#1", description="&#1")  # a reference to a character XML forbids, found by this test
def test_the_feed_is_well_formed_and_its_descriptions_sanitised_whatever_a_post_says(title, description):
    import html
    import xml.etree.ElementTree as ET

    from generator.core.safety import clean_feed

    from .site import active_content

    escape = lambda text: html.escape(text, quote=False).encode("utf-16", "surrogatepass").decode("utf-16")  # noqa: E731
    feed = (f'<?xml version="1.0" encoding="UTF-8" ?><rss version="2.0"><channel><item><title>{escape(title)}'
            f'</title><description>{escape(description)}</description></item></channel></rss>')
    item = ET.fromstring(clean_feed(feed).encode("utf-8", "surrogatepass")).find("channel/item")
    assert active_content(item.findtext("description") or "") == []
    assert active_content(item.findtext("title") or "") == [] and not re.search("<[^>]*>", item.findtext("title") or "")


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=False)),
                              min_size=1, max_size=3), max_size=5))
def test_no_csv_cell_begins_with_a_formula_character_unless_it_is_a_number(rows):
    import csv
    import io

    from generator.render import export

    for row in list(csv.reader(io.StringIO(export.csv_text(["a"], rows), newline="")))[1:]:
        for cell in row:
            assert not cell.startswith(export.FORMULA_START) or export.NUMBER.fullmatch(cell), cell
