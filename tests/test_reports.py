"""City reports: every featured city's PDF, what it says, how it is printed, and the site without them.

The report is read back from the PDF as a reader's PDF viewer would give its text (pypdf), so
these tests see what is printed, not the HTML it was printed from.
"""

from __future__ import annotations

import http.server
import importlib.abc
import io
import json
import logging
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.render import report
from generator.site.build import BuildFailed, build
from generator.render.pages import Publishing

from .conftest import RECENT
from .site import active_content, build_in_process, page_file, read_page, small_atlas

if report.unavailable():
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must print the city reports: {report.unavailable()} (.ci/run installs the libraries)")
    pytest.skip(report.unavailable(), allow_module_level=True)

from pypdf import PdfReader  # noqa: E402  (after the skip: a test extra)

SITE_URL = "https://atlas.example.net/"

FEATURED = f"""\
---
name: Testville
country: DE
coordinates: [52.52, 13.405]
featured: true
subtitle: The test city that opened its harbour to everyone.
population: {{value: 123456, year: 2022, source: "https://example.org/population"}}
networks:
  - network: test-network
    since: 2019-06
takeaways:
  - Welcoming is a decision the council takes again every year.
  - The city pays for a local admission programme of its own.
website: https://example.org/testville
sources:
  - title: Testville's council decision on the safe harbour
    url: https://example.org/council-decision
    published: 2021-03
  - title: The welcome office's annual report
    url: https://example.org/welcome-report
last_verified: {RECENT}
---

## What is unique about the city

Testville declared itself a safe harbour in 2019.

## Focus of local migration policy

Housing first, and the [welcome office](../initiatives/test-welcome.md) for everyone.

## Greatest achievements

Four hundred people housed in flats rather than camps.

## Key factors

A council majority and a strong civil society.

## Political activity beyond the city level

Testville speaks for the alliance in the national association of cities.
"""


@pytest.fixture
def featured(tmp_path) -> Path:
    root = small_atlas(tmp_path / "atlas")
    (root / "cities/testville.md").write_text(FEATURED, encoding="utf-8")
    return root


def pdf_text(pdf: bytes | Path) -> str:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_built_site_has_a_report_of_each_featured_city_linked_from_its_page(featured):
    site = featured / "site"
    assert build_in_process(featured, site)
    pdf = site / "reports/testville.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    city = read_page(page_file(site, "cities/testville/"))
    assert "../../reports/testville.pdf" in city.links
    text = flat(pdf_text(pdf))
    assert "Testville" in text and "The test city that opened its harbour to everyone." in text


def test_the_report_holds_the_title_takeaways_profile_sections_initiatives_networks_and_sources(featured):
    result = build(featured, publishing=Publishing(site_url=SITE_URL, reports=True))
    city = result.atlas.entities["city"]["testville"]
    text = flat(pdf_text(report.print_pdf(report.report_html(result.atlas, city, SITE_URL))))
    for expected in ("Moving Cities Atlas · City report", "Testville", "The test city that opened its harbour to everyone.",
                     "Germany", "123,456 (2022)", "Key takeaways",
                     "Welcoming is a decision the council takes again every year.",
                     "The city pays for a local admission programme of its own.",
                     *city.kind.headings, "Testville declared itself a safe harbour in 2019.",
                     "Initiatives", "Test Welcome, since 2016", "Access to social rights",
                     "Networks", "Test Network", "member since June 2019",
                     "Sources", "Testville's council decision on the safe harbour (published in March 2021)",
                     "https://example.org/council-decision", "The welcome office's annual report",
                     "https://atlas.example.net/cities/testville/", "Page 1 of"):
        assert expected in text, f"{expected!r} is not in the report: {text}"
    # The order of a profile: title, takeaways, the sections in the reference atlas's order, then the lists.
    positions = [text.index(part) for part in ("Testville", "Key takeaways", *city.kind.headings, "Initiatives",
                                               "Sources")]
    assert positions == sorted(positions)


def test_a_report_in_another_language_has_its_words_numbers_and_dates_and_the_translation_where_there_is_one(
        featured):
    result = build(featured, language="pl")  # Testville has no Polish translation: its text stays English
    city = result.atlas.entities["city"]["testville"]
    document = report.report_html(result.atlas, city, SITE_URL, "pl")
    text = flat(pdf_text(report.print_pdf(document)))
    for expected in ("Moving Cities Atlas · Raport o mieście", "Niemcy", "123 456 (2022)", "Najważniejsze wnioski",
                     "Ludność", "członek od czerwca 2019", "Źródła", "z marca 2021", "Strona 1 z",
                     "Ten profil nie jest jeszcze przetłumaczony: jego tekst jest po angielsku.",
                     "Welcoming is a decision the council takes again every year."):
        assert expected in text, f"{expected!r} is not in the report: {text}"
    assert '<html lang="pl">' in document and '<section class="profile" lang="en">' in document
    for english in ("City report", "Key takeaways", "Population", "Page 1 of", "since", "published"):
        assert english not in text, english

    (featured / "cities/testville.de.md").write_text(
        "---\nmachine_assisted: true\nsubtitle: Die Teststadt, die ihren Hafen für alle geöffnet hat.\n---\n\n"
        "## Was die Stadt besonders macht\n\nTestville hat sich 2019 zum sicheren Hafen erklärt.\n", encoding="utf-8")
    from generator.core.translate import stamp
    stamp(featured / "cities/testville.de.md", featured)
    result = build(featured, language="de")
    city = result.atlas.entities["city"]["testville"]
    document = report.report_html(result.atlas, city, SITE_URL, "de")
    text = flat(pdf_text(report.print_pdf(document)))
    for expected in ("Stadtbericht", "Die Teststadt, die ihren Hafen für alle geöffnet hat.",
                     "Testville hat sich 2019 zum sicheren Hafen erklärt.", "Deutschland", "123.456 (2022)",
                     "Mitglied seit Juni 2019", "Seite 1 von"):
        assert expected in text, f"{expected!r} is not in the report: {text}"
    assert "noch nicht übersetzt" not in text and ' lang="en"' not in document


def test_words_from_a_catalogue_cannot_break_out_of_the_reports_stylesheet():
    css = report.page_footer_css(lambda message: 'Seite"; } </style><script>x</script> \\ %(page)s'
                                 if message.startswith("Page") else message)
    assert "</style>" not in css and "<script>" not in css and 'Seite"' not in css
    assert 'content: "Seite\\22 ; } \\3C /style\\3E ' in css and "counter(page)" in css  # one string, then the counter


def test_a_link_in_the_text_points_at_the_published_page_and_the_map_is_svg_with_the_city(featured):
    result = build(featured)
    city = result.atlas.entities["city"]["testville"]
    document = report.report_html(result.atlas, city, SITE_URL)
    assert 'href="https://atlas.example.net/initiatives/test-welcome/"' in document
    svg = document[document.index("<svg"):document.index("</svg>")]
    # Coloured by attributes, which WeasyPrint draws (it does not style the inside of an <svg> from <style>).
    assert re.search(r'<path class="home" fill="#[0-9a-f]{6}"[^>]* d="M[0-9.-]+ ', svg)
    assert re.search(r'<path class="land" fill="#[0-9a-f]{6}"', svg) and '<circle class="city" fill="#' in svg
    assert re.search(r'<text class="city-name"[^>]*fill="#1d1d1d">Testville</text>', svg)


class Requests(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802
        Requests.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


def test_printing_fetches_nothing_neither_from_the_web_nor_from_local_files(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Requests)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    secret = tmp_path / "secret.txt"
    secret.write_text("the contents of a local file", encoding="utf-8")
    try:
        pdf = report.print_pdf(
            f'<html><head><link rel="stylesheet" href="{url}/style.css"><style>@import url("{url}/import.css");'
            f'p {{ background: url("{url}/bg.png") }}</style></head><body><p>Visible text</p>'
            f'<img src="{url}/image.png"><img src="{secret.as_uri()}"><object data="{secret.as_uri()}"></object>'
            f'<iframe src="{secret.as_uri()}"></iframe></body></html>')
    finally:
        server.shutdown()
        server.server_close()
    assert Requests.seen == []
    text = pdf_text(pdf)
    assert "Visible text" in text and "the contents of a local file" not in text


def test_an_unchanged_city_is_not_printed_again_and_a_changed_one_is(tmp_path):
    documents = {"one": "<h1>One</h1>", "two": "<h1>Two</h1>", "three": "<h1>Three</h1>"}
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = report.print_reports(documents, site, cache, processes=2)  # in parallel processes
    assert sorted(first.printed) == ["one", "three", "two"] and first.cached == []
    printed = {slug: (site / f"reports/{slug}.pdf").read_bytes() for slug in documents}
    assert "Two" in pdf_text(printed["two"])
    shutil.rmtree(site)
    second = report.print_reports({**documents, "two": "<h1>Two, changed</h1>"}, site, cache)
    assert second.printed == ["two"] and sorted(second.cached) == ["one", "three"]
    assert (site / "reports/one.pdf").read_bytes() == printed["one"]
    assert "Two, changed" in pdf_text(site / "reports/two.pdf")


class WithoutPango(importlib.abc.MetaPathFinder):
    """Imports weasyprint as a machine without Pango does: cffi cannot open the library."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
                          "No such file or directory.  Additionally, ctypes.util.find_library() did not manage to "
                          "locate a library called 'libpango-1.0-0'")
        return None


def without_pango(monkeypatch) -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [WithoutPango(), *sys.meta_path])


def test_without_pango_the_site_is_built_without_reports_and_says_how_to_get_them(featured, monkeypatch, caplog):
    without_pango(monkeypatch)
    site = featured / "site"
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.atlas"):
        assert build_in_process(featured, site)  # strict: the notice is information, not a warning
    assert (site / "cities/testville/index.html").is_file() and not (site / "reports").exists()
    city = read_page(page_file(site, "cities/testville/"))
    assert "city report (PDF" not in city.plain and not any("reports/" in link for link in city.links)
    record = next(r for r in caplog.records if "City reports" in r.getMessage())
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "City reports (PDF) skipped: WeasyPrint cannot load its libraries (cannot load library 'libpango-1.0-0': "
        "libpango-1.0-0: cannot open shared object file: No such file or directory.  Additionally, "
        "ctypes.util.find_library() did not manage to locate a library called 'libpango-1.0-0'). To get them, "
        "install Pango and HarfBuzz (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0) and build again.")


def test_a_build_whose_reports_are_all_printed_already_publishes_them_without_weasyprint(featured, monkeypatch,
                                                                                         caplog):
    site = featured / "site"
    assert build_in_process(featured, site)  # the first build prints the report into the cache
    printed = (site / "reports/testville.pdf").read_bytes()
    without_pango(monkeypatch)  # every later build of the same text copies it: no WeasyPrint, no Pango
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.atlas"):
        assert build_in_process(featured, site)
    assert (site / "reports/testville.pdf").read_bytes() == printed
    assert "../../reports/testville.pdf" in read_page(page_file(site, "cities/testville/")).links
    assert "City reports (PDF): 0 printed, 1 unchanged from the cache" in caplog.text
    assert not any(n == "weasyprint" or n.startswith("weasyprint.") for n in sys.modules)
    # A changed text must be printed, which needs WeasyPrint: without it, the site says so and links no report.
    text = (featured / "cities/testville.md").read_text(encoding="utf-8")
    (featured / "cities/testville.md").write_text(text.replace("Four hundred", "Five hundred"), encoding="utf-8")
    assert build_in_process(featured, site)
    assert not (site / "reports").exists()
    assert "../../reports/testville.pdf" not in read_page(page_file(site, "cities/testville/")).links


def test_without_the_weasyprint_package_the_notice_says_to_install_the_pinned_packages(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint`: ModuleNotFoundError
    assert report.unavailable().startswith("WeasyPrint is not installed (import of weasyprint halted")
    assert "make .venv/.ready" in report.unavailable()


def hostile_featured(root: Path, t: dict) -> None:
    text = FEATURED
    for old, new in (("name: Testville", f"name: {json.dumps(t['name'])}"),
                     ("subtitle: The test city that opened its harbour to everyone.",
                      f"subtitle: {json.dumps(t['subtitle'])}"),
                     ("  - Welcoming is a decision the council takes again every year.",
                      f"  - {json.dumps(t['takeaway'])}"),
                     ("  - title: The welcome office's annual report", f"  - title: {json.dumps(t['source'])}"),
                     ("Four hundred people housed in flats rather than camps.", t["body"])):
        text = text.replace(old, new)
    (root / "cities/testville.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    return small_atlas(tmp_path_factory.mktemp("hostile-report") / "atlas")


def _strategies():
    from .test_hostile_site import body, one_line

    return st.fixed_dictionaries({"name": one_line, "subtitle": one_line, "takeaway": one_line, "source": one_line,
                                  "body": body})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=_strategies())
def test_hostile_text_in_a_report_is_printed_inert(hostile_root, texts):
    hostile_featured(hostile_root, texts)
    try:
        result = build(hostile_root)
    except BuildFailed:  # refused by the validator: nothing is printed
        return
    city = result.atlas.entities["city"]["testville"]
    document = report.report_html(result.atlas, city, SITE_URL)
    assert active_content(document) == ["<style>"]  # the report's own stylesheet, and nothing else


def test_a_report_that_cannot_be_printed_stops_the_build_with_one_line_not_a_traceback(featured, monkeypatch,
                                                                                      caplog):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    def full_disk(document):
        raise OSError("No space left on device")

    monkeypatch.setattr(report, "print_pdf", full_disk)  # one report: printed in this process
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    with pytest.raises(Abort):  # what `mkdocs build` turns into exit status 1, after logging the error alone
        mkdocs_build(load_config(str(featured / "mkdocs.yml"), site_dir=str(featured / "site"), strict=True))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["City reports (PDF) could not be printed: ReportFailed: cities/testville.md: the report "
                      "could not be printed (OSError: No space left on device)"]
