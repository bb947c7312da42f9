"""Whatever a contributor types or imports, the atlas answers with messages, never an exception."""

import json
import re
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.core.validate import validate

from .conftest import CITY, INITIATIVE, NETWORK, RECENT

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
    assert all(p.line >= 1 and p.code in ("bad-translation", "bad-catalogue") for p in problems if p.is_error)
    assert [p.code for p in problems if not p.is_error] == (["untranslated"] if not msgstr else [])
    if catalogue is not None and not any(p.is_error for p in problems):
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


# ---- every field, any value YAML can spell -------------------------------------------------------
# Mutated text (above) seldom makes a well-formed file whose field holds an odd value; these do, field by
# field, in files that use every field, with an expectation and commitments that read across files. Found
# this way: a date with a time of day, networks: -1 and a count of .inf each stopped validation.

def _file(text: str) -> str:
    return text.replace("{RECENT}", RECENT)


RICH = {
    "cities/testville.md": _file("""\
---
name: Testville
names: {de: Testburg, source: "https://example.org/names"}
country: DE
coordinates: [52.52, 13.405]
featured: true
subtitle: The test city.
population: {value: 123456, year: 2022, source: "https://example.org/population"}
networks:
  - {network: test-network, since: 2019-06, commitments: [{commitment: solidarity, state: declared, source: "https://example.org/d", date: 2020-05}]}
  - other-network
takeaways: [Welcoming is a decision., The city pays for it.]
website: https://example.org/testville
sources:
  - {title: A page, url: "https://example.org/p", published: 2021-03, retrieved: {RECENT}}
last_verified: {RECENT}
---

## What is unique about the city

Testville declared itself a safe harbour in 2019.

## Focus of local migration policy

Housing first, and the [welcome office](../initiatives/test-welcome.md) for everyone.

## Greatest achievements

Four hundred people housed.

## Key factors

A council majority.

## Political activity beyond the city level

Testville speaks for the alliance.
"""),
    "networks/test-network.md": _file("""\
---
name: Test Network
short_name: TN
founded: 2015
scope: european
member_count: {count: 12, at_least: true, as_of: 2026-01, retrieved: {RECENT}, source: "https://example.org/members"}
commitments:
  - {slug: solidarity, name: Public declaration of solidarity, description: Said in public., admission: false}
website: https://example.org/network
sources: [https://example.org/network]
last_verified: {RECENT}
---
"""),
    "initiatives/test-welcome.md": _file("""\
---
title: Test Welcome
city: testville
topics: [access-to-social-rights]
since: 2016
actors: [The council]
sources: [https://example.org/welcome]
last_verified: {RECENT}
---
"""),
}
EXPECTATION = "- members_of: test-network\n  are_members_of: other-network\n  because: a rule for tests\n"
# One value of each kind YAML can spell, and the forms contributors paste by mistake.
ODD = [".inf", ".nan", "-1", "99999999999999999999", "2.5", "1.780", "true", "no", "null", "''", "[]", "{}", "[1, 2]",
       "[[x]]", "{a: 1}", "[{}]", "2026-12-06T10:00:00", "2026-13-45", "2999-01-01", "!!binary AAAA", "!!set {a}",
       "!custom x", "'javascript:alert(1)'", "'<script>alert(1)</script>'", "'\\u202e'", "test-network", "testville"]


def _fields(text: str) -> list[tuple[int, int, int]]:
    """(line, start, end) of every value in a file's front matter: after `key: `, an item of a list, and every
    item of a flow list or mapping on the line (split at its commas and braces)."""
    found = []
    lines = text.split("\n")
    for number, line in enumerate(lines[1:lines.index("---", 1)], start=1):
        for match in re.finditer(r"(?:^\s*(?:- )?(?:[a-z_]+: )?|[{,\[] ?(?:[a-z_]+: )?)([^,{}\[\]\n]+)", line):
            if match.group(1).strip() not in ("", "-") and not match.group(1).rstrip().endswith(":"):
                found.append((number, match.start(1), match.end(1)))
    return found


def _variants(text: str, value: str):
    """(what changed, the file) for each place of the front matter the value can take: each value, and each field
    whose value is a block of lines (networks:, sources:, commitments:) as a whole."""
    lines = text.split("\n")
    for number, start, end in _fields(text):
        changed = lines[number][:start] + value + lines[number][end:]
        yield changed, "\n".join([*lines[:number], changed, *lines[number + 1:]])
    closing = lines.index("---", 1)
    for number in range(1, closing):
        if block := re.fullmatch(r"([a-z_]+):", lines[number]):
            after = next(i for i in range(number + 1, closing + 1) if not lines[i].startswith(" "))
            changed = f"{block.group(1)}: {value}"
            yield changed, "\n".join([*lines[:number], changed, *lines[after:]])


def test_any_value_in_any_field_gives_diagnostics_never_an_exception_and_a_valid_atlas_builds(atlas):
    """Every field of files that use every field, given each value of ODD in turn (about 1,500 files)."""
    from generator.site.build import build

    for relative, text in RICH.items():
        atlas.write(relative, text)
    atlas.write("networks/other-network.md", NETWORK.replace("Test Network", "Other Network"))
    atlas.write("networks/expectations.yml", EXPECTATION)
    failures, tried = [], 0
    for relative, text in RICH.items():
        for value in ODD:
            for changed, variant in _variants(text, value):
                tried += 1
                atlas.write(relative, variant)
                try:
                    report = validate(atlas.root)
                    assert all(d.line >= 1 and d.column >= 1 and d.code and d.message for d in report.diagnostics)
                    if not report.errors:
                        build(atlas.root).outputs  # pages, lists and downloads render whatever the valid value
                except Exception as error:  # noqa: BLE001 (every failure listed, not only the first)
                    failures.append(f"{relative}: {changed!r}: {error!r}")
        atlas.write(relative, text)
    assert tried > 1000 and not failures, "\n".join(failures)


def test_the_files_every_field_is_tried_in_are_valid_as_written(atlas):
    for relative, text in RICH.items():
        atlas.write(relative, text)
    atlas.write("networks/other-network.md", NETWORK.replace("Test Network", "Other Network"))
    atlas.write("networks/expectations.yml", EXPECTATION)
    assert atlas.diagnostics() == []
    assert sum(len(_fields(text)) for text in RICH.values()) >= 45  # each field's value is tried
