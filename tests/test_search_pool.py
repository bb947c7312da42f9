"""A full build indexes pages for search in a second process: the index must be exactly Material's."""

from __future__ import annotations

import json
import subprocess
import sys

from .site import ROOT, copy_atlas

BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generator import search_pool

used = []
if sys.argv[3] == "serial":
    search_pool.worth_a_worker = lambda: False
install = search_pool.SearchPool.install
def recording(self, plugin):
    install(self, plugin)
    used.append(self.pool is not None)
search_pool.SearchPool.install = recording
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
print(used)
"""


def test_the_search_index_built_in_a_worker_is_materials_own(tmp_path):
    atlas = copy_atlas(tmp_path / "atlas")
    indexes, used = {}, {}
    for mode in ("parallel", "serial"):
        site = tmp_path / mode
        done = subprocess.run([sys.executable, "-c", BUILD, str(atlas / "mkdocs.yml"), str(site), mode],
                              capture_output=True, text=True, cwd=ROOT, env={"NO_MKDOCS_2_WARNING": "1",
                                                                            "PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, done.stderr
        used[mode] = done.stdout.strip()
        indexes[mode] = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert used == {"parallel": "[True]", "serial": "[False]"}  # each mode really ran as named
    assert indexes["parallel"] == indexes["serial"]
    docs = json.loads(indexes["parallel"])["docs"]
    # every page, in the order MkDocs built them: more than one batch went through the worker
    assert len({doc["location"].split("#")[0] for doc in docs}) > 200
    assert any(doc["location"] == "cities/potsdam/" and doc["title"] == "Potsdam" for doc in docs)
