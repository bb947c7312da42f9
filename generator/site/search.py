"""What search indexes of a generated page: its title and the words written about its subject, not its
generated structure.

A city's page carries its lead, its other names, its takeaways and its profile, which a reader searches
for; and around them facts, lists of links, maps, the embed code and its sources, which repeat what other
pages hold (the network's page lists its members, the initiative's page is the initiative's). Indexed,
they put every city with "Germany" in its facts above the country's page and triple the index a phone
downloads; parsed, they were the larger part of the build's indexing.

The templates mark the structure: a line `<!-- atlas:unsearched -->` begins a part that search leaves
out, `<!-- atlas:searched -->` ends it (or the page does). Both are comments, which the sanitiser takes
out of the published page. Material's search reads `page.content` when the page's context is made
(MkDocs' on_page_context); this plugin hands it the page without the marked parts just before, and the
whole page again just after. A page without marks (every hand-written page) is indexed whole.
"""

from __future__ import annotations

import re

UNSEARCHED = "<!-- atlas:unsearched -->"
SEARCHED = "<!-- atlas:searched -->"
MARKERS = (UNSEARCHED, SEARCHED)
_PART = re.compile(re.escape(UNSEARCHED) + r".*?(?:" + re.escape(SEARCHED) + r"|\Z)", re.S)


def searched_part(html: str) -> str | None:
    """The page's HTML without its unsearched parts, or None when it marks none."""
    if UNSEARCHED not in html:
        return None
    return _PART.sub("", html)


class SearchViews:
    """The searched part of each page of a build, lent to search while it indexes the page."""

    def __init__(self) -> None:
        self.views: dict[str, str] = {}
        self.whole: dict[str, str] = {}

    def keep(self, page, searched: str | None) -> None:
        if searched is None:
            self.views.pop(page.file.src_uri, None)
        else:
            self.views[page.file.src_uri] = searched

    def lend(self, page) -> None:
        """Before search indexes the page: its searched part in place of its content."""
        view = self.views.pop(page.file.src_uri, None)
        if view is not None:
            self.whole[page.file.src_uri] = page.content
            page.content = view

    def give_back(self, page) -> None:
        """After search indexed it: the whole page again."""
        whole = self.whole.pop(page.file.src_uri, None)
        if whole is not None:
            page.content = whole
