"""A build's language (`theme.language`): mkdocs.yml's words in it, its address in the whole site, and
each page's links to itself in every language.

English is the site's root; every other language lives under /<language>/ with the same slugs, so a
page's address in another language is found from its own (hreflang, and the language switcher).
"""

from __future__ import annotations

import functools
import html
import re

from ..core import i18n
from ..core.safety import plain, sanitise

# Material writes one <link rel="alternate" hreflang> per language, to each language's home page;
# alternate_links puts links to the same page in every language in their place.
# Starts with its literal text, so that the search skips ahead (a leading [ \t]* made it try every position).
MATERIAL_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?[ \t]*')


def language_root(this: str, language: str) -> str:
    """A language's home page, relative to the root of this language's build (English's is the site's root,
    the others' its folders): the switcher and hreflang links work wherever the site is served."""
    up = "" if this == i18n.SOURCE else "../"
    prefix = "" if language == i18n.SOURCE else f"{language}/"
    return "./" if language == this else up + prefix


def localise_config(config, language: str, translate) -> str:
    """mkdocs.yml in this language: its site address under /<language>/, the switcher's languages, the news's
    dates and mkdocs.yml's own words (i18n.extract_config gives them to the catalogue). Material prints those
    words as they are: escaped here, the footer sanitised. Returns the site's root address (mkdocs.yml's)."""
    base_url = config.site_url or ""
    if language != i18n.SOURCE and config.site_url:
        config.site_url = f"{config.site_url.rstrip('/')}/{language}/"
    config.extra["alternate"] = [{"name": i18n.language_name(code), "lang": code,
                                  "link": language_root(language, code)} for code in i18n.LANGUAGES]
    blog = config.plugins.get("material/blog") or config.plugins.get("blog")
    if blog is not None:  # the news writes dates as the atlas's pages do (not "December 30, 2022" in English)
        blog.config.post_date_format = i18n.date_pattern(language)
    config.site_description = plain(translate(config.site_description)) if config.site_description else None
    config.copyright = sanitise(translate(config.copyright)) if config.copyright else None
    for palette in config.theme.get("palette") or []:
        if isinstance(palette, dict) and isinstance(palette.get("toggle"), dict):
            palette["toggle"]["name"] = plain(translate(palette["toggle"]["name"]))
    return base_url


def translate_nav(nav, translate) -> None:
    """The navigation's titles from mkdocs.yml, in this language, escaped (Material prints them as they are)."""
    stack = list(nav.items)
    while stack:
        item = stack.pop()
        if getattr(item, "title", None):
            item.title = plain(translate(item.title))
        stack.extend(getattr(item, "children", None) or [])


def without_material_alternates(output: str) -> str:
    """Material's links to each language's home page, out of <head> (the only place it writes them):
    only the head is searched, because a pattern run over every page's whole HTML cost a second a build."""
    end = output.find("</head>")
    if end < 0:
        return output
    return MATERIAL_ALTERNATE.sub("", output[:end]) + output[end:]


@functools.lru_cache(maxsize=None)
def _roots(language: str) -> dict[str, str]:
    """Each language's home, relative to this language's root and escaped for an attribute."""
    return {code: html.escape(language_root(language, code).removeprefix("./")) for code in i18n.LANGUAGES}


def alternate_links(output: str, page_url: str, language: str) -> str:
    """A page's links to itself in every language (hreflang), in place of Material's to each home page.
    (Material's script would fetch a sitemap for each; the switcher's links are set by atlas-map.js.)"""
    output = without_material_alternates(output)
    if not page_url.endswith("/") and page_url:  # 404.html: no page of its own in other languages
        return output
    roots = _roots(language)
    url = html.escape(page_url)
    up = "../" * page_url.count("/")  # from this page to its build's root
    hrefs = {code: f"{up}{roots[code]}{url}" or "./" for code in i18n.LANGUAGES}
    links = [f'<link rel="alternate " hreflang="{code}" href="{hrefs[code]}">' for code in i18n.LANGUAGES]
    links.append(f'<link rel="alternate " hreflang="x-default" href="{hrefs[i18n.SOURCE]}">')
    # rel="alternate " (with a space: still the link type alternate): Material's script fetches a sitemap
    # for every element matching [rel=alternate], and there is none at each page's address.
    return output.replace("</head>", "  " + "\n  ".join(links) + "\n  </head>", 1)
