"""The live preview (make serve): fast rebuilds that write exactly what a full build writes.

A session builds the way `mkdocs serve --dirty` does after each save (benchmarks/preview.py);
after a sequence of edits its site folder must equal, byte for byte, a clean build of the
same tree. While a data file has an error, the preview keeps the last good site and lists
the error for the browser.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.preview import PreviewSession

from .site import ROOT, demo_atlas

pytestmark = pytest.mark.build


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "atlas-preview.json"}


def clean_build(atlas: Path, site: Path, config: str = "mkdocs.yml") -> dict[str, bytes]:
    """A fresh preview's first build, in its own process (the plugins keep their state in a process)."""
    shutil.rmtree(site, ignore_errors=True)
    code = f"from benchmarks.preview import clean_build; from pathlib import Path; " \
           f"clean_build(Path({str(atlas / config)!r}), Path({str(site)!r}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return tree(site)


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted({path for path in a.keys() | b.keys() if a.get(path) != b.get(path)})


@pytest.fixture
def session(tmp_path):
    atlas = demo_atlas(tmp_path / "atlas", cities=60, hostile=False, featured=3)  # three reports to print
    preview = PreviewSession(atlas / "mkdocs.yml", tmp_path / "site")
    preview.atlas, preview.tmp = atlas, tmp_path
    preview.build()
    yield preview
    preview.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_city(atlas: Path) -> None:
    text = (atlas / "cities/city-00030.md").read_text(encoding="utf-8")
    (atlas / "cities/newtown.md").write_text(text.replace("name: Synthetic City 30", "name: Newtown").replace(
        "geonames.org/10000030", "geonames.org/19999999"), encoding="utf-8")


def test_after_a_sequence_of_edits_the_preview_equals_a_clean_build_byte_for_byte(session):
    atlas, site = session.atlas, session.site_dir
    steps = [
        ("a city's text", lambda: edit(atlas / "cities/city-00015.md", "A synthetic city.", "A city, edited.")),
        ("a city's name, shown on its initiatives, networks and country",
         lambda: edit(atlas / "cities/city-00001.md", "name: Synthetic City 1", "name: Renamed City")),
        ("a membership", lambda: edit(atlas / "cities/city-00020.md", "networks:\n", "networks:\n  - network-005\n")
         if "network-005" not in (atlas / "cities/city-00020.md").read_text() else
         edit(atlas / "cities/city-00020.md", "  - network-005\n", "")),
        ("an initiative's topics", lambda: edit(atlas / "initiatives/initiative-00003.md", "topics: [",
                                                "topics: [structural-capacities, ")
         if "structural-capacities" not in (atlas / "initiatives/initiative-00003.md").read_text() else
         edit(atlas / "initiatives/initiative-00003.md", "structural-capacities", "political-participation")),
        ("a network's name", lambda: edit(atlas / "networks/network-002.md", "name: Synthetic Network 2",
                                          "name: Network Two")),
        ("a new city (a full rebuild)", lambda: new_city(atlas)),
        ("a removed initiative", lambda: (atlas / "initiatives/initiative-00008.md").unlink()),
        ("a hand-written page", lambda: edit(atlas / "content/about.md", "# ", "# Edited: ")),
    ]
    for number, (what, step) in enumerate(steps):
        step()
        session.build()
        session.settle()  # the city reports, printed after the pages
        assert json.loads((site / "atlas-preview.json").read_text())["errors"] == [], what
        if number == 4:  # after the incremental steps (the renamed city among them), as well as at the end
            assert differences(tree(site), clean_build(atlas, session.tmp / f"clean-{number}")) == [], what
    assert differences(tree(site), clean_build(atlas, session.tmp / "clean")) == []
    assert not (site / "initiatives/initiative-00008/index.html").exists()  # removed, not left behind


def test_an_edit_rebuilds_only_the_pages_it_changes(session):
    atlas, site = session.atlas, session.site_dir
    before = {path: (site / path).stat().st_mtime_ns for path in tree(site)}
    edit(atlas / "cities/city-00040.md", "A synthetic city.", "A city, edited.")
    seconds = session.build()
    after = {path: (site / path).stat().st_mtime_ns for path in tree(site)}
    rewritten = sorted(path for path in after if after[path] != before.get(path))
    assert "cities/city-00040/index.html" in rewritten
    pages = [path for path in rewritten if path.endswith(".html")]
    assert len(pages) < 10, pages  # the city, its country, the lists that show it: not the 300 pages
    assert seconds < 30  # a hang guard; make bench measures the preview's speed
    assert gc.isenabled()  # collections wait during a preview build (plugin.on_config), not after it


def test_an_error_keeps_the_last_good_site_and_lists_the_error_for_the_browser(session):
    atlas, site = session.atlas, session.site_dir
    text = (atlas / "cities/city-00005.md").read_text(encoding="utf-8")  # another file's standing warning
    (atlas / "cities/city-00005.md").write_text(re.sub(r"last_verified: .*", "last_verified: 2019-01-01", text),
                                                encoding="utf-8")
    session.build()
    good = tree(site)
    printed: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = printed.append  # type: ignore[method-assign]
    logging.getLogger("atlas.preview").addHandler(handler)
    edit(atlas / "cities/city-00002.md", "country: ", "country: Atlantis\nx_country: ")
    try:
        session.build()  # no exception: the preview goes on
    finally:
        logging.getLogger("atlas.preview").removeHandler(handler)
    # The terminal keeps warnings as warnings: the other file's is not labelled ERROR
    levels = {record.getMessage().split(":", 1)[0]: record.levelname for record in printed
              if record.getMessage().startswith("cities/")}
    assert levels == {"cities/city-00002.md": "ERROR", "cities/city-00005.md": "WARNING"}, levels
    assert gc.isenabled()
    errors = json.loads((site / "atlas-preview.json").read_text())["errors"]
    assert errors and all(e.startswith("cities/city-00002.md:") for e in errors)
    assert any("error[bad-country]" in e for e in errors)
    assert tree(site) == good
    page = (site / "cities/city-00002/index.html").read_text()
    assert "assets/atlas/preview.js" in page  # the page that shows them
    edit(atlas / "cities/city-00002.md", "country: Atlantis\nx_country: ", "country: ")
    session.build()
    assert json.loads((site / "atlas-preview.json").read_text())["errors"] == []


def test_the_german_preview_follows_a_translation_and_its_english_text_exactly(tmp_path):
    """make serve ATLAS_LANGUAGE=de: an edit of a translation, then of the English text it translates (which
    makes it out of date), rebuild the German site exactly as a clean German build writes it."""
    from .site import TRANSLATED_CITY

    atlas = demo_atlas(tmp_path / "atlas", cities=40, hostile=False, featured=3)
    preview = PreviewSession(atlas / "mkdocs.de.yml", tmp_path / "site")
    try:
        preview.build()
        page = tmp_path / "site" / "cities" / TRANSLATED_CITY / "index.html"
        edit(atlas / f"cities/{TRANSLATED_CITY}.de.md", "Synthetischer Text", "Geänderter Text")
        preview.build()
        assert "Geänderter Text" in page.read_text(encoding="utf-8")
        edit(atlas / f"cities/{TRANSLATED_CITY}.md", "Synthetic achievements.", "Synthetic achievements, edited.")
        preview.build()
        assert "atlas-translation--outdated" in page.read_text(encoding="utf-8")
        preview.settle()  # the reports, printed after the pages (and behind any edit)
        clean = clean_build(atlas, tmp_path / "clean", "mkdocs.de.yml")
        assert differences(tree(tmp_path / "site"), clean) == []
    finally:
        preview.close()


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_entitys_text_and_translation_state_show_on_its_own_page_alone(language):
    """What lets the preview render one page after an edit of a text (render.Memo): no other page, list or
    download shows an entity's text or the state of its translation. Any that did would go stale there."""
    import dataclasses

    from generator.core.link import link
    from generator.render.pages import page_path, render
    from generator.core.translate import Translation, localise
    from generator.core.validate import validate

    report = validate(ROOT)  # read once; each rendering links a graph of its own from it

    def rendered(change=None) -> dict[str, str]:
        atlas = link(report)
        localise(atlas, report, language)
        if change:
            change(atlas)
        return {output.path: output.content for output in render(atlas, language)}

    before = rendered()
    for kind, slug in (("city", "potsdam"), ("initiative", "charter-of-palermo"), ("network", "solidarity-cities")):
        def change(atlas, kind=kind, slug=slug):
            entity = atlas.entities[kind][slug]
            entity.body += "\n\nA sentence that only its own page shows."
            entity.translation = (dataclasses.replace(entity.translation, status="outdated", machine_assisted=True)
                                  if entity.translation else Translation("outdated", True))

        changed: list = []
        after = rendered(lambda atlas: (change(atlas), changed.append(page_path(atlas.entities[kind][slug]))))
        assert [path for path in before if before[path] != after.get(path)] == changed, (kind, slug)


# What `mkdocs serve` meets where the system refuses notices (inotify's limit of watched folders reached):
# watchdog's inotify emitter refuses as the kernel does, with ENOSPC.
REFUSED = ("import errno, sys, watchdog.observers.inotify as inotify\n"
           "def refuse(self): raise OSError(errno.ENOSPC, 'inotify watch limit reached')\n"
           "inotify.InotifyEmitter.on_thread_start = refuse\n"
           "from mkdocs.__main__ import cli\n"
           "sys.argv[0] = 'mkdocs'; cli()\n")


@pytest.mark.parametrize("poll,refused", [("", False), ("1", False), ("", True)],
                         ids=["notified", "polling", "notices-refused"])
def test_make_serve_shows_a_save_at_once_and_rebuilds_only_after_a_change(tmp_path, poll, refused):
    """make serve's own server: a saved file is on the served page after the reload (the live-reload script's
    way: it asks the server for a newer site, then loads the page again), and a build that only reads the
    files starts no other build (a server told of every file opened would rebuild for ever). Also with
    ATLAS_PREVIEW_POLL=1, MkDocs' own look at the folders every half second, for mounts without notices;
    and where the system refuses to send notices, the preview looks for changes instead and says so."""
    import os
    import re
    import time

    from benchmarks.served import _free_port, _get, _reloaded, _until

    from .site import small_atlas

    atlas = small_atlas(tmp_path / "atlas")
    port = _free_port()
    root = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-c", REFUSED] if refused else [sys.executable, "-m", "mkdocs"]
    server = subprocess.Popen([*command, "serve", "--strict", "--dirty", "-a", f"127.0.0.1:{port}"],
                              cwd=atlas, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "ATLAS_SITE_URL": root,
                                                "ATLAS_PREVIEW_POLL": poll},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _until(root + "cities/testville/", "Testville", 120)
        page = _get(root + "cities/testville/")
        city = atlas / "cities/testville.md"
        city.write_text(city.read_text(encoding="utf-8") + "\nSaved just now.\n", encoding="utf-8")
        assert _reloaded(root, "cities/testville/", page, "Saved just now.", 60) < 30
        epoch = re.search(r"livereload\((\d+),", _get(root + "cities/testville/"))[1]
        time.sleep(1.5)  # more than MkDocs' polling interval, and than a rebuild of this atlas
        again = re.search(r"livereload\((\d+),", _get(root + "cities/testville/"))[1]
        assert again == epoch, "the server built again with nothing saved"
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors, errors
    warned = "looks for changes every half second instead" in errors
    assert warned == refused, errors
    if refused:
        assert "inotify watch limit reached" in errors and "fs.inotify.max_user_watches" in errors, errors


@pytest.mark.parametrize("dirty", [False, True])
def test_plain_mkdocs_serve_says_how_to_get_the_fast_preview(caplog, dirty):
    """`mkdocs serve` without --dirty rebuilds every page on every save (MkDocs' way): the terminal says how to
    get the preview that rebuilds only what a save changes; make serve (--dirty) has it and says nothing."""
    from generator.site.plugin import AtlasPlugin

    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.atlas"):
        AtlasPlugin().on_startup(command="serve", dirty=dirty)
    told = [r.getMessage() for r in caplog.records if "mkdocs serve --dirty" in r.getMessage()]
    assert bool(told) != dirty and all("make serve" in message for message in told)
