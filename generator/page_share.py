"""Half of the generated pages converted, and as many as it gets to rendered, by a second process.

MkDocs builds a site on one core: it reads and converts every page (Markdown to HTML), then
renders the theme around each and writes it. The atlas's pages are nearly all generated, a
thousand and more. Once the navigation is made (`on_nav`, priority -100: after every plugin's),
a child is forked with that whole state. It converts every other generated page as MkDocs
does (`_populate_page`, with every plugin's events) and sends what the parent needs of them
(HTML, table of contents, anchors, metadata: the anchor check and the feed are made in the
parent), while the parent converts the others; the parent's copies of the child's pages are
converted from nothing and take the child's results at `on_env`. Then both render and write
pages (`_build_page`): the parent takes the generated pages from the front, in MkDocs' order,
the child from the back, each claiming a page under a shared lock, until they meet; so the
work divides itself however busy each core is. The parent decides for the page it builds next
(at `on_env`, then at each `on_post_page`): a page the child has claimed gets an empty
template, for which MkDocs writes no file. The child indexes its pages for search (the
parent's index, `search_pool.py`, takes their entries in page order), and its warnings are
logged by the parent, where `--strict` counts them. The site is byte for byte the one a
single process builds (tests/test_parallel_build.py).

Only for `mkdocs build` with a second core and `fork` (generator/background.py); the preview
renders only what an edit changed, in one process. `_populate_page` and `_build_page` are
private functions of MkDocs 1.6 (requirements.lock pins it); the test above fails if they change.
"""

from __future__ import annotations

import functools
import gc
import logging
import multiprocessing
import threading

from jinja2 import ChoiceLoader, DictLoader
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from . import background
from .search_pool import PagewiseIndex, ParallelSearchIndex

ELSEWHERE = "atlas-rendered-elsewhere.html"  # an empty template: MkDocs writes no file for an empty page
CONVERTED = 0.5  # the child converts half of the generated pages, as fast as the parent converts the others
LOCK_SECONDS = 60
MIN_PAGES = 64  # fewer pages than this are not worth a process
SKIPPED = "Page skipped: '"


class _Discard:
    """The child's search index when the parent indexes every page, the child's too."""

    def add_entry_from_context(self, page) -> None:
        pass


class _Collect(logging.Handler):
    """The child's warnings about its own pages (not about pages the parent converts too)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.on = False
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.on:
            self.records.append((record.name, record.levelno, record.getMessage()))


def _work(share: PageShare, send, config, files: Files, nav,
          search_plugin) -> tuple[list[tuple[str, int, str]], dict[str, list[dict]]]:
    """In the child: convert its pages (and the navigation's, for their titles), send what the parent needs of
    them, then render pages from the back until it meets the parent's (converting those it did not yet).
    Returns its warnings, and the search entries of the pages it rendered."""
    from mkdocs.commands.build import _build_page, _populate_page
    from mkdocs.structure.pages import Page

    share.in_child = True
    gc.disable()  # a short life: collections would only copy the parent's memory page by page
    collect = _Collect()
    for name in ("", "mkdocs"):  # the parent prints and counts them, once
        logging.getLogger(name).handlers = [collect]
    logging.getLogger("mkdocs").propagate = False  # (as under MkDocs' command line): not to the root's too

    def convert(page, report: bool) -> None:
        collect.on = report
        _populate_page(page, config, files)
        collect.on = False

    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    in_nav = {page.file.src_uri for page in nav.pages}
    for file in doc_files:  # as MkDocs' own loop does
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
        if file.src_uri in share.converted or file.src_uri in in_nav:
            convert(file.page, report=file.src_uri in share.converted)
    send.send({file.src_uri: _converted(file.page) for file in doc_files if file.src_uri in share.converted})
    send.close()
    index = None
    if search_plugin is not None:  # the parent indexes every page, or this process its own (share.index_here)
        index = PagewiseIndex(**search_plugin.search_index.config) if share.index_here else _Discard()
        search_plugin.search_index = index
    env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
    for position in range(len(share.pages) - 1, -1, -1):  # from the back, until the parent's pages
        if not share.claim_here(position, from_back=True):
            break
        page = files.get_file_from_path(share.pages[position]).page
        if page.file.src_uri not in share.converted and page.file.src_uri not in in_nav:
            convert(page, report=False)  # the parent converted it too, and said what is wrong with it
        collect.on = True
        _build_page(page, config, doc_files, nav, env, excluded=page.file.inclusion.is_excluded())
        collect.on = False
    return collect.records, dict(index.by_page) if share.index_here else {}


def _converted(page) -> tuple:
    """What the parent needs of a page the child converted: its metadata, HTML, contents and anchors."""
    links = page.links_to_anchors
    return (page.meta, page._title_from_render, page.content, page.toc, page.present_anchor_ids,
            None if links is None else {file.src_uri: found for file, found in links.items()})


def _spread(items: list[str], share: float) -> list[str]:
    """A share of the items, spread evenly (pages of a kind cost about the same, and kinds come in runs)."""
    return [item for index, item in enumerate(items) if int((index + 1) * share) > int(index * share)]


def _read_nothing(page, config) -> None:
    page.markdown, page.meta = "", {}


def _convert_nothing(page, config, files) -> None:
    page.content, page.toc, page.present_anchor_ids = "", get_toc([]), set()


class _SkippedNotice(logging.Filter):
    """MkDocs says it skipped each page the child writes; it did not skip them."""

    def __init__(self, share: PageShare):
        super().__init__()
        self.share = share

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(SKIPPED) and message[len(SKIPPED):].split("'", 1)[0] in self.share.elsewhere)


class PageShare:
    def __init__(self) -> None:
        self.child: background.Later | None = None
        self.receive = None
        self.pages: list[str] = []  # the generated pages in MkDocs' order: the parent's from the front, the child's
        # from the back
        self.converted: set[str] = set()  # the pages the child converts (for this process too)
        self.elsewhere: set[str] = set()  # the pages the child has rendered, as this process finds them claimed
        self.elsewhere_urls: set[str] = set()  # their addresses, for the search index
        self.claims = self.lock = None
        self.after: dict[str, object] = {}  # each page's successor in MkDocs' order (a File)
        self.in_child = False
        self.index_here = False  # the child indexes its own pages for search
        self.indexed: dict[str, list[dict]] = {}
        self.notice = _SkippedNotice(self)  # on MkDocs' logger while a child shares the build

    def start(self, config, files: Files, nav, generated: set[str], search_plugin) -> None:
        """At on_nav: share the generated pages with a child, if that is safe and worth it."""
        self.pages, self.converted, self.indexed = [], set(), {}
        self.elsewhere, self.elsewhere_urls = set(), set()
        if self.in_child or not background.worth_a_worker() or threading.active_count() != 1:
            return
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [file.src_uri for file in doc_files if file.src_uri in generated]
        if len(pages) < MIN_PAGES:
            return
        self.pages, self.converted = pages, set(_spread(pages, CONVERTED))
        context = multiprocessing.get_context("fork")
        self.claims = context.RawArray("i", [0, len(pages)])  # [the parent's next, the child's last], under the lock
        self.lock = context.Lock()
        # Material's index in a worker (generator/search_pool.py) takes the child's entries for its pages.
        index = getattr(search_plugin, "search_index", None)
        self.index_here = isinstance(index, ParallelSearchIndex)
        if self.index_here:
            index.indexed_elsewhere(self.elsewhere_urls, self.search_entries)
        self.receive, send = context.Pipe(duplex=False)
        self.child = background.Forked(_work, self, send, config, files, nav, search_plugin)
        send.close()
        logging.getLogger("mkdocs.commands.build").addFilter(self.notice)

    def claim_here(self, position: int, from_back: bool = False) -> bool:
        """This process takes the page at `position`, unless the other has: the parent from the front, the child
        from the back."""
        if not self.lock.acquire(timeout=LOCK_SECONDS):  # held for an instant; else its holder died holding it
            raise PluginError("the second process stopped while it held the lock of the pages")
        try:
            front, back = self.claims
            if not front <= position < back:
                return False
            self.claims[1 if from_back else 0] = position if from_back else position + 1
            return True
        finally:
            self.lock.release()

    def stand_in(self, page) -> None:
        """At on_pre_page: a page the child converts is read and converted here from nothing (on_env brings
        what the child made of it)."""
        if not self.in_child and page.file.src_uri in self.converted:
            page.read_source = functools.partial(_read_nothing, page)
            page.render = functools.partial(_convert_nothing, page)

    def receive_pages(self, env, files: Files) -> None:
        """At on_env: the child's pages as it converted them; then whether the first page to build is this process's."""
        if self.child is None:
            return
        try:
            converted = self.receive.recv()
        except EOFError:  # the child ended before it sent them: its error
            self.receive.close()
            self.finish()
            raise PluginError("the second process ended before it sent its pages") from None
        self.receive.close()
        for uri, (meta, title, content, toc, anchors, links) in converted.items():
            page = files.get_file_from_path(uri).page
            del page.read_source, page.render  # the stand-ins of stand_in(): MkDocs' own methods again
            page.meta, page._title_from_render = meta, title
            page.content, page.toc, page.present_anchor_ids = content, toc, anchors
            page.links_to_anchors = None if links is None else {files.get_file_from_path(target): found
                                                                for target, found in links.items()}
        env.loader = ChoiceLoader([DictLoader({ELSEWHERE: ""}), env.loader])
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)  # MkDocs' order of building
        self.position = {uri: index for index, uri in enumerate(self.pages)}
        self.after = {doc_files[index].src_uri: doc_files[index + 1] for index in range(len(doc_files) - 1)}
        if doc_files:
            self._decide(doc_files[0])

    def built(self, page) -> None:
        """At on_post_page: whether the page MkDocs builds next is this process's."""
        following = self.after.get(page.file.src_uri) if self.child is not None else None
        if following is not None:
            self._decide(following)

    def _decide(self, file) -> None:
        position = self.position.get(file.src_uri)
        if position is None or self.claim_here(position):
            return
        file.page.meta["template"] = ELSEWHERE  # the child has it: nothing rendered or written here
        self.elsewhere.add(file.src_uri)
        self.elsewhere_urls.add(file.url)

    def finish(self) -> None:
        """At on_post_build: wait for the child's pages; its warnings are logged here."""
        child, self.child = self.child, None
        if child is None:
            return
        logging.getLogger("mkdocs.commands.build").removeFilter(self.notice)
        try:
            records, self.indexed = child.result()
        except Exception as error:
            raise PluginError(f"converting and rendering pages in a second process failed: "
                              f"{type(error).__name__}: {error}") from None
        for name, level, message in records:
            logging.getLogger(name).log(level, message)

    def search_entries(self) -> dict[str, list[dict]]:
        """The search entries of the child's pages, by address (once the child is done)."""
        self.finish()
        return self.indexed

    def cancel(self) -> None:
        if self.child is not None:
            self.child.cancel()
            self.child = None
            logging.getLogger("mkdocs.commands.build").removeFilter(self.notice)
