"""Link: turn validated records into one graph, with every relation available both ways."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .countries import country_name
from .load import SourceFile
from .project import Vocabulary

if TYPE_CHECKING:
    from .validate import Report


@dataclass(frozen=True)
class Source:
    title: str
    url: str


class Node:
    """A node of the linked graph. Nodes point at each other, so the default dataclass repr
    would print the whole atlas (and exhaust memory when pytest shows a failing value)."""

    def __repr__(self) -> str:
        slug = getattr(self, "slug", None)  # the Atlas itself has none
        return f"<{type(self).__name__} {slug}>" if slug else f"<{type(self).__name__}>"


@dataclass(eq=False, repr=False)
class Membership(Node):
    city: "City"
    network: "Network"
    since: str | None  # "2019", "2021-06" or "2021-06-14", as written

    def __repr__(self) -> str:
        return f"<Membership {self.city.slug} in {self.network.slug}>"


@dataclass(eq=False, repr=False)
class Entity(Node):
    slug: str
    path: str  # the source file, relative to the atlas root
    body: str
    sources: list[Source]
    last_verified: dt.date
    website: str | None


@dataclass(eq=False, repr=False)
class City(Entity):
    name: str = ""
    country: "Country" = None  # type: ignore[assignment]
    latitude: float = 0.0
    longitude: float = 0.0
    featured: bool = False
    subtitle: str | None = None
    population: dict | None = None
    takeaways: list[str] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    initiatives: list["Initiative"] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name

    @property
    def networks(self) -> list["Network"]:
        return [m.network for m in self.memberships]

    @property
    def topics(self) -> list[str]:
        seen: dict[str, None] = {}
        for initiative in self.initiatives:
            seen.update(dict.fromkeys(initiative.topics))
        return list(seen)


@dataclass(eq=False, repr=False)
class Initiative(Entity):
    title: str = ""
    city: City = None  # type: ignore[assignment]
    topics: list[str] = field(default_factory=list)
    since: int | None = None
    actors: list[str] = field(default_factory=list)
    related: list["Initiative"] = field(default_factory=list)  # both ways: named here or naming this


@dataclass(eq=False, repr=False)
class Network(Entity):
    name: str = ""
    short_name: str | None = None
    founded: int | None = None
    scope: str = ""
    memberships: list[Membership] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name

    @property
    def members(self) -> list[City]:
        return [m.city for m in self.memberships]


@dataclass(eq=False, repr=False)
class Country(Node):
    code: str
    name: str
    cities: list[City] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def initiatives(self) -> list[Initiative]:
        return [i for c in self.cities for i in c.initiatives]

    def members_of(self, network: Network) -> int:
        return sum(1 for city in self.cities if network in city.networks)

    @property
    def networks(self) -> list[Network]:
        seen: dict[str, Network] = {}
        for city in self.cities:
            for network in city.networks:
                seen.setdefault(network.slug, network)
        return sorted(seen.values(), key=lambda n: n.name.casefold())


@dataclass(eq=False, repr=False)
class Topic(Node):
    slug: str
    name: str
    description: str
    initiatives: list[Initiative] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Atlas(Node):
    cities: dict[str, City]
    initiatives: dict[str, Initiative]
    networks: dict[str, Network]
    countries: dict[str, Country]
    topics: dict[str, Topic]
    scopes: Vocabulary

    @property
    def featured(self) -> list[City]:
        return [c for c in self.cities.values() if c.featured]


def _sources(raw: list) -> list[Source]:
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Source(urlsplit(item).netloc.removeprefix("www."), item))
        else:
            out.append(Source(item["title"], item["url"]))
    return out


def _common(source: SourceFile) -> dict[str, Any]:
    data = source.data
    verified = data["last_verified"]
    return dict(slug=source.slug, path=source.display, body=source.body.strip("\n"),
                sources=_sources(data["sources"]), website=data.get("website"),
                last_verified=verified.date() if isinstance(verified, dt.datetime) else verified)


def _since(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _by_name(items, key):
    return sorted(items, key=lambda item: (key(item).casefold(), item.slug))


def link(report: Report) -> Atlas:
    """Build the graph from a report without errors (validation guarantees every reference)."""
    by_kind: dict[str, list[SourceFile]] = {"city": [], "initiative": [], "network": []}
    for source in report.sources:
        by_kind[source.kind].append(source)

    networks: dict[str, Network] = {}
    for s in _by_name(by_kind["network"], lambda s: s.data["name"]):
        d = s.data
        networks[s.slug] = Network(**_common(s), name=d["name"], short_name=d.get("short_name"),
                                   founded=d.get("founded"), scope=d["scope"])

    countries: dict[str, Country] = {}
    cities: dict[str, City] = {}
    for s in _by_name(by_kind["city"], lambda s: s.data["name"]):
        d = s.data
        code = d["country"]
        country = countries.setdefault(code, Country(code, country_name(code)))
        city = City(**_common(s), name=d["name"], country=country, latitude=float(d["coordinates"][0]),
                    longitude=float(d["coordinates"][1]), featured=bool(d.get("featured", False)),
                    subtitle=d.get("subtitle"), population=d.get("population"), takeaways=d.get("takeaways", []))
        for item in d.get("networks", []):
            slug, since = (item, None) if isinstance(item, str) else (item["network"], _since(item.get("since")))
            membership = Membership(city, networks[slug], since)
            city.memberships.append(membership)
            networks[slug].memberships.append(membership)
        country.cities.append(city)
        cities[s.slug] = city

    topics = {slug: Topic(slug, entry["name"], entry.get("description", ""))
              for slug, entry in report.vocabularies["topics"].entries.items()}
    initiatives: dict[str, Initiative] = {}
    for s in _by_name(by_kind["initiative"], lambda s: s.data["title"]):
        d = s.data
        initiative = Initiative(**_common(s), title=d["title"], city=cities[d["city"]], topics=d["topics"],
                                since=d.get("since"), actors=d.get("actors", []))
        initiatives[s.slug] = initiative
        initiative.city.initiatives.append(initiative)
        for topic in initiative.topics:
            topics[topic].initiatives.append(initiative)
    for s in by_kind["initiative"]:
        for slug in s.data.get("related", []):
            a, b = initiatives[s.slug], initiatives[slug]
            if b not in a.related:
                a.related.append(b)
            if a not in b.related:
                b.related.append(a)
    for initiative in initiatives.values():
        initiative.related.sort(key=lambda i: i.title.casefold())
    for city in cities.values():
        city.memberships.sort(key=lambda m: m.network.name.casefold())
    for network in networks.values():
        network.memberships.sort(key=lambda m: (not m.city.featured, m.city.country.name, m.city.name.casefold()))

    countries = dict(sorted(countries.items(), key=lambda item: item[1].name))
    for country in countries.values():
        country.cities.sort(key=lambda c: (not c.featured, c.name.casefold()))
    return Atlas(cities, initiatives, networks, countries, topics, report.vocabularies["scopes"])
