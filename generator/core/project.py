"""The project as the pipeline finds it: settings, vocabularies, and which files are data.

One entry, `load_project()`, for the validator, the linker and `atlas import`. Every file is
treated as hostile: a symbolic link is never followed, a file that is not valid UTF-8 or
not valid YAML is a diagnostic (never a traceback), and files in the data folders that the
atlas would silently ignore are reported.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path


from .diagnostics import Diagnostic, NotText, read_text
from .load import FOLDERS, KINDS, RESERVED_SLUGS, SLUG, SourceFile, read_yaml, slugify
from .model import nearest

SETTINGS_FILE = "atlas.yml"
VOCABULARIES = {"topics": "initiatives/topics.yml", "scopes": "networks/scopes.yml"}
EXPECTATIONS = "networks/expectations.yml"  # cross-network expectations, as data (optional)
MAX_CONFIG_BYTES = 256 * 1024
# Editors and operating systems leave these beside the files being edited; they are not data.
IGNORED = re.compile(r"\..*|#.*|.*~|Thumbs\.db|desktop\.ini")


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
        raw, text, problems = read_config(root, SETTINGS_FILE, required=True)
        if raw is None or problems:
            return cls(), problems
        if not isinstance(raw, dict):
            return cls(), [Diagnostic(SETTINGS_FILE, 1, 1, "wrong-type",
                                      "expected settings (name: value), found a list or text")]

        def line_of(key: str) -> int:
            match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
            return text.count("\n", 0, match.start()) + 1 if match else 1

        default, values = cls(), {}
        for key, value in raw.items():
            key = str(key)
            if key not in SETTINGS:
                guess = nearest(key, SETTINGS)
                problems.append(Diagnostic(SETTINGS_FILE, line_of(key), 1, "unknown-field", f"unknown setting '{key}'",
                                           hint=f"did you mean '{guess}'?" if guess else f"known: {', '.join(SETTINGS)}"))
            elif key == "europe_extent":
                extent = _extent(value)
                if extent is None:
                    problems.append(Diagnostic(SETTINGS_FILE, line_of(key), 1, "wrong-type",
                                               "expected europe_extent with numbers west < east (-180..180) and "
                                               f"south < north (-90..90), found {value!r}",
                                               hint="see the example in atlas.yml's comments"))
                else:
                    values[key] = extent
            elif not _positive(value) or not value <= RANGES[key]:
                problems.append(Diagnostic(SETTINGS_FILE, line_of(key), 1, "wrong-type",
                                           f"expected {key} to be a positive number, found {value!r}"[:300],
                                           hint=f"at most {RANGES[key]:,}; the default is {getattr(default, key)}"))
            else:
                values[key] = type(getattr(default, key))(value)
        return cls(**values), problems


SETTINGS = [f.name for f in fields(Settings)]
# The largest value each limit can sensibly take: beyond, dates overflow or the checks lose their point.
RANGES = {"max_distance_from_country_km": 2_000, "border_tolerance_km": 100, "max_file_bytes": 64 * 1024 * 1024,
          "stale_after_months": 600}


def _positive(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 < value < 1e12)


def _extent(value: object) -> tuple[float, float, float, float] | None:
    if not isinstance(value, dict):
        return None
    sides = [value.get(side) for side in ("west", "south", "east", "north")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in sides):
        return None
    west, south, east, north = (float(v) for v in sides)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def read_config(root: Path, relative: str, *, required: bool) -> tuple[object, str, list[Diagnostic]]:
    """A small YAML file of the project's own: (value, text, diagnostics). Never raises."""
    path = root / relative

    def fail(code: str, message: str, hint: str | None = None, line: int = 1, column: int = 1):
        return None, "", [Diagnostic(relative, line, column, code, message, hint=hint)]

    if path.is_symlink():
        return fail("symlink", f"{relative} is a symbolic link; the atlas never follows links",
                    "replace it with the file itself")
    if not path.exists():
        if required:
            return fail("missing-file", f"expected the file {relative}, found nothing",
                        "restore it from the repository (git checkout -- " + relative + ")")
        return None, "", []
    if not path.is_file():
        return fail("not-a-file", f"expected {relative} to be a file, found a folder or a special file",
                    "remove it and restore the file from the repository")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        return fail("file-too-large", f"expected at most {MAX_CONFIG_BYTES:,} bytes, found {path.stat().st_size:,}")
    text = read_text(path.read_bytes())
    if isinstance(text, NotText):
        return None, "", [text.diagnostic(relative)]
    value, problems = read_yaml(text, relative)
    return value, text, problems


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


def load_vocabulary(root: Path, relative: str) -> tuple[Vocabulary, list[Diagnostic]]:
    raw, text, problems = read_config(root, relative, required=True)
    if problems or raw is None:
        if not problems:
            problems = [Diagnostic(relative, 1, 1, "empty-file", f"the vocabulary {relative} is empty",
                                   hint="e.g.  - slug: political-participation")]
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
                and isinstance(entry.get("name"), str) and entry["name"].strip()
                and isinstance(entry.get("description", ""), str)):
            problems.append(Diagnostic(relative, line, 1, "wrong-type",
                                       f"expected an entry with a slug (lowercase-with-dashes), a name and "
                                       f"optionally a description (text), found {entry!r}"[:300],
                                       hint="e.g.  - slug: political-participation"))
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


def load_vocabularies(root: Path) -> tuple[dict[str, Vocabulary], list[Diagnostic]]:
    vocabularies, diagnostics = {}, []
    for name, relative in VOCABULARIES.items():
        vocabularies[name], problems = load_vocabulary(root, relative)
        diagnostics.extend(problems)
    return vocabularies, diagnostics


# ---- which files are data ------------------------------------------------------------

def display_name(path: Path, root: Path) -> str:
    """A path as the contributor sees it, relative to the atlas; odd bytes in a name stay visible."""
    relative = path.relative_to(root).as_posix()
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan_data_folders(root: Path) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """The entity files (path, kind) of cities/, initiatives/ and networks/, and what else is there."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    vocabulary_files = {Path(relative).name for relative in [*VOCABULARIES.values(), EXPECTATIONS]}

    def report(path: Path, code: str, message: str, hint: str | None = None) -> None:
        problems.append(Diagnostic(display_name(path, root), 1, 1, code, message, hint=hint))

    for folder, kind in KINDS.items():
        directory = root / folder
        if directory.is_symlink():
            report(directory, "symlink", f"the folder {folder}/ is a symbolic link; the atlas never follows links",
                   "replace it with a real folder")
            continue
        if not directory.is_dir():
            continue
        with os.scandir(directory) as entries:  # one directory read; no file is opened or followed here
            listing = sorted(entries, key=lambda entry: entry.name)
        for entry in listing:
            path = directory / entry.name
            name = display_name(path, root).rsplit("/", 1)[-1]
            if entry.is_symlink():
                report(path, "symlink", f"{name} is a symbolic link; the atlas never follows links",
                       f"replace it with the {kind}'s file itself")
                continue
            if IGNORED.fullmatch(entry.name) and entry.name != ".md" and not entry.name.endswith(".md"):
                continue
            if name != entry.name:
                report(path, "bad-file-name", f"the file name {name!r} is not valid UTF-8",
                       "rename it using letters, digits and dashes")
                continue
            if entry.is_dir(follow_symlinks=False):
                report(path, "stray-folder", f"expected only files in {folder}/, found the folder {name}/, "
                       "whose files the atlas would not read", f"move its files up into {folder}/")
            elif not entry.is_file(follow_symlinks=False):
                report(path, "stray-file", f"expected a file, found a special file {name!r}")
            elif name in vocabulary_files and f"{folder}/{name}" in [*VOCABULARIES.values(), EXPECTATIONS]:
                continue
            elif path.suffix.lower() == ".md" and path.stem:
                found.append((path, kind))
            else:
                hint = (f"a {kind} file is named after its slug, e.g. {folder}/potsdam.md"
                        if name.startswith(".") or not path.stem else
                        f"move it out of {folder}/, or rename it to {path.stem}.md if it is a {kind}")
                report(path, "stray-file", f"expected only {kind} files (<slug>.md) in {folder}/, found {name!r}, "
                       "which the atlas would not read", hint)
    return found, problems


def discover(root: Path) -> list[tuple[Path, str]]:
    """The entity files, without the report on anything else (for tools that only read)."""
    return scan_data_folders(root)[0]


def scan_symlinks(root: Path, folders: list[Path]) -> list[Diagnostic]:
    """Symbolic links in hand-written pages or the theme: MkDocs would publish what they point at."""
    problems = []
    for folder in folders:
        if folder.is_symlink():
            problems.append(Diagnostic(display_name(folder, root), 1, 1, "symlink",
                                       "this folder is a symbolic link; the atlas never follows links",
                                       hint="replace it with a real folder"))
            continue
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_symlink():
                problems.append(Diagnostic(display_name(path, root), 1, 1, "symlink",
                                           "this is a symbolic link; the site would publish whatever it points at",
                                           hint="replace it with the file itself"))
    return problems


@dataclass
class Project:
    """Everything the pipeline reads before it reads an entity."""

    root: Path
    settings: Settings
    vocabularies: dict[str, Vocabulary]
    files: list[tuple[Path, str]]  # entity files: (path, kind)
    docs_dir: Path
    pages: list[Path]  # hand-written pages (Markdown) in docs_dir
    assets: list[str]  # every file in docs_dir, relative to it
    theme_files: set[str] = field(default_factory=set)  # every file of the theme's folder, by the path it publishes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    expectations: list["Expectation"] = field(default_factory=list)


@dataclass(frozen=True)
class Expectation:
    """A city that is a member of one network is expected to be a member of another, and why."""

    members_of: str
    are_members_of: str
    because: str
    severity: str  # error or warning
    line: int
    # Cities a maintainer has looked into and found the rule does not hold for: (slug, why), from `exceptions:`.
    exceptions: tuple[tuple[str, str], ...] = ()


def load_expectations(root: Path) -> tuple[list[Expectation], list[Diagnostic]]:
    raw, text, problems = read_config(root, EXPECTATIONS, required=False)
    if problems or raw is None:
        return [], problems
    if not isinstance(raw, list):
        return [], [Diagnostic(EXPECTATIONS, 1, 1, "wrong-type", "expected a list of expectations "
                               "(- members_of: ... are_members_of: ... because: ...)")]
    starts = [number for number, line in enumerate(text.split("\n"), start=1) if line.startswith("- ")]
    found = []
    for index, entry in enumerate(raw):
        line = starts[index] if index < len(starts) else 1
        keys = {"members_of", "are_members_of", "because", "severity", "exceptions"}
        exceptions = entry.get("exceptions", {}) if isinstance(entry, dict) else None
        if not (isinstance(entry, dict) and set(entry) <= keys and all(
                isinstance(entry.get(k), str) and entry[k].strip() for k in ("members_of", "are_members_of", "because"))
                and entry.get("severity", "error") in ("error", "warning")
                and isinstance(exceptions, dict) and all(isinstance(slug, str) and isinstance(why, str) and why.strip()
                                                         for slug, why in exceptions.items())):
            problems.append(Diagnostic(EXPECTATIONS, line, 1, "wrong-type",
                                       f"expected an entry with members_of, are_members_of (network slugs), because "
                                       f"(text), and optionally severity (error or warning) and exceptions (city slug: "
                                       f"why the rule does not hold for it), found {entry!r}"[:300],
                                       hint="e.g.  - members_of: cities-of-safe-harbours"))
            continue
        found.append(Expectation(entry["members_of"], entry["are_members_of"], entry["because"].strip(),
                                 entry.get("severity", "error"), line,
                                 tuple((slug, why.strip()) for slug, why in exceptions.items())))
    return found, problems


def load_project(root: Path, docs_dir: Path | None = None, theme_dir: Path | None = None) -> Project:
    root = root.resolve()
    docs_dir = (docs_dir or root / "content").absolute()
    theme_dir = (theme_dir or root / "theme").absolute()
    settings, diagnostics = Settings.load(root)
    vocabularies, problems = load_vocabularies(root)
    diagnostics += problems
    files, problems = scan_data_folders(root)
    diagnostics += problems
    diagnostics += scan_symlinks(root, [docs_dir, theme_dir])
    expectations, problems = load_expectations(root)
    diagnostics += problems
    assets = []
    if docs_dir.is_dir() and not docs_dir.is_symlink():
        assets = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*")
                        if p.is_file() and not p.is_symlink())
    pages = [docs_dir / a for a in assets if a.endswith(".md")]
    theme_files = set()
    if theme_dir.is_dir() and not theme_dir.is_symlink():
        theme_files = {p.relative_to(theme_dir).as_posix() for p in theme_dir.rglob("*") if p.is_file()}
    return Project(root, settings, vocabularies, files, docs_dir, pages, assets, theme_files, diagnostics,
                   expectations)


@dataclass
class Report:
    """The atlas as read and checked (validate.validate): its files, and what was found in them."""

    sources: list[SourceFile]
    diagnostics: list[Diagnostic]
    checked: int
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    translations: list[SourceFile] = field(default_factory=list)  # cities/potsdam.de.md, ...
    posts: list[SourceFile] = field(default_factory=list)  # news posts (content/news/posts/), read and checked

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]
