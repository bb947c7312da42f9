"""Diff: what a change does to the atlas, entity by entity, between two git revisions.

For reviewers: "adds city Tilos (GR); changes 2 initiatives" instead of a raw diff.
Only files whose git blob differs are parsed. Names and file names come from the data: every
one is printed on one line with control characters escaped (a name must not start a line such
as `::error` in a CI log), and escaped again for a Markdown table.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from typing import Any

import yaml
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..core.diagnostics import Diagnostic, Severity
from ..core.diagnostics import format_github as format_diagnostic
from ..core import i18n
from ..core.i18n import ConfigLoader, N_plural
from ..core.kinds import KINDS as REGISTRY
from ..core.model import Country as CountryType
from ..core.load import FOLDERS, KINDS, file_slug, one_line, parse_source



class GitError(Exception):
    pass


class GitMissing(GitError):
    """git is not installed (or cannot run) here."""


@dataclass
class Change:
    kind: str
    slug: str
    action: str  # "adds", "removes" or "changes"
    name: str
    country: str | None = None
    fields: list[str] = field(default_factory=list)
    unreadable: bool = False
    odd_name: bool = False  # a file name that is not UTF-8 or holds control characters: listed, not compared
    # Facts changed while last_verified stayed (or went back): the reviewer asks whether the record was checked.
    unverified: str | None = None  # the last_verified the record keeps
    line: int = 1  # the line of last_verified in the changed file
    facts: list[str] = field(default_factory=list)  # the changed fields that state facts (_facts)
    translation: bool = False  # a translation's file (potsdam.de.md)

    @property
    def path(self) -> str:
        return f"{FOLDERS[self.kind]}/{self.slug}.md"


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True)
    except OSError as error:  # git not installed, or not runnable
        raise GitMissing(f"cannot run git ({error.strerror}): atlas diff needs git installed") from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return result.stdout


def _tree(root: Path, revision: str) -> dict[str, str]:
    """path -> blob id of every entity file at a revision."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitMissing:
        raise
    except GitError:
        try:
            _git(root, "rev-parse", "--git-dir")
        except GitError:  # no repository: a downloaded copy
            raise GitError(f"{root} is not a git repository: atlas diff compares the atlas with a revision of "
                           "its history (clone the repository with git to use it)") from None
        raise GitError(f"unknown revision '{revision}' (expected a branch, tag or commit, e.g. origin/main)") from None
    # File names are bytes to git; one that is not UTF-8 keeps its bytes as surrogates, to be reported.
    listing = _git(root, "ls-tree", "-r", "-z", revision, "--", *KINDS).decode("utf-8", "surrogateescape")
    blobs = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        parts = PurePosixPath(path).parts
        if len(parts) == 2 and parts[0] in KINDS and path.endswith(".md") and meta.split()[1] == "blob":
            blobs[path] = meta.split()[2]
    return blobs


def _odd(path: str) -> bool:
    return one_line(path) != path


def _read_blobs(root: Path, blob_ids: list[str]) -> dict[str, bytes]:
    if not blob_ids:
        return {}
    out = _git(root, "cat-file", "--batch", data="".join(f"{b}\n" for b in blob_ids).encode())
    blobs, position = {}, 0
    for blob in blob_ids:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        blobs[blob] = out[start:start + size]
        position = start + size + 1
    return blobs


def _parse(path: str, raw: bytes):
    folder, name = path.split("/", 1)
    source, problems = parse_source(raw, Path(path), path, KINDS[folder])
    return source, bool(problems) or not source.readable


def _label(source, kind: str) -> tuple[str, str | None]:
    data = source.data if isinstance(source.data, dict) else {}
    name = data.get(REGISTRY[kind].title)
    place = REGISTRY[kind].field_of(CountryType)
    country = data.get(place.name) if place else None
    return (str(name) if name else source.slug), (str(country) if isinstance(country, str) else None)


DATES = ("published", "retrieved")  # a source's dates: when it was read is not a fact of the record


def _undated(sources: Any) -> Any:
    if not isinstance(sources, list):
        return sources
    return [{k: v for k, v in s.items() if k not in DATES} if isinstance(s, dict) else {"url": s} for s in sources]


def _facts(before: dict, after: dict, fields: list[str]) -> list[str]:
    """The changed fields that state facts: not last_verified, not formatting, not only the sources' dates."""
    return [f for f in fields if f not in ("last_verified", "formatting")
            and not (f == "sources" and _undated(before.get(f)) == _undated(after.get(f)))]


def _newer(after: Any, before: Any) -> bool:
    try:
        return dt.date.fromisoformat(str(after)) > dt.date.fromisoformat(str(before))
    except ValueError:
        return after is not None and before is None


def diff(root: Path, base: str, head: str = "HEAD") -> list[Change]:
    before, after = _tree(root, base), _tree(root, head)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    blobs = _read_blobs(root, sorted({b for p in changed for b in (before.get(p), after.get(p)) if b}))
    changes = []
    for path in changed:
        kind = KINDS[path.split("/", 1)[0]]
        slug = PurePosixPath(path).stem
        if _odd(path):
            action = "adds" if path not in before else "removes" if path not in after else "changes"
            changes.append(Change(kind, slug, action, slug, unreadable=True, odd_name=True))
            continue
        old = _parse(path, blobs[before[path]]) if path in before else None
        new = _parse(path, blobs[after[path]]) if path in after else None
        if old is None:
            name, country = _label(new[0], kind)
            changes.append(Change(kind, slug, "adds", name, country, unreadable=new[1]))
        elif new is None:
            name, country = _label(old[0], kind)
            changes.append(Change(kind, slug, "removes", name, country))
        else:
            name, country = _label(new[0], kind)
            a, b = old[0].data or {}, new[0].data or {}
            fields = [f for f in dict.fromkeys([*a, *b]) if a.get(f) != b.get(f)]
            if old[0].body.strip() != new[0].body.strip():
                fields.append("text")
            change = Change(kind, slug, "changes", name, country, fields or ["formatting"], new[1],
                            facts=_facts(a, b, fields))
            if new[0].language is None and _facts(a, b, fields) and not _newer(b.get("last_verified"),
                                                                                 a.get("last_verified")):
                change.unverified = one_line(str(b.get("last_verified") or "none"))
                change.line = new[0].position(("last_verified",), key=True).line
            changes.append(change)
    for change in changes:
        change.translation = not change.odd_name and file_slug(f"{change.slug}.md")[1] is not None
    order = {"adds": 0, "changes": 1, "removes": 2}
    return sorted(changes, key=lambda c: (order[c.action], list(KINDS.values()).index(c.kind), c.name.casefold()))


# Files whose change a reviewer must read line by line: what runs on every page (theme/), what CI runs with
# the repository's rights (workflows), the words printed unescaped into pages (catalogues), the build's
# settings. The tile server gets a line of its own: it decides whose server every reader's browser asks.
REVIEW = [("theme/", "the theme: scripts, styles and templates that run on every page"),
          (".github/workflows/", "the workflows: what CI runs, with the repository's rights"),
          ("generator/locale/", "the message catalogues: words printed into every page"),
          ("mkdocs", "the site's settings (mkdocs*.yml)"), ("generator/", "the atlas's code"),
          (".ci/", "the CI script")]


def _tiles(root: Path, revision: str) -> str | None:
    try:
        raw = _git(root, "show", f"{revision}:mkdocs.yml")
        config = yaml.load(raw, Loader=ConfigLoader)  # noqa: S506 - a safe loader
        tiles = ((config.get("extra") or {}).get("atlas") or {}).get("tiles") or {}
        return str(tiles.get("url")) if isinstance(tiles, dict) and tiles.get("url") else None
    except (GitError, yaml.YAMLError, AttributeError):
        return None


def review_notices(root: Path, base: str, head: str = "HEAD") -> list[str]:
    """What a change does outside the data that a reviewer must see: one line each."""
    names = _git(root, "diff", "--name-only", "-z", base, head).decode("utf-8", "surrogateescape").split("\0")
    notices = []
    for prefix, what in REVIEW:
        touched = [n for n in names if n.startswith(prefix) and not any(n.startswith(p) for p, _ in REVIEW
                                                                          if p != prefix and p.startswith(prefix))]
        if touched:
            shown = ", ".join(one_line(n) for n in touched[:5]) + (f" and {len(touched) - 5} more" if len(touched) > 5
                                                                    else "")
            notices.append(f"changes {what}: {shown}")
    before, after = _tiles(root, base), _tiles(root, head)
    if before != after:
        notices.append(f"changes the map's tile server, which every reader's browser will contact: "
                       f"{one_line(before or 'none')} -> {one_line(after or 'none')}")
    return notices


def summary(changes: list[Change]) -> str:
    """One line: 'adds city Tilos (GR); changes 2 initiatives'."""
    if not changes:
        return "no change to the atlas's data"
    parts = []
    for action in ("adds", "changes", "removes"):
        for kind in REGISTRY:
            group = [c for c in changes if c.action == action and c.kind == kind]
            if len(group) == 1:
                c = group[0]
                parts.append(f"{action} {kind} {c.name}" + (f" ({c.country})" if c.country else ""))
            elif group:
                parts.append(f"{action} {len(group)} {REGISTRY[kind].folder}")
    return "; ".join(parts)


ODD_NAME = "odd file name (not UTF-8, or control characters): rename it"


def _warning(c: Change) -> str:
    if c.odd_name:
        return ODD_NAME
    if c.unreadable:
        return "has errors: run atlas validate"
    if c.unverified:
        return (f"changes facts but keeps last_verified {c.unverified}: set it to the day the record was checked "
                "against its sources, or say in the pull request that it was not")
    return ""


def format_github(changes: list[Change]) -> str:
    """GitHub annotations on the changed files' last_verified line: one per record whose facts changed unverified."""
    return "\n".join(format_diagnostic(Diagnostic(c.path, c.line, 1, "unverified-change", _warning(c),
                                                   Severity.WARNING)) for c in changes if c.unverified)


def format_text(changes: list[Change], notices: list[str] = ()) -> str:
    lines = [one_line(summary(changes))] + [f"  REVIEW: {notice}" for notice in notices]
    for c in changes:
        where = f" ({c.country})" if c.country else ""
        detail = f": {', '.join(c.fields)}" if c.action == "changes" and not c.odd_name else ""
        warning = f" [{_warning(c)}]" if _warning(c) else ""
        lines.append(one_line(f"  {c.action} {c.kind} {c.name}{where} — {c.path}{detail}{warning}"))
    return "\n".join(lines)


_MARKDOWN = re.compile(r"[\\`*_\[\]|~<>&]")  # what formats, links, breaks a cell or opens HTML


def _md(text: str) -> str:
    """Data text as literal Markdown text in a table cell: no formatting, link, HTML or cell break."""
    return _MARKDOWN.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(0), "\\" + m.group(0)),
                         one_line(text))


def _code(text: str) -> str:
    """Data text as code in a table cell: a fence longer than any run of backticks inside it."""
    text = one_line(text).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


def format_markdown(changes: list[Change], notices: list[str] = ()) -> str:
    lines = ["### Changes to the atlas", "", f"**{_md(summary(changes)[:1].upper() + summary(changes)[1:])}**"]
    if notices:
        lines += ["", "> [!WARNING]", "> **For a maintainer to review line by line:**"]
        lines += [f"> - {_md(notice)}" for notice in notices]
    if changes:
        lines += ["", "| | Kind | Name | File | Fields |", "| --- | --- | --- | --- | --- |"]
        for c in changes:
            name = _md(c.name + (f" ({c.country})" if c.country else ""))
            fields = ", ".join(_code(f) for f in c.fields) if c.action == "changes" and not c.odd_name else ""
            flag = f" ⚠️ {_md(_warning(c))}" if _warning(c) else ""
            lines.append(f"| {c.action} | {c.kind} | {name}{flag} | {_code(c.path)} | {fields} |")
    return "\n".join(lines) + "\n"


PARAGRAPH = 4000  # characters of names in one paragraph of the changelog (the page checks allow 5,000)
# How many records of a kind a release added, corrected or removed, in each language (the catalogues).
COUNTED = {"city": N_plural("%(count)s city", "%(count)s cities"),
           "initiative": N_plural("%(count)s initiative", "%(count)s initiatives"),
           "network": N_plural("%(count)s network", "%(count)s networks")}


def _labelled(translation, text: str) -> str:
    """A paragraph's label, in bold, and its colon as the language writes it (French: "Ajouts :")."""
    return translation.gettext("%(label)s:") % {"label": f"**{text}**"}


def _paragraphs(label: str, changes: list[Change], language: str) -> list[str]:
    """'**Added, 3 cities**: Landau in der Pfalz (DE), …' per kind, in the data's words as plain text, wrapped
    and cut into paragraphs short enough for the page's checks."""
    translation = i18n.translations(language)
    found = []
    for kind in REGISTRY:
        group = sorted((c for c in changes if c.kind == kind), key=lambda c: c.name.casefold())
        if not group:
            continue
        names = [_md(c.name + (f" ({c.country})" if c.country else "")) for c in group]
        heading = f"{label}, " + translation.ngettext(*COUNTED[kind], len(group)) % {
            "count": i18n.format_number(len(group), language)}
        lines, line, size = [], _labelled(translation, heading), 0
        for index, name in enumerate(names):
            word = name + ("." if index == len(names) - 1 else ",")
            if size + len(line) + len(word) > PARAGRAPH:
                found.append("\n".join([*lines, line]))
                lines, line, size = [], _labelled(translation, translation.gettext("%(heading)s (continued)")
                                               % {"heading": heading}), 0
            elif len(line) + len(word) >= 100:
                lines.append(line)
                size += len(line) + 1
                line = ""
            line = f"{line} {word}".lstrip()
        found.append("\n".join([*lines, line]))
    return found


def format_changelog(changes: list[Change], day: dt.date, language: str = i18n.SOURCE) -> str:
    """A dated section of the data changelog (content/changes.md, or content/changes.de.md in German): what a
    release added, corrected and removed, in the catalogue's words of the language.

    Records are named, not linked: a record removed by a later release would leave a broken link behind.
    A record whose sources' dates alone changed is counted, not named; a translation is counted apart."""
    translation = i18n.translations(language)
    _ = translation.gettext
    originals = [c for c in changes if not c.odd_name and not c.translation]
    facts = [c for c in originals if c.action == "changes" and c.facts]
    dated = [c for c in originals if c.action == "changes" and not c.facts and "sources" in c.fields]
    translations = [c for c in changes if c.translation]
    parts = []
    for label, group in ((_("Added"), [c for c in originals if c.action == "adds"]),
                         (_("Corrected or updated"), facts),
                         (_("Removed"), [c for c in originals if c.action == "removes"])):
        parts += _paragraphs(label, group, language)
    if dated:
        parts.append(_labelled(translation, _("Sources dated")) + " " + translation.ngettext(
            "the day their sources were read, or the date a source gives, was added to %(count)s record.",
            "the day their sources were read, or the date a source gives, was added to %(count)s records.",
            len(dated)) % {"count": i18n.format_number(len(dated), language)})
    if translations:
        parts.append(_labelled(translation, _("Translations")) + " " + translation.ngettext(
            "%(count)s translation file added or changed.", "%(count)s translation files added or changed.",
            len(translations)) % {"count": i18n.format_number(len(translations), language)})
    heading = f"## {i18n.format_date(day, language)} {{: #{day.isoformat()} }}"
    return "\n\n".join([heading, *(parts or [_("No change to the data.")])]) + "\n"
