"""Render: the linked atlas as outputs — Markdown pages, GeoJSON layers, CSV and JSON downloads.

Every output is (path, content) relative to the site's docs root; the MkDocs plugin hands
them to MkDocs, and nothing here knows MkDocs exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html
import json
import math
import posixpath
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import jinja2

from . import export
from .compiled import COMPILED
from ..core import i18n
from ..core.kinds import KINDS, Kind, joined_year
from ..core.link import Atlas, Country, Entity, Topic
from ..core.urls import ADMISSION_FILES, EMBED_PAGE, FEED, INDEX_PAGES, PLACE_NAMES, SNIPPETS, site_paths  # noqa: F401

TEMPLATES = Path(__file__).parent.parent / "templates"
DATA_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Publishing:
    """What the pages need to know of where and how the site is published."""

    site_url: str | None = None  # the public address (mkdocs.yml's site_url), for absolute links to embed
    reports: bool = False  # featured cities get a PDF report (WeasyPrint can print here), in each language


REPORTS_FOLDER = "reports"


def report_path(slug: str) -> str:
    """Where a featured city's PDF report lands in the site (generator/render/report.py prints it)."""
    return f"{REPORTS_FOLDER}/{slug}.pdf"





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


def format_date(value: dt.date, language: str = i18n.SOURCE) -> str:
    return i18n.format_date(value, language)


def precise(value: Any) -> tuple[str, dt.date | None]:
    """A partial date's precision ("day", "month" or "year") and, for a day or a month, its date."""
    text = str(value)
    try:
        if len(text) == 10:
            return "day", dt.date.fromisoformat(text)
        if len(text) == 7:
            return "month", dt.date.fromisoformat(text + "-01")
    except ValueError:
        pass
    return "year", None


def format_partial_date(value: Any, language: str = i18n.SOURCE) -> str:
    """A year, a month or a day as a reader writes it: 2019, June 2019, 14 June 2019 (in the page's language)."""
    precision, date = precise(value)
    if precision == "day":
        return format_date(date, language)
    if precision == "month":
        return i18n.format_month(date, language)
    return str(value)


# A date in a sentence, by how precise it is (a day, a month, a year): each its own message, because
# languages need a different word or case before each ("le 14 juin 2019", "en juin 2019", "en 2019").
DATED = {
    "since": (i18n.N_("since %(date)s"), i18n.N_("since %(month)s"), i18n.N_("since %(year)s")),
    "published": (i18n.N_("published %(date)s"), i18n.N_("published in %(month)s"),
                  i18n.N_("published in %(year)s")),
    "read": (i18n.N_("read on %(date)s"), i18n.N_("read in %(month)s"), i18n.N_("read in %(year)s")),
    "last_read": (i18n.N_("The sources were last read on %(date)s"), i18n.N_("The sources were last read in %(month)s"),
                  i18n.N_("The sources were last read in %(year)s")),
    "last_read_one": (i18n.N_("The source was last read on %(date)s"), i18n.N_("The source was last read in %(month)s"),
                      i18n.N_("The source was last read in %(year)s")),
    "as_of": (i18n.N_("as of %(date)s"), i18n.N_("as of %(month)s"), i18n.N_("as of %(year)s")),
    "member_since": (i18n.N_("member since %(date)s"), i18n.N_("member since %(month)s"),
                     i18n.N_("member since %(year)s")),
}


def dated(phrase: str, value: Any, language: str, gettext: Callable[[str], str]) -> str:
    """A partial date in its phrase, in the language: since 14 June 2019, since June 2019, since 2019."""
    day, month, year = DATED[phrase]
    precision, date = precise(value)
    if precision == "day":
        return gettext(day) % {"date": format_date(date, language)}
    if precision == "month":
        return gettext(month) % {"month": i18n.format_month(date, language, in_sentence=True)}
    return gettext(year) % {"year": str(value)}


def other_names(entity: Any, gettext: Callable[[str], str]) -> list[tuple[str | None, str, str]]:
    """A place's other names, as (language code or None, name, what it is): its local name first, then each
    language's, without the name the page already shows and without repeats."""
    names = getattr(entity, "names", None) or {}
    shown, found = {entity.name}, []
    for code in ("local", *i18n.LANGUAGES):
        name = names.get(code)
        if isinstance(name, str) and name not in shown:
            shown.add(name)
            found.append((None if code == "local" else code, name,
                          gettext(i18n.N_("local name")) if code == "local" else i18n.language_name(code)))
    return found


@dataclass(frozen=True)
class Evidence:
    """How old a record's evidence is, from its sources' dates: the years their content was published in
    (oldest, newest; None if none says), how many give no such date, the day of the newest reading and how
    many sources were never dated as read."""
    years: tuple[int, int] | None
    undated: int
    last_read: Any
    unread: int
    total: int


def evidence(sources) -> Evidence:
    years = [int(str(s.published)[:4]) for s in sources if s.published and str(s.published)[:4].isdigit()]
    read = [s.retrieved for s in sources if s.retrieved]
    return Evidence((min(years), max(years)) if years else None, sum(1 for s in sources if not s.published),
                    max(read, key=lambda value: str(value)) if read else None, len(sources) - len(read), len(sources))


def growth(network: Entity) -> tuple[list[tuple[int, int, int]], int]:
    """How a network grew in the atlas: (year, members who joined that year, members by its end) for every
    year from the first known joining to the last, and how many of its members have a known year."""
    joined: dict[int, int] = {}
    for membership in network.memberships:
        year = joined_year(membership)
        if year is not None:
            joined[year] = joined.get(year, 0) + 1
    rows, total = [], 0
    for year in range(min(joined), max(joined) + 1) if joined else ():
        total += joined.get(year, 0)
        rows.append((year, joined.get(year, 0), total))
    return rows, total


GROWTH_BAR, GROWTH_GAP, GROWTH_HEIGHT = 28, 10, 120  # a bar's width, the gap between bars, the tallest bar


def growth_chart(rows: list[tuple[int, int, int]], number: Callable[[int], str] = str) -> str:
    """Members by year as bars, inline SVG drawn at build time: each bar the members by the end of its year,
    its number above it and its year below. Screen readers skip it for the table beside it (same numbers)."""
    top, bottom = 16, 18  # room for the numbers above the bars and the years below
    step = GROWTH_BAR + GROWTH_GAP
    width, height = len(rows) * step + GROWTH_GAP, top + GROWTH_HEIGHT + bottom
    tallest = max((total for _, _, total in rows), default=0) or 1
    parts = [f'<svg class="atlas-growth__chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-hidden="true" focusable="false">']
    for index, (year, joined, total) in enumerate(rows):
        x = GROWTH_GAP + index * step
        bar = round(GROWTH_HEIGHT * total / tallest, 1)
        foot = round(top + GROWTH_HEIGHT - bar, 1)  # the bar's top edge (SVG's y grows downwards)
        middle = x + GROWTH_BAR // 2
        parts.append(f'<rect class="atlas-growth__bar{" atlas-growth__bar--new" if joined else ""}" x="{x}" '
                     f'y="{foot}" width="{GROWTH_BAR}" height="{bar}"></rect>')
        parts.append(f'<text class="atlas-growth__number" x="{middle}" y="{round(foot - 4, 1)}" '
                     f'text-anchor="middle">{number(total)}</text>')
        parts.append(f'<text class="atlas-growth__year" x="{middle}" y="{height - 4}" text-anchor="middle">'
                     f'{year}</text>')
    parts.append(f'<line class="atlas-growth__axis" x1="0" y1="{top + GROWTH_HEIGHT}" x2="{width}" '
                 f'y2="{top + GROWTH_HEIGHT}"></line></svg>')
    return "".join(parts)


def format_number(value: int, language: str = i18n.SOURCE) -> str:
    return i18n.format_number(value, language)


def page_path(node: Any) -> str:
    if isinstance(node, Entity):
        return f"{node.kind.folder}/{node.slug}.md"
    return f"{'countries' if isinstance(node, Country) else 'topics'}/{node.slug}.md"


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


JINJA_OPTIONS = dict(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)  # babel.cfg repeats them


@functools.lru_cache(maxsize=None)  # compiled templates are reused across builds (mkdocs serve)
def templates(language: str = i18n.SOURCE) -> jinja2.Environment:
    """The templates in one language: every string of ours through gettext (`_`, `ngettext`, `{% trans %}`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             undefined=jinja2.StrictUndefined, auto_reload=False, bytecode_cache=COMPILED,
                             extensions=["jinja2.ext.i18n"], **JINJA_OPTIONS)
    env.policies["ext.i18n.trimmed"] = True
    translations = i18n.translations(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(evidence=evidence, language=language, growth=growth,
                       growth_chart=lambda rows: growth_chart(rows, lambda v: format_number(v, language)),
                       dated=lambda phrase, value: dated(phrase, value, language, translations.gettext),
                       other_names=lambda entity: other_names(entity, translations.gettext),
                       kind_name=lambda kind: translations.gettext(getattr(kind, "name", kind)))
    env.filters.update(md=escape_markdown, date=lambda v: format_date(v, language),
                       number=lambda v: format_number(v, language),
                       partial_date=lambda v: format_partial_date(v, language),
                       html=escape_html, format_code=lambda v: f"`{v}`",
                       json=lambda v: json.dumps(v, ensure_ascii=False))
    return env


class Nearby:
    """The atlas's cities nearest a city, by great-circle distance: the cities in a grid of half-degree
    cells, looked at ring by ring around the city's cell until no city farther out could be nearer."""

    CELL = 0.5  # degrees of latitude and longitude

    def __init__(self, cities: Iterable[Entity]):
        self.known: dict[str, tuple[list[Entity], list[tuple[Entity, float]]]] = {}
        self.cells: dict[tuple[int, int], list[Entity]] = {}
        self.size = 0
        self.with_initiatives: dict[str, list[Entity]] = {}
        for city in sorted(cities, key=lambda c: c.slug):
            self.cells.setdefault(self.cell(city.coordinates), []).append(city)
            self.size += 1
            if city.initiatives:
                self.with_initiatives.setdefault(city.country.code, []).append(city)

    def around(self, city: Entity) -> tuple[list[Entity], list[tuple[Entity, float]]]:
        """The initiatives of the city's country, the nearest first, and the atlas's nearest cities: found once
        for every language's page."""
        if city.slug not in self.known:
            self.known[city.slug] = self.initiatives(city), self.nearest(city)
        return self.known[city.slug]

    def cell(self, coordinates: tuple[float, float]) -> tuple[int, int]:
        return math.floor(coordinates[0] / self.CELL), math.floor(coordinates[1] / self.CELL)

    def nearest(self, city: Entity, count: int = 3) -> list[tuple[Entity, float]]:
        row, column = self.cell(city.coordinates)
        found: list[tuple[float, str, Entity]] = []
        seen, ring = 0, 0
        while True:
            for cell in self.ring(row, column, ring):
                for other in self.cells.get(cell, ()):
                    seen += 1
                    if other is not city:
                        found.append((distance_km(city.coordinates, other.coordinates), other.slug, other))
            found.sort()
            # A city outside the rings looked at lies at least `ring` cells away in latitude or in longitude:
            # no nearer than that many cells' width at the farthest latitude they reach (less a tenth, for the
            # great circle's short cut between two points of one parallel).
            widest = min(89.0, abs(city.coordinates[0]) + (ring + 1) * self.CELL)
            reach = ring * self.CELL * 111.0 * math.cos(math.radians(widest)) * 0.9
            if (len(found) >= count and found[count - 1][0] <= reach) or seen >= self.size:
                return [(other, km) for km, _, other in found[:count]]
            ring += 1

    @staticmethod
    def ring(row: int, column: int, ring: int) -> Iterator[tuple[int, int]]:
        """The cells `ring` cells away from (row, column), each once: a city far from the others (on an island,
        at the edge of the map) looks through many rings, and each ring's cells alone are looked at."""
        if ring == 0:
            yield row, column
            return
        for j in range(column - ring, column + ring + 1):
            yield row - ring, j
            yield row + ring, j
        for i in range(row - ring + 1, row + ring):
            yield i, column - ring
            yield i, column + ring

    def initiatives(self, city: Entity) -> list[Entity]:
        """The initiatives of the other cities of a city's country, the nearest cities' first."""
        others = [c for c in self.with_initiatives.get(city.country.code, ()) if c is not city]
        others.sort(key=lambda c: (distance_km(city.coordinates, c.coordinates), c.slug))
        return [i for c in others for i in c.initiatives]


_NEARBY: weakref.WeakKeyDictionary[Atlas, Nearby] = weakref.WeakKeyDictionary()


def nearby(atlas: Atlas) -> Nearby:
    """The atlas's places by distance, shared by every language (make site finds them before it forks them)."""
    if atlas not in _NEARBY:
        _NEARBY[atlas] = Nearby(atlas.cities.values())
    return _NEARBY[atlas]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class Renderer:
    def __init__(self, atlas: Atlas, language: str = i18n.SOURCE, publishing: Publishing | None = None):
        self.atlas = atlas
        self.language = language
        self.publishing = publishing or Publishing()
        self.env = templates(language)
        self.gettext = i18n.translations(language).gettext

    def what_the_atlas_knows(self, city: Entity, href: Callable[[Any], str]) -> str:
        """A city without a profile, in sentences (HTML, data escaped): its networks and since when, its
        commitments, the initiatives of its country (the nearest first) and the atlas's nearest cities."""
        translated = i18n.translations(self.language)
        _, language = translated.gettext, self.language

        def linked(entity: Any, text: str) -> str:
            return f'<a href="{href(entity)}">{escape_html(text)}</a>'

        def listing(items: list[str]) -> str:
            return i18n.format_list(items, language)

        said = []
        networks = [linked(m.network, m.network.name) + (f" ({dated('since', m.since, language, _)})" if m.since else "")
                    for m in city.memberships]
        if networks:
            said.append(_("%(city)s is a member of %(networks)s.") % {"city": escape_html(city.name),
                                                                      "networks": listing(networks)})
        words = {"declared": _("declared"), "fulfilled": _("fulfilled"), "not": _("not decided")}
        for m in city.memberships:
            if m.commitments:
                states = [f'{escape_html(s.commitment.name)}: {words[s.state]} (<a href="{escape_html(s.source)}">'
                          f"{format_partial_date(s.date, language)}</a>)" for s in m.commitments]
                said.append(_("Its commitments in %(network)s: %(states)s.") % {
                    "network": escape_html(m.network.name), "states": listing(states)})
        initiatives, nearest = nearby(self.atlas).around(city)
        if initiatives:
            examples = [f"{linked(i, i.title)} ({escape_html(i.city.name)})" for i in initiatives[:3]]
            said.append(translated.ngettext(
                "Elsewhere in its country (%(country)s), the atlas has %(num)s initiative: %(list)s.",
                "Elsewhere in its country (%(country)s), the atlas has %(num)s initiatives; the nearest are %(list)s.",
                len(initiatives)) % {"country": linked(city.country, city.country.name),
                                     "num": format_number(len(initiatives), language), "list": listing(examples)})
        else:
            said.append(_("The atlas has no initiative in its country (%(country)s) yet.")
                        % {"country": escape_html(city.country.name)})
        near = [_("%(city)s (%(km)s km)") % {"city": linked(other, other.name), "km": format_number(round(km), language)}
                for other, km in nearest]
        if near:
            said.append(_("The nearest cities in the atlas are %(cities)s.") % {"cities": listing(near)})
        return " ".join(said)

    def embed_code(self, query: str, title: str, here_url: str) -> tuple[str, str]:
        """The embeddable map's address for a view (absolute when the site's address is known, else
        relative: the page's script completes it) and the <iframe> a reader copies."""
        site_url = self.publishing.site_url
        base = (site_url.rstrip("/") + "/" if site_url else relative_url("", here_url)) + page_url(EMBED_PAGE)
        code = (f'<iframe src="{escape_html(base + query)}" width="640" height="480" loading="lazy" '
                f'title="{escape_html(title)}" style="border: 0; max-width: 100%"></iframe>')
        return base, code

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

        def embed(query: str, title: str) -> str:
            base, code = self.embed_code(query, title, here_url)
            # A block of its own, between blank lines, wherever a template writes it.
            return "\n" + self.env.get_template("_embed.md.j2").render(base=base, code=code, query=query) + "\n"

        depth = here_url.count("/")
        # The same page in English, for the notices of a translation (English is the site's root).
        english_url = escape_html("../" * (depth + 1) + here_url) if self.language != i18n.SOURCE else ""
        site_root = "../" * (depth + (self.language != i18n.SOURCE))  # English's, where the languages' folders are
        return self.env.get_template(template).render(
            atlas=self.atlas, link=link, href=href, root="../" * depth, topic_links=topic_links, embed=embed,
            site=self.publishing, report_path=report_path,
            scope_name=lambda slug: self.gettext(self.atlas.scopes.name(slug)), english_url=english_url,
            site_root=site_root, language_name=i18n.language_name,
            what_the_atlas_knows=lambda city: self.what_the_atlas_knows(city, href), **context)


def _description(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]


def _first_paragraph(body: str) -> str:
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block and not block.startswith(("#", "<", "-", "*", "|")):
            return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
    return ""


# ---- pages: one template each --------------------------------------------------------

def render_entity_page(r: Renderer, entity: Entity) -> Output:
    """A city's, initiative's or network's page: its kind's template, with the entity under the kind's name."""
    kind = entity.kind
    summary = getattr(entity, kind.summary) if kind.summary else None
    description = summary or _first_paragraph(entity.body) or r.gettext(kind.fallback).format(entity=entity)
    path = page_path(entity)
    return Output(path, r.page(kind.template, path, entity=entity, **{kind.name: entity},
                               description=_description(description)), entity.path)


def render_country_page(r: Renderer, country: Country) -> Output:
    path = page_path(country)
    description = r.gettext("Solidarity cities, initiatives and networks in %(country)s.") % {"country": country.name}
    return Output(path, r.page("country.md.j2", path, country=country, description=description))


def render_topic_page(r: Renderer, topic: Topic) -> Output:
    path = page_path(topic)
    return Output(path, r.page("topic.md.j2", path, topic=topic, description=_description(topic.description)))


def render_indexes(r: Renderer) -> list[Output]:
    outputs = [Output(f"{kind.folder}/index.md", r.page(kind.index_template, f"{kind.folder}/index.md"), in_nav=True)
               for kind in KINDS.values()]
    return outputs + [
        Output("countries/index.md", r.page("countries.md.j2", "countries/index.md"), in_nav=True),
        Output("topics/index.md", r.page("topics.md.j2", "topics/index.md"), in_nav=True),
        Output("data.md", r.page("data.md.j2", "data.md", kinds=list(KINDS.values()),
                                       tables={f"{k.folder}.csv": (k, table(k)) for k in KINDS.values()},
                                       layers=[k for k in KINDS.values() if k.location],
                                       properties={k.name: [c.name for c in map_columns(k)] for k in KINDS.values()},
                                       admission_columns=ADMISSION_COLUMNS,
                                       licence=DATA_LICENCE), in_nav=True),
        render_field_reference(r),
    ]


def field_rows(record, prefix: str = "") -> list[dict]:
    """Every field of a record, nested ones as population.value, for the field reference."""
    from ..core.model import Either, ListOf, Record

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
    from ..core import body, safety

    from ..core.kinds import POST

    entities = [(kind.name, kind.folder, field_rows(kind.record), kind.sections) for kind in KINDS.values()]
    entities.append((POST.noun, f"content/{POST.folder}", field_rows(POST.record), POST.sections))
    attributes = {tag: sorted(names) for tag, names in safety.BODY_ATTRIBUTES.items() if tag != "*"}
    return Output("fields.md", r.page("fields.md.j2", "fields.md", entities=entities, tags=sorted(safety.BODY_TAGS),
                                      everywhere=sorted(safety.BODY_ATTRIBUTES["*"]), attributes=attributes,
                                      limits=body), in_nav=True)




def render_counts(atlas: Atlas) -> dict[str, int]:
    """The numbers the home page shows, computed from the data."""
    return {"cities": len(atlas.cities), "featured": len(atlas.featured), "countries": len(atlas.countries),
            "initiatives": len(atlas.initiatives), "networks": len(atlas.networks),
            "admission": len(atlas.admission_cities)}




class UnknownSnippet(ValueError):
    pass


def render_snippet(atlas: Atlas, name: str, page: str, repo_url: str | None = None,
                   language: str = i18n.SOURCE, publishing: Publishing | None = None) -> str:
    """A block a hand-written page asks for with <!-- atlas:NAME -->; `repo_url` is the repository's
    address, if the site has one (ATLAS_REPO_URL), for the ways to propose a city."""
    if name not in SNIPPETS:
        raise UnknownSnippet(f"unknown <!-- atlas:{name} -->; known: {', '.join(SNIPPETS)}")
    renderer = Renderer(atlas, language, publishing)
    return renderer.page(f"snippet-{name}.md.j2", page, counts=render_counts(atlas),
                         repo_url=(repo_url or "").rstrip("/"))


def render_post_footer(atlas: Atlas, slug: str, language: str = i18n.SOURCE) -> str:
    """What follows a news post's own text on its page (/news/<slug>/): what it is about, authors, sources."""
    post = atlas.post(slug)
    if post is None:
        return ""
    return Renderer(atlas, language).page("post-footer.md.j2", f"news/{slug}.md", post=post)


# ---- data: GeoJSON layers, CSV, JSON -------------------------------------------------

def _url(entity: Entity) -> str:
    return page_url(page_path(entity))


def table(kind: Kind) -> list[export.Column]:
    return export.table(kind, _url)


def map_columns(kind: Kind) -> list[export.Column]:
    return export.map_properties(kind, _url)  # a few closures: cheap to make per layer


def _collection(features: list) -> str:
    # Plain dicts: the geojson package's objects cost a third of rendering; tests check validity with it.
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


def feature(entity: Entity, columns: list[export.Column]) -> dict:
    """An entity as a GeoJSON point (RFC 7946: [longitude, latitude]; 5 decimals is about a metre)."""
    latitude, longitude = entity.kind.location(entity)  # type: ignore[misc]
    return {"type": "Feature", "id": entity.slug,
            "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
            "properties": {c.name: c.value(entity) for c in columns}}


def layer(entities: Iterable[Entity], features: dict) -> str:
    """Entities as a GeoJSON layer; `features` keeps each entity's feature for the other layers it is in."""
    out = []
    for entity in entities:
        if id(entity) not in features:
            columns = features.setdefault(entity.kind.name, map_columns(entity.kind))  # type: ignore[call-overload]
            features[id(entity)] = feature(entity, columns)
        out.append(features[id(entity)])
    return _collection(out)


def _layer_order(kind: Kind, entities: Iterable[Entity]) -> list[Entity]:
    # By country, then name: the order of the map's list, so the browser's sort has nothing to do.
    place = kind.field_of(Country)
    if place is None:
        return list(entities)
    return sorted(entities, key=lambda e: (getattr(e, place.name).name, e.title.casefold()))


def render_csv(columns: list[export.Column], rows: Iterable[Entity], site_url: str | None = None) -> str:
    """A download as a spreadsheet opens it: UTF-8 with a byte-order mark (Excel reads "Gdańsk" right only
    then) and each page's whole address where the site has one."""
    absolute = columns
    if site_url:
        absolute = [dataclasses.replace(c, value=lambda e, c=c: site_url.rstrip("/") + "/" + c.value(e))
                    if c.name == "url" else c for c in columns]
    return BOM + export.csv_text([c.name for c in absolute], ([c.value(row) for c in absolute] for row in rows))


BOM = "\ufeff"


def atlas_json(atlas: Atlas) -> str:
    data: dict[str, Any] = {"licence": DATA_LICENCE, "generated": "from the files of the Moving Cities Atlas repository"}
    for kind in KINDS.values():
        data[kind.folder] = [export.record(kind, e, _url(e)) for e in atlas.entities[kind.name].values()]
    data["countries"] = [{"code": c.code, "name": c.name, "cities": [x.slug for x in c.cities]}
                         for c in atlas.countries.values()]
    data["topics"] = [{"slug": t.slug, "name": t.name, "description": t.description,
                       "initiatives": [i.slug for i in t.initiatives]} for t in atlas.topics.values()]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def render_data(atlas: Atlas, site_url: str | None = None) -> list[Output]:
    """The downloads and the map's layers (`site_url`: the language's public address, for the CSV files)."""
    outputs: list[Output] = []
    features: dict[int, dict] = {}
    for kind in KINDS.values():
        entities = atlas.entities[kind.name].values()
        if kind.location:
            outputs.append(Output(f"data/{kind.folder}.geojson", layer(_layer_order(kind, entities), features)))
        outputs.append(Output(f"data/{kind.folder}.csv", render_csv(table(kind), entities, site_url)))
        for entity in entities if kind.member_layer else ():
            members = getattr(entity, kind.member_layer)
            outputs.append(Output(f"data/{kind.folder}/{entity.slug}.geojson", layer(members, features)))
    outputs.append(Output("data/atlas.json", atlas_json(atlas)))
    outputs += render_admission(atlas, site_url)
    outputs.append(Output(DATAPACKAGE, datapackage()))
    return outputs


DATAPACKAGE = "data/datapackage.json"
LICENCES = [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
             "path": "https://creativecommons.org/licenses/by/4.0/"}]
ADMISSION_TYPES = {"latitude": "number", "longitude": "number"}


def _table_resource(name: str, path: str, title: str, fields: list[dict]) -> dict:
    return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "licenses": LICENCES,
            "schema": {"fields": fields, "primaryKey": "slug"} if name != "admission" else {"fields": fields}}


def datapackage() -> str:
    """The downloads as a Frictionless Data Package: each file, its columns with their types and meanings
    (from the kinds' fields, as the CSVs are written), and the licence, for tools that read and check them."""
    resources = []
    for kind in KINDS.values():
        fields = [{"name": c.name, "type": c.type, "description": c.meaning} for c in table(kind)]
        resources.append(_table_resource(kind.folder, f"{kind.folder}.csv", f"The atlas's {kind.folder}", fields))
        if kind.location:
            resources.append({"name": f"{kind.folder}-map", "path": f"{kind.folder}.geojson", "format": "geojson",
                              "mediatype": "application/geo+json", "licenses": LICENCES,
                              "title": f"The atlas's {kind.folder} as GeoJSON points (RFC 7946)"})
    resources.append(_table_resource("admission", "admission.csv",
                                     "Commitments to admission in addition to the quota",
                                     [{"name": name, "type": ADMISSION_TYPES.get(name, "string"), "description": meaning}
                                      for name, meaning in ADMISSION_COLUMNS]))
    resources.append({"name": "admission-map", "path": "admission.geojson", "format": "geojson",
                      "mediatype": "application/geo+json", "licenses": LICENCES,
                      "title": "Municipalities ready for admission in addition to the quota, as GeoJSON points"})
    resources.append({"name": "atlas", "path": "atlas.json", "format": "json", "mediatype": "application/json",
                      "licenses": LICENCES, "title": "The whole linked atlas"})
    package = {"profile": "data-package", "name": "moving-cities-atlas", "title": "Moving Cities Atlas",
               "description": "Europe's solidarity cities, their local initiatives and the city networks they "
                              "form, each record with its sources.",
               "licenses": LICENCES, "contributors": [{"title": "Moving Cities Atlas contributors"}],
               "resources": resources}
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"


ADMISSION_COLUMNS = [
    ("slug", i18n.N_("the city's id and file name")), ("name", i18n.N_("the city's name")),
    ("country", i18n.N_("ISO 3166-1 alpha-2 code")), ("latitude", i18n.N_("WGS 84, decimal degrees")),
    ("longitude", i18n.N_("WGS 84, decimal degrees")), ("network", i18n.N_("the slug of the network whose commitment it is")),
    ("commitment", i18n.N_("the slug of the commitment, as the network declares it")),
    ("state", i18n.N_("declared (decided, not yet done) or fulfilled (decided and done)")),
    ("source", i18n.N_("the page that states it")), ("date", i18n.N_("when that page stated it")),
    ("url", i18n.N_("the city's page (its whole address where the site has one)")),
]


def render_admission(atlas: Atlas, site_url: str | None = None) -> list[Output]:
    """The municipalities that declared readiness to take in more people than they must (a network's
    commitment with admission: true, declared or fulfilled): what relocation matching schemes need."""
    states = atlas.admission
    rows = [[s.city.slug, s.city.name, s.city.country.code, round(s.city.coordinates[0], 5),
             round(s.city.coordinates[1], 5), s.commitment.network.slug, s.commitment.slug, s.state, s.source,
             s.date, (site_url.rstrip("/") + "/" if site_url else "") + _url(s.city)] for s in states]
    table = BOM + export.csv_text([name for name, _ in ADMISSION_COLUMNS], rows)
    features = []
    for city in atlas.admission_cities:
        latitude, longitude = city.coordinates
        features.append({"type": "Feature", "id": city.slug,
                         "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                         "properties": {"slug": city.slug, "name": city.name, "country": city.country.code,
                                        "country_name": city.country.name, "url": _url(city),
                                        "commitments": [{"network": s.commitment.network.slug, **s.as_data()}
                                                        for s in states if s.city is city]}})
    return [Output(ADMISSION_FILES[0], _collection(features)), Output(ADMISSION_FILES[1], table)]


def render_embed_page(r: Renderer) -> Output:
    """The embeddable map: no header or navigation (theme/embed.html), the state of /map/ in its address."""
    return Output(EMBED_PAGE, r.page("embed-map.md.j2", EMBED_PAGE, description=r.gettext(
        "A map of Europe's solidarity cities to embed in another site.")))


def render_translations(r: Renderer, reports: list | None) -> list[Output]:
    """The volunteers' page: how complete each language is (translate.completeness), if given."""
    if reports is None:
        return []
    return [Output("translations.md", r.page("translations.md.j2", "translations.md", reports=reports), in_nav=True)]


class Memo:
    """The live preview's entity pages from its last render, for the next (generator/site/preview.py).

    An entity's page depends on the whole atlas's front matter (names, places, memberships, the
    nearest cities), which `world` stands for, and on two things of its own that no other page
    reads: its text (`body`) and the state of its translation. When neither the world nor these
    changed, the page is the same: an edit of one profile's text renders that page alone.
    (tests/test_preview.py checks that no other page reads an entity's text.)"""

    def __init__(self):
        self.pages: dict[str, tuple[str, str]] = {}  # page path -> (key, Markdown)
        self.world: str | None = None  # the digest `rest` was rendered at
        self.rest: list[Output] = []

    def page(self, r: Renderer, entity: Entity, world: str) -> Output:
        key = world + digest_text(f"{entity.body}\0{entity.translation!r}")
        path = page_path(entity)
        known = self.pages.get(path)
        if known is not None and known[0] == key:
            return Output(path, known[1], entity.path)
        output = render_entity_page(r, entity)
        self.pages[path] = (key, output.content)
        return output


def digest_text(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def render(atlas: Atlas, language: str = i18n.SOURCE, translations: list | None = None,
           publishing: Publishing | None = None, memo: tuple[Memo, str] | None = None) -> list[Output]:
    """Every page and data file of the atlas, in one language (with the translations' report, if given).
    `memo`: the preview's last render and a digest of everything but the entities' own texts."""
    r = Renderer(atlas, language, publishing)
    if memo is None:
        return [*(render_entity_page(r, e) for kind in KINDS for e in atlas.entities[kind].values()),
                *render_the_rest(r), *render_translations(r, translations)]
    kept, world = memo
    if kept.world != world:  # countries, topics, lists and data show the front matter alone
        kept.world, kept.rest = world, render_the_rest(r)
    return [*(kept.page(r, e, world) for kind in KINDS for e in atlas.entities[kind].values()),
            *kept.rest, *render_translations(r, translations)]


def render_the_rest(r: Renderer) -> list[Output]:
    """Everything but the entities' pages and the translations' report: pages and data that show what the
    entities' front matter says (never their texts)."""
    outputs = [render_country_page(r, c) for c in r.atlas.countries.values()]
    outputs += [render_topic_page(r, t) for t in r.atlas.topics.values()]
    outputs += render_indexes(r)
    outputs.append(render_embed_page(r))
    outputs += render_data(r.atlas, r.publishing.site_url)
    outputs.append(Output(PLACE_NAMES, json.dumps(i18n.place_names(r.language), ensure_ascii=False, sort_keys=True)))
    return outputs
