"""The site's addresses that the data does not name: where render writes its pages and files, and
what a link in a body or a hand-written page may point at (validate checks links against them)."""

from __future__ import annotations

from .kinds import KINDS

EMBED_PAGE = "embed/map.md"  # the embeddable map, /embed/map/, with the address state of /map/
PLACE_NAMES = "data/place-names.json"  # the basemap's names in the language (the map reads it)
ADMISSION_FILES = ("data/admission.geojson", "data/admission.csv")
FEED = "feed_rss_created.xml"  # the news feed, written by mkdocs-rss-plugin (mkdocs.yml)
INDEX_PAGES = ["countries/index.md", "topics/index.md", "data.md", "fields.md", "translations.md"]


def site_paths(slugs: dict[str, set[str]], topics: list[str]) -> set[str]:
    """Every path `render` writes, from the slugs alone: what a link in a body may point at."""
    paths = set(INDEX_PAGES) | {"data/atlas.json", PLACE_NAMES, *ADMISSION_FILES, FEED, EMBED_PAGE}
    for kind in KINDS.values():
        paths |= {f"{kind.folder}/index.md", f"data/{kind.folder}.csv"}
        paths |= {f"{kind.folder}/{slug}.md" for slug in slugs[kind.name]}
        if kind.location:
            paths.add(f"data/{kind.folder}.geojson")
        if kind.member_layer:
            paths |= {f"data/{kind.folder}/{slug}.geojson" for slug in slugs[kind.name]}
    paths |= {f"countries/{code.lower()}.md" for code in slugs["country"]}
    paths |= {f"topics/{slug}.md" for slug in topics}
    return paths


# The blocks a hand-written page may ask for with <!-- atlas:NAME -->.
SNIPPETS = ("counts", "map", "featured", "featured-map", "propose")
