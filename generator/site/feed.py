"""The news feed (mkdocs-rss-plugin's): dated by the atlas, not by the clock, and cleaned once written."""

from __future__ import annotations

import calendar
from email.utils import formatdate
from pathlib import Path

from ..core.link import Atlas
from ..core.safety import clean_feed

FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")  # mkdocs-rss-plugin's, in the site's folder


def prepare(feed, atlas: Atlas) -> None:
    """Before a build: the feed lists the posts of this build, dated by the newest post."""
    # mkdocs serve rebuilds in one process, and a build through MkDocs' API skips on_startup, where
    # mkdocs-rss-plugin 1.19 starts its list.
    feed.pages_to_filter = []
    # Its dates are the newest post's (or, without posts, the day the data was last verified), not the
    # time of the build: two builds of one tree are byte for byte the same, as the preview needs.
    days = [post.date for post in atlas.posts[:1]] or [e.last_verified for kind in atlas.entities.values()
                                                       for e in kind.values()]
    if days:
        stamp = formatdate(calendar.timegm(max(days).timetuple()))
        for built in (feed.feed_created, feed.feed_updated):
            built.pubDate = built.buildDate = stamp


def clean(site_dir: Path) -> None:
    """After mkdocs-rss-plugin wrote them: every feed well-formed XML, its HTML sanitised (safety.clean_feed)."""
    for name in FEEDS:
        path = site_dir / name
        if path.is_file():
            path.write_text(clean_feed(path.read_text(encoding="utf-8")), encoding="utf-8")
