"""Validate: every rule a small function with a stable code; every diagnostic collected.

Field rules live with the field types in `model.py`; the rules here look at a whole file
(its name, where a city lies, its body, its freshness) or at the whole atlas (slugs).
Bodies are read by `body.py`'s linear scanners; what a page may contain is `safety.py`'s.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import posixpath
import re
import subprocess
from collections import Counter
from itertools import islice
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify as toc_slugify
from markdown.extensions.toc import unique

from . import body as markdown_body
from . import geo, i18n, safety
from .countries import country_name
from .diagnostics import Diagnostic, Severity, NotText, read_text
from .load import (FOLDERS, KINDS, RESERVED_SLUGS, SETTING_LINE, SLUG, SourceFile, file_slug, fold, has_front_matter,
                   mkdocs_reads_front_matter, parse_source, read_source, slugify)
from .kinds import KINDS as REGISTRY
from .kinds import NEWS_FOLDER, PAGE, POST
from .model import Country as CountryType
from .model import MEMBERSHIP, Either, ListOf, Ref, nearest
from .project import (VOCABULARIES, Project, Report, Settings, Vocabulary, discover, display_name,  # noqa: F401 (re-exported)
                      load_project, load_vocabularies, load_vocabulary)
from .urls import site_paths
from . import translate
from .translate import TRANSLATION_RULES

MAX_REPEATS = 20  # diagnostics of one code in one file; a hostile file could have a million
MAX_FINDINGS = 200  # problems looked into in one body; the rest can wait for the next run


class Checker:
    """Checks one source file against the model and the rest of the atlas."""

    def __init__(self, source: SourceFile, context: "Context"):
        self.source = source
        self.context = context
        self.today = context.today
        self.vocabularies = context.vocabularies
        self.vocabulary_files = {name: vocab.file for name, vocab in context.vocabularies.items()}
        self.diagnostics: list[Diagnostic] = []
        self.repeats: Counter[str] = Counter()

    def _add(self, diagnostic: Diagnostic) -> None:
        self.repeats[diagnostic.code] += 1
        if self.repeats[diagnostic.code] <= MAX_REPEATS:
            self.diagnostics.append(diagnostic)

    def report(self, path: tuple, code: str, message: str, hint: str | None = None,
               severity: Severity = Severity.ERROR, *, key: bool = False) -> None:
        position = self.source.position(path, key=key)
        self._add(Diagnostic(self.source.display, position.line, position.column, code, message, severity, hint))

    def report_at(self, line: int, column: int, code: str, message: str, hint: str | None = None,
                  severity: Severity = Severity.ERROR) -> None:
        self._add(Diagnostic(self.source.display, line, column, code, message, severity, hint))

    def finish(self) -> list[Diagnostic]:
        for code, count in self.repeats.items():
            if count > MAX_REPEATS:
                first = next(d for d in self.diagnostics if d.code == code)
                self.diagnostics.append(Diagnostic(self.source.display, first.line, first.column, code,
                                                   f"and {count - MAX_REPEATS:,} more of the same in this file",
                                                   first.severity, "fix the ones shown and run the check again"))
        return self.diagnostics

    def check_reference(self, kind: str, slug: str, path: tuple) -> None:
        if kind == self.source.kind and slug == self.source.slug:
            self.report(path, "self-reference", f"this {kind} refers to itself", "remove it")
        elif slug not in self.context.slugs[kind]:
            guess = self.context.meant(kind, slug)
            hint = (f"did you mean '{guess}'?" if guess else
                    f"create {FOLDERS[kind]}/{slug}.md first, or check the spelling")
            self.report(path, "unknown-" + kind,
                        f"expected the slug of a {kind} in {FOLDERS[kind]}/, found '{slug}', which does not exist",
                        hint)


@dataclass
class Context:
    """What the rules need to know about the rest of the atlas."""

    root: Path
    settings: Settings
    vocabularies: dict[str, Vocabulary]
    slugs: dict[str, set[str]]
    today: dt.date
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by docs path: cities/potsdam.md
    pages: dict[str, Path] = field(default_factory=dict)  # hand-written pages by docs path: about.md
    assets: set[str] = field(default_factory=set)  # every hand-written file, by docs path

    @cached_property
    def site(self) -> set[str]:
        """Every file of the built site, as a Markdown link names it (docs paths)."""
        return site_paths(self.slugs, list(self.vocabularies["topics"])) | self.assets

    def meant(self, kind: str, written: str) -> str | None:
        """The slug a reference most likely means: the same letters (EUROCITIES, Gdańsk), an entity's name,
        short name or other name (Seebrücke Safe Harbours, Städte Sicherer Häfen), the one name that begins
        with what is written (Seebrücke), or the nearest slug."""
        key = slugify(written)
        if key in self.slugs[kind]:
            return key
        names = self._names(kind)
        if key in names:
            return names[key]
        begun = {slug for name, slug in names.items() if key and name.startswith(key + "-")}
        return begun.pop() if len(begun) == 1 else nearest(written, self.slugs[kind])

    def _names(self, kind: str) -> dict[str, str]:
        if kind not in self._named:
            named: dict[str, str] = {}
            for source in self.sources.values():
                if source.kind != kind or source.language or not source.readable:
                    continue
                data = source.data
                others = data.get("names") if isinstance(data.get("names"), dict) else {}  # and their source
                for name in (data.get(REGISTRY[kind].title), data.get("short_name"),
                             *(name for key, name in others.items() if key != "source")):
                    if isinstance(name, str) and slugify(name):
                        named.setdefault(slugify(name), source.slug)
            self._named[kind] = named
        return self._named[kind]

    @cached_property
    def _named(self) -> dict[str, dict[str, str]]:
        return {}

    def pages_in(self, folder: str) -> list[str]:
        """The slugs of the site's pages in a folder (for "did you mean")."""
        if folder not in self._folders:
            self._folders[folder] = sorted(p.rpartition("/")[2][:-3] for p in self.site
                                           if p.rpartition("/")[0] == folder and p.endswith(".md"))
        return self._folders[folder]

    @cached_property
    def _folders(self) -> dict[str, list[str]]:
        return {}

    def anchors(self, page: str) -> set[str] | None:
        """The ids a link may name on a page (None: the page's sections are not known here)."""
        if page not in self._anchors:
            self._anchors[page] = self._page_anchors(page)
        return self._anchors[page]

    @cached_property
    def _anchors(self) -> dict[str, set[str] | None]:
        return {}

    def _page_anchors(self, page: str) -> set[str] | None:
        if page in self.sources:
            source = self.sources[page]
            title = source.data.get(REGISTRY[source.kind].title) if source.readable else None
            texts = [title] if isinstance(title, str) else []
            return heading_ids(texts + markdown_body.heading_texts(source.body), list(REGISTRY[source.kind].anchors),
                               markdown_body.explicit_ids(source.body))
        if page in self.pages:
            try:
                text = self.pages[page].read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return set()
            return heading_ids(markdown_body.heading_texts(text), [], markdown_body.explicit_ids(text))
        return None


def heading_ids(headings: list[str], fixed: list[str], explicit: list[str]) -> set[str]:
    """The ids the table of contents gives these headings, in order, as Markdown's toc does."""
    ids: set[str] = set(explicit)
    for text in headings:
        ids.add(unique(toc_slugify(text, "-"), ids))
    return ids | set(fixed)


# ---- rules on one file ---------------------------------------------------------------

def check_file_name(checker: Checker) -> None:
    name = checker.source.path.name
    if SLUG.fullmatch(checker.source.slug) and name.endswith(".md"):
        return
    suggestion = slugify(name[:-3] if name.endswith(".md") else name) + ".md"
    hint = f"rename it to {suggestion}"
    if re.fullmatch(r"[a-z0-9-]+\.[a-z]{2}\.md", name):
        hint = f"a translation is named slug.xx.md with xx one of {', '.join(i18n.LANGUAGES[1:])}; " + hint
    checker.report_at(1, 1, "bad-file-name",
                      f"expected a file name in lowercase letters, digits and dashes ending in .md, found '{name}'",
                      hint)


def check_fields(checker: Checker) -> None:
    REGISTRY[checker.source.kind].record.check(checker.source.data, checker, ())


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
    if not REGISTRY[checker.source.kind].located or (point := _coordinates(checker)) is None:
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

    def sign(otherwise: str) -> str:
        """A longitude that lost (or gained) its minus sign: copied from "8.396° W", say."""
        if longitude and not place(latitude, -longitude)[2]:
            return f"check the longitude's sign, negative west of Greenwich: did you mean [{latitude}, {-longitude}]?"
        return otherwise

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
                else sign("check the numbers against a map; latitude comes first"))
        checker.report(("coordinates",), "outside-europe",
                       f"expected a point in Europe (latitude {south}..{north}, longitude {west}..{east}), "
                       f"found [{latitude}, {longitude}]", hint)
    elif misplaced and lies_in:
        checker.report(("coordinates",), "wrong-country",
                       f"[{latitude}, {longitude}] lies in {country_name(lies_in)} ({lies_in}), "
                       f"{away(distance)} from {country_name(country)} ({country})",
                       sign("check the country code and the coordinates"))
    elif misplaced:
        checker.report(("coordinates",), "far-from-country",
                       f"[{latitude}, {longitude}] lies {away(distance)} from {country_name(country)} "
                       f"({country}), expected a point within {limit:,.0f} km",
                       sign("check the coordinates and the country code"))


class Positions:
    """Line and column of an offset in a body, from one index of its line starts."""

    def __init__(self, text: str, first_line: int):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.first_line = first_line

    def __call__(self, offset: int) -> tuple[int, int]:
        from bisect import bisect_right

        index = bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1


def body_findings(text: str, page: str, context: Context, tags: frozenset[str],
                  attributes: dict[str, set[str]]) -> Iterator[markdown_body.Finding]:
    """Everything wrong with a Markdown body published at `page` (a docs path such as cities/potsdam.md)."""
    yield from markdown_body.check_size(text)
    yield from markdown_body.check_characters(text)
    # Beyond the limit nothing is read: a file's cost to check is bounded, however long it is.
    text = markdown_body.code_mask(text[: markdown_body.MAX_BODY_CHARACTERS])  # code is text: not HTML, not links
    yield from markdown_body.check_nesting(text)
    yield from markdown_body.check_headings(text)
    yield from markdown_body.check_emphasis(text)
    links, findings = markdown_body.scan_links(text)
    yield from findings
    found_tags, html_links, findings = markdown_body.scan_html(text)
    yield from findings
    links += html_links
    yield from markdown_body.check_tags(found_tags, tags, attributes, links)
    yield from markdown_body.scan_attribute_lists(text, attributes.get("*", set()))
    links += markdown_body.reference_links(text)
    for link in sorted(links, key=lambda l: l.offset):
        yield from check_link(link, page, context)


SCRIPT_SCHEMES = ("javascript", "vbscript", "data", "file")


def check_link(link: markdown_body.Link, page: str, context: Context) -> Iterator[markdown_body.Finding]:
    """A link must lead to a web page or to a file of the built site; an image must be a file of the site."""
    target = link.target.strip()
    what = "image" if link.image else "link"
    if not target:
        return
    scheme = re.sub(r"[\x00-\x20]", "", target.split(":", 1)[0]).lower() if ":" in target.split("/", 1)[0] else ""
    if scheme in SCRIPT_SCHEMES:
        yield markdown_body.Finding(link.offset, "unsafe-url", f"expected a web address, found a {scheme}: {what}",
                                    "only links to web pages are allowed")
        return
    if scheme or target.startswith("//"):
        if link.image:
            yield markdown_body.Finding(link.offset, "remote-image",
                                        f"expected an image of this site, found {target[:60]!r}",
                                        "the site loads nothing from other hosts: readers' privacy; link to the "
                                        "page with the image instead")
        elif scheme not in ("http", "https", "mailto", "tel"):
            yield markdown_body.Finding(link.offset, "bad-link",
                                        f"expected an http, https or mailto address, found {target[:60]!r}",
                                        "write the address with https://")
        return
    parts = urlsplit(target)
    if target.startswith(("/", "\\")):
        path = unquote(parts.path).strip("/\\")
        meant = next((file for file in ((f"{path}.md", f"{path}/index.md", path) if path else ("index.md",))
                      if file in context.site), None)
        yield markdown_body.Finding(link.offset, "broken-link",
                                    f"expected a relative {what}, found the absolute path {target[:60]!r}",
                                    f"write it relative to this page: {relative(page, meant)}"
                                    + (f"#{parts.fragment}" if parts.fragment else "") if meant else
                                    f"write it relative to this page, e.g. {relative(page, 'cities/berlin.md')}")
        return
    if not parts.path:  # #section of this page
        yield from check_anchor(link, page, parts.fragment, context)
        return
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if resolved == ".." or resolved.startswith("../"):
        yield markdown_body.Finding(link.offset, "broken-link",
                                    f"the {what} {target[:60]!r} points outside the site",
                                    f"link to atlas pages as {relative(page, 'cities/berlin.md')}, "
                                    f"{relative(page, 'initiatives/...md')}")
        return
    if resolved not in context.site:
        yield markdown_body.Finding(link.offset, "broken-link", *missing_page(resolved, target, what, page, context))
        return
    if link.image and not re.search(r"\.(?:png|jpe?g|gif|webp|avif|svg)$", resolved, re.IGNORECASE):
        yield markdown_body.Finding(link.offset, "broken-link", f"expected an image file, found {target[:60]!r}")
    elif parts.fragment:
        yield from check_anchor(link, resolved, parts.fragment, context)


def relative(page: str, file: str) -> str:
    """How a page links to a file of the site (MkDocs resolves a link from the page's own folder)."""
    return posixpath.relpath(file, posixpath.dirname(page) or ".")


def missing_page(resolved: str, target: str, what: str, page: str, context: Context) -> tuple[str, str]:
    folder, _, name = resolved.rpartition("/")
    slug = name[:-3] if name.endswith(".md") else name
    kind = KINDS.get(folder)
    if kind and not name.endswith(".md") and f"{folder}/{slug}.md" in context.site:
        return (f"the {what} {target[:60]!r} names a web address, not the page's file",
                f"link to the file: {relative(page, f'{folder}/{slug}.md')}")
    candidates = context.pages_in(folder)
    guess = nearest(slug, candidates) if candidates else None
    where = f"{folder}/{slug}" if folder else slug
    return (f"{what} to {where}, a page that does not exist" if name.endswith(".md") or not name else
            f"{what} to {resolved}, a file that does not exist",
            f"did you mean '{guess}'?" if guess else
            f"check the path; pages are linked as {relative(page, 'cities/berlin.md')}")


def check_anchor(link: markdown_body.Link, page: str, fragment: str, context: Context
                 ) -> Iterator[markdown_body.Finding]:
    anchors = context.anchors(page)
    if anchors is None:
        yield markdown_body.Finding(link.offset, "broken-link",
                                    f"the section #{fragment} of {page} cannot be checked",
                                    "link to the page without #...")
    elif fragment not in anchors:
        guess = nearest(fragment, anchors)
        yield markdown_body.Finding(link.offset, "broken-link", f"the page {page} has no section #{fragment}",
                                    f"did you mean '#{guess}'?" if guess else "check the heading's anchor")


def check_body(checker: Checker) -> None:
    """Bodies come from strangers' pull requests and are published under our domain."""
    source = checker.source
    if not source.body.strip():
        return
    where = Positions(source.body, source.body_line)
    page = f"{FOLDERS[source.kind]}/{source.slug}.md"
    findings = body_findings(source.body, page, checker.context, safety.BODY_TAGS, safety.BODY_ATTRIBUTES)
    for finding in islice(findings, MAX_FINDINGS):
        checker.report_at(*where(finding.offset), finding.code, finding.message, finding.hint)


def check_reserved_slug(checker: Checker) -> None:
    """A file named like a page the site generates (cities/index.md, the list of all cities) would replace it."""
    slug = checker.source.slug
    if slug not in RESERVED_SLUGS:
        return
    folder = FOLDERS[checker.source.kind]
    place = REGISTRY[checker.source.kind].field_of(CountryType)
    country = checker.source.data.get(place.name) if place else None
    suggestion = f"{slug}-{country.lower()}" if isinstance(country, str) and SLUG.fullmatch(country.lower()) \
        else f"{slug}-{checker.source.kind}"
    checker.report_at(1, 1, "reserved-slug",
                      f"the file name '{slug}.md' is reserved: {folder}/{slug}.md is a page the site generates, "
                      f"the list of all {folder}", f"rename the file, e.g. to {folder}/{suggestion}.md")


PROFILE_HEADING = re.compile(r"^## +(.+?)[ #]*$", re.MULTILINE)


def check_featured_profile(checker: Checker) -> None:
    """A featured entity is a full profile, as in the reference atlas: every part of it, every section."""
    kind, data = REGISTRY[checker.source.kind], checker.source.data
    if not kind.profile or data.get("featured") is not True:
        return
    for name, minimum in kind.profile:
        value = data.get(name)
        count = len(value) if isinstance(value, list) else (value is not None)
        if count < minimum:
            needs = f"at least {minimum} {name}" if minimum > 1 else f"'{name}'"
            checker.report(("featured",), "profile-incomplete",
                           f"a featured {kind.name} needs {needs}, found {count if isinstance(value, list) else 'none'}",
                           f"add {name} from your sources, or write featured: false until the profile is complete")
    found = PROFILE_HEADING.findall(checker.source.body)
    if found != list(kind.headings):
        missing = [h for h in kind.headings if h not in found]
        detail = f"missing: {', '.join(missing)}" if missing else f"found, in this order: {'; '.join(found)}"
        checker.report_at(checker.source.body_line, 1, "profile-sections",
                          f"a featured {kind.name}'s text has the sections {'; '.join(kind.headings)}, "
                          f"in that order, as '## ' headings; {detail}",
                          "atlas new writes them; a profile's other headings go one level down (###)")


SECTION = re.compile(r"^(#{1,6}) +(.+?)[ #]*$", re.MULTILINE)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def check_empty_sections(checker: Checker) -> None:
    """A heading with nothing under it before the next heading of its level (or the end) is a section
    left empty: the page would show the heading alone (e.g. a profile's headings in a city that is not
    featured). Translations are checked the same way."""
    body = checker.source.body
    headings = list(SECTION.finditer(body))
    for index, heading in enumerate(headings):
        level = len(heading.group(1))
        end = next((h.start() for h in headings[index + 1:] if len(h.group(1)) <= level), len(body))
        between = HTML_COMMENT.sub("", body[heading.end():end])
        if not SECTION.sub("", between).strip():
            line = checker.source.body_line + body.count("\n", 0, heading.start())
            checker.report_at(line, 1, "empty-section", f"expected text under the heading '{heading.group(2)}', "
                              "found none before the next heading", "write the section from your sources, or "
                              "delete the heading (a city that is not featured needs no profile sections)")


def check_freshness(checker: Checker) -> None:
    value = checker.source.data.get("last_verified")
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):  # a time of day: Date refuses it
        return
    months = checker.context.settings.stale_after_months
    limit = checker.today - dt.timedelta(days=round(months * 30.44))
    if value < limit:
        checker.report(("last_verified",), "stale",
                       f"last verified on {value.isoformat()}, more than {months} months ago",
                       "check the facts against the sources and update last_verified",
                       Severity.WARNING)


def check_commitments(checker: Checker) -> None:
    """A membership's commitments are those its network declares (networks/<slug>.md, commitments)."""
    for f in REGISTRY[checker.source.kind].fields:
        items = checker.source.data.get(f.name) if f.edges else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not isinstance(item.get("commitments"), list):
                continue
            long = f.type.item.long if isinstance(f.type, ListOf) and isinstance(f.type.item, Either) else MEMBERSHIP
            key = next(sub for sub in long.fields if isinstance(sub.type, Ref))
            slug = item.get(key.name)
            network = (checker.context.sources.get(f"{FOLDERS[key.type.kind]}/{slug}.md")
                       if isinstance(slug, str) else None)
            if network is None or not network.readable:
                continue  # an unknown network is reported by the field's own check
            listed = network.data.get("commitments")  # anything but a list: the network's own check says so
            declared = [c.get("slug") for c in (listed if isinstance(listed, list) else []) if isinstance(c, dict)]
            for position, state in enumerate(item["commitments"]):
                name = state.get("commitment") if isinstance(state, dict) else None
                if not isinstance(name, str) or name in declared:
                    continue
                guess = nearest(name, [d for d in declared if isinstance(d, str)])
                hint = (f"did you mean '{guess}'?" if guess else
                        f"{network.display} declares: {', '.join(map(str, declared))}" if declared else
                        f"{network.display} declares no commitments; add them there first (commitments:)")
                checker.report((f.name, index, "commitments", position, "commitment"), "unknown-commitment",
                               f"expected a commitment that {network.display} declares, found {name!r}", hint)


FILE_RULES: list[Callable[[Checker], None]] = [
    check_file_name,
    check_fields,
    check_city_location,
    check_body,
    check_empty_sections,
    check_featured_profile,
    check_freshness,
    check_reserved_slug,
    check_commitments,
]


# ---- rules on the whole atlas --------------------------------------------------------

def check_slug_collisions(sources: list[SourceFile]) -> Iterable[Diagnostic]:
    first: dict[tuple[str, str], SourceFile] = {}
    for source in sorted(sources, key=lambda s: s.display):
        key = (source.kind, fold(source.slug))
        if key in first:
            yield Diagnostic(source.display, 1, 1, "slug-collision",
                             f"this file's name collides with {first[key].display}: they differ only in case "
                             "or accents, and would share one web address", hint="rename or merge one of them")
        else:
            first[key] = source


def _memberships(source: SourceFile) -> list[str]:
    networks = source.data.get("networks") if source.readable else None
    return [item if isinstance(item, str) else item.get("network")
            for item in (networks if isinstance(networks, list) else [])  # anything else: the field's check says so
            if isinstance(item, (str, dict))]


def check_expectations(sources: list[SourceFile], expectations: list, context: Context) -> Iterable[Diagnostic]:
    """Cross-network expectations (networks/expectations.yml): a member of one network on another's list too."""
    from .project import EXPECTATIONS

    for expectation in expectations:
        unknown = [s for s in (expectation.members_of, expectation.are_members_of) if s not in context.slugs["network"]]
        if unknown:
            yield Diagnostic(EXPECTATIONS, expectation.line, 1, "unknown-network",
                             f"expected the slug of a network in networks/, found '{unknown[0]}'",
                             hint=f"did you mean '{nearest(unknown[0], context.slugs['network'])}'?")
            continue
        severity = Severity.ERROR if expectation.severity == "error" else Severity.WARNING
        excepted = dict(expectation.exceptions)
        members = {source.slug: source for source in sources if source.language is None and _memberships(source)}
        for slug in excepted:  # an exception names a city the rule does not hold for, and no more
            source = members.get(slug)
            held = _memberships(source) if source else set()
            if source is None or expectation.members_of not in held or expectation.are_members_of in held:
                found = "no file of that name with networks" if source is None else (
                    f"it is a member of {expectation.are_members_of}" if expectation.are_members_of in held
                    else f"it is not a member of {expectation.members_of}")
                yield Diagnostic(EXPECTATIONS, expectation.line, 1, "needless-exception",
                                 f"expected each city under exceptions to be a member of {expectation.members_of} "
                                 f"and not of {expectation.are_members_of}, found '{slug}': {found}",
                                 Severity.WARNING, hint="remove it from exceptions: the rule checks it again")
        for source in sources:
            held = _memberships(source)
            if source.slug in excepted and members.get(source.slug) is source:
                continue
            if expectation.members_of in held and expectation.are_members_of not in held:
                position = source.position(("networks",))
                yield Diagnostic(source.display, position.line, position.column, "expected-membership",
                                 f"a member of {expectation.members_of} is expected to be a member of "
                                 f"{expectation.are_members_of} too: {expectation.because}", severity,
                                 hint=f"add {expectation.are_members_of} with the source that lists this city, "
                                      f"or correct the other membership ({EXPECTATIONS})")


# ---- news posts ------------------------------------------------------------------------

def check_post(source: SourceFile, context: Context) -> list[Diagnostic]:
    """A news post's front matter: the fields of kinds.POST's record (references must exist), and what it is about."""
    checker = Checker(source, context)
    check_file_name(checker)
    if "/" in source.display.split(f"/{NEWS_FOLDER}/", 1)[-1]:
        checker.report_at(1, 1, "stray-folder", f"expected news posts directly in {NEWS_FOLDER}/, found one in a "
                          "sub-folder", f"move it up into {NEWS_FOLDER}/: its file name is its address")
    POST.record.check(source.data, checker, ())
    subjects = [f.name for f in POST.fields if isinstance(f.type, ListOf) and isinstance(f.type.item, Ref)]
    if not any(source.data.get(name) for name in subjects):
        checker.report((), "post-without-subject", f"expected the post to name what it is about ({', '.join(subjects)}), "
                       "found none", "add e.g.  cities: [potsdam]  or  networks: [iash]")
    return checker.finish()


def check_post_translation(source: SourceFile, original: SourceFile | None, context: Context) -> list[Diagnostic]:
    """A news post's translation (posts/<slug>.de.md): its translated title, description and text, the
    revision of the English it translates, and an English post to translate."""
    checker = Checker(source, context)
    folder = source.display.rpartition("/")[0]
    if original is None:
        checker.report_at(1, 1, "translation-orphan", f"expected a translation of {folder}/{source.slug}.md, "
                          "which does not exist or cannot be read",
                          f"name the file after the English post it translates: {folder}/<slug>.{source.language}.md")
    translate.translation_record(POST.name).check(source.data, checker, ())
    translate.check_revision(checker, translate.revision(original.data, original.body, POST.name)
                             if original is not None else None)
    return checker.finish()


# ---- hand-written pages --------------------------------------------------------------

SNIPPET = re.compile(r"<!--\s*atlas:([^\s>]*)\s*-->")


def check_page(path: Path, page: str, display: str, context: Context, max_bytes: int) -> list[Diagnostic]:
    """A hand-written page: what the build would refuse (links, snippet markers) or silently drop (HTML)."""
    from .urls import SNIPPETS

    def diagnostic(line: int, column: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(display, line, column, code, message, hint=hint)

    if path.stat().st_size > max_bytes:
        return [diagnostic(1, 1, "file-too-large", f"expected at most {max_bytes:,} bytes")]
    raw = path.read_bytes()
    text = read_text(raw)
    if isinstance(text, NotText):
        return [text.diagnostic(display)]
    first_line = 1
    found = []
    opened = has_front_matter(text)
    setting = None if opened else SETTING_LINE.match(text)
    if setting:  # MkDocs would read it, and the lines after it, as the page's settings, past every check
        return [diagnostic(1, 1, "settings-without-front-matter",
                           f"expected the page to start with its text or with front matter between '---' lines, "
                           f"found '{setting.group(1)}:' on line 1, which MkDocs would read as "
                           "one of the page's settings without the atlas's checks",
                           "put settings between two '---' lines at the top, or start the page with its '# Title'")]
    if opened:  # front matter: MkDocs reads it; the body starts after it
        source, found = parse_source(raw, path, display, "page")
        if not source.readable:
            return found
        if not mkdocs_reads_front_matter(text):  # it would publish the fields as the page's text, unchecked
            return [diagnostic(source.body_line - 1, 1, "front-matter-not-read",
                               "expected front matter as MkDocs reads it, with at least one line between the two "
                               "'---' lines and a line break after the closing one, found "
                               + ("nothing between them" if source.body_line == 3 else "no line break after it"),
                               "end the closing '---' line with a line break, or remove empty front matter")]
        if not page.startswith(NEWS_FOLDER + "/"):  # a post's is checked as a post's (check_post)
            checker = Checker(source, context)
            PAGE.check(source.data, checker, ())
            found += checker.finish()
        first_line, text = source.body_line, source.body
    where = Positions(text, first_line)
    for match in SNIPPET.finditer(text):
        if match.group(1) not in SNIPPETS:
            found.append(diagnostic(*where(match.start()), "unknown-snippet",
                                    f"unknown <!-- atlas:{match.group(1)} -->; known: {', '.join(SNIPPETS)}"))
    repeats: Counter[str] = Counter()
    for finding in islice(body_findings(SNIPPET.sub(lambda m: " " * len(m.group()), text), page, context,
                                        safety.TAGS, safety.PAGE_ATTRIBUTES), MAX_FINDINGS):
        repeats[finding.code] += 1
        if repeats[finding.code] <= MAX_REPEATS:
            found.append(diagnostic(*where(finding.offset), finding.code, finding.message, finding.hint))
    return found


# ---- files published as they are (content/) --------------------------------------------
# content/ is served from our domain with no CSP of its own: whatever opens there as a page, a script
# or a style (HTML, SVG, JavaScript, CSS) runs as the atlas. So it holds pages (Markdown, checked above)
# and pictures only, each in a format a browser never runs, and nothing at an address the theme or the
# build uses. What runs belongs to the maintainers' theme/.
IMAGE_SIGNATURES = {  # extension -> how such a file starts
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".avif": (b"\x00\x00\x00",),
}
RESERVED_FOLDERS = ("assets/", "search/", "data/", "reports/", "embed/")  # the theme's and the build's
RESERVED_FILES = {"404.html", "sitemap.xml", "sitemap.xml.gz", "feed_rss_created.xml", "feed_rss_updated.xml",
                  "robots.txt", "CNAME", ".nojekyll"}
IMAGES_HINT = ("pictures go in content/images/ as PNG, JPEG, GIF, WebP or AVIF; scripts, styles, SVG and HTML "
               "belong in the maintainers' theme/ folder")


def check_published_files(project: Project) -> Iterable[Diagnostic]:
    for asset in project.assets:
        if any(part.startswith(".") for part in asset.split("/")):
            continue  # MkDocs publishes no hidden file
        path = project.docs_dir / asset
        display = display_name(path, project.root)
        extension = Path(asset).suffix.lower()
        if asset in project.theme_files or asset.startswith(RESERVED_FOLDERS) or asset in RESERVED_FILES:
            yield Diagnostic(display, 1, 1, "reserved-path", f"this file would replace {asset}, which the "
                             "theme or the build publishes at that address", hint="rename or move it; " + IMAGES_HINT)
        elif extension == ".md":
            continue
        elif extension not in IMAGE_SIGNATURES:
            yield Diagnostic(display, 1, 1, "unsafe-file", f"expected a page (.md) or a picture (PNG, JPEG, GIF, "
                             f"WebP, AVIF), found a {extension or 'file without extension'} file, which a browser "
                             "could run as part of the atlas", hint=IMAGES_HINT)
        else:
            with open(path, "rb") as file:
                start = file.read(16)
            if not start.startswith(IMAGE_SIGNATURES[extension]) or (extension == ".webp" and start[8:12] != b"WEBP"):
                yield Diagnostic(display, 1, 1, "unsafe-file", f"expected a {extension[1:].upper()} picture, found "
                                 "a file that is not one", hint="save the picture again in its format, or give it "
                                 "the extension of its format")


# ---- what the builds write, never part of a change ---------------------------------------
# .cache/ holds what the builds made on this machine; a build publishes a printed report from it as it
# is, by its content's hash, which anyone can compute. Committed (a `git add -f`), a pull request
# could publish any PDF as a city's report without WeasyPrint ever printing it.
BUILD_FOLDER = ".cache"


def check_committed_build_files(root: Path) -> Iterable[Diagnostic]:
    if not (root / ".git").exists():
        return
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", BUILD_FOLDER],
                                capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return  # no git here: nothing is committed from this folder
    for name in sorted(filter(None, listed.decode("utf-8", "surrogateescape").split("\0"))):
        yield Diagnostic(name, 1, 1, "build-file-committed",
                         f"expected nothing of {BUILD_FOLDER}/ in the repository (the builds write it, publish its "
                         "printed reports as they are and run its compiled templates), found this file committed",
                         hint=f"take it out of the change: git rm -r --cached {BUILD_FOLDER}")


def page_address(page: str) -> tuple[str, str | None]:
    """Where a hand-written page is published, and in which language: (address, language or None for all)."""
    folder, _, name = page.rpartition("/")
    stem, language = file_slug(name)
    if f"{folder}/" == NEWS_FOLDER + "/":  # the blog publishes posts at /news/<file>/ (mkdocs.yml)
        folder = NEWS_FOLDER.rsplit("/", 1)[0]
    if stem in ("index", "README"):
        return (f"{folder}/" if folder else ""), language
    return (f"{folder}/" if folder else "") + f"{stem}/", language


def check_page_addresses(project: Project) -> Iterable[Diagnostic]:
    """Two hand-written files at one address: one would silently replace the other."""
    seen: dict[tuple[str, str | None], Path] = {}
    for path in project.pages:
        page = path.relative_to(project.docs_dir).as_posix()
        address = page_address(page)
        if address in seen:
            other = display_name(seen[address], project.root)
            yield Diagnostic(display_name(path, project.root), 1, 1, "page-collision",
                             f"this page and {other} would both be published at /{address[0]}",
                             hint="rename one of them: each page needs an address of its own")
        else:
            seen[address] = path


def check_generated_collisions(project: Project, context: Context) -> Iterable[Diagnostic]:
    generated = site_paths(context.slugs, list(context.vocabularies["topics"]))
    for asset in sorted(context.assets & generated):
        yield Diagnostic(display_name(project.docs_dir / asset, project.root), 1, 1, "page-collision",
                         f"this hand-written file has the address of a generated page ({asset})",
                         hint="rename or move it")


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
        if not REGISTRY[source.kind].located or not source.readable:
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



def make_context(root: Path, settings: Settings, vocabularies: dict[str, Vocabulary],
                 sources: Iterable[SourceFile], today: dt.date | None = None,
                 project: Project | None = None) -> Context:
    """What the rules need to know about the rest of the atlas: its slugs, vocabularies and pages."""
    slugs: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
    slugs["country"] = set()
    by_page = {}
    for source in sources:
        slugs[source.kind].add(source.slug)
        by_page[f"{FOLDERS[source.kind]}/{source.slug}.md"] = source
        place = REGISTRY[source.kind].field_of(CountryType)
        if place and isinstance(source.data.get(place.name), str):
            slugs["country"].add(source.data[place.name])
    pages = {p.relative_to(project.docs_dir).as_posix(): p for p in project.pages} if project else {}
    assets = set(project.assets) if project else set()
    return Context(root, settings, vocabularies, slugs, today or dt.date.today(), by_page, pages, assets)


def check_source(source: SourceFile, context: Context) -> list[Diagnostic]:
    """Every rule on one readable file (a translation: the rules of a translation, and the same on its text)."""
    checker = Checker(source, context)
    for rule in (FILE_RULES if source.language is None else [*TRANSLATION_RULES, check_body, check_empty_sections]):
        rule(checker)
    return checker.finish()


def read_cached(path: Path, display: str, kind: str, max_bytes: int, parsed: dict | None):
    """read_source, remembered by the file's size and modification time when a cache is given."""
    if parsed is None:
        return read_source(path, display, kind, max_bytes)
    status = path.stat()
    stamp = (kind, max_bytes, status.st_size, status.st_mtime_ns, status.st_ino)
    known = parsed.get(display)
    if known is None or known[0] != stamp:
        known = parsed[display] = (stamp, read_source(path, display, kind, max_bytes))
    return known[1]


def _selected(display: str, wanted: set[str]) -> bool:
    """Is a diagnostic's file one of the paths asked for, inside one, or a folder holding one?"""
    return any(display == w or display.startswith(w.rstrip("/") + "/") or w.startswith(display + "/")
               for w in wanted)


def validate(root: Path, only: Iterable[Path] | None = None, today: dt.date | None = None,
             docs_dir: Path | None = None, theme_dir: Path | None = None, parsed: dict | None = None) -> Report:
    """Load every entity file, check it against the model and the atlas, collect everything.

    With `only`, diagnostics are reported for those files (or folders) alone, but references
    still resolve against the whole atlas. Settings, vocabularies and hand-written pages are
    checked as well: a clean report means the site builds. `parsed` (the live preview's) keeps
    files as read between runs: a file whose size and modification time are unchanged is not read again.
    """
    first = not parsed  # a build, or the preview's first (later saves do not look for committed build files)
    project = load_project(root, docs_dir, theme_dir)
    root, settings, vocabularies = project.root, project.settings, project.vocabularies
    diagnostics = list(project.diagnostics)

    sources: list[SourceFile] = []
    translations: list[SourceFile] = []
    for path, kind in project.files:
        source, problems = read_cached(path, path.relative_to(root).as_posix(), kind, settings.max_file_bytes, parsed)
        (sources if source.language is None else translations).append(source)
        diagnostics.extend(problems)
    for language in i18n.LANGUAGES[1:]:  # the messages of the site, also from pull requests
        diagnostics.extend(i18n.check_catalogue(language)[1])

    context = make_context(root, settings, vocabularies, sources, today, project)
    for source in [*sources, *translations]:
        if source.readable:
            diagnostics.extend(check_source(source, context))
    diagnostics.extend(check_slug_collisions(sources))
    diagnostics.extend(check_duplicate_places(sources))
    diagnostics.extend(check_expectations(sources, project.expectations, context))
    diagnostics.extend(check_generated_collisions(project, context))
    diagnostics.extend(check_published_files(project))
    diagnostics.extend(check_page_addresses(project))
    if first:
        diagnostics.extend(check_committed_build_files(root))
    posts: list[SourceFile] = []
    post_translations: list[tuple[Path, SourceFile]] = []
    for path in project.pages:
        page = path.relative_to(project.docs_dir).as_posix()
        problems = check_page(path, page, display_name(path, root), context, settings.max_file_bytes)
        diagnostics.extend(problems)
        # A post's front matter too (its body is checked above); a file that could not be read is reported once.
        if page.startswith(NEWS_FOLDER + "/") and not any(d.code in ("file-too-large", "not-utf8") for d in problems):
            post, unreadable = read_cached(path, display_name(path, root), POST.name, settings.max_file_bytes, parsed)
            diagnostics.extend(unreadable)
            if post.readable and post.language is not None:
                post_translations.append((path, post))
            elif post.readable:
                diagnostics.extend(check_post(post, context))
                posts.append(post)
    originals = {p.path.name: p for p in posts}
    for path, translation in post_translations:
        diagnostics.extend(check_post_translation(translation, originals.get(f"{translation.slug}.md"), context))

    checked = len(sources) + len(translations) + len(project.pages) + 1 + len(VOCABULARIES)
    if only is not None:
        wanted = set()
        for path in only:  # the last part is not followed: a symbolic link is reported, not read
            absolute = Path(os.path.abspath(path))
            absolute = absolute.parent.resolve() / absolute.name
            wanted.add(display_name(absolute, root) if absolute.is_relative_to(root) else str(path))
        files = [s.display for s in [*sources, *translations]] + [display_name(p, root) for p in project.pages]
        files += ["atlas.yml", *VOCABULARIES.values()]
        checked = sum(1 for f in files if _selected(f, wanted)) or len(wanted)
        diagnostics = [d for d in diagnostics if _selected(d.path, wanted)]
    diagnostics.sort(key=lambda d: (d.path, d.line, d.column, d.code))
    return Report(sources, diagnostics, checked, vocabularies, settings, translations, posts)
