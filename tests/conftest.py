"""Shared fixtures: a small, valid atlas in a temporary folder that each test can break."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()
RECENT = (TODAY - dt.timedelta(days=30)).isoformat()


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
