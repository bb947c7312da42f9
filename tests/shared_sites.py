"""The two sites many tests read, each built once per test run in a process of its own.

- `real`: this repository's site in English and German, as the Pages workflow builds it.
- `demo`: a synthetic atlas of 150 cities in every language, served on localhost at the address it
  was built for (Material navigates instantly only to the addresses of its sitemap) by the same
  process, until the run ends.

A run starts each of them as soon as its tests are collected, if one of them needs it (conftest.py,
pytest_collection_finish), so it is built while the tests that need neither run: under `make test`
(pytest-xdist) the first worker to collect starts it, and every worker uses the same build. The
run's first process stops them at its end (pytest_unconfigure); a site's process also stops when
that process is gone.

    python -m tests.shared_sites real|demo FOLDER

writes FOLDER/site, then FOLDER/ready (the address it is served at, for the demo) or FOLDER/failed
(what went wrong); the demo's process then serves the site until it is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "ATLAS_TEST_SITES"  # the environment variable naming the run's folder of shared sites
RUN = "ATLAS_TEST_RUN"  # the environment variable naming the run's first process
NEEDS = {"real": "real_site", "demo": "demo"}  # the fixture that needs each site


def folder(name: str) -> Path:
    return Path(os.environ[FOLDER]) / name


def start(name: str) -> None:
    """Starts the site's build, unless this run has already started it (in this process or another)."""
    where = folder(name)
    where.mkdir(parents=True, exist_ok=True)
    with FileLock(str(where / "start.lock")):
        if (where / "pid").exists():
            return
        with open(where / "log", "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "tests.shared_sites", name, str(where)], cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        (where / "pid").write_text(str(process.pid))


def start_needed(items) -> None:
    """Starts every site that one of these tests needs."""
    needed = {fixture for item in items for fixture in getattr(item, "fixturenames", ())}
    for name, fixture in NEEDS.items():
        if fixture in needed:
            start(name)


def wait(name: str, timeout: float = 1200) -> tuple[Path, str]:
    """The built site and the address it is served at ("" for the real site, which each test worker serves)."""
    start(name)
    where = folder(name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (where / "failed").exists():
            raise AssertionError(f"building the {name} site failed:\n{(where / 'failed').read_text()}")
        if (where / "ready").exists():
            return where / "site", (where / "ready").read_text()
        time.sleep(0.1)
    raise AssertionError(f"the {name} site was not built in {timeout:.0f} s:\n{(where / 'log').read_text()}")


def stop_all() -> None:
    """Stops the run's sites (the demo serves until then; a build still running is not needed any more)."""
    for name in NEEDS:
        try:
            os.killpg(int((folder(name) / "pid").read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass  # not started, or already ended


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _build(name: str, where: Path) -> None:
    from .conftest import REPO_URL, SITE_URL
    from .site import Server, build_languages, demo_atlas

    site = where / "site"
    if name == "real":
        # English and German (its translated profile, pages and messages); the demo has every language.
        result = build_languages(ROOT, site, {"ATLAS_REPO_URL": REPO_URL, "ATLAS_SITE_URL": SITE_URL}, ["de"])
        problem = result.stderr if result.returncode != 0 or "WARNING" in result.stderr else None
        server = None
    else:
        atlas = demo_atlas(where / "atlas")
        server = Server(site)
        result = build_languages(atlas, site, {"ATLAS_SITE_URL": server.url})
        problem = result.stderr if result.returncode != 0 else None
    if problem is not None:
        (where / "failed").write_text(problem)
        return
    (where / "ready.part").write_text(server.url if server else "")
    (where / "ready.part").rename(where / "ready")
    if server is not None:
        run = int(os.environ.get(RUN) or os.getppid())
        while _running(run):  # serves until the run stops this process, or ends without stopping it
            time.sleep(1)


if __name__ == "__main__":
    name, where = sys.argv[1], Path(sys.argv[2])
    try:
        _build(name, where)
    except BaseException:  # also an interruption: the waiting tests show it, rather than wait for their timeout
        if not (where / "ready").exists():
            (where / "failed").write_text(traceback.format_exc())
        raise
