"""Validate: every rule a small function with a stable code; every diagnostic collected.

Field rules live with the field types in `model.py`; the rules here look at a whole file
(its name, where a city lies, its body, its freshness) or at the whole atlas (slugs).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import posixpath
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .countries import country_name, distance_km_to_country
from .diagnostics import Diagnostic, Severity
from .load import FOLDERS, KINDS, RESERVED_SLUGS, SLUG, SourceFile, fold, read_source, slugify
from .model import ENTITIES, nearest


@dataclass(frozen=True)
class Settings:
    """atlas.yml: the limits the checks use."""

    europe_extent: tuple[float, float, float, float] = (-32.0, 27.0, 45.0, 72.0)
    max_distance_from_country_km: float = 50.0
    max_file_bytes: int = 1024 * 1024
    stale_after_months: int = 24

    @classmethod
    def load(cls, root: Path) -> tuple["Settings", list[Diagnostic]]:
        """The settings, or the defaults for any setting that is malformed (with its diagnostic)."""
        path, file = root / "atlas.yml", "atlas.yml"
        if not path.exists():
            return cls(), []
        text = path.read_text(encoding="utf-8")
        raw, problems = _yaml_with_lines(text, file)
        if problems:
            return cls(), problems
        if raw is None:
            return cls(), []
        if not isinstance(raw, dict):
            return cls(), [Diagnostic(file, 1, 1, "wrong-type", "expected settings (name: value), found a list or text")]

        def line_of(key: str) -> int:
            match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
            return text.count("\n", 0, match.start()) + 1 if match else 1

        default, values = cls(), {}
        for key, value in raw.items():
            if key not in SETTINGS:
                guess = nearest(str(key), SETTINGS)
                problems.append(Diagnostic(file, line_of(str(key)), 1, "unknown-field", f"unknown setting '{key}'",
                                           hint=f"did you mean '{guess}'?" if guess else f"known: {', '.join(SETTINGS)}"))
                continue
            if key == "europe_extent":
                parts = value if isinstance(value, dict) else {}
                try:
                    values[key] = tuple(float(parts[side]) for side in ("west", "south", "east", "north"))
                except (KeyError, TypeError, ValueError):
                    problems.append(Diagnostic(file, line_of(key), 1, "wrong-type",
                                               f"expected europe_extent with numbers west, south, east and north, "
                                               f"found {value!r}", hint="see the example in atlas.yml's comments"))
                continue
            kind = type(getattr(default, key))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                problems.append(Diagnostic(file, line_of(key), 1, "wrong-type",
                                           f"expected {key} to be a positive number, found {value!r}"))
                continue
            values[key] = kind(value)
        return cls(**values), problems


SETTINGS = [f.name for f in fields(Settings)]


def _yaml_with_lines(text: str, file: str) -> tuple[object, list[Diagnostic]]:
    """Parse a small configuration file, with a syntax error as a diagnostic."""
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [Diagnostic(file, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                                 "yaml-syntax", f"YAML syntax error: {getattr(error, 'problem', None) or error}",
                                 hint="check the indentation and that text containing ': ' is in quotes")]


@dataclass
class Vocabulary:
    """A controlled vocabulary: a YAML list of {slug, name, description}, in its own order."""

    file: str
    entries: dict[str, dict]

    def __iter__(self):
        return iter(self.entries)

    def __contains__(self, slug: object) -> bool:
        return slug in self.entries

    def name(self, slug: str) -> str:
        return self.entries[slug]["name"]


VOCABULARIES = {"topics": "initiatives/topics.yml", "scopes": "networks/scopes.yml"}


def load_vocabulary(root: Path, relative: str) -> tuple[Vocabulary, list[Diagnostic]]:
    path = root / relative
    if not path.exists():
        return Vocabulary(relative, {}), [Diagnostic(relative, 1, 1, "missing-vocabulary",
                                                      f"the vocabulary file {relative} is missing")]
    text = path.read_text(encoding="utf-8")
    raw, problems = _yaml_with_lines(text, relative)
    if problems:
        return Vocabulary(relative, {}), problems
    if not isinstance(raw, list):
        return Vocabulary(relative, {}), [Diagnostic(relative, 1, 1, "wrong-type",
                                                     "expected a list of entries (- slug: ...)")]
    # Each entry's line: the lines that start a list item, in order.
    starts = [number for number, line in enumerate(text.split("\n"), start=1) if line.startswith("- ")]
    entries: dict[str, dict] = {}
    for index, entry in enumerate(raw):
        line = starts[index] if index < len(starts) else 1
        if not (isinstance(entry, dict) and isinstance(entry.get("slug"), str) and SLUG.fullmatch(entry["slug"])
                and isinstance(entry.get("name"), str)):
            problems.append(Diagnostic(relative, line, 1, "wrong-type",
                                       f"expected an entry with a slug (lowercase-with-dashes) and a name, "
                                       f"found {entry!r}", hint="e.g.  - slug: political-participation"))
        elif entry["slug"] in entries:
            problems.append(Diagnostic(relative, line, 1, "duplicate-item", f"slug '{entry['slug']}' is listed twice"))
        elif entry["slug"] in RESERVED_SLUGS:
            pages, other = Path(relative).stem, slugify(entry["name"])  # topics.yml: pages are topics/<slug>.md
            problems.append(Diagnostic(relative, line, 1, "reserved-slug",
                                       f"slug '{entry['slug']}' is reserved: {pages}/{entry['slug']}.md is a page "
                                       f"the site generates, the list of all {pages}",
                                       hint="choose another slug" + (f", e.g. '{other}'" if other and
                                                                      other not in RESERVED_SLUGS else "")))
        else:
            entries[entry["slug"]] = entry
    return Vocabulary(relative, entries), problems


class Checker:
    """Checks one source file against the model and the rest of the atlas."""

    def __init__(self, source: SourceFile, context: "Context"):
        self.source = source
        self.context = context
        self.today = context.today
        self.vocabularies = context.vocabularies
        self.vocabulary_files = {name: vocab.file for name, vocab in context.vocabularies.items()}
        self.diagnostics: list[Diagnostic] = []

    def report(self, path: tuple, code: str, message: str, hint: str | None = None,
               severity: Severity = Severity.ERROR, *, key: bool = False) -> None:
        position = self.source.position(path, key=key)
        self.diagnostics.append(Diagnostic(self.source.display, position.line, position.column,
                                           code, message, severity, hint))

    def report_at(self, line: int, column: int, code: str, message: str, hint: str | None = None,
                  severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(Diagnostic(self.source.display, line, column, code, message, severity, hint))

    def check_reference(self, kind: str, slug: str, path: tuple) -> None:
        if kind == self.source.kind and slug == self.source.slug:
            self.report(path, "self-reference", f"this {kind} refers to itself", "remove it")
        elif slug not in self.context.slugs[kind]:
            guess = nearest(slug, self.context.slugs[kind])
            hint = (f"did you mean '{guess}'?" if guess else
                    f"create {FOLDERS[kind]}/{slug}.md first, or check the spelling")
            self.report(path, "unknown-" + kind,
                        f"expected the slug of a {kind} in {FOLDERS[kind]}/, found '{slug}', which does not exist",
                        hint)


@dataclass
class Context:
    root: Path
    settings: Settings
    vocabularies: dict[str, Vocabulary]
    slugs: dict[str, set[str]]
    today: dt.date


# ---- rules on one file ---------------------------------------------------------------

def check_file_name(checker: Checker) -> None:
    name = checker.source.path.name
    if SLUG.fullmatch(checker.source.slug) and name.endswith(".md"):
        return
    suggestion = slugify(name[:-3] if name.endswith(".md") else name) + ".md"
    hint = f"rename it to {suggestion}"
    if re.fullmatch(r"[a-z0-9-]+\.[a-z]{2}\.md", name):
        hint = "translations (slug.xx.md) are not supported yet; " + hint
    checker.report_at(1, 1, "bad-file-name",
                      f"expected a file name in lowercase letters, digits and dashes ending in .md, found '{name}'",
                      hint)


def check_fields(checker: Checker) -> None:
    ENTITIES[checker.source.kind].check(checker.source.data, checker, ())


def _coordinates(checker: Checker) -> tuple[float, float] | None:
    value = checker.source.data.get("coordinates")
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and -90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        return float(value[0]), float(value[1])
    return None


def check_city_location(checker: Checker) -> None:
    """A city lies in Europe and near its own country; swapped coordinates are named as such."""
    if checker.source.kind != "city" or (point := _coordinates(checker)) is None:
        return
    latitude, longitude = point
    country = checker.source.data.get("country")
    settings = checker.context.settings
    limit = settings.max_distance_from_country_km
    distance = distance_km_to_country(country, latitude, longitude) if isinstance(country, str) else None
    swapped = (distance_km_to_country(country, longitude, latitude)
               if distance is not None and distance > limit else None)
    if swapped is not None and swapped <= limit:
        checker.report(("coordinates",), "swapped-coordinates",
                       f"[{latitude}, {longitude}] lies {distance:,.0f} km from {country_name(country)}; "
                       f"[{longitude}, {latitude}] lies inside it",
                       f"latitude comes first: write [{longitude}, {latitude}]")
        return
    west, south, east, north = settings.europe_extent
    inside = lambda lat, lon: south <= lat <= north and west <= lon <= east  # noqa: E731
    if not inside(latitude, longitude):
        hint = (f"latitude comes first: did you mean [{longitude}, {latitude}]?" if inside(longitude, latitude)
                else "check the numbers against a map; latitude comes first")
        checker.report(("coordinates",), "outside-europe",
                       f"expected a point in Europe (latitude {south}..{north}, longitude {west}..{east}), "
                       f"found [{latitude}, {longitude}]", hint)
    elif distance is not None and distance > limit:
        checker.report(("coordinates",), "far-from-country",
                       f"[{latitude}, {longitude}] lies about {distance:,.0f} km from {country_name(country)} "
                       f"({country}), expected a point within {limit:,.0f} km",
                       "check the coordinates and the country code")


UNSAFE_TAG = re.compile(r"<\s*(script|iframe|object|embed|applet|frame|frameset|base|meta|link|style|form)\b",
                        re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
SCRIPT_URL = re.compile(r"(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)


def _line_column(body: str, offset: int, first_line: int) -> tuple[int, int]:
    line = body.count("\n", 0, offset)
    column = offset - (body.rfind("\n", 0, offset) + 1) + 1
    return first_line + line, column


def check_body_html(checker: Checker) -> None:
    """Bodies come from strangers' pull requests and are published under our domain."""
    body = checker.source.body
    if "<" not in body and ":" not in body:
        return
    for pattern, what in ((UNSAFE_TAG, "a <{}> tag"), (EVENT_HANDLER, "an inline event handler"),
                          (SCRIPT_URL, "a script address")):
        for text in (body, html.unescape(body)) if "&" in body else (body,):
            found = False
            for match in pattern.finditer(text):
                line, column = _line_column(text, match.start(), checker.source.body_line)
                label = what.format(match.group(1).lower()) if "{}" in what else what
                checker.report_at(line, column, "unsafe-html",
                                  f"expected plain Markdown, found {label}: {match.group(0).strip()[:40]!r}",
                                  "scripts, frames, embedded objects and event handlers are not allowed in "
                                  "atlas pages; link to the page instead")
                found = True
            if found:
                break


MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$",
                           re.MULTILINE)
ATLAS_PAGE = re.compile(r"(cities|initiatives|networks|countries|topics)/([^/#?]+?)(?:\.md|/)?(?:[#?].*)?")


def check_body_links(checker: Checker) -> None:
    """Links to atlas pages must name pages that exist."""
    body = checker.source.body
    if "](" not in body and "]:" not in body:
        return
    here = FOLDERS[checker.source.kind]
    for match in MARKDOWN_LINK.finditer(body):
        target = match.group(1) or match.group(2)
        if "://" in target or target.startswith(("mailto:", "#", "tel:")):
            continue
        resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(here, target))
        page = ATLAS_PAGE.fullmatch(resolved)
        if not page:
            continue
        section, slug = page.groups()
        exists, kind = _page_exists(checker.context, section, slug)
        if not exists:
            line, column = _line_column(body, match.start(), checker.source.body_line)
            guess = nearest(slug, checker.context.slugs.get(kind, ())) if kind else None
            checker.report_at(line, column, "broken-link",
                              f"link to {section}/{slug}, a page that does not exist",
                              f"did you mean '{guess}'?" if guess else "check the slug")


def _page_exists(context: Context, section: str, slug: str) -> tuple[bool, str | None]:
    if section in KINDS:
        return slug in context.slugs[KINDS[section]], KINDS[section]
    if section == "topics":
        return slug in context.vocabularies["topics"], None
    return slug.upper() in context.slugs["country"] and slug == slug.lower(), None


def check_reserved_slug(checker: Checker) -> None:
    """A file named like a page the site generates (cities/index.md, the list of all cities) would replace it."""
    slug = checker.source.slug
    if slug not in RESERVED_SLUGS:
        return
    folder = FOLDERS[checker.source.kind]
    country = checker.source.data.get("country") if checker.source.kind == "city" else None
    suggestion = f"{slug}-{country.lower()}" if isinstance(country, str) and SLUG.fullmatch(country.lower()) \
        else f"{slug}-{checker.source.kind}"
    checker.report_at(1, 1, "reserved-slug",
                      f"the file name '{slug}.md' is reserved: {folder}/{slug}.md is a page the site generates, "
                      f"the list of all {folder}", f"rename the file, e.g. to {folder}/{suggestion}.md")


def check_freshness(checker: Checker) -> None:
    value = checker.source.data.get("last_verified")
    if not isinstance(value, dt.date):
        return
    months = checker.context.settings.stale_after_months
    limit = checker.today - dt.timedelta(days=round(months * 30.44))
    if value < limit:
        checker.report(("last_verified",), "stale",
                       f"last verified on {value.isoformat()}, more than {months} months ago",
                       "check the facts against the sources and update last_verified",
                       Severity.WARNING)


FILE_RULES: list[Callable[[Checker], None]] = [
    check_file_name,
    check_fields,
    check_city_location,
    check_body_html,
    check_body_links,
    check_freshness,
    check_reserved_slug,
]


# ---- rules on the whole atlas --------------------------------------------------------

def check_slug_collisions(sources: list[SourceFile]) -> Iterable[Diagnostic]:
    first: dict[tuple[str, str], SourceFile] = {}
    for source in sorted(sources, key=lambda s: s.display):
        key = (source.kind, fold(source.slug))
        if key in first:
            yield Diagnostic(source.display, 1, 1, "slug-collision",
                             f"this file's name collides with {first[key].display}: they differ only in case "
                             "or accents, and would share one web address", "rename or merge one of them")
        else:
            first[key] = source


# Two cities of one country closer than this are probably one place entered twice. Distinct
# municipalities rarely come closer (the closest two in this atlas, Ludwigshafen and Mannheim,
# are 1.7 km apart); those that do cite each one's GeoNames page: two ids are two places.
DUPLICATE_DISTANCE_KM = 1.0
EARTH_RADIUS_KM = 6371.0088
GEONAMES = re.compile(r"https?://(?:www\.|sws\.)?geonames\.org/(\d+)(?:[/?#]|$)", re.IGNORECASE)


@dataclass
class Duplicate:
    source: SourceFile  # the later file
    other: SourceFile  # the earlier file it seems to repeat
    code: str  # duplicate-place (the same GeoNames id) or likely-duplicate (very close)
    reason: str  # "both cite GeoNames place 2867714"
    path: tuple  # where in `source`


def _geonames_ids(source: SourceFile) -> Iterable[tuple[str, tuple]]:
    sources = source.data.get("sources")
    for index, item in enumerate(sources if isinstance(sources, list) else []):
        url = item.get("url") if isinstance(item, dict) else item
        if isinstance(url, str) and (match := GEONAMES.match(url.strip())):
            yield match.group(1), ("sources", index) + (("url",) if isinstance(item, dict) else ())


# The cell around a point first, then its 26 neighbours.
_AROUND = sorted(((dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)),
                 key=lambda offset: offset != (0, 0, 0))


def find_duplicate_places(sources: list[SourceFile]) -> Iterable[Duplicate]:
    """Cities that are probably one place twice; each file is compared with the files before it.

    Points are bucketed in a grid of cells as wide as the distance (on the unit sphere, so no
    latitude needs special care) and compared only with the 27 cells around them; a file is
    reported with the first close city found, so that even a crowd of points costs little.
    """
    first_by_id: dict[str, SourceFile] = {}
    grid: dict[tuple[int, int, int], list] = {}
    cell = DUPLICATE_DISTANCE_KM / EARTH_RADIUS_KM
    for source in sources:
        if source.kind != "city" or not source.readable:
            continue
        ids = set()
        for place, path in _geonames_ids(source):
            other = first_by_id.setdefault(place, source)
            if other is not source and place not in ids:
                yield Duplicate(source, other, "duplicate-place", f"both cite GeoNames place {place}", path)
            ids.add(place)
        value, country = source.data.get("coordinates"), source.data.get("country")
        if not (isinstance(value, list) and len(value) == 2 and isinstance(country, str)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
                and -90 <= value[0] <= 90 and -180 <= value[1] <= 180):  # also no NaN, infinity or 10**400
            continue
        latitude, longitude = math.radians(value[0]), math.radians(value[1])
        point = (math.cos(latitude) * math.cos(longitude), math.cos(latitude) * math.sin(longitude),
                 math.sin(latitude))
        x, y, z = key = (math.floor(point[0] / cell), math.floor(point[1] / cell), math.floor(point[2] / cell))
        close = next(((other, distance) for dx, dy, dz in _AROUND
                      for other, other_point, other_country, other_ids in grid.get((x + dx, y + dy, z + dz), ())
                      # Two GeoNames ids settle it: the same id is reported above, two ids are two places.
                      if other_country == country and not (ids and other_ids)
                      and (distance := _km(point, other_point)) < DUPLICATE_DISTANCE_KM), None)
        if close:
            yield Duplicate(source, close[0], "likely-duplicate", f"it lies {close[1]:.2f} km away, in the same "
                            "country", ("coordinates",))
        grid.setdefault(key, []).append((source, point, country, ids))


def _km(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """The distance along the Earth's surface between two points on the unit sphere."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(math.dist(a, b) / 2, 1.0))


def check_duplicate_places(sources: list[SourceFile]) -> Iterable[Diagnostic]:
    """One place entered twice (e.g. München beside Munich) shows twice on the map and splits its facts."""
    for d in find_duplicate_places(sorted(sources, key=lambda s: s.display)):
        position = d.source.position(d.path)
        name = d.other.data.get("name")
        other = f"{name} ({d.other.display})" if isinstance(name, str) else d.other.display
        if d.code == "duplicate-place":
            yield Diagnostic(d.source.display, position.line, position.column, d.code,
                             f"this city is the same place as {other}: {d.reason}",
                             hint="merge the two files into one, or correct the GeoNames address")
        else:
            yield Diagnostic(d.source.display, position.line, position.column, d.code,
                             f"this city is probably the same place as {other}: {d.reason}", Severity.WARNING,
                             hint="if it is, merge the two files into one; if they are two municipalities, cite "
                                  "each one's GeoNames page (https://www.geonames.org/ID) in its sources")


# ---- the orchestrator ----------------------------------------------------------------

@dataclass
class Report:
    sources: list[SourceFile]
    diagnostics: list[Diagnostic]
    checked: int
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def discover(root: Path) -> list[tuple[Path, str]]:
    found = []
    for folder, kind in KINDS.items():
        directory = root / folder
        if directory.is_dir():
            found.extend((path, kind) for path in sorted(directory.iterdir())
                         if path.suffix.lower() == ".md" and path.is_file())
    return found


def load_vocabularies(root: Path) -> tuple[dict[str, Vocabulary], list[Diagnostic]]:
    vocabularies, diagnostics = {}, []
    for name, relative in VOCABULARIES.items():
        vocabularies[name], problems = load_vocabulary(root, relative)
        diagnostics.extend(problems)
    return vocabularies, diagnostics


def make_context(root: Path, settings: Settings, vocabularies: dict[str, Vocabulary],
                 sources: Iterable[SourceFile], today: dt.date | None = None) -> Context:
    """What the rules need to know about the rest of the atlas: its slugs and vocabularies."""
    slugs: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
    slugs["country"] = set()
    for source in sources:
        slugs[source.kind].add(source.slug)
        if source.kind == "city" and isinstance(source.data.get("country"), str):
            slugs["country"].add(source.data["country"])
    return Context(root, settings, vocabularies, slugs, today or dt.date.today())


def check_source(source: SourceFile, context: Context) -> list[Diagnostic]:
    """Every rule on one readable file."""
    checker = Checker(source, context)
    for rule in FILE_RULES:
        rule(checker)
    return checker.diagnostics


def validate(root: Path, only: Iterable[Path] | None = None, today: dt.date | None = None) -> Report:
    """Load every entity file, check it against the model and the atlas, collect everything.

    With `only`, diagnostics are reported for those files alone, but references still
    resolve against the whole atlas.
    """
    root = root.resolve()
    settings, diagnostics = Settings.load(root)
    vocabularies, problems = load_vocabularies(root)
    diagnostics.extend(problems)

    sources: list[SourceFile] = []
    for path, kind in discover(root):
        source, problems = read_source(path, path.relative_to(root).as_posix(), kind, settings.max_file_bytes)
        sources.append(source)
        diagnostics.extend(problems)

    context = make_context(root, settings, vocabularies, sources, today)
    for source in sources:
        if source.readable:
            diagnostics.extend(check_source(source, context))
    diagnostics.extend(check_slug_collisions(sources))
    diagnostics.extend(check_duplicate_places(sources))

    checked = len(sources)
    if only is not None:
        wanted = {p.resolve() for p in only}
        keep = {s.display for s in sources if s.path.resolve() in wanted or
                any(parent in wanted for parent in s.path.resolve().parents)}
        diagnostics = [d for d in diagnostics if d.path in keep]
        checked = len(keep)
    diagnostics.sort(key=lambda d: (d.path, d.line, d.column, d.code))
    return Report(sources, diagnostics, checked, vocabularies, settings)
