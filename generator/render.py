"""Render: the linked atlas as outputs — Markdown pages, GeoJSON layers, CSV and JSON downloads.

Every output is (path, content) relative to the site's docs root; the MkDocs plugin hands
them to MkDocs, and nothing here knows MkDocs exists.
"""

from __future__ import annotations

import csv
import html
import functools
import datetime as dt
import io
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2

from .link import Atlas, City, Initiative, Network

TEMPLATES = Path(__file__).parent / "templates"
DATA_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Output:
    path: str  # where it lands, relative to the docs root: cities/potsdam.md, data/cities.csv
    content: str
    source: str | None = None  # the data file it comes from, for "edit this page"
    in_nav: bool = False


# ---- helpers the templates use -------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_NEEDS_ESCAPE = re.compile(r"[\\`*_{}\[\]()#+!|~&<>\n]")


def escape_markdown(text: Any) -> str:
    """Data text is plain text: it must not become Markdown or HTML on the page."""
    text = str(text)
    if not _NEEDS_ESCAPE.search(text):  # most names and titles: nothing to do
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def escape_html(text: Any) -> str:
    """Data text in an HTML context: escaped, on one line (a blank line would end a raw HTML block)."""
    text = html.escape(str(text), quote=True)
    return text.replace("\r", " ").replace("\n", " ") if "\n" in text or "\r" in text else text


def format_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def format_number(value: int) -> str:
    return f"{value:,}"


def page_path(entity: Any) -> str:
    folder = {City: "cities", Initiative: "initiatives", Network: "networks"}.get(type(entity))
    if folder:
        return f"{folder}/{entity.slug}.md"
    if hasattr(entity, "cities"):
        return f"countries/{entity.slug}.md"
    return f"topics/{entity.slug}.md"


def page_url(path: str) -> str:
    """The public URL of a page, relative to the site root (directory URLs)."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):  # a folder's index page; a slug such as 'reindex' is not one
        return stem[: -len("index")]
    return stem + "/"


def relative_url(target: str, here: str) -> str:
    """The link from the page at URL `here` to the URL `target` (both site-relative), as MkDocs writes it."""
    here_folders = here.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < len(here_folders) and common < len(parts) - 1 and here_folders[common] == parts[common]:
        common += 1
    return "../" * (len(here_folders) - common) + "/".join(parts[common:]) or "./"


@functools.lru_cache(maxsize=1)  # compiled templates are reused across builds (mkdocs serve)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, auto_reload=False)
    env.filters.update(md=escape_markdown, date=format_date, number=format_number,
                       html=escape_html,
                       json=lambda v: json.dumps(v, ensure_ascii=False))
    return env


class Renderer:
    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        self.env = _environment()

    def page(self, template: str, path: str, **context: Any) -> str:
        here = posixpath.dirname(path)
        up = "../" * (here.count("/") + 1) if here else ""
        prefix = here + "/" if here else ""

        def link(target: Any) -> str:
            # Pages sit at most one folder deep; a cheap relpath (posixpath.relpath was a hot spot).
            target_path = target if isinstance(target, str) else page_path(target)
            if prefix and target_path.startswith(prefix) and "/" not in target_path[len(prefix):]:
                return target_path[len(prefix):]
            return up + target_path

        here_url = page_url(path)

        def href(target: Any) -> str:
            # For generated HTML, which MkDocs leaves alone: the final URL, escaped for an attribute.
            target_path = target if isinstance(target, str) else page_path(target)
            url = page_url(target_path) if target_path.endswith(".md") else target_path
            return escape_html(relative_url(url, here_url))

        def topic_links(topics: list[str]) -> str:
            return " · ".join(f'<a href="{href(f"topics/{t}.md")}">{escape_html(self.atlas.topics[t].name)}</a>'
                              for t in topics)

        depth = here_url.count("/")
        return self.env.get_template(template).render(
            atlas=self.atlas, link=link, href=href, root="../" * depth, topic_links=topic_links, **context)


def _description(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]


def _first_paragraph(body: str) -> str:
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block and not block.startswith(("#", "<", "-", "*", "|")):
            return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
    return ""


# ---- pages: one small function each --------------------------------------------------

def render_city_page(r: Renderer, city: City) -> Output:
    path = page_path(city)
    description = city.subtitle or _first_paragraph(city.body) or (
        f"{city.name}, {city.country.name}, in the Moving Cities Atlas.")
    return Output(path, r.page("city.md.j2", path, city=city, description=_description(description)), city.path)


def render_initiative_page(r: Renderer, initiative: Initiative) -> Output:
    path = page_path(initiative)
    description = _first_paragraph(initiative.body) or (
        f"{initiative.title}: an initiative in {initiative.city.name}, {initiative.city.country.name}.")
    return Output(path, r.page("initiative.md.j2", path, initiative=initiative,
                               description=_description(description)), initiative.path)


def render_network_page(r: Renderer, network: Network) -> Output:
    path = page_path(network)
    groups: dict[str, list] = {}
    for membership in network.memberships:
        groups.setdefault(membership.city.country.name, []).append(membership)
    countries = sorted(groups.items())
    description = _first_paragraph(network.body) or f"{network.name}: a city network in the Moving Cities Atlas."
    return Output(path, r.page("network.md.j2", path, network=network, groups=countries,
                               description=_description(description)), network.path)


def render_country_page(r: Renderer, country) -> Output:
    path = page_path(country)
    return Output(path, r.page("country.md.j2", path, country=country,
                               description=f"Solidarity cities, initiatives and networks in {country.name}."))


def render_topic_page(r: Renderer, topic) -> Output:
    path = page_path(topic)
    return Output(path, r.page("topic.md.j2", path, topic=topic, description=_description(topic.description)))


def render_indexes(r: Renderer) -> list[Output]:
    a = r.atlas
    by_country = [(country, country.cities) for country in a.countries.values()]
    return [
        Output("cities/index.md", r.page("cities.md.j2", "cities/index.md", by_country=by_country), in_nav=True),
        Output("initiatives/index.md", r.page("initiatives.md.j2", "initiatives/index.md"), in_nav=True),
        Output("networks/index.md", r.page("networks.md.j2", "networks/index.md"), in_nav=True),
        Output("countries/index.md", r.page("countries.md.j2", "countries/index.md"), in_nav=True),
        Output("topics/index.md", r.page("topics.md.j2", "topics/index.md"), in_nav=True),
        Output("data/index.md", r.page("data.md.j2", "data/index.md", tables=DATA_TABLES,
                                       row_of={"cities.csv": "city", "initiatives.csv": "initiative",
                                               "networks.csv": "network"},
                                       networks=list(a.networks.values()), licence=DATA_LICENCE), in_nav=True),
        render_field_reference(r),
    ]


def field_rows(record, prefix: str = "") -> list[dict]:
    """Every field of a record, nested ones as population.value, for the field reference."""
    from .model import Either, ListOf, Record

    rows = []
    for f in record.fields:
        kind = f.type
        inner = kind.item if isinstance(kind, ListOf) else kind
        inner = inner.long if isinstance(inner, Either) else inner
        vocabulary = getattr(getattr(kind, "item", kind), "vocabulary", None) or getattr(kind, "vocabulary", None)
        rows.append({"name": prefix + f.name, "type": kind.label, "required": f.required,
                     "vocabulary": vocabulary, "example": f.example_yaml() if f.example is not None else "",
                     "description": f.description})
        if isinstance(inner, Record):
            rows += field_rows(inner, prefix + f.name + ("[]." if isinstance(kind, ListOf) else "."))
    return rows


def render_field_reference(r: Renderer) -> Output:
    from .model import BODY_SECTIONS, ENTITIES

    from . import body, safety

    entities = [(kind, FOLDER_OF[kind], field_rows(record), BODY_SECTIONS[kind]) for kind, record in ENTITIES.items()]
    attributes = {tag: sorted(names) for tag, names in safety.BODY_ATTRIBUTES.items() if tag != "*"}
    return Output("fields.md", r.page("fields.md.j2", "fields.md", entities=entities, tags=sorted(safety.BODY_TAGS),
                                      everywhere=sorted(safety.BODY_ATTRIBUTES["*"]), attributes=attributes,
                                      limits=body), in_nav=True)


FOLDER_OF = {"city": "cities", "initiative": "initiatives", "network": "networks"}
NAME_FIELD = {"city": "name", "initiative": "title", "network": "name"}  # the page's heading
# Sections every page of a kind has (its template's headings), which a link may name as #anchor.
TEMPLATE_ANCHORS = {"city": ["initiatives", "sources"], "initiative": ["sources"], "network": ["members", "sources"]}
INDEX_PAGES = ["cities/index.md", "initiatives/index.md", "networks/index.md", "countries/index.md",
               "topics/index.md", "data/index.md", "fields.md"]
DATA_FILES = ["data/cities.geojson", "data/initiatives.geojson", "data/atlas.json", "data/cities.csv",
              "data/initiatives.csv", "data/networks.csv"]


def site_paths(slugs: dict[str, set[str]], topics: list[str]) -> set[str]:
    """Every path `render` writes, from the slugs alone: what a link in a body may point at."""
    paths = set(INDEX_PAGES) | set(DATA_FILES)
    for kind, folder in FOLDER_OF.items():
        paths |= {f"{folder}/{slug}.md" for slug in slugs[kind]}
    paths |= {f"countries/{code.lower()}.md" for code in slugs["country"]}
    paths |= {f"topics/{slug}.md" for slug in topics}
    paths |= {f"data/networks/{slug}.geojson" for slug in slugs["network"]}
    return paths


def render_counts(atlas: Atlas) -> dict[str, int]:
    """The numbers the home page shows, computed from the data."""
    return {"cities": len(atlas.cities), "featured": len(atlas.featured), "countries": len(atlas.countries),
            "initiatives": len(atlas.initiatives), "networks": len(atlas.networks)}


SNIPPETS = ("counts", "map")


class UnknownSnippet(ValueError):
    pass


def render_snippet(atlas: Atlas, name: str, page: str) -> str:
    """A block a hand-written page asks for with <!-- atlas:NAME -->."""
    if name not in SNIPPETS:
        raise UnknownSnippet(f"unknown <!-- atlas:{name} -->; known: {', '.join(SNIPPETS)}")
    renderer = Renderer(atlas)
    return renderer.page(f"snippet-{name}.md.j2", page, counts=render_counts(atlas))


# ---- data: GeoJSON layers, CSV, JSON -------------------------------------------------

def _point(city: City) -> dict:
    # RFC 7946: [longitude, latitude]; 5 decimals is about a metre.
    return {"type": "Point", "coordinates": [round(city.longitude, 5), round(city.latitude, 5)]}


def _feature(id: str, geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "id": id, "geometry": geometry, "properties": properties}


def city_properties(city: City) -> dict:
    return {"slug": city.slug, "name": city.name, "country": city.country.code,
            "country_name": city.country.name, "featured": city.featured,
            "networks": [n.slug for n in city.networks], "topics": city.topics,
            "initiatives": len(city.initiatives), "url": page_url(page_path(city))}


def _collection(features: list) -> str:
    # Plain dicts: the geojson package's objects cost a third of rendering; tests check validity with it.
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


def cities_geojson(cities: Iterable[City]) -> str:
    return _collection([_feature(c.slug, _point(c), city_properties(c)) for c in cities])


def initiatives_geojson(atlas: Atlas) -> str:
    return _collection([
        _feature(i.slug, _point(i.city), {
            "slug": i.slug, "title": i.title, "city": i.city.slug, "city_name": i.city.name,
            "country": i.city.country.code, "topics": i.topics, "since": i.since,
            "url": page_url(page_path(i))})
        for i in atlas.initiatives.values()])


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values)


# Columns every entity has, at the end of each table.
COMMON_COLUMNS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("website", "its official website", lambda e: e.website or ""),
    ("sources", "source addresses, separated by '; '", lambda e: _join(s.url for s in e.sources)),
    ("last_verified", "the day the facts were last checked", lambda e: e.last_verified.isoformat()),
    ("url", "its page, relative to the site", lambda e: page_url(page_path(e))),
]

# Each download's columns: (name, what it holds, value). The data page documents these.
DATA_TABLES: dict[str, list[tuple[str, str, Callable[[Any], Any]]]] = {
    "cities.csv": [
        ("slug", "the city's id and file name", lambda c: c.slug),
        ("name", "the city's name", lambda c: c.name),
        ("country", "ISO 3166-1 alpha-2 code", lambda c: c.country.code),
        ("country_name", "the country's name", lambda c: c.country.name),
        ("latitude", "WGS 84, decimal degrees", lambda c: round(c.latitude, 5)),
        ("longitude", "WGS 84, decimal degrees", lambda c: round(c.longitude, 5)),
        ("featured", "true for a full profile", lambda c: str(c.featured).lower()),
        ("subtitle", "one line on what stands out", lambda c: c.subtitle or ""),
        ("population", "inhabitants", lambda c: (c.population or {}).get("value", "")),
        ("population_year", "year of the count", lambda c: (c.population or {}).get("year", "")),
        ("population_source", "where the count is published", lambda c: (c.population or {}).get("source", "")),
        ("networks", "slugs of its networks, separated by '; '", lambda c: _join(n.slug for n in c.networks)),
        ("initiatives", "number of its initiatives in the atlas", lambda c: len(c.initiatives)),
    ] + COMMON_COLUMNS,
    "initiatives.csv": [
        ("slug", "the initiative's id and file name", lambda i: i.slug),
        ("title", "its name", lambda i: i.title),
        ("city", "the slug of its city", lambda i: i.city.slug),
        ("city_name", "its city's name", lambda i: i.city.name),
        ("country", "ISO 3166-1 alpha-2 code", lambda i: i.city.country.code),
        ("topics", "topic slugs, separated by '; '", lambda i: _join(i.topics)),
        ("since", "year it started", lambda i: i.since or ""),
        ("actors", "who runs it, separated by '; '", lambda i: _join(i.actors)),
        ("related", "slugs of related initiatives, separated by '; '", lambda i: _join(r.slug for r in i.related)),
    ] + COMMON_COLUMNS,
    "networks.csv": [
        ("slug", "the network's id and file name", lambda n: n.slug),
        ("name", "its full name", lambda n: n.name),
        ("short_name", "short name or acronym", lambda n: n.short_name or ""),
        ("founded", "year founded", lambda n: n.founded or ""),
        ("scope", "local, national, european or global", lambda n: n.scope),
        ("members", "number of member cities in the atlas", lambda n: len(n.memberships)),
    ] + COMMON_COLUMNS,
}


def render_csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _, _ in columns])
    for row in rows:
        writer.writerow([value(row) for _, _, value in columns])
    return buffer.getvalue()


def atlas_json(atlas: Atlas) -> str:
    def common(e) -> dict:
        return {"slug": e.slug, "sources": [{"title": s.title, "url": s.url} for s in e.sources],
                "website": e.website, "last_verified": e.last_verified.isoformat(), "file": e.path,
                "url": page_url(page_path(e))}

    return json.dumps({
        "licence": DATA_LICENCE,
        "generated": "from the files of the Moving Cities Atlas repository",
        "cities": [{**common(c), "name": c.name, "country": c.country.code, "coordinates": [c.latitude, c.longitude],
                    "featured": c.featured, "subtitle": c.subtitle, "population": c.population,
                    "takeaways": c.takeaways,
                    "networks": [{"network": m.network.slug, "since": m.since} for m in c.memberships],
                    "initiatives": [i.slug for i in c.initiatives], "topics": c.topics}
                   for c in atlas.cities.values()],
        "initiatives": [{**common(i), "title": i.title, "city": i.city.slug, "topics": i.topics, "since": i.since,
                         "actors": i.actors, "related": [r.slug for r in i.related]}
                        for i in atlas.initiatives.values()],
        "networks": [{**common(n), "name": n.name, "short_name": n.short_name, "founded": n.founded,
                      "scope": n.scope, "members": [m.city.slug for m in n.memberships]}
                     for n in atlas.networks.values()],
        "countries": [{"code": c.code, "name": c.name, "cities": [x.slug for x in c.cities]}
                      for c in atlas.countries.values()],
        "topics": [{"slug": t.slug, "name": t.name, "description": t.description,
                    "initiatives": [i.slug for i in t.initiatives]} for t in atlas.topics.values()],
    }, ensure_ascii=False, separators=(",", ":"), default=str)


def render_data(atlas: Atlas) -> list[Output]:
    outputs = [
        # By country, then name: the order of the map's list, so the browser's sort has nothing to do.
        Output("data/cities.geojson", cities_geojson(sorted(atlas.cities.values(),
                                                           key=lambda c: (c.country.name, c.name.casefold())))),
        Output("data/initiatives.geojson", initiatives_geojson(atlas)),
        Output("data/atlas.json", atlas_json(atlas)),
        Output("data/cities.csv", render_csv(DATA_TABLES["cities.csv"], atlas.cities.values())),
        Output("data/initiatives.csv", render_csv(DATA_TABLES["initiatives.csv"], atlas.initiatives.values())),
        Output("data/networks.csv", render_csv(DATA_TABLES["networks.csv"], atlas.networks.values())),
    ]
    outputs += [Output(f"data/networks/{n.slug}.geojson", cities_geojson(n.members)) for n in atlas.networks.values()]
    return outputs


def render(atlas: Atlas) -> list[Output]:
    """Every page and data file of the atlas."""
    r = Renderer(atlas)
    outputs = [render_city_page(r, c) for c in atlas.cities.values()]
    outputs += [render_initiative_page(r, i) for i in atlas.initiatives.values()]
    outputs += [render_network_page(r, n) for n in atlas.networks.values()]
    outputs += [render_country_page(r, c) for c in atlas.countries.values()]
    outputs += [render_topic_page(r, t) for t in atlas.topics.values()]
    outputs += render_indexes(r)
    outputs += render_data(atlas)
    return outputs
