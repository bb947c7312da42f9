"""Rules about a file as a whole: encoding, front matter, YAML, size, name."""

import json
import re
import time
import tracemalloc

import pytest

from .conftest import CITY, INITIATIVE, NETWORK, RECENT, ROOT, only


def test_a_file_that_is_not_utf8_is_an_error_naming_the_line_of_the_bad_byte(atlas):
    atlas.write("cities/bad.md", "---\nname: Z\xfcrich\n".encode("latin-1"))
    d = only(atlas.diagnostics(), "not-utf8")
    assert (d.path, d.line) == ("cities/bad.md", 2)
    assert "UTF-8" in d.message and "0xfc" in d.message


@pytest.mark.parametrize("relative", ["cities/bad.md", "content/about.md", "atlas.yml", "networks/scopes.yml"])
@pytest.mark.parametrize("bad, line, column, says", [
    (b"abc \xfc d", 2, 5, "expected UTF-8 text, found byte 0xfc"),
    (b"ab\x00cd", 2, 3, "expected text, found a NUL byte"),
])
def test_every_file_the_atlas_reads_names_the_line_and_column_of_a_byte_that_is_not_text(atlas, relative, bad, line,
                                                                                     column, says):
    atlas.write(relative, b"---\n" + bad + b"\n---\n")
    d = only(atlas.diagnostics(), "not-utf8")
    assert (d.path, d.line, d.column) == (relative, line, column) and d.message.startswith(says)
    assert "UTF-8" in d.hint


def test_utf8_with_a_bom_and_crlf_line_ends_reads_like_any_other_file(atlas):
    text = f"---\r\nname: Testburg\r\ncountry: DE\r\ncoordinates: [52.52, 13.405]\r\n" \
           f"sources: [https://example.org]\r\nlast_verified: {RECENT}\r\nfeatrued: true\r\n---\r\nBody\r\n"
    atlas.write("cities/testburg.md", b"\xef\xbb\xbf" + text.encode())
    d = only(atlas.diagnostics(), "unknown-field")
    assert (d.path, d.line, d.column) == ("cities/testburg.md", 7, 1)


def test_an_empty_file_is_an_error(atlas):
    atlas.write("cities/empty.md", "\n  \n")
    d = only(atlas.diagnostics(), "empty-file")
    assert d.path == "cities/empty.md" and "empty" in d.message


def test_a_file_without_front_matter_is_an_error_that_shows_what_the_first_line_was(atlas):
    atlas.write("cities/plain.md", "name: Plain\n")
    d = only(atlas.diagnostics(), "no-front-matter")
    assert d.line == 1 and "'---'" in d.message and "name: Plain" in d.message


def test_front_matter_that_is_never_closed_is_an_error(atlas):
    atlas.write("cities/open.md", "---\nname: Open\ncountry: DE\n")
    d = only(atlas.diagnostics(), "unclosed-front-matter")
    assert d.line == 1 and "never closed" in d.message


def test_a_yaml_syntax_error_names_its_line_and_column(atlas):
    atlas.write("cities/broken.md", f"---\nname: Broken\ncountry: [DE\ncoordinates: [1, 2]\nlast_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "yaml-syntax")
    assert d.path == "cities/broken.md" and d.line in (3, 4) and d.column >= 1
    assert "YAML syntax error" in d.message


def lines_of(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize("field", ["name", "country", "last_verified"])
def test_a_field_without_a_space_after_its_colon_is_reported_on_its_own_line_with_the_line_to_write(atlas, field):
    # "country:DE" is text to YAML, not a field: it stops at the next line's colon, or at the end
    path = atlas.write("cities/testville.md", re.sub(rf"(?m)^{field}: ", f"{field}:", CITY))
    d = only(atlas.diagnostics(), "yaml-syntax")
    line = lines_of(path.read_text())[d.line - 1]
    assert line.startswith(f"{field}:") and "without a space after the colon" in d.message
    assert d.hint == f"write a space after the colon: {line.replace(':', ': ', 1)}"


def test_a_field_without_its_colon_is_reported_on_its_own_line_not_where_yaml_gives_up(atlas):
    # title without its colon, then a comment and the next field: YAML notices only at the next colon
    text = CITY.replace("name: Testville\n", "name Testville\n# the country\n")
    path = atlas.write("cities/testville.md", text)
    d = only(atlas.diagnostics(), "yaml-syntax")
    assert lines_of(path.read_text())[d.line - 1] == "name Testville"
    assert "name: Testville" in d.hint and "without a colon" in d.message
    text = CITY.replace("  - https://example.org/testville\n",
                        "  - title Testville's page\n    url: https://example.org/testville\n")
    path = atlas.write("cities/testville.md", text)
    d = only(atlas.diagnostics(), "yaml-syntax")
    assert lines_of(path.read_text())[d.line - 1].strip().startswith("- title ")


def test_a_non_breaking_space_after_a_colon_is_named_where_it_is(atlas):
    path = atlas.write("cities/testville.md", CITY.replace("country: DE", "country:\u00a0DE"))
    d = only(atlas.diagnostics(), "yaml-syntax")
    assert lines_of(path.read_text())[d.line - 1].startswith("country:") and d.column == 9
    assert "U+00A0" in d.message and "space" in d.hint


def test_a_date_in_quotes_is_told_to_lose_its_quotes(atlas):
    atlas.write("cities/testville.md", CITY.replace(f"last_verified: {RECENT}", f"last_verified: '{RECENT}'"))
    d = only(atlas.diagnostics(), "bad-date")
    assert "in quotes" in d.message and d.hint == f"remove the quotes: a date is written bare, e.g. {RECENT}"


def test_a_list_items_field_without_its_indentation_is_told_where_it_belongs(atlas):
    broken = CITY.replace("sources:\n  - https://example.org/testville\n",
                          "sources:\n- title: Testville's page\nurl: https://example.org/testville\n")
    atlas.write("cities/testville.md", broken)
    found = {d.code: d for d in atlas.diagnostics()}
    assert "item 1 of 'sources' needs" in found["missing-field"].message  # not "'0' needs"
    assert "belongs to an item of 'sources'" in found["unknown-field"].hint


def test_a_population_with_a_thousands_separator_gets_a_hint(atlas):
    atlas.write("cities/testville.md", CITY.replace("networks:", "population:\n  value: 1.780\n  year: 2021\n"
                                                    "  source: https://www.statistik.at/\nnetworks:"))
    d = only(atlas.diagnostics(), "wrong-type")
    assert "1780" in d.hint and "thousands separator" in d.hint


@pytest.mark.parametrize("name", ["“Testville", "Testville (Mitte", "Testville »Nord", 'Test"ville'])
def test_a_name_with_an_unpaired_quotation_mark_or_bracket_is_an_error(atlas, name):
    atlas.write("cities/testville.md", CITY.replace("name: Testville", f"name: '{name}'"))
    d = only(atlas.diagnostics(), "unpaired-mark")
    assert d.line == 2


@pytest.mark.parametrize("name", ["„Testville“", "Testville (Mitte)", "«Testville»", "“Testville”"])
def test_a_name_with_its_marks_in_pairs_is_fine(atlas, name):
    atlas.write("cities/testville.md", CITY.replace("name: Testville", f"name: '{name}'"))
    assert [d for d in atlas.diagnostics() if d.code == "unpaired-mark"] == []


def test_tab_indentation_is_an_error_on_the_line_with_the_tab(atlas):
    atlas.write("cities/tabbed.md", "---\nname: Tabbed\nsources:\n\t- https://example.org\n---\n")
    d = only(atlas.diagnostics(), "tab-indent")
    assert (d.line, d.column) == (4, 1) and "tab" in d.message and "spaces" in d.hint


def test_yaml_anchors_and_aliases_are_refused(atlas):
    atlas.write("cities/alias.md", "---\nname: &n Alias\nsubtitle: *n\n---\n")
    d = only(atlas.diagnostics(), "yaml-alias")
    assert d.line == 2 and "anchors" in d.message


def test_an_alias_bomb_is_refused_without_expanding_it():
    from pathlib import Path

    from generator.core.load import read_source

    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        previous = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("---")
    text = "\n".join(lines) + "\n"
    assert len(text) < 1500
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.md"
        path.write_text(text)
        tracemalloc.start()
        started = time.perf_counter()
        _, diagnostics = read_source(path, "cities/bomb.md", "city", 1 << 20)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert [d.code for d in diagnostics] == ["yaml-alias"]
    # 9**10 expanded items would take minutes and gigabytes; refusing takes neither.
    assert peak < 50 * 1024 * 1024 and elapsed < 10


def test_a_file_larger_than_the_limit_is_refused_unread(atlas):
    atlas.write("cities/huge.md", "---\nname: Huge\n---\n" + "x" * (1024 * 1024 + 1))
    d = only(atlas.diagnostics(), "file-too-large")
    assert "1,048,576" in d.message


def test_a_file_name_that_is_not_a_lowercase_slug_is_an_error_with_the_name_to_use(atlas):
    atlas.write("cities/Bad Name.md", f"---\nname: Bad\ncountry: DE\ncoordinates: [52.5, 13.4]\n"
                                      f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "bad-file-name")
    assert d.path == "cities/Bad Name.md" and "bad-name.md" in d.hint


def test_two_slugs_that_differ_only_by_case_or_accents_collide(atlas):
    body = f"---\nname: Zurich\ncountry: CH\ncoordinates: [47.37, 8.54]\nsources: [https://example.org]\n" \
           f"last_verified: {RECENT}\n---\n"
    atlas.write("cities/zurich.md", body)
    atlas.write("cities/zürich.md", body)
    d = only(atlas.diagnostics(), "slug-collision")
    assert "cities/zurich.md" in d.message and d.path == "cities/zürich.md"


def test_a_field_written_twice_is_an_error_pointing_at_the_second(atlas):
    atlas.write("networks/twice.md", f"---\nname: Twice\nscope: european\nname: Again\n"
                                     f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "duplicate-key")
    assert d.line == 4 and "line 2" in d.message


def test_front_matter_that_is_a_list_instead_of_fields_is_an_error(atlas):
    atlas.write("networks/listy.md", "---\n- name\n- scope\n---\n")
    d = only(atlas.diagnostics(), "wrong-type")
    assert "a list" in d.message


def test_deeply_nested_values_are_an_error_not_a_crash(atlas):
    atlas.write("networks/deep.md", "---\nname: " + "[" * 40 + "]" * 40 + "\n---\n")
    assert "too-deep" in atlas.codes()


def test_broken_yaml_in_atlas_yml_is_an_error_with_its_line_not_a_crash(atlas):
    (atlas.root / "atlas.yml").write_text("max_file_bytes: 1000\neurope_extent: [1, 2\n")
    d = only(atlas.diagnostics(), "yaml-syntax")
    assert d.path == "atlas.yml" and d.line == 3


def test_bad_settings_name_the_setting_its_line_and_what_was_expected(atlas):
    (atlas.root / "atlas.yml").write_text("max_file_bytes: lots\nstale_after_month: 3\neurope_extent: {west: 1}\n")
    found = {d.line: d for d in atlas.diagnostics() if d.path == "atlas.yml"}
    assert "positive number, found 'lots'" in found[1].message
    assert found[2].code == "unknown-field" and found[2].hint == "did you mean 'stale_after_months'?"
    assert "west < east" in found[3].message and "south < north" in found[3].message
    assert only(atlas.diagnostics(), "unknown-field").path == "atlas.yml"  # the defaults still check the data


def test_a_bad_vocabulary_entry_is_reported_on_its_own_line(atlas):
    topics = (atlas.root / "initiatives/topics.yml").read_text()
    (atlas.root / "initiatives/topics.yml").write_text(
        topics + "- name: No slug\n- slug: access-to-social-rights\n  name: Twice\n")
    lines = topics.count("\n")
    found = [d for d in atlas.diagnostics() if d.path == "initiatives/topics.yml"]
    assert [(d.line, d.code) for d in found] == [(lines + 1, "wrong-type"), (lines + 2, "duplicate-item")]
    assert "slug" in found[0].message


@pytest.mark.parametrize("folder, text", [("cities", CITY), ("initiatives", INITIATIVE), ("networks", NETWORK)])
def test_a_file_named_index_is_an_error_because_the_site_generates_that_page(atlas, folder, text):
    atlas.write(f"{folder}/index.md", text)
    d = only(atlas.diagnostics(), "reserved-slug")
    assert (d.path, d.line) == (f"{folder}/index.md", 1)
    assert f"{folder}/index.md is a page the site generates, the list of all {folder}" in d.message
    assert d.hint.startswith(f"rename the file, e.g. to {folder}/index-")


def test_a_topic_with_the_slug_index_is_an_error_on_its_line_of_the_vocabulary(atlas):
    topics = (atlas.root / "initiatives/topics.yml").read_text()
    (atlas.root / "initiatives/topics.yml").write_text(topics + "- slug: index\n  name: Index of everything\n")
    d = only(atlas.diagnostics(), "reserved-slug")
    assert (d.path, d.line) == ("initiatives/topics.yml", topics.count("\n") + 1)
    assert "topics/index.md is a page the site generates" in d.message


def test_every_page_the_site_generates_beside_entity_and_topic_pages_has_a_reserved_slug():
    from generator.site.build import build
    from generator.core.load import RESERVED_SLUGS

    result = build(ROOT)
    atlas = result.atlas
    own = {"cities": atlas.cities, "initiatives": atlas.initiatives, "networks": atlas.networks, "topics": atlas.topics}
    generated = {tuple(o.path[:-3].split("/")) for o in result.outputs if o.path.endswith(".md")}
    others = {slug for folder, slug in (p for p in generated if len(p) == 2)
              if folder in own and slug not in own[folder]}
    assert others and others <= RESERVED_SLUGS


def test_a_slug_that_merely_ends_in_index_is_an_ordinary_page_with_its_own_address(atlas):
    from generator.site.build import build

    atlas.write("cities/reindex.md", CITY.replace("name: Testville", "name: Reindex").replace("52.52, 13.405",
                                                                                             "52.0, 13.0"))
    assert atlas.diagnostics() == []
    cities = json.loads(next(o.content for o in build(atlas.root).outputs if o.path == "data/cities.geojson"))
    assert {f["properties"]["name"]: f["properties"]["url"] for f in cities["features"]}["Reindex"] == "cities/reindex/"
