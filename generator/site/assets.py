"""The theme's files, published once: what a language's build leaves out, and where its pages find them.

The theme's files (Material's and theme/'s: scripts, stylesheets, the map's libraries) are the
same in every language. `make site` builds each language but English with SHARED set
(generator/site/sites.py): such a build publishes none of them, and its pages point at English's
copy at the site's root (/assets/ for /de/...). Every build leaves out what no reader loads:
source maps, and lunr's word splitters for languages the site does not have.

A build on its own (`mkdocs build -f mkdocs.de.yml`, `make serve ATLAS_LANGUAGE=de`) has no
English beside it: it publishes the theme's files itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..core import i18n

SHARED = "ATLAS_SHARED_ASSETS"  # environment variable: "1" in a language's build inside the whole site
FOLDER = "assets/"
LUNR = "assets/javascripts/lunr/"
# Material's search loads lunr.<language>.min.js for each search language, with these two it needs.
LUNR_KEPT = {f"{LUNR}min/lunr.{name}.min.js" for name in (*i18n.LANGUAGES, "stemmer.support", "multi")}


def published(dest_uri: str, shared: bool) -> bool:
    """Whether a theme file goes into this build's folder."""
    if not dest_uri.startswith(FOLDER):
        return True
    if shared:
        return False
    if dest_uri.endswith(".map"):
        return False
    return not dest_uri.startswith(LUNR) or dest_uri in LUNR_KEPT


class SharedUrls:
    """Rewrites a page's addresses of the theme's files from this language's folder to the root's.

    MkDocs writes them as the page's way up to its language's root ("../../" on /de/cities/potsdam/,
    nothing on /de/) or, on the 404 page, absolute; each is a quoted attribute value or a string of
    Material's configuration. One more step up, or the root's own address, is English's copy."""

    def __init__(self, language_url: str, root_url: str):
        language_path, root_path = urlsplit(language_url).path or "/", urlsplit(root_url).path or "/"
        self.absolute = [(f'"{old}{FOLDER}', f'"{new}{FOLDER}')
                         for old, new in ((language_url, root_url), (language_path, root_path)) if old != new]

    def __call__(self, output: str, url: str) -> str:
        """`output` of the page at `url` (its address within the language: "cities/potsdam/", "")."""
        up = "../" * url.count("/")
        output = output.replace(f'"{up}{FOLDER}', f'"../{up}{FOLDER}')
        for old, new in self.absolute:
            output = output.replace(old, new)
        return output
