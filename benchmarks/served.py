"""The live preview as a person sees it: `make serve`'s server running, a file saved, and the time until
the served page shows the change. The page is watched as a browser watches it: MkDocs' live-reload
script asks the server whether the site has changed (a request the server answers once a rebuild is
done), then the page is loaded again.

Saves come two seconds apart (a person's pace; the preview prints reports between them), the first
save right after the server's first build is served: the first edit of a session counts too.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
PACE = 2.0  # seconds between two saves


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _until(url: str, text: str, deadline: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < deadline:
        body = _get(url)
        if body is not None and text in body:
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {text!r} within {deadline} s")


def _reloaded(root: str, url: str, page: str, text: str, deadline: float) -> float:
    """What the live-reload script of `page` (as loaded before the save) does: wait for a new version of
    the site, then load the page again, until it shows `text`: the seconds from now."""
    started = time.perf_counter()
    while time.perf_counter() - started < deadline:
        if text in page:
            return time.perf_counter() - started
        found = re.search(r"livereload\((\d+),\s*(\d+)\)", page)
        if found is None:
            raise TimeoutError(f"{root + url} has no live-reload script")
        _get(f"{root}livereload/{found[1]}/{found[2]}")  # answered when a newer site is built
        page = _get(root + url) or ""
    raise TimeoutError(f"{root + url} did not show {text!r} within {deadline} s")


def session(atlas: Path, config: str, edits: list[tuple[str, str]]) -> dict:
    """`mkdocs serve --strict --dirty` (make serve) on the atlas; each edit appends a sentence to a file's
    text; `edits` are (data file, its page's address; a language's preview is served at the root too).
    Returns the first build's and each edit's seconds."""
    port = _free_port()
    root = f"http://127.0.0.1:{port}/"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ATLAS_SITE_URL": root}
    started = time.perf_counter()
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--strict", "--dirty", "-f", str(atlas / config),
                               "-a", f"127.0.0.1:{port}"], cwd=atlas, env=environment,
                              stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        _until(root, "</html>", 300)
        first = time.perf_counter() - started
        seconds = []
        for n, (relative, url) in enumerate(edits):
            time.sleep(PACE)
            page = _get(root + url) or ""  # open in the browser before the save
            marker = f"Edited {n} at {time.time_ns()}."
            path = atlas / relative
            path.write_text(path.read_text(encoding="utf-8").rstrip() + f"\n\n{marker}\n", encoding="utf-8")
            seconds.append(_reloaded(root, url, page, marker, 60))
        return {"first": first, "edits": seconds}
    except TimeoutError as error:
        log.seek(0)
        sys.exit(f"{error}; the server said:\n{log.read()[-3000:]}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
