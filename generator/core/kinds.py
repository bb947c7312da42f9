"""The registry of entity kinds: each kind of file the atlas holds, declared once.

A kind is its folder, its fields (the model, in model.py's terms), the field that names an
entity, its page template, the headings its text uses, and what its downloads add to its
fields. Loading, validation, linking, rendering, exports, `atlas new`, `atlas diff`,
`atlas schema`, the field reference and the preview all iterate this registry; none of
them names a kind. To add a field, add it to the kind's list here (and to the template if
the page shows it); to add a kind, add one `Kind` to KINDS (see DEVELOPING.md, "Developers").
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .model import (COMMITMENT, LAST_VERIFIED, MEMBERSHIP, SOURCES, WEBSITE, Boolean, Choice, Coordinates, Country, Date,
                    Either, Field, Integer, LanguageNames, ListOf, Number, OneOf, PartialDate, Record, Ref, Text, Url, Year)

Derived = tuple[str, str, Callable[[Any], Any]]  # a download's column: name, what it holds, value


@dataclass(frozen=True)
class Kind:
    name: str  # the word in messages and commands: "city"
    folder: str  # cities/<slug>.md, and the site's /cities/<slug>/
    record: Record  # the fields of its front matter
    title: str  # the field that names an entity: its page's heading
    intro: str  # what `atlas new` says the file is
    template: str | None = None  # its page (none for a kind whose pages another plugin writes: posts)
    index_template: str | None = None  # the page listing every entity of the kind
    headings: tuple[str, ...] = ()  # the sections of its text, after the reference atlas
    body: str = ""  # what its text holds, when it has no set headings
    anchors: tuple[str, ...] = ("sources",)  # sections every page of the kind has (#sources)
    summary: str | None = None  # the field that describes a page for search engines, if any
    fallback: str = "{entity.title} in the Moving Cities Atlas."  # the description otherwise
    location: Callable[[Any], tuple[float, float]] | None = None  # where it goes on the map
    map_properties: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # beyond on_map fields
    derived: tuple[Derived, ...] = ()  # download columns beyond the fields
    member_layer: str | None = None  # a map layer per entity: the located entities it lists
    # A featured entity (featured: true) is a full profile: these fields, with at least so many items,
    # and its text under exactly the kind's headings.
    profile: tuple[tuple[str, int], ...] = ()
    source_folder: str = ""  # where its files are, from the atlas's root, if not in `folder` (posts)
    excerpt_marker: str = ""  # the line that ends what a list shows of its text, if lists show an excerpt

    @property
    def files(self) -> str:
        """The folder of its files, from the atlas's root: cities, content/news/posts."""
        return self.source_folder or self.folder

    @property
    def fields(self) -> list[Field]:
        return self.record.fields

    @property
    def translatable(self) -> list[Field]:
        """The fields a translation (slug.de.md) may give, besides its text."""
        return [f for f in self.fields if f.translatable]

    def field_of(self, type_: type) -> Field | None:
        """The kind's field of a type (its Country, its Coordinates), if it has one."""
        return next((f for f in self.fields if isinstance(f.type, type_)), None)

    @property
    def located(self) -> bool:
        """A place of its own: coordinates in a country (the location rules and the map apply)."""
        return self.field_of(Coordinates) is not None and self.field_of(Country) is not None

    @property
    def noun(self) -> str:
        """What one file of the kind is, without its article: "city", "news post"."""
        return self.record.label.split(" ", 1)[1]

    @property
    def sections(self) -> str:
        """What the text below the front matter holds, in words."""
        held = "; ".join(h[0].lower() + h[1:] for h in self.headings) or self.body
        return f"{held}; a line `{self.excerpt_marker}` ends what a list shows of it" if self.excerpt_marker else held


def _commitments(city) -> dict[str, str]:
    """Where the city stands on its networks' commitments: {"network/commitment": state}."""
    return {f"{s.commitment.network.slug}/{s.commitment.slug}": s.state
            for m in city.memberships for s in m.commitments}


def joined_year(membership) -> int | None:
    """The year a city joined a network, as far as the atlas knows: its membership's `since`, or else the
    earliest date of a commitment it declared or fulfilled (a council decision to be a Safe Harbour is the
    joining); None when neither is recorded."""
    since = getattr(membership, "since", None)
    if since is not None:
        return int(str(since)[:4])
    years = [int(s.date[:4]) for s in getattr(membership, "commitments", None) or () if s.state != "not"]
    return min(years) if years else None


def _joined(city) -> dict[str, int]:
    """The year the city joined each of its networks, where known: {"network": year} (the map's timeline)."""
    return {m.network.slug: year for m in city.memberships if (year := joined_year(m)) is not None}


def _topics(city) -> list[str]:
    seen: dict[str, None] = {}
    for initiative in city.initiatives:
        seen.update(dict.fromkeys(initiative.topics))
    return list(seen)


CITY = Kind(
    name="city",
    folder="cities",
    record=Record([
        Field("name", Text(max_length=200, paired=True), "The city's name as it is usually written in English.", required=True,
              example="Potsdam", on_map=True),
        Field("names", LanguageNames([
            *(Field(code, Text(max_length=200, paired=True), f"The name in {language}.") for code, language in (
                ("de", "German"), ("it", "Italian"), ("el", "Greek"), ("pl", "Polish"), ("fr", "French"),
                ("es", "Spanish"))),
            Field("local", Text(max_length=200, paired=True),
                  "The name in the country's own language, as the city writes it."),
            Field("source", Url(), "Where these names are given: the place's GeoNames page, whose alternate "
                  "names hold them, or the city's own site.", required=True,
                  example="https://www.geonames.org/2886242"),
        ], label="a city's names in other languages, with their source"),
            "The city's name in the atlas's other languages and its local name, where they differ from the "
            "English; the pages, the map, the downloads and the search use them.",
            example={"de": "Köln", "it": "Colonia", "local": "Köln", "source": "https://www.geonames.org/2886242"}),
        Field("country", Country(), "ISO 3166-1 alpha-2 code of the country.", required=True, example="DE",
              on_map=True, backref="cities", backref_order=lambda c: (not c.featured, c.name.casefold())),
        Field("coordinates", Coordinates(), "Latitude, then longitude (WGS 84), as on most maps.",
              required=True, example=[52.3989, 13.0657]),
        Field("featured", Boolean(), "true for a full profile with the sections of a featured city.", example=False,
              default=False, on_map=True),
        Field("subtitle", Text(max_length=300), "One line that says what stands out.", example="A city that ...",
              translatable=True),
        Field("population", Record([
            Field("value", Integer(maximum=50_000_000), "Number of inhabitants.", required=True, example=184754),
            Field("year", Year(earliest=1950), "Year of the count.", required=True, example=2022),
            Field("source", Url(), "Where the figure is published.", required=True,
                  example="https://www.example.org/statistics"),
        ], label="a population (value, year and source)"), "The population with its year and source.",
            example={"value": 184754, "year": 2022, "source": "https://www.example.org/statistics"}),
        Field("networks", ListOf(Either(Ref("network"), MEMBERSHIP), key="network"),
              "The networks the city belongs to: slugs, or network and since.",
              example=["iash", {"network": "cities-of-safe-harbours", "since": 2019}], on_map=True,
              edges="memberships", backref="memberships", backref_owners="members",
              backref_order=lambda m: (not m.city.featured, m.city.country.name, m.city.name.casefold())),
        Field("takeaways", ListOf(Text(), max_items=12), "Key takeaways, one sentence each (featured cities).", example=["..."],
              translatable=True),
        WEBSITE,
        SOURCES,
        LAST_VERIFIED,
    ], label="a city"),
    title="name",
    intro="A city (municipality) of the Moving Cities Atlas.",
    template="city.md.j2",
    index_template="cities.md.j2",
    headings=("What is unique about the city", "Focus of local migration policy", "Greatest achievements",
              "Key factors", "Political activity beyond the city level"),
    anchors=("initiatives", "sources"),
    profile=(("subtitle", 1), ("networks", 1), ("takeaways", 2)),
    summary="subtitle",
    fallback="{entity.name}, {entity.country.name}, in the Moving Cities Atlas.",
    location=lambda city: (city.coordinates[0], city.coordinates[1]),
    map_properties={"country_name": lambda c: c.country.name, "topics": _topics,
                    "initiatives": lambda c: len(c.initiatives), "commitments": _commitments, "joined": _joined},
    derived=(("country_name", "the country's name", lambda c: c.country.name),
             ("topics", "the topics of its initiatives", _topics),
             ("initiatives", "slugs of its initiatives in the atlas", lambda c: [i.slug for i in c.initiatives]),
             ("commitments", "where it stands on its networks' commitments: network/commitment=state "
              "(declared, fulfilled or not)", lambda c: [f"{k}={v}" for k, v in _commitments(c).items()])),
)

INITIATIVE = Kind(
    name="initiative",
    folder="initiatives",
    record=Record([
        Field("title", Text(max_length=200, paired=True), "The initiative's name.", required=True, example="Welcome Centre", on_map=True,
              translatable=True),
        Field("city", Ref("city"), "The slug of the city where it happens.", required=True, example="potsdam",
              on_map=True, backref="initiatives"),
        Field("topics", ListOf(Choice("topics")), "Topics from initiatives/topics.yml.", required=True,
              example=["access-to-social-rights"], on_map=True, backref="initiatives"),
        Field("since", Year(), "The year it started.", example=2016, on_map=True),
        Field("actors", ListOf(Text()), "Who runs it: the municipality, NGOs, groups.", example=["City of Potsdam"]),
        WEBSITE,
        Field("related", ListOf(Ref("initiative")), "Slugs of related initiatives.", example=["other-initiative"],
              symmetric=True),
        SOURCES,
        LAST_VERIFIED,
    ], label="an initiative"),
    title="title",
    intro="A local initiative of the Moving Cities Atlas.",
    template="initiative.md.j2",
    index_template="initiatives.md.j2",
    headings=("What is inspiring", "How it operates", "Who initiated it", "The outcome"),
    fallback="{entity.title}: an initiative in {entity.city.name}, {entity.city.country.name}.",
    location=lambda initiative: (initiative.city.coordinates[0], initiative.city.coordinates[1]),
    map_properties={"city_name": lambda i: i.city.name, "country": lambda i: i.city.country.code},
    derived=(("city_name", "its city's name", lambda i: i.city.name),
             ("country", "ISO 3166-1 alpha-2 code of its city's country", lambda i: i.city.country.code)),
)

NETWORK = Kind(
    name="network",
    folder="networks",
    record=Record([
        Field("name", Text(max_length=200, paired=True), "The network's full name.", required=True,
              example="International Alliance of Safe Harbours"),
        Field("short_name", Text(max_length=200), "A short name or acronym.", example="IASH"),
        Field("founded", Year(earliest=1800), "The year it was founded.", example=2021),
        Field("scope", Choice("scopes"), "Where its members are: from networks/scopes.yml.", required=True,
              example="european"),
        Field("member_count", Record([
            Field("count", Integer(maximum=100_000), "How many members the network's own page counts.",
                  required=True, example=36),
            Field("at_least", Boolean(), "true if the page gives the count as a lower bound (\"more than 80\", "
                  "\"over 200\").", example=False),
            Field("as_of", PartialDate(), "The date that page gives its count or list, if it gives one.",
                  example="2023-11"),
            Field("retrieved", PartialDate(), "The day the page was read.", example="2026-12-07"),
            Field("source", Url(), "The page that gives the count: the network's own, where it has one.",
                  required=True, example="https://iash-eu.org/"),
        ], label="the count of members the network itself gives"),
              "The network's own count of its members, beside the count of members in the atlas.",
              example={"count": 36, "source": "https://iash-eu.org/"}),
        Field("commitments", ListOf(COMMITMENT, key="slug"),
              "What the network asks its members to commit to, in its own words; each membership can then "
              "record where the city stands on each.",
              example=[{"slug": "additional-admission", "name": "Admission in addition to the quota",
                        "admission": True}]),
        WEBSITE,
        SOURCES,
        LAST_VERIFIED,
    ], label="a network"),
    title="name",
    intro="A city network of the Moving Cities Atlas.",
    template="network.md.j2",
    index_template="networks.md.j2",
    body="what the network is and does",
    anchors=("members", "sources"),
    fallback="{entity.name}: a city network in the Moving Cities Atlas.",
    derived=(("members", "slugs of its member cities in the atlas", lambda n: [c.slug for c in n.members]),),
    member_layer="members",
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (CITY, INITIATIVE, NETWORK)}
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in KINDS.values()}


# News posts are a kind of their own, written as Markdown pages in content/news/posts/, where Material's
# blog plugin reads them (it reads the file itself, so a post has no generated page, no index of ours, no
# download and no place on the map). Their front matter is checked against the kind's record, with the
# same field types and rules, and each post is linked to the entities it is about.
POST = Kind(
    name="post",  # the name translations use for a news post (cities/x.de.md is a city's; posts/x.de.md a post's)
    folder="news/posts",  # under content/: /news/<slug>/ on the site
    source_folder="content/news/posts",
    record=Record([
        Field("title", Text(max_length=200, paired=True), "The post's headline.", required=True,
              example="Maintal becomes a Safe Harbour", translatable=True),
        Field("date", Date(), "The day of the event or the report the post tells of: the news and the feed sort "
              "by it.", required=True, example=dt.date(2026, 11, 23)),
        Field("authors", ListOf(Text()), "Who wrote the post.", required=True, example=["Moving Cities Atlas editors"]),
        Field("description", Text(), "One sentence for search engines and the feed.", example="...",
              translatable=True),
        Field("cities", ListOf(Ref("city")), "Slugs of the cities it is about.", example=["maintal"]),
        Field("networks", ListOf(Ref("network")), "Slugs of the networks it is about.",
              example=["seebruecke-safe-harbours"]),
        Field("initiatives", ListOf(Ref("initiative")), "Slugs of the initiatives it is about.",
              example=["other-initiative"]),
        SOURCES,
    ], label="a news post"),
    title="title",
    intro="A news post of the Moving Cities Atlas.",
    body="the news",
    excerpt_marker="<!-- more -->",  # Material's blog: the news list shows each post up to it
)
NEWS_FOLDER = POST.folder
# Every kind by name: the atlas's data kinds (KINDS, each a folder of files with pages of ours), then the
# posts; a view, so that a kind added to KINDS is in it.
REGISTRY: Mapping[str, Kind] = ChainMap({POST.name: POST}, KINDS)


def translatable(kind: str) -> list[Field]:
    """The fields a translation of a kind (a city's, a news post's) gives in its language."""
    return REGISTRY[kind].translatable


# The second reading a machine-assisted translation had against the English, for facts added, lost or
# changed: when, and how. Not a person's review: machine_assisted stays true until a person has read it.
CHECKED = Field("checked", Record([
    Field("date", Date(), "The day the translation was read against the English.", required=True,
          example="2026-12-06"),
    Field("method", Text(max_length=300), "How it was read, and by whom or what.", required=True,
          example="second, independent machine-assisted reading against the English for facts added, "
                  "lost or changed"),
]), "The check of the translation against the English: when and how.")


# A hand-written page's front matter (content/*.md), read by MkDocs and Material: only what our pages use,
# each of a known type. Anything else (template:, a theme's switches) stays the maintainers', in mkdocs.yml.
PAGE_HIDE = ("navigation", "toc", "footer", "path", "tags", "feedback")
PAGE = Record([
    Field("title", Text(max_length=200), "The page's title, in the browser's tab and search results.",
          example="About the atlas"),
    Field("description", Text(max_length=300), "One sentence for search engines and link previews.", example="..."),
    Field("hide", ListOf(OneOf(PAGE_HIDE)), "Parts of the page's frame it leaves out.", example=["toc"]),
    Field("search", Record([Field("boost", Number(0.1, 10), "How much higher it ranks in search (1 = as others)."),
                            Field("exclude", Boolean(), "Leave the page out of search.")]),
          "How search treats the page."),
    Field("machine_assisted", Boolean(), "The page is a translation made with a machine and not yet reviewed."),
    CHECKED,
], label="a page's front matter")


def json_schema(kind: str) -> dict:
    entry = REGISTRY[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": kind.capitalize(),
        "description": f"Front matter of a {kind} file. The Markdown body below it holds: {entry.sections}.",
        **entry.record.schema(),
    }
