"""The theme's files, published once: what a language's build leaves out, and where its pages find them.

The theme's files (Material's and theme/'s: scripts, stylesheets, the map's libraries) are the
same in every language. `make site` builds each language but English with SHARED set
(generator/sites.py): such a build publishes none of them, and its pages point at English's
copy at the site's root (/assets/ for /de/...). Every build leaves out what no reader loads:
source maps, and lunr's word splitters for languages the site does not have.

A build on its own (`mkdocs build -f mkdocs.de.yml`, `make serve ATLAS_LANGUAGE=de`) has no
English beside it: it publishes the theme's files itself.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import i18n

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
    """Rewrites a page's addresses of the theme's files from this language's folder to the root's."""

    def __init__(self, language_url: str, root_url: str):
        language_path, root_path = urlsplit(language_url).path or "/", urlsplit(root_url).path or "/"
        self.absolute = {language_url: root_url, language_path: root_path}
        # In an attribute (src, href, content) or the search worker's entry in Material's configuration;
        # absolute addresses first, then relative ones ("../../assets/", or "assets/" on the home page).
        prefixes = "|".join(re.escape(p) for p in sorted(self.absolute, key=len, reverse=True) if p)
        self.pattern = re.compile(r'(\b(?:src|href|content)="|"search": ")(' + prefixes + r'|(?:\.\./)*)'
                                  + re.escape(FOLDER))

    def __call__(self, output: str) -> str:
        def root(match: re.Match) -> str:
            prefix = match.group(2)
            return match.group(1) + self.absolute.get(prefix, "../" + prefix) + FOLDER

        return self.pattern.sub(root, output)
