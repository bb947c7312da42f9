"""What a published page may contain: the HTML allowlist, the sanitiser, the Content-Security-Policy.

Every page's HTML, after Markdown, passes through `sanitise`: whatever a data file smuggles
past the validator cannot become active content or load anything from elsewhere. The
validator reports the same rules earlier, with file and line (see `body.py`); this is the
net under it, and the CSP is the net under this one.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

# ---- the allowlist -------------------------------------------------------------------

# What Markdown, md_in_html, tables, admonitions, our templates and snippets produce.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    # The map's controls (the <!-- atlas:map --> snippet): a form that never leaves the page.
    "form", "fieldset", "legend", "label", "input", "select", "option", "button",
    # The embeddable map's code, to copy (the _embed template): text, never markup.
    "textarea",
    # A network's growth chart (render.growth_chart): bars, lines and numbers, drawn at build time.
    "svg", "rect", "line", "text",
})

# Attributes on every allowed tag; their values pass `_filter` below.
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-live"})
ATTRIBUTES = {
    "a": {"href", "data-atlas-open"},  # data-atlas-open: the embedded map's link back to /map/
    "img": {"src", "alt", "width", "height", "loading"},
    "table": {"aria-labelledby"},  # named by the title above its scrolling box
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "details": {"open", "data-search-exclude"},  # the embed code: not a search result (Material's search skips it)
    # A city's mini-map reads its point from the page: data-lat, data-lng, data-country, data-name, data-featured.
    "div": {"data-atlas-map", "data-city", "data-network", "data-root", "data-atlas-list",
            "data-lat", "data-lng", "data-country", "data-name", "data-featured",
            "tabindex", "aria-labelledby"},  # a table's scrolling box, reached by the keyboard on phones
    "ul": {"data-atlas-list"},
    "p": {"data-atlas-count"},
    "form": {"data-atlas-controls"},
    "input": {"type", "name", "value", "checked"},
    "select": {"name"},
    "option": {"value", "selected", "disabled"},
    "button": {"type", "data-atlas-copy"},
    "textarea": {"readonly", "rows", "data-atlas-embed"},
    "label": {"for"},
    "svg": {"viewBox", "viewbox", "width", "height", "aria-hidden", "focusable"},
    "rect": {"x", "y", "width", "height"},
    "line": {"x1", "y1", "x2", "y2"},
    "text": {"x", "y", "text-anchor"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Class names a page may use: our own, and the content classes of Markdown and Material.
# Anything else could borrow Material's layout (a fixed overlay, a fake dialog).
CLASS = re.compile(
    r"atlas-[a-z0-9_-]+|md-button(?:--primary)?|headerlink|toclink|grid|cards?|"
    r"admonition(?:-title)?|note|abstract|summary|tldr|info|todo|tip|hint|important|success|check|done|"
    r"question|help|faq|warning|caution|attention|failure|fail|missing|danger|error|bug|example|quote|cite")
VALUES = {  # attributes whose value is one of a few, or has a fixed shape
    "data-atlas-map": re.compile(r"explore|embed|home|city|country|network"),
    # The embeddable map's address on this site, for the code to copy: its text, never a link.
    "data-atlas-embed": re.compile(r"(?:https?://[^\s\"'<>]+/|(?:\.\./)*)embed/map/"),
    "rows": re.compile(r"[1-9]"),
    "data-city": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"),
    "data-network": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"),
    "data-root": re.compile(r"(?:\.\./)*"),  # the way up to the site's root: never another host
    "data-lat": re.compile(r"-?[0-9]{1,3}\.[0-9]{1,6}"),
    "data-lng": re.compile(r"-?[0-9]{1,3}\.[0-9]{1,6}"),
    "data-country": re.compile(r"[A-Z]{2}"),
    "role": re.compile(r"status|region|note|group|list|listitem|img|presentation"),
    "dir": re.compile(r"ltr|rtl|auto"),
    "type": re.compile(r"radio|checkbox|reset|button|submit|[1aAiI]"),
    "aria-live": re.compile(r"polite|off"),
    "align": re.compile(r"left|right|center"),
    "loading": re.compile(r"lazy|eager"),
    "name": re.compile(r"[a-z][a-z0-9-]*"),  # never Material's __palette and friends
    "scope": re.compile(r"row|col|rowgroup|colgroup"),
    "aria-labelledby": re.compile(r"[a-z][a-z0-9-]*"),  # an element of the page names it (one id)
    "tabindex": re.compile(r"0|-1"),  # into the tab order where it is, or out of it: never ahead of the page
    # A chart's geometry: numbers only (an SVG attribute could otherwise hold a reference or a script).
    **{name: re.compile(r"-?[0-9]{1,5}(?:\.[0-9]{1,3})?") for name in ("x", "y", "x1", "y1", "x2", "y2", "width", "height")},
    "viewBox": re.compile(r"[0-9]{1,5}(?: [0-9]{1,5}){3}"),
    "viewbox": re.compile(r"[0-9]{1,5}(?: [0-9]{1,5}){3}"),
    "aria-hidden": re.compile(r"true"),
    "focusable": re.compile(r"false"),
    "text-anchor": re.compile(r"start|middle|end"),
}
EMPTY = frozenset({"data-atlas-list", "data-atlas-count", "data-atlas-controls", "data-featured", "data-search-exclude",
                   "checked", "selected",
                   "disabled", "open", "reversed", "readonly", "data-atlas-open", "data-atlas-copy"})


def is_local(url: str) -> bool:
    """A path on this site: no scheme, no host (not even //host)."""
    url = url.strip()
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    return not urlsplit(url).scheme and ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def reserved_id(value: str) -> bool:
    # Material finds its own elements by ids that start with "__" (__config, __palette_0, ...).
    return value.startswith("_")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in EMPTY:
        return "" if not value or value == attribute else None
    if attribute in ("src", "srcset"):
        return value if is_local(value) and "," not in value else None  # never a remote image
    if attribute == "class":
        kept = [name for name in value.split() if CLASS.fullmatch(name)]
        return " ".join(kept) or None
    if attribute in ("id", "for"):
        return None if reserved_id(value) or not value else value
    pattern = VALUES.get(attribute)
    if pattern is not None:
        return value if pattern.fullmatch(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{tag: set(names) for tag, names in ATTRIBUTES.items()}},
    attribute_filter=_filter,
    url_schemes=set(URL_SCHEMES),
    url_relative="pass_through",
    link_rel=None,
    strip_comments=True,
    clean_content_tags={"script", "style"},
)


def sanitise(html: str) -> str:
    """A page's HTML with everything outside the allowlist removed (text is kept, escaped)."""
    return _CLEANER.clean(html)


# ---- the news feed -------------------------------------------------------------------
# mkdocs-rss-plugin writes each post's description or excerpt as escaped HTML, which feed readers
# render: it gets the pages' allowlist too. Characters XML 1.0 forbids would make strict readers drop
# the whole feed; the validator refuses them, and here they are dropped as a last line of defence.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FEED_HTML = re.compile(r"(<description>)([^<]*)(</description>)")
FEED_TEXT = re.compile(r"(<(title|author)>)([^<]*)(</\2>)")


def clean_feed(xml: str) -> str:
    """An RSS feed whose descriptions are sanitised HTML, whose titles are plain text, and that is well-formed."""
    xml = XML_FORBIDDEN.sub("", xml)

    def description(match: re.Match) -> str:
        return match.group(1) + html.escape(sanitise(html.unescape(match.group(2))), quote=False) + match.group(3)

    def text(match: re.Match) -> str:
        plain = html.unescape(TAGS_IN_TEXT.sub("", html.unescape(match.group(3))))
        return match.group(1) + html.escape(plain, quote=False) + match.group(4)

    # Again at the end: a reference in a post's text ("&#1;", unescaped above) can make one of them.
    return XML_FORBIDDEN.sub("", FEED_TEXT.sub(text, FEED_HTML.sub(description, xml)))


TAGS_IN_TEXT = re.compile(r"<[^>]*>")


def plain(text: str) -> str:
    """Text for a place Material prints as HTML (titles, the table of contents): tags out, escaped."""
    return html.escape(html.unescape(TAGS_IN_TEXT.sub("", text)), quote=True)


# ---- the Content-Security-Policy -----------------------------------------------------

def tile_sources(url_template: str | None) -> list[str]:
    """The CSP source for a tile server's URL template, e.g. https://*.tile.example.org."""
    if not url_template:
        return []
    parts = urlsplit(url_template.replace("{s}", "subdomain"))
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"expected the tiles' url to start with https://, found {url_template!r}")
    host = url_template.split("://", 1)[1].split("/", 1)[0]
    if not re.fullmatch(r"(?:\{s\}\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?", host, re.IGNORECASE):
        raise ValueError(f"expected the tiles' host to be a plain host name (optionally {{s}}.host), found {host!r}")
    return [f"https://{host.replace('{s}', '*')}"]


def content_security_policy(tiles_url: str | None = None, *, live_reload: bool = False) -> str:
    """The policy every page carries in a <meta>: this site's own scripts, styles, images and data only.

    `live_reload` is for `mkdocs serve`, whose reload script is inline on every page.
    """
    scripts = "'self' 'unsafe-inline'" if live_reload else "'self'"
    images = " ".join(["'self'", "data:", *tile_sources(tiles_url)])  # data: Material's icons in CSS
    return "; ".join([
        "default-src 'none'",
        f"script-src {scripts}",
        "style-src 'self'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


# ---- what a contributor's Markdown body may hold (the validator checks these) ---------

FORM_TAGS = frozenset({"form", "fieldset", "legend", "label", "input", "select", "option", "button", "textarea"})
BODY_TAGS = TAGS - FORM_TAGS
BODY_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    **{tag: names for tag, names in ATTRIBUTES.items() if tag in BODY_TAGS and tag not in ("a", "div", "ul", "p")},
    "a": {"href"},
}
PAGE_ATTRIBUTES = {"*": set(GLOBAL_ATTRIBUTES), **ATTRIBUTES}
