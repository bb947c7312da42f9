"""The contributor workflow: GitHub workflows, atlas diff, atlas import, the field reference."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.model import ENTITIES

from .conftest import RECENT, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


# ---- GitHub workflows ----------------------------------------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_pins_its_actions_to_a_commit_and_asks_for_least_permissions(path):
    workflow = yaml.safe_load(path.read_text())
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert job.get("timeout-minutes"), f"{name}: no timeout"
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if "run" in step:
                assert "${{" not in step["run"], f"{name}: expression in a run script (use env)"


def test_the_checks_workflow_annotates_summarises_tests_builds_and_uploads():
    text = (ROOT / ".github/workflows/checks.yml").read_text()
    workflow = yaml.safe_load(text)
    assert set(workflow[True]) == {"pull_request", "push"}  # PyYAML reads the key `on` as True
    runs = " ".join(step.get("run", "") for step in workflow["jobs"]["checks"]["steps"])
    for command in ("atlas validate --format github", "atlas diff", "GITHUB_STEP_SUMMARY", "make test", "make site",
                    "actionlint"):
        assert command in runs
    assert "actions/upload-artifact@" in text


def test_the_pages_workflow_deploys_main_one_at_a_time():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["main"] and "workflow_dispatch" in workflow[True]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])


def test_the_issue_form_and_pre_commit_hook_are_well_formed():
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/add-city.yml").read_text())
    required = [item["id"] for item in form["body"] if item.get("validations", {}).get("required")]
    assert {"name", "country", "sources"} <= set(required)
    hook = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"][0]
    assert "atlas validate" in hook["entry"] and re.match(hook["files"], "cities/potsdam.md")


# ---- atlas diff ----------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}
                          ).stdout


def test_diff_lists_entities_added_removed_and_changed_with_their_fields(atlas, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    atlas.write("initiatives/gone.md", f"---\ntitle: Gone\ncity: testville\ntopics: [political-participation]\n"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "base")
    atlas.write("cities/tilos.md", f"---\nname: Tilos\ncountry: GR\ncoordinates: [36.42, 27.37]\n"
                                   f"sources: [https://example.org/tilos]\nlast_verified: {RECENT}\n---\n")
    (atlas.root / "initiatives/gone.md").unlink()
    city = (atlas.root / "cities/testville.md").read_text()
    (atlas.root / "cities/testville.md").write_text(city.replace("name: Testville", "name: Testville an der See")
                                                    + "More text.\n")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "head")

    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "adds city Tilos (GR); changes city Testville an der See (DE); removes initiative Gone"
    assert "  changes city Testville an der See (DE) — cities/testville.md: name, text" in lines

    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "HEAD", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("### Changes to the atlas")
    assert "| adds | city | Tilos (GR) | `cities/tilos.md` |  |" in markdown
    assert "| changes | city | Testville an der See (DE) | `cities/testville.md` | `name`, `text` |" in markdown


def test_diff_of_an_unknown_revision_says_so(atlas, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "base")
    assert main(["--root", str(atlas.root), "diff", "nonexistent-branch"]) == 2
    assert "unknown revision 'nonexistent-branch'" in capsys.readouterr().err


# ---- atlas import --------------------------------------------------------------------

HEADER = ["name", "country", "latitude", "longitude", "networks", "source"]


def write_csv(path: Path, rows: list[list], header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_import_turns_a_spreadsheet_of_120_members_into_120_valid_files(atlas, tmp_path, capsys):
    rows = [[f"Member Town {n}", "DE", f"{48 + n * 0.03:.4f}", f"{9 + n * 0.02:.4f}", "test-network",
             f"https://example.org/members#{n}"] for n in range(120)]
    source = write_csv(tmp_path / "members.csv", rows)
    code = main(["--root", str(atlas.root), "import", str(source), "--kind", "city", "--verified", RECENT])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "120 rows: 120 new files, 0 updated, 0 skipped, 0 not imported" in out
    assert len(list((atlas.root / "cities").glob("member-town-*.md"))) == 120
    assert atlas.diagnostics() == []
    text = (atlas.root / "cities/member-town-7.md").read_text()
    assert "coordinates: [48.21, 9.14]" in text and "  - test-network" in text


def test_import_reports_every_bad_row_by_number_and_reason_and_overwrites_nothing(atlas, tmp_path, capsys):
    before = (atlas.root / "cities/testville.md").read_text()
    rows = [
        ["Goodtown", "DE", "50.1", "8.6", "test-network", "https://example.org/a"],       # row 2: fine
        ["Atlantis", "Atlantis", "50.1", "8.7", "", "https://example.org/b"],             # row 3: country
        ["Nowhere", "IT", "north", "12.5", "", "https://example.org/c"],                  # row 4: coordinates
        ["Goodtown", "DE", "50.2", "8.6", "", "https://example.org/d"],                   # row 5: duplicate
        ["Testville", "DE", "52.52", "13.4", "", "https://example.org/e"],                # row 6: exists
        ["Paris", "FR", "2.35", "48.85", "", "https://example.org/f"],                    # row 7: swapped
        ["Netless", "DE", "51.0", "9.0", "no-such-network", "https://example.org/g"],     # row 8: reference
    ]
    source = write_csv(tmp_path / "members.csv", rows)
    code = main(["--root", str(atlas.root), "import", str(source)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{source}: row 3: Atlantis: country: expected an ISO 3166-1 alpha-2" in out
    assert f"{source}: row 4: Nowhere: coordinates: expected [latitude, longitude], two numbers" in out
    assert f"{source}: row 5: Goodtown: duplicate of row 2" in out
    assert f"{source}: row 6: skipped: cities/testville.md already exists (use --update to change it)" in out
    assert f"{source}: row 7: Paris: coordinates:" in out and "latitude comes first" in out
    assert f"{source}: row 8: Netless: networks:" in out and "no-such-network" in out
    assert "7 rows: 1 new files, 0 updated, 1 skipped, 5 not imported" in out
    assert (atlas.root / "cities/testville.md").read_text() == before
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["goodtown.md", "testville.md"]


def test_import_with_a_missing_column_imports_nothing_and_names_the_column(atlas, tmp_path, capsys):
    source = write_csv(tmp_path / "members.csv", [["X", "DE", "50", "https://example.org"]],
                       header=["name", "country", "latitude", "source"])
    assert main(["--root", str(atlas.root), "import", str(source)]) == 1
    assert "row 1: missing column 'longitude'" in capsys.readouterr().err
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["testville.md"]


def test_import_updates_an_existing_file_only_when_asked_and_keeps_its_text(atlas, tmp_path, capsys):
    source = write_csv(tmp_path / "members.csv", [["Testville", "DE", "52.5", "13.41", "test-network",
                                                    "https://example.org/new"]])
    assert main(["--root", str(atlas.root), "import", str(source), "--update", "--verified", RECENT]) == 0
    text = (atlas.root / "cities/testville.md").read_text()
    assert "coordinates: [52.5, 13.41]" in text and "A city for tests." in text
    assert atlas.diagnostics() == []


def test_import_reads_geojson_points(atlas, tmp_path, capsys):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.37, 48.21]},
                 "properties": {"name": "Wien", "country": "AT", "sources": ["https://example.org/wien"]}}]
    source = tmp_path / "members.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 0
    assert "coordinates: [48.21, 16.37]" in (atlas.root / "cities/wien.md").read_text()
    assert atlas.diagnostics() == []


# ---- the field reference -------------------------------------------------------------

def test_the_field_reference_lists_every_field_of_the_model():
    from generator.build import build
    from generator.render import Renderer, render_field_reference

    page = render_field_reference(Renderer(build(ROOT).atlas)).content
    for kind, record in ENTITIES.items():
        for f in record.fields:
            assert f"| `{f.name}` |" in page, f"{kind}.{f.name} missing"
    assert "| `population.year` | yes |" in page and "`political-participation`" in page
