"""Link: turn validated records into one graph, with every relation available both ways.

Nothing here names a kind: each entity becomes an `Entity` whose attributes are its
fields (as the registry declares them), references become the entities they name, and
the fields' `backref`, `edges` and `symmetric` declarations give every relation its way
back. Countries and vocabulary entries (topics) are the groupings entities point into.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .countries import country_name
from .kinds import KINDS, Kind
from .load import SourceFile
from .model import Choice, Coordinates, Country as CountryType, Either, Field, ListOf, Record, Ref
from .project import Vocabulary

if TYPE_CHECKING:
    from .project import Report


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    published: str | None = None  # when its content dates from: how old the evidence is
    retrieved: str | None = None  # when the copy that was read was retrieved


class Node:
    """A node of the linked graph. Nodes point at each other, so a default repr would print
    the whole atlas (and exhaust memory when pytest shows a failing value)."""

    def __repr__(self) -> str:
        slug = getattr(self, "slug", None)  # the Atlas itself has none
        return f"<{type(self).__name__} {slug}>" if slug else f"<{type(self).__name__}>"


class Entity(Node):
    """A city, initiative, network, ...: its fields as attributes, plus the lists that point back."""

    translation = None  # in a language's build: the state of its translation (translate.Translation)

    def __init__(self, kind: Kind, source: SourceFile):
        self.kind = kind
        self.slug = source.slug
        self.path = source.display  # the source file, relative to the atlas root
        self.body = source.body.strip("\n")
        self.title = source.data[kind.title]  # what names it, whichever field that is

    def __repr__(self) -> str:
        return f"<{self.kind.name.capitalize()} {self.slug}>"


class Edge(Node):
    """A relation with fields of its own, e.g. a city's membership of a network since a date."""

    def __init__(self, name: str, owner: Entity, target: Entity, values: dict[str, Any]):
        self.name = name
        self.owner, self.target = owner, target
        setattr(self, owner.kind.name, owner)
        setattr(self, target.kind.name, target)
        for key, value in values.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        return f"<{self.name} {self.owner.slug} in {self.target.slug}>"


@dataclass(eq=False, repr=False)
class Country(Node):
    code: str
    name: str
    cities: list[Entity] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def initiatives(self) -> list[Entity]:
        return [i for c in self.cities for i in c.initiatives]

    def members_of(self, network: Entity) -> int:
        return sum(1 for city in self.cities if network in city.networks)

    @property
    def networks(self) -> list[Entity]:
        seen: dict[str, Entity] = {}
        for city in self.cities:
            for network in city.networks:
                seen.setdefault(network.slug, network)
        return sorted(seen.values(), key=lambda n: n.title.casefold())


@dataclass(eq=False, repr=False)
class Topic(Node):
    """An entry of a vocabulary that entities point into (initiatives/topics.yml)."""

    slug: str
    name: str
    description: str
    initiatives: list[Entity] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Commitment(Node):
    """What a network asks its members to commit to (network file, commitments:), with where each stands."""

    network: Entity
    slug: str
    name: str
    description: str | None = None
    admission: bool = False
    states: list["CommitmentState"] = field(default_factory=list)  # its members', in the members' order

    def count(self, *states: str) -> int:
        return sum(1 for s in self.states if s.state in states)

    def as_data(self) -> dict:
        return {"slug": self.slug, "name": self.name, **({"description": self.description} if self.description else {}),
                "admission": self.admission}


@dataclass(eq=False, repr=False)
class CommitmentState(Node):
    """Where one member stands on one commitment, and the source that says so."""

    commitment: Commitment
    city: Entity
    state: str  # declared, fulfilled or not
    source: str
    date: str

    @property
    def taken(self) -> bool:
        """Declared or fulfilled: the member has committed to it."""
        return self.state in ("declared", "fulfilled")

    def as_data(self) -> dict:
        return {"commitment": self.commitment.slug, "state": self.state, "source": self.source, "date": self.date}


@dataclass(eq=False, repr=False)
class NewsPost(Node):
    """A news post (content/news/posts/<slug>.md) and the entities it is about."""

    slug: str
    title: str
    date: dt.date
    authors: list[str]
    description: str | None
    sources: list[Source]
    about: list[Entity]
    path: str  # its file, relative to the atlas

    @property
    def url(self) -> str:
        return f"news/{self.slug}/"


@dataclass(eq=False, repr=False)
class Atlas(Node):
    entities: dict[str, dict[str, Entity]]  # kind -> slug -> entity, each sorted by title
    countries: dict[str, Country]
    topics: dict[str, Topic]
    scopes: Vocabulary
    posts: list[NewsPost] = field(default_factory=list)  # newest first

    def post(self, slug: str) -> NewsPost | None:
        return next((p for p in self.posts if p.slug == slug), None)

    def __getattr__(self, name: str):  # atlas.cities, atlas.initiatives, ...: by the kind's folder
        for kind in KINDS.values():
            if kind.folder == name:
                return self.entities[kind.name]
        raise AttributeError(name)

    @property
    def featured(self) -> list[Entity]:
        return [c for c in self.entities["city"].values() if c.featured]

    @property
    def commitments(self) -> list[Commitment]:
        """Every network's commitments, network by network."""
        return [c for kind in KINDS for e in self.entities[kind].values()
                for c in getattr(e, "commitments", None) or () if isinstance(c, Commitment)]

    @property
    def admission(self) -> list[CommitmentState]:
        """Members that declared (or fulfilled) a readiness to take in more people than they must."""
        return [s for c in self.commitments if c.admission for s in c.states if s.taken]

    @property
    def admission_cities(self) -> list[Entity]:
        seen: dict[str, Entity] = {}
        for state in self.admission:
            seen.setdefault(state.city.slug, state.city)
        return list(seen.values())


def _sources(raw: list) -> list[Source]:
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Source(urlsplit(item).netloc.removeprefix("www."), item))
        else:
            out.append(Source(item["title"], item["url"], _partial(item.get("published")),
                              _partial(item.get("retrieved"))))
    return out


def _plain(value: Any) -> Any:
    """A value as the page shows it: a partial date as written, a date without its time."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _partial(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _group(value: Any) -> list:
    """A list of groups inside a relation (a membership's commitments), dates as written."""
    return [{k: _partial(v) if isinstance(v, (dt.date, int)) and not isinstance(v, bool) else v
             for k, v in item.items()} for item in value or []]


def _by_title(entity: Entity):
    return entity.title.casefold(), entity.slug


class Linker:
    """Two passes: every entity is made first, then every reference is resolved and given its way back."""

    def __init__(self, report: "Report"):
        self.nodes: dict[str, dict[str, Entity]] = {kind: {} for kind in KINDS}
        self.countries: dict[str, Country] = {}
        self.topics = {slug: Topic(slug, entry["name"], entry.get("description", ""))
                       for slug, entry in report.vocabularies["topics"].entries.items()}
        self.sorting: dict[int, tuple[list, Any]] = {}  # every list pointing back, with its order
        self.symmetric: list[tuple[Entity, str]] = []
        self.owners: dict[tuple[int, str], tuple[Any, str, str]] = {}  # target, its edges, their owners' list
        self.sources: list[tuple[Entity, SourceFile]] = []
        for source in report.sources:
            kind = KINDS[source.kind]
            entity = Entity(kind, source)
            self.nodes[source.kind][source.slug] = entity
            self.sources.append((entity, source))

    def link(self, scopes: Vocabulary) -> Atlas:
        for entity, source in self.sources:
            for f in entity.kind.fields:
                self.link_field(entity, f, source.data.get(f.name))
        for entity, name in self.symmetric:  # related both ways: named here or naming this
            for other in [entity, *getattr(entity, name)]:
                self.sorting.setdefault(id(getattr(other, name)), (getattr(other, name), None))
            for other in getattr(entity, name):
                if entity not in getattr(other, name):
                    getattr(other, name).append(entity)
        for items, order in self.sorting.values():
            items.sort(key=order or _by_title)
        for target, edges, owners in self.owners.values():
            setattr(target, owners, [edge.owner for edge in getattr(target, edges)])
        entities = {kind: dict(sorted(nodes.items(), key=lambda item: _by_title(item[1])))
                    for kind, nodes in self.nodes.items()}
        countries = dict(sorted(self.countries.items(), key=lambda item: item[1].name))
        return Atlas(entities, countries, self.topics, scopes)

    def entity(self, kind: str, slug: str) -> Entity:
        return self.nodes[kind][slug]

    def back(self, target: Any, name: str, item: Any, order) -> None:
        items = getattr(target, name, None)
        if items is None:
            items = []
            setattr(target, name, items)
        if id(items) not in self.sorting:
            self.sorting[id(items)] = (items, order)
        items.append(item)

    def link_field(self, entity: Entity, f: Field, value: Any) -> None:
        kind = f.type.item if isinstance(f.type, ListOf) else f.type
        if value is None:
            setattr(entity, f.name, [] if isinstance(f.type, ListOf) else f.default)
            if f.edges:
                setattr(entity, f.edges, [])
            return
        if f.name == "sources":
            setattr(entity, f.name, _sources(value))
        elif isinstance(kind, Either) and isinstance(kind.short, Ref) and f.edges:
            self.link_edges(entity, f, kind, value)
        elif isinstance(kind, Ref):
            targets = [self.entity(kind.kind, slug) for slug in (value if isinstance(f.type, ListOf) else [value])]
            setattr(entity, f.name, targets if isinstance(f.type, ListOf) else targets[0])
            if f.symmetric:
                self.symmetric.append((entity, f.name))
            for target in targets if f.backref else ():
                self.back(target, f.backref, entity, f.backref_order)
        elif isinstance(kind, CountryType):
            country = self.countries.setdefault(value, Country(value, country_name(value)))
            setattr(entity, f.name, country)
            if f.backref:
                self.back(country, f.backref, entity, f.backref_order)
        elif isinstance(kind, Choice) and f.backref and kind.vocabulary == "topics":
            setattr(entity, f.name, list(value))
            for slug in value:
                self.back(self.topics[slug], f.backref, entity, f.backref_order)
        elif isinstance(kind, Coordinates):
            setattr(entity, f.name, [float(value[0]), float(value[1])])
        else:
            setattr(entity, f.name, _plain(value) if not isinstance(value, list) else list(value))

    def link_edges(self, entity: Entity, f: Field, kind: Either, value: list) -> None:
        target_kind = kind.short.kind  # type: ignore[union-attr]
        key = next(sub.name for sub in kind.long.fields if isinstance(sub.type, Ref))
        label = f.edges.rstrip("s").capitalize()  # memberships -> Membership
        edges = []
        for item in value:
            long = {key: item} if isinstance(item, str) else item
            extra = {sub.name: _group(long.get(sub.name)) if isinstance(sub.type, ListOf) else
                     _partial(long.get(sub.name)) for sub in kind.long.fields if sub.name != key}
            edge = Edge(label, entity, self.entity(target_kind, long[key]), extra)
            edges.append(edge)
            if f.backref:
                self.back(edge.target, f.backref, edge, f.backref_order)
                if f.backref_owners:
                    self.owners[id(edge.target), f.backref_owners] = (edge.target, f.backref, f.backref_owners)
        edges.sort(key=lambda e: _by_title(e.target))
        setattr(entity, f.edges, edges)
        setattr(entity, f.name, [e.target for e in edges])


def link(report: "Report") -> Atlas:
    """Build the graph from a report without errors (validation guarantees every reference)."""
    atlas = Linker(report).link(report.vocabularies["scopes"])
    _empty_backrefs(atlas)
    _link_commitments(atlas)
    _link_posts(atlas, report.posts)
    return atlas


def _link_posts(atlas: Atlas, sources: list[SourceFile]) -> None:
    """Each post with the entities it names; each entity with its posts, newest first."""
    from .kinds import POST

    for kind in KINDS:
        for entity in atlas.entities[kind].values():
            entity.posts = []
    refs = [(f.name, f.type.item.kind) for f in POST.fields if isinstance(f.type, ListOf) and isinstance(f.type.item, Ref)]
    for source in sources:
        data = source.data
        about = [atlas.entities[kind][slug] for name, kind in refs for slug in data.get(name) or ()]
        date = data["date"].date() if isinstance(data["date"], dt.datetime) else data["date"]
        atlas.posts.append(NewsPost(source.slug, data["title"], date, list(data["authors"]), data.get("description"),
                                    _sources(data["sources"]), about, source.display))
    atlas.posts.sort(key=lambda p: (p.date, p.slug), reverse=True)
    for post in atlas.posts:
        for entity in post.about:
            entity.posts.append(post)


def _link_commitments(atlas: Atlas) -> None:
    """A network's commitments become Commitments; each membership's states point at them, and back."""
    for kind in KINDS.values():
        for f in kind.fields:
            inner = f.type.item if isinstance(f.type, ListOf) else None
            if not (f.name == "commitments" and isinstance(inner, Record)):
                continue
            for entity in atlas.entities[kind.name].values():
                raw = getattr(entity, f.name) or []
                setattr(entity, f.name, [Commitment(entity, c["slug"], c["name"], c.get("description"),
                                                    bool(c.get("admission", False))) for c in raw])
    for kind in KINDS.values():
        for f in kind.fields:
            if not f.edges:
                continue
            for entity in atlas.entities[kind.name].values():
                for edge in getattr(entity, f.edges):
                    declared = {c.slug: c for c in getattr(edge.target, "commitments", None) or ()}
                    states = []
                    for raw in getattr(edge, "commitments", None) or ():
                        commitment = declared[raw["commitment"]]
                        state = CommitmentState(commitment, entity, raw["state"], raw["source"], str(raw["date"]))
                        commitment.states.append(state)
                        states.append(state)
                    edge.commitments = states
    for commitment in atlas.commitments:  # in the order of the network's members
        order = {id(m.owner): i for i, m in enumerate(getattr(commitment.network, "memberships", []))}
        commitment.states.sort(key=lambda s: order.get(id(s.city), len(order)))


def _empty_backrefs(atlas: Atlas) -> None:
    """Every entity has every list that others may point into it with, even when none does."""
    for kind in KINDS.values():
        for f in kind.fields:
            target_kind = _target_kind(f)
            for name in (f.backref, f.backref_owners) if target_kind else ():
                for target in atlas.entities[target_kind].values() if name else ():
                    if not hasattr(target, name):
                        setattr(target, name, [])


def _target_kind(f: Field) -> str | None:
    kind = f.type.item if isinstance(f.type, ListOf) else f.type
    if isinstance(kind, Either):
        kind = kind.short
    return kind.kind if isinstance(kind, Ref) else None
