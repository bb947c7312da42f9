"""Material's search index, built in a second process while MkDocs renders the next pages.

Material's search plugin parses every page's HTML with Python's `html.parser` on the one thread
that also renders the pages: about a tenth of a full build of the atlas, whose pages carry more
structure (facts, link lists, cards) than a page of prose. Here the same parser (Material's own
`SearchIndex`, so the index is byte-identical) runs in a worker process, fed pages in batches as
MkDocs renders them; the entries are gathered, in page order, when search writes its index.
The pages a second process renders (generator/page_share.py) it indexes itself: their entries
are taken from it, in their places.

Only for `mkdocs build` on a machine with more than one core and the `fork` start method (the
worker inherits the loaded modules instead of importing them again); the preview and everything
else keep Material's index as it is.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from material.plugins.search.plugin import SearchIndex

from . import background

BATCH = 32  # pages per message to the worker: few enough messages, soon enough started


@dataclass
class _Page:
    """What Material's `SearchIndex.add_entry_from_context` reads of a page."""

    url: str
    title: str
    content: str
    meta: dict[str, Any]
    toc: list = field(default_factory=list)


class PagewiseIndex(SearchIndex):
    """Material's own index, which also remembers the entries each page gave: (url, entries), in order."""

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.by_page: list[tuple[str, list[dict]]] = []

    def add_entry_from_context(self, page) -> None:
        start = len(self.entries)
        super().add_entry_from_context(page)
        self.by_page.append((page.url, self.entries[start:]))


def _index(config: dict, pages: list[_Page]) -> list[tuple[str, list[dict]]]:
    """In the worker: Material's own indexing of a batch of pages, page by page."""
    index = PagewiseIndex(**config)
    for page in pages:
        index.add_entry_from_context(page)
    return index.by_page


class ParallelSearchIndex(SearchIndex):
    def __init__(self, original: SearchIndex, pool: ProcessPoolExecutor):
        super().__init__(**original.config)
        self.entries = list(original.entries)
        self.pool = pool
        self.batch: list[_Page] = []
        self.pending: list[Future] = []
        self.order: list[str | None] = []  # each page in turn: None if the worker indexes it, else its url
        self.elsewhere: set[str] = set()
        self.from_elsewhere: Callable[[], dict[str, list[dict]]] = dict

    def indexed_elsewhere(self, urls: set[str], entries: Callable[[], dict[str, list[dict]]]) -> None:
        """These pages are indexed by another process (generator/page_share.py); `entries` waits for theirs."""
        self.elsewhere, self.from_elsewhere = urls, entries

    def add_entry_from_context(self, page) -> None:
        if page.url in self.elsewhere:
            self.order.append(page.url)
            return
        self.order.append(None)
        self.batch.append(_Page(page.url, str(page.title), page.content, dict(page.meta), list(page.toc)))
        if len(self.batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        if self.batch:
            self.pending.append(self.pool.submit(_index, self.config, self.batch))
            self.batch = []

    def gather(self) -> None:
        """Every page's entries, in the order the pages were built."""
        self._send()
        from_worker = (entries for future in self.pending for _, entries in future.result())
        elsewhere = self.from_elsewhere() if any(url is not None for url in self.order) else {}
        for url in self.order:
            self.entries.extend(next(from_worker) if url is None else elsewhere[url])
        self.pending, self.order = [], []

    def generate_search_index(self, prev) -> str:
        self.gather()
        return super().generate_search_index(prev)


class SearchPool:
    """One worker process for one build; `install` swaps Material's index for the parallel one."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def install(self, search_plugin) -> None:
        index = getattr(search_plugin, "search_index", None)
        if index is None or type(index) is not SearchIndex or not background.worth_a_worker():
            return
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        search_plugin.search_index = ParallelSearchIndex(index, self.pool)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
