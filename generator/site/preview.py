"""The live preview's memory between rebuilds (`make serve`, which runs MkDocs with --dirty).

MkDocs rebuilds every page on every change; at 1,000 cities that is seconds. The preview
keeps what it read (files by size and time), what it rendered (every output by hash; an
entity's page is rendered again only when its text, the state of its translation or any
file's front matter changed: render.Memo) and what search indexed (each page's entries), and
rebuilds only the pages whose output changed: the edited entity and its neighbours in the
graph (its country, networks, topics, the lists). The server hears of a save at once
(`listening`), not at its next look at the folders. When the configuration, the theme or a hand-written page changes, or a data
file is added or removed, it falls back to rebuilding everything. Either way the site on
disk is the one a full build of the same tree would write, byte for byte.

While a data file has an error the preview keeps the last good site and shows the
diagnostics in the browser (atlas-preview.json, read by assets/atlas/preview.js).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import Files, InclusionLevel

from ..core.diagnostics import Severity, format_text
from ..render.pages import Memo
from .handwritten import post_slug

# The preview's own messages, outside MkDocs' logger, whose --strict count would end the preview.
LOG = logging.getLogger("atlas.preview")
if not LOG.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    LOG.addHandler(_handler)
    LOG.propagate = False


def _never() -> bool:
    return False


def _always() -> bool:
    return True


def fingerprint(paths: list[Path]) -> str:
    """What a full rebuild depends on besides the data: every file's name, size and time."""
    digest = hashlib.sha1()
    for base in paths:
        if base.is_file():
            status = base.stat()
            digest.update(f"{base}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        elif base.is_dir():
            for root, folders, files in os.walk(base):
                folders.sort()
                for name in sorted(files):
                    status = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def digest(content: str | bytes) -> str:
    return hashlib.sha1(content.encode("utf-8") if isinstance(content, str) else content).hexdigest()


@dataclass
class Preview:
    parsed: dict = field(default_factory=dict)  # validate's cache of files as read
    hashes: dict[str, str] = field(default_factory=dict)  # output path -> hash, as last written
    destinations: dict[str, str] = field(default_factory=dict)  # output path -> its file in the site
    fingerprint: str | None = None
    full: bool = True  # this build rebuilds everything
    search: dict[str, list] = field(default_factory=dict)  # page URL -> its search entries
    pages: dict[str, tuple] = field(default_factory=dict)  # page URL -> (title, meta) as last rendered
    order: list[str] = field(default_factory=list)  # page URLs in build order
    mark: int = 0  # how many search entries the index held before the current page
    result: object = None  # the last good build of the core
    errors: list[str] = field(default_factory=list)  # the diagnostics of a data file with errors
    printable: tuple[str | None] | None = None  # whether reports can be printed here (report.unavailable), once asked
    memo: Memo = field(default_factory=Memo)  # the entity pages of the last render (generator/render/pages.py)

    def begin(self, fingerprint: str, outputs: dict[str, str]) -> None:
        """Decide how much this build rebuilds: everything, or the outputs whose hash changed."""
        self.full = (fingerprint != self.fingerprint or set(outputs) != set(self.hashes))
        self.fingerprint = fingerprint
        self.changed = {path for path, value in outputs.items() if self.hashes.get(path) != value}
        self.new_hashes = outputs

    def unchanged(self, path: str) -> bool:
        return not self.full and path not in self.changed

    def finish(self, site_dir: Path) -> None:
        """After a build: remove what no longer exists, remember what was written."""
        for path in set(self.destinations) - set(self.new_hashes):
            stale = site_dir / self.destinations.pop(path)
            if stale.is_file():
                stale.unlink()
        self.hashes = self.new_hashes

    def keep_last_good(self, failure) -> None:
        """A data file has errors: the preview goes on with its last good site, and shows the errors in the
        browser until they are fixed."""
        for diagnostic in failure.report.diagnostics:
            (LOG.error if diagnostic.severity is Severity.ERROR else LOG.warning)(format_text(diagnostic))
        LOG.error(f"the preview shows the last good site, with these {len(failure.report.errors)} "
                  "error(s) listed over every page, until they are fixed")
        self.errors = [format_text(d) for d in failure.report.errors]

    def skip_unchanged(self, files: Files, generated: dict[str, object]) -> None:
        """The pages this build writes: the generated outputs whose hash changed (`generated`: output path ->
        its File); the hand-written pages, all of them on a full rebuild, those with atlas snippets when data
        changed; the news posts every time (the feed is written from the posts rendered in this build)."""
        for path, file in generated.items():
            self.destinations[path] = file.dest_uri
            if self.unchanged(path):
                file.is_modified = _never  # type: ignore[method-assign]
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            if self.full or post_slug(file.src_uri) or (self.changed and "atlas:" in file.content_string):
                file.is_modified = _always  # type: ignore[method-assign]

    def begin_pages(self, env, files: Files) -> None:
        """The order in which pages are built (and so indexed for search), and the title and meta of each page
        this build skips, which still names itself in the navigation and the sitemap."""
        pages = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        self.order = [file.url for file in pages]
        for file in pages:
            if file.page is not None and file.page.markdown is None and file.url in self.pages:
                file.page.title, file.page.meta = self.pages[file.url]

    def remember(self, page, index) -> None:
        """After search indexed a page (`index`: Material's search index, or None): its title, meta and entries."""
        self.pages[page.url] = (page.title, dict(page.meta))
        if index is not None:
            self.search[page.url] = index.entries[self.mark:]
            self.mark = len(index.entries)

    def write_search_index(self, site_dir: Path, index) -> None:
        """Search indexed the rebuilt pages only: the whole index, in build order, from what each page gave."""
        if index is None:
            return
        index.entries = [entry for url in self.order for entry in self.search.get(url, [])]
        (site_dir / "search" / "search_index.json").write_text(index.generate_search_index(None), encoding="utf-8")

    def write_errors(self, site_dir: Path) -> None:
        (site_dir / "atlas-preview.json").write_text(json.dumps({"errors": self.errors}, ensure_ascii=False),
                                                      encoding="utf-8")


class Notices:
    """The preview's watcher: the system's notices of changes (inotify and its kin, through watchdog), or,
    where the system refuses them (its limit of watched folders reached, as on machines running many
    editors and containers, or a mount that sends none), a look at the folders every half second, as
    MkDocs does, with a warning that says so. MkDocs' server calls schedule, unschedule, start, stop and
    join; whichever observer is at work answers them."""

    def __init__(self, observer=None, polling=None):
        import watchdog.events as events
        import watchdog.observers
        import watchdog.observers.polling

        # Changes only: a build reads every file, and a notice of each reading would start another build.
        self.changes = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent,
                        events.FileMovedEvent, events.FileClosedEvent]
        self.observer = observer if observer is not None else watchdog.observers.Observer()
        self._polling = polling or (lambda: watchdog.observers.polling.PollingObserver(timeout=0.5))
        self._asked: list[tuple] = []  # (handler, path, recursive) of every schedule, to hand on
        self.polling = False

    def schedule(self, handler, path, *, recursive=False, **_):
        self._asked.append((handler, path, recursive))
        try:
            return self.observer.schedule(handler, path, recursive=recursive, event_filter=self.changes)
        except OSError as error:  # refused while running: a folder added after the start
            self._fall_back(error)
            return self.observer.schedule(handler, path, recursive=recursive, event_filter=self.changes)

    def unschedule(self, watch):
        # A watch is known by its path and options, so the polling observer knows the notices' watches.
        self._asked = [asked for asked in self._asked if os.fspath(asked[1]) != watch.path]
        self.observer.unschedule(watch)

    def start(self):
        try:
            self.observer.start()
        except OSError as error:
            self._fall_back(error)

    def stop(self):
        self.observer.stop()

    def join(self, timeout=None):
        self.observer.join(timeout)

    def _fall_back(self, error: OSError) -> None:
        running = self.observer.is_alive()
        self.observer.unschedule_all()  # the emitters that did start, stopped
        if running:
            self.observer.stop()
        self.observer = self._polling()
        for handler, path, recursive in self._asked:
            self.observer.schedule(handler, path, recursive=recursive, event_filter=self.changes)
        self.observer.start()
        self.polling = True
        LOG.warning("The system refused to tell the preview of changes to its files (%s); it looks for changes "
                    "every half second instead, so a save shows a little later. On Linux, raising "
                    "fs.inotify.max_user_watches or max_user_instances (sysctl) brings the notices back.",
                    error.strerror or error)


def listening(server, config, builder):
    """mkdocs serve's server, told of a save as it happens (Notices) instead of looking for changes every
    half second (which made a save wait a quarter of a second on average, half a second at worst, before
    the rebuild began). MkDocs' `on_serve` event takes the server a plugin returns. ATLAS_PREVIEW_POLL=1
    keeps MkDocs' polling, for folders that send no notices (some network and container mounts)."""
    from mkdocs.livereload import LiveReloadServer

    if os.environ.get("ATLAS_PREVIEW_POLL") == "1" or not isinstance(server, LiveReloadServer):
        return server

    class Listening(LiveReloadServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.observer = Notices()

    host, port = server.server_address[:2]
    fresh = Listening(builder=builder, host=host, port=port, root=server.root, mount_path=server.mount_path)
    fresh.error_handler = server.error_handler
    server.server_close()  # MkDocs' own, never bound: its socket
    fresh.watch(config.docs_dir)  # what MkDocs watched before this event (config.watch is watched after it)
    if config.config_file_path:
        fresh.watch(config.config_file_path)
    return fresh
