"""A full build uses a second core: the site it writes must be the one a single process writes.

The search index is built in a worker (generator/search_pool.py), every other generated page is
rendered by a forked child (generator/page_share.py), and the reports are printed by another
(generator/background.py). Built once with them and once without, the two sites are compared
file by file, byte for byte.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from .site import ROOT, copy_atlas, small_atlas

BUILD = """
import json, logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generator import background, page_share, search_pool

if sys.argv[3] == "serial":
    background.worth_a_worker = lambda: False
used = {"search worker": [], "pages elsewhere": []}
install, start = search_pool.SearchPool.install, page_share.PageShare.start
def recording_install(self, plugin):
    install(self, plugin)
    used["search worker"].append(self.pool is not None)
shares = []
def recording_start(self, *args):
    start(self, *args)
    shares.append(self)
search_pool.SearchPool.install = recording_install
page_share.PageShare.start = recording_start
if sys.argv[4:] == ["say-pages"]:  # a warning about every page's HTML, from where it is converted
    from generator.plugin import AtlasPlugin
    content = AtlasPlugin.on_page_content
    def saying(self, html, page, config, files):
        if html:  # (the parent runs the page events of a page the child converts on an empty page)
            logging.getLogger("mkdocs.plugins.test").warning(f"converted {page.file.src_uri}")
        return content(self, html, page, config, files)
    AtlasPlugin.on_page_content = saying
if sys.argv[4:] == ["child-fails"]:  # the second process falls over before it sends its pages
    def falls_over(*args):
        raise ValueError("the child fell over")
    page_share._work = falls_over
logging.basicConfig(format="%(levelname)s %(message)s", level=logging.WARNING)
try:
    build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
finally:  # how many pages the second process rendered and wrote
    used["pages elsewhere"] = [len(share.elsewhere) for share in shares]
    print(json.dumps(used))
"""


def files(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def build(atlas: Path, site: Path, mode: str, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BUILD, str(atlas / "mkdocs.yml"), str(site), mode, *more],
                          capture_output=True, text=True, cwd=ROOT, env={"NO_MKDOCS_2_WARNING": "1",
                                                                        "PATH": "/usr/bin:/bin"})


def test_the_site_built_on_two_cores_is_byte_for_byte_the_one_built_on_one(tmp_path):
    atlas = copy_atlas(tmp_path / "atlas")
    sites, used = {}, {}
    for mode in ("parallel", "serial"):
        site = tmp_path / mode
        done = build(atlas, site, mode)
        assert done.returncode == 0, done.stderr
        used[mode] = json.loads(done.stdout)
        sites[mode] = files(site)
    # each mode really ran as named: the parallel build handed half of the generated pages to a child
    assert used["serial"] == {"search worker": [False], "pages elsewhere": [0]}
    assert used["parallel"]["search worker"] == [True] and used["parallel"]["pages elsewhere"][0] > 100
    assert sites["parallel"].keys() == sites["serial"].keys()
    different = [name for name in sites["serial"] if sites["parallel"][name] != sites["serial"][name]]
    assert different == []
    docs = json.loads(sites["parallel"]["search/search_index.json"])["docs"]
    # every page, in the order MkDocs built them: more than one batch went through the worker
    assert len({doc["location"].split("#")[0] for doc in docs}) > 200
    assert any(doc["location"] == "cities/potsdam/" and doc["title"] == "Potsdam" for doc in docs)
    assert any(name.startswith("reports/") and name.endswith(".pdf") for name in sites["parallel"])


def test_what_the_second_process_warns_of_is_said_once_here_and_fails_a_strict_build(tmp_path):
    atlas = copy_atlas(tmp_path / "atlas")
    said, used = {}, {}
    for mode in ("parallel", "serial"):
        done = build(atlas, tmp_path / mode, mode, "say-pages")
        assert done.returncode != 0  # strict: the warnings fail the build
        said[mode] = [line for line in done.stderr.splitlines() if line.startswith("WARNING converted ")]
        used[mode] = json.loads(done.stdout)["pages elsewhere"][0]
    assert used["parallel"] > 100 and used["serial"] == 0
    assert len(said["parallel"]) == len(set(said["parallel"])) > 300  # every page once, none twice
    assert sorted(said["parallel"]) == sorted(said["serial"])


def test_a_build_holds_the_garbage_collector_back_only_while_it_runs(tmp_path):
    """A build freezes its long-lived objects (gc.freeze) and thaws them at its end, also when it fails:
    a process that builds again (the tests, a caller of MkDocs' API) collects them as usual."""
    atlas = small_atlas(tmp_path / "atlas")
    mkdocs_build(load_config(str(atlas / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (atlas / "cities" / "broken.md").write_text("---\nname: Broken\n---\n", encoding="utf-8")
    with pytest.raises((Abort, PluginError)):
        mkdocs_build(load_config(str(atlas / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_pages_rendered_in_two_parts_are_the_pages_rendered_in_one(tmp_path):
    from generator.build import build as atlas_build

    atlas = copy_atlas(tmp_path / "atlas")
    assert atlas_build(atlas, in_background=True).outputs == atlas_build(atlas).outputs


def test_a_second_process_that_fails_fails_the_build_with_its_reason_and_does_not_hang(tmp_path):
    atlas = copy_atlas(tmp_path / "atlas")
    done = build(atlas, tmp_path / "site", "parallel", "child-fails")
    assert done.returncode != 0
    assert "ERROR converting and rendering pages in a second process failed: ValueError: the child fell over" \
        in done.stderr
    assert "Traceback" not in done.stderr.split("ERROR converting", 1)[0]  # said as one line, before MkDocs aborts


def test_a_lock_of_the_pages_held_for_ever_is_an_error_not_a_hang(monkeypatch):
    import multiprocessing

    from generator import page_share

    monkeypatch.setattr(page_share, "LOCK_SECONDS", 0.1)
    share = page_share.PageShare()
    share.claims, share.lock = multiprocessing.RawArray("i", [0, 10]), multiprocessing.Lock()
    assert share.claim_here(0)  # the parent takes the first page
    share.lock.acquire()  # as a child that died holding it
    with pytest.raises(PluginError, match="stopped while it held the lock"):
        share.claim_here(1)
