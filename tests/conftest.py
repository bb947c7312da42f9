"""Shared fixtures: a small, valid atlas in a temporary folder that each test can break, and this
repository's data and site, validated and built once per run for every test that reads them."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from generator.core.validate import Report, validate

ROOT = Path(__file__).resolve().parent.parent
# The fixture atlas is written by the tests themselves, so it is judged as of today: verified a month ago.
TODAY = dt.date.today()
RECENT = (TODAY - dt.timedelta(days=30)).isoformat()
# The published site's settings, as the Pages workflow sets them.
REPO_URL = "https://github.com/example-org/moving-cities-atlas"
SITE_URL = "https://atlas.example.net/"


class Atlas:
    """A throwaway atlas: write files into it and validate it."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def validate(self, *only: str):
        paths = [self.root / p for p in only] or None
        return validate(self.root, paths, today=TODAY)

    def diagnostics(self, *only: str):
        return self.validate(*only).diagnostics

    def codes(self, *only: str) -> list[str]:
        return [d.code for d in self.diagnostics(*only)]


CITY = f"""\
---
name: Testville
country: DE
coordinates: [52.52, 13.405]
networks: [test-network]
sources:
  - https://example.org/testville
last_verified: {RECENT}
---

A city for tests.
"""

NETWORK = f"""\
---
name: Test Network
scope: european
sources: [https://example.org/network]
last_verified: {RECENT}
---
"""

INITIATIVE = f"""\
---
title: Test Welcome
city: testville
topics: [access-to-social-rights]
since: 2016
sources: [https://example.org/welcome]
last_verified: {RECENT}
---
"""


@pytest.fixture
def atlas(tmp_path: Path) -> Atlas:
    for relative in ("atlas.yml", "initiatives/topics.yml", "networks/scopes.yml"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    (tmp_path / "cities").mkdir()
    a = Atlas(tmp_path)
    a.write("cities/testville.md", CITY)
    a.write("networks/test-network.md", NETWORK)
    a.write("initiatives/test-welcome.md", INITIATIVE)
    return a


def write_initiative(atlas: Atlas, slug: str = "test-welcome", *, title: str = "T", city: str = "testville",
                     topics: str = "[access-to-social-rights]", extra: str = "") -> None:
    """An initiative file: title on line 2, city on 3, topics on 4, `extra` from line 5."""
    atlas.write(f"initiatives/{slug}.md", f"---\ntitle: {title}\ncity: {city}\ntopics: {topics}\n{extra}"
                                          f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")


def write_network(atlas: Atlas, *, name: str = "N", scope: str = "european", extra: str = "",
                  last_verified: str = RECENT) -> None:
    """The test network: name on line 2, scope on 3, `extra` from line 4, last_verified last."""
    atlas.write("networks/test-network.md", f"---\nname: {name}\nscope: {scope}\n{extra}"
                                            f"sources: [https://example.org]\nlast_verified: {last_verified}\n---\n")


def only(diagnostics, code: str):
    """The single diagnostic with this code; fails with the whole list when there is not exactly one."""
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got: {diagnostics}"
    return found[0]


# ---- this repository's data and site -------------------------------------------------

@pytest.fixture(scope="session")
def data_date() -> dt.date:
    """The newest last_verified in this repository's data: the day the tests judge the data as of.

    Judged as of the calendar, the data would turn stale 24 months after its last review and
    every pull request would fail from that day on; judged as of this date, the verdict
    depends on the commit alone. Staleness against the calendar is reported apart, as
    information (test_valid_atlas.py and the "stale records" section of the summary).
    """
    dates = [source.data.get("last_verified") for source in validate(ROOT).sources]
    return max(date for date in dates if isinstance(date, dt.date))


@pytest.fixture(scope="session")
def repository_report(data_date) -> Report:
    """This repository's data, validated as of `data_date`, once for every test that reads it."""
    return validate(ROOT, today=data_date)


@pytest.fixture(scope="session")
def real_site() -> Path:
    """This repository's site, built once per run by MkDocs as the Pages workflow builds it (tests/shared_sites.py):
    the site, browser and hostile-site tests all read this build, and never change it (a modified atlas gets
    its own)."""
    from . import shared_sites

    return shared_sites.wait("real")[0]


# ---- the browser tests' sites and browser (tests/browser.py has their helpers) -----

@pytest.fixture(scope="session")
def demo():
    """A built synthetic atlas of 150 cities in every language served on localhost, with its data: built and
    served once per run (tests/shared_sites.py). Tests may add files to it, never change its own."""
    import json
    from types import SimpleNamespace

    from . import shared_sites

    site, url = shared_sites.wait("demo")
    return SimpleNamespace(url=url, site=site, atlas=site.parent / "atlas",
                           data=json.loads((site / "data/atlas.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def real(real_site):
    """This repository's site, as published (built once per run), served."""
    from .site import Server

    server = Server(real_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from .site import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh desktop page that fails the test on a console error or a request off localhost."""
    from .browser import check, open_page

    page = open_page(browser)
    yield page
    check(page)


@pytest.fixture
def phone(browser):
    """A phone (390 x 844, touch) that fails the test on a console error or a request off localhost."""
    from .browser import PHONE, check, open_page

    page = open_page(browser, **PHONE)
    yield page
    check(page)


# ---- the run's shared sites ------------------------------------------------------------

def pytest_configure(config):
    """The run's folder of shared sites (tests/shared_sites.py), made by its first process; its workers inherit it."""
    import os
    import tempfile

    from . import shared_sites

    if not hasattr(config, "workerinput"):
        os.environ[shared_sites.FOLDER] = tempfile.mkdtemp(prefix="atlas-test-sites-")
        os.environ[shared_sites.RUN] = str(os.getpid())


def pytest_collection_modifyitems(items):
    """The tests that need no shared site first, then those that read this repository's site, then those of
    the demo (in their own order within each): pytest-xdist gives each worker an even share of the list, in
    order, so that no worker starts by waiting for a site that is still being built."""
    from . import shared_sites

    needs = list(shared_sites.NEEDS.values())  # real_site, demo: the order they are ready in
    items.sort(key=lambda item: max((needs.index(f) + 1 for f in getattr(item, "fixturenames", ()) if f in needs),
                                    default=0))


def pytest_collection_finish(session):
    """The shared sites these tests need start building now, beside the tests that need neither."""
    from . import shared_sites

    shared_sites.start_needed(session.items)


def pytest_unconfigure(config):
    import os

    from . import shared_sites

    if not hasattr(config, "workerinput") and shared_sites.FOLDER in os.environ:
        shared_sites.stop_all()
        shutil.rmtree(os.environ.pop(shared_sites.FOLDER), ignore_errors=True)


# ---- staleness: information, never a failure -----------------------------------------

STALE = pytest.StashKey[list]()
STALE_SHOWN = 20


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """make test's workers (pytest-xdist): the stale records listed by whichever ran the test."""
    lines = getattr(node, "workeroutput", {}).get("stale")
    if lines:
        node.config.stash[STALE] = lines


def pytest_terminal_summary(terminalreporter, config):
    """Lists the records whose last_verified is older than atlas.yml's stale_after_months today."""
    stale = config.stash.get(STALE, [])
    if not stale:
        return
    terminalreporter.section("stale records (information, not a failure)", yellow=True)
    terminalreporter.write_line(f"{len(stale)} records are due for review: check their facts against their "
                                "sources and update last_verified.")
    for line in stale[:STALE_SHOWN]:
        terminalreporter.write_line(f"  {line}")
    if len(stale) > STALE_SHOWN:
        terminalreporter.write_line(f"... and {len(stale) - STALE_SHOWN} more: `atlas validate` lists them all.")
