"""One registry of kinds: a field or a kind declared once reaches every stage.

These tests do what DEVELOPING.md's "Developers" section tells a developer to do — add a field to
a kind's list, add a Kind to the registry (and, for a page, a template) — and check that
validation, the schema, `atlas new`, the field reference, linking, pages, downloads and
`atlas diff` all follow without another change.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from generator.core import kinds
from generator.render import pages as render
from generator.site.build import build
from generator.cli.main import main
from generator.core.model import Field, Record, Ref, Text

from .conftest import RECENT, only

MAYOR = Field("mayor", Text(), "The mayor's name, as the city writes it.", example="Jane Doe", on_map=True)


@pytest.fixture
def mayor(monkeypatch):
    fields = [*kinds.CITY.record.fields]
    fields.insert(3, MAYOR)
    monkeypatch.setattr(kinds.CITY.record, "fields", fields)


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"})


def test_a_field_added_to_a_kind_reaches_every_stage_and_the_import(atlas, mayor, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "base")
    text = (atlas.root / "cities/testville.md").read_text()
    atlas.write("cities/testville.md", text.replace("country: DE\n", "country: DE\nmayor: Jane Doe\n"))
    assert atlas.diagnostics() == []  # known to the validator
    atlas.write("cities/other.md", text.replace("name: Testville", "name: Other").replace(
        "country: DE\n", "country: DE\nmayor: [not, text]\n").replace("[52.52, 13.405]", "[48.14, 11.58]"))
    assert only(atlas.diagnostics(), "wrong-type").path == "cities/other.md"
    (atlas.root / "cities/other.md").unlink()

    assert main(["schema", "city"]) == 0
    assert "mayor" in json.loads(capsys.readouterr().out)["properties"]
    assert main(["--root", str(atlas.root), "new", "city", "Newtown", "--country", "DE"]) == 0
    assert "The mayor's name" in (atlas.root / "cities/newtown.md").read_text()
    (atlas.root / "cities/newtown.md").unlink()
    capsys.readouterr()

    result = build(atlas.root)
    assert result.atlas.cities["testville"].mayor == "Jane Doe"
    outputs = {o.path: o.content for o in result.outputs}
    assert "<tr><td><code class=\"atlas-field\">mayor</code></td>" in outputs["fields.md"]
    rows = list(csv.DictReader(io.StringIO(outputs["data/cities.csv"].removeprefix("\ufeff"))))
    assert rows[0]["mayor"] == "Jane Doe"
    assert json.loads(outputs["data/atlas.json"])["cities"][0]["mayor"] == "Jane Doe"
    assert json.loads(outputs["data/cities.geojson"])["features"][0]["properties"]["mayor"] == "Jane Doe"
    assert "`mayor`" in outputs["data.md"]

    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "mayor")
    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    assert "cities/testville.md: mayor" in capsys.readouterr().out

    rows = atlas.write("rows.csv", "name,country,latitude,longitude,mayor,source\n"
                                   "Testville,DE,52.52,13.405,John Roe,https://example.org/testville\n")
    assert main(["--root", str(atlas.root), "import", str(rows), "--update"]) == 0
    assert "mayor: John Roe" in (atlas.root / "cities/testville.md").read_text()


REPORT = kinds.Kind(
    name="report",
    folder="reports",
    record=Record([
        Field("title", Text(), "The report's title.", required=True, example="Annual report"),
        Field("city", Ref("city"), "The city it reports on.", required=True, example="potsdam", backref="reports"),
        kinds.SOURCES,
        kinds.LAST_VERIFIED,
    ], label="a report"),
    title="title",
    intro="A report on a city.",
    template="report.md.j2",
    index_template="reports.md.j2",
    body="what the report found",
    fallback="{entity.title}, a report on {entity.city.name}.",
)


@pytest.fixture
def reports(monkeypatch, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    (templates / "report.md.j2").write_text(
        '{% with title=report.title %}{% include "_meta.md.j2" %}{% endwith %}\n\n# {{ report.title | md }}\n\n'
        "On [{{ report.city.name | md }}]({{ link(report.city) }}).\n\n{{ report.body }}\n")
    (templates / "reports.md.j2").write_text(
        '{% with title="Reports", description="Reports" %}{% include "_meta.md.j2" %}{% endwith %}\n\n# Reports\n')
    monkeypatch.setattr(render, "TEMPLATES", templates)
    monkeypatch.setitem(kinds.KINDS, "report", REPORT)
    render.templates.cache_clear()
    yield
    render.templates.cache_clear()


def test_a_kind_added_to_the_registry_is_read_checked_linked_rendered_exported_and_diffed(atlas, reports, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "base")
    assert main(["--root", str(atlas.root), "new", "report", "Annual report 2025"]) == 0
    assert "A report on a city." in (atlas.root / "reports/annual-report-2025.md").read_text()
    atlas.write("reports/annual-report-2025.md", f"---\ntitle: Annual report 2025\ncity: testvile\n"
                                                 f"sources: [https://example.org/r]\nlast_verified: {RECENT}\n---\n\nIt found.\n")
    d = only(atlas.diagnostics(), "unknown-city")
    assert d.path == "reports/annual-report-2025.md" and d.line == 3 and d.hint == "did you mean 'testville'?"
    atlas.write("reports/notes.txt", "x")
    assert only(atlas.diagnostics(), "stray-file").path == "reports/notes.txt"
    (atlas.root / "reports/notes.txt").unlink()
    text = (atlas.root / "reports/annual-report-2025.md").read_text().replace("testvile", "testville")
    atlas.write("reports/annual-report-2025.md", text)
    assert atlas.diagnostics() == []

    result = build(atlas.root)
    report = result.atlas.reports["annual-report-2025"]
    assert report.city is result.atlas.cities["testville"] and result.atlas.cities["testville"].reports == [report]
    outputs = {o.path: o.content for o in result.outputs}
    assert "On [Testville](../cities/testville.md)." in outputs["reports/annual-report-2025.md"]
    assert "reports/index.md" in outputs
    assert next(csv.DictReader(io.StringIO(outputs["data/reports.csv"].removeprefix("\ufeff"))))["city"] == "testville"
    assert json.loads(outputs["data/atlas.json"])["reports"][0]["title"] == "Annual report 2025"
    assert "<td><code class=\"atlas-field\">title</code></td><td>yes</td>" in outputs["fields.md"]

    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "report")
    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    assert "\nadds report Annual report 2025\n" in capsys.readouterr().out


# ---- a featured profile is complete: rules, not just tests -----------------------------

def featured(atlas, extra: str = "", body: str = ""):
    atlas.write("cities/testville.md", f"---\nname: Testville\ncountry: DE\ncoordinates: [52.52, 13.405]\n"
                                       f"featured: true\n{extra}sources: [https://example.org]\n"
                                       f"last_verified: {RECENT}\n---\n{body}")
    return atlas.diagnostics()


SECTIONS = "".join(f"\n## {h}\n\nText.\n" for h in kinds.CITY.headings)
COMPLETE = ("subtitle: A city.\npopulation: {value: 5000, year: 2020, source: https://example.org/p}\n"
            "networks: [test-network]\ntakeaways: [One., Two.]\n")


def test_a_complete_featured_profile_passes(atlas):
    assert featured(atlas, COMPLETE, SECTIONS) == []


def test_a_featured_profile_may_go_without_a_population_that_no_statistics_office_gives(atlas):
    # The methodology: a figure only the press or Wikipedia gives is left out, not the profile.
    without = "".join(line + "\n" for line in COMPLETE.splitlines() if not line.startswith("population"))
    assert featured(atlas, without, SECTIONS) == []


@pytest.mark.parametrize("drop, found", [("subtitle", "'subtitle'"), ("networks", "'networks'"),
                                         ("takeaways", "at least 2 takeaways")])
def test_a_featured_city_without_a_part_of_its_profile_is_an_error_at_featured(atlas, drop, found):
    extra = "".join(line + "\n" for line in COMPLETE.splitlines() if not line.startswith(drop))
    if drop == "takeaways":
        extra += "takeaways: [Only one.]\n"
    d = only(featured(atlas, extra, SECTIONS), "profile-incomplete")
    assert d.line == 5 and found in d.message and "featured: false" in d.hint


def test_a_featured_city_without_its_five_sections_in_order_is_an_error(atlas):
    shuffled = "".join(f"\n## {h}\n\nText.\n" for h in reversed(kinds.CITY.headings))
    d = only(featured(atlas, COMPLETE, shuffled), "profile-sections")
    assert "in that order" in d.message and "found, in this order" in d.message
    d = only(featured(atlas, COMPLETE, "\n## What is unique about the city\n\nText.\n"), "profile-sections")
    assert "missing: Focus of local migration policy" in d.message
