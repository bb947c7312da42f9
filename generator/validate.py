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

from . import geo
from .countries import country_name
from .diagnostics import Diagnostic, Severity
from .load import FOLDERS, KINDS, SLUG, SourceFile, fold, read_source, slugify
from .model import ENTITIES, nearest


@dataclass(frozen=True)
class Settings:
    """atlas.yml: the limits the checks use."""

    europe_extent: tuple[float, float, float, float] = (-32.0, 27.0, 45.0, 72.0)
    max_distance_from_country_km: float = 50.0
    border_tolerance_km: float = 3.5
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
    """A city lies in Europe and in its own country (give or take the simplified borders) or off its
    coast; swapped coordinates are named as such, and so is the country a point lies in instead."""
    if checker.source.kind != "city" or (point := _coordinates(checker)) is None:
        return
    latitude, longitude = point
    country = checker.source.data.get("country")
    settings = checker.context.settings
    limit, tolerance = settings.max_distance_from_country_km, settings.border_tolerance_km

    def place(lat: float, lon: float) -> tuple[str | None, float | None, bool]:
        """The country the point lies in, its distance from the city's country, and whether that is too far."""
        distance = geo.distance_km(country, lat, lon) if isinstance(country, str) else None
        if not distance:  # inside, or a country without an outline to judge by
            return None, distance, False
        lies_in = geo.country_at(lat, lon)
        return lies_in, distance, distance > (tolerance if lies_in else limit)

    def away(distance: float) -> str:
        return "far" if math.isinf(distance) else f"about {distance:,.0f} km"

    lies_in, distance, misplaced = place(latitude, longitude)
    if misplaced and abs(longitude) <= 90 and not (swapped := place(longitude, latitude))[2]:
        checker.report(("coordinates",), "swapped-coordinates",
                       f"[{latitude}, {longitude}] lies {away(distance)} from {country_name(country)}; "
                       f"[{longitude}, {latitude}] lies {'inside' if swapped[1] == 0 else 'next to'} it",
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
    elif misplaced and lies_in:
        checker.report(("coordinates",), "wrong-country",
                       f"[{latitude}, {longitude}] lies in {country_name(lies_in)} ({lies_in}), "
                       f"{away(distance)} from {country_name(country)} ({country})",
                       "check the country code and the coordinates")
    elif misplaced:
        checker.report(("coordinates",), "far-from-country",
                       f"[{latitude}, {longitude}] lies {away(distance)} from {country_name(country)} "
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

    checked = len(sources)
    if only is not None:
        wanted = {p.resolve() for p in only}
        keep = {s.display for s in sources if s.path.resolve() in wanted or
                any(parent in wanted for parent in s.path.resolve().parents)}
        diagnostics = [d for d in diagnostics if d.path in keep]
        checked = len(keep)
    diagnostics.sort(key=lambda d: (d.path, d.line, d.column, d.code))
    return Report(sources, diagnostics, checked, vocabularies, settings)
