"""Load: read one entity file into plain values that remember where each came from.

A file is YAML front matter between `---` lines, then a Markdown body. Problems that stop a
file from being read at all (encoding, front matter, YAML syntax, anchors) become
diagnostics here; everything else is the validator's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any, NamedTuple

import yaml

from .diagnostics import Diagnostic, NotText, one_line, read_text  # noqa: F401 (one_line: for diff and import)
from .kinds import KINDS as _REGISTRY

try:  # libyaml is several times faster; the pure-Python loader gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

class _View(Mapping):
    """A live view of the registry: a kind added to it is seen everywhere at once."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __getitem__(self, key):
        return dict(self.pairs())[key]

    def __iter__(self):
        return iter(dict(self.pairs()))

    def __len__(self):
        return len(_REGISTRY)


KINDS = _View(lambda: ((kind.folder, name) for name, kind in _REGISTRY.items()))  # folder -> kind: cities -> city
FOLDERS = _View(lambda: ((name, kind.folder) for name, kind in _REGISTRY.items()))  # kind -> folder
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 120  # characters of a file name made from a name: with ".de.md", well inside any file system's 255 bytes
# Slugs the site uses for pages it generates in each folder (cities/index.md lists every city, topics/index.md
# every topic): an entity or topic with such a slug would take that page's place.
RESERVED_SLUGS = frozenset({"index"})
MAX_DEPTH = 16  # deepest nesting a real entity needs is 3

Path_ = tuple  # a field path such as ("population", "value") or ("networks", 0)


class Position(NamedTuple):  # a NamedTuple: created for every value, so it must be cheap
    line: int
    column: int


@dataclass
class SourceFile:
    """One entity file as read: its values, where each value sits, and its body."""

    path: Path
    display: str  # the path as the contributor sees it, relative to the atlas root
    kind: str
    slug: str
    data: dict[str, Any] = field(default_factory=dict)
    positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    readable: bool = True  # False when the file could not be parsed at all
    language: str | None = None  # a translation (potsdam.de.md): its language; the original: None

    def position(self, path: Path_, *, key: bool = False) -> Position:
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Position(1, 1))


def file_slug(name: str) -> tuple[str, str | None]:
    """The slug and language a file's name gives: potsdam.md -> (potsdam, None), potsdam.de.md -> (potsdam, de)."""
    from .i18n import LANGUAGES, SOURCE

    stem = name[:-3]
    slug, _, language = stem.rpartition(".")
    if slug and language in LANGUAGES and language != SOURCE:
        return slug, language
    return stem, None


def fold(slug: str) -> str:
    """The form two slugs share when they differ only by case or accents."""
    decomposed = unicodedata.normalize("NFKD", slug)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Letters that Unicode does not decompose into a base letter and an accent (Wrocław, Łódź, Tromsø).
_LETTERS = str.maketrans({"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
                          "ı": "i", "ħ": "h", "ŧ": "t"})


def slugify(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", fold(name).translate(_LETTERS)))


class _Reader:
    def __init__(self, source: SourceFile, line_offset: int):
        self.source = source
        self.offset = line_offset
        self.diagnostics: list[Diagnostic] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(mark.line + self.offset, mark.column + 1)

    def error(self, position: Position, code: str, message: str, hint: str | None = None):
        self.diagnostics.append(
            Diagnostic(self.source.display, position.line, position.column, code, message, hint=hint)
        )

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.source.positions[path] = self.position(node)
        if len(path) > MAX_DEPTH:
            self.error(self.position(node), "too-deep",
                       f"values are nested more than {MAX_DEPTH} levels deep",
                       "entity fields need at most three levels")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    self.error(self.position(key_node), "wrong-type",
                               "expected a field name, found a list or mapping used as a name")
                    continue
                key_position = self.position(key_node)
                if key in result:
                    first = self.source.key_positions[path + (key,)]
                    self.error(key_position, "duplicate-key",
                               f"field '{key}' appears twice (first on line {first.line})",
                               "keep one of them")
                    continue
                self.source.key_positions[path + (key,)] = key_position
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:str":  # most values: skip the constructor's machinery
            return node.value
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return node.value  # e.g. a timestamp like 2026-13-45: let the field check say so


# A line that opens or closes the front matter: three dashes (or dots, to close) and spaces or tabs, no other
# space: exactly what MkDocs reads as front matter (mkdocs.utils.meta), so that the fields checked are the
# fields MkDocs reads.
_OPENS = re.compile(r"---[ \t]*")
_CLOSES = re.compile(r"(?:---|\.\.\.)[ \t]*")
# A first line MkDocs reads as a setting when there is no front matter ("MultiMarkdown" meta-data:
# `template: 404.html` on the first line of a page would choose its template, unchecked).
SETTING_LINE = re.compile(r"[ ]{0,3}([A-Za-z0-9_-]+):")


# What MkDocs takes for a page's front matter (mkdocs.utils.meta): an opening line, at least one line, a closing
# line and a line break after it. Anything else it publishes as the page's text, front matter and all.
_MKDOCS_FRONT_MATTER = re.compile(r"-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def mkdocs_reads_front_matter(text: str) -> bool:
    return _MKDOCS_FRONT_MATTER.match(text) is not None


def has_front_matter(text: str) -> bool:
    """Whether a text (line ends already \\n) opens front matter as MkDocs reads it."""
    return _OPENS.fullmatch(text.split("\n", 1)[0]) is not None


def _split_front_matter(text: str) -> tuple[str, int, str, int] | str:
    """(yaml text, its first line, body, body's first line), or the code of the problem."""
    lines = text.split("\n")
    if not _OPENS.fullmatch(lines[0]):
        return "no-front-matter"
    for index in range(1, len(lines)):
        if _CLOSES.fullmatch(lines[index]):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, 2, body, index + 2
    return "unclosed-front-matter"


def _check_tabs(front: str, first_line: int, reader: _Reader) -> bool:
    found = False
    for number, line in enumerate(front.split("\n"), start=first_line):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            reader.error(Position(number, indent.index("\t") + 1), "tab-indent",
                         "found a tab in the indentation; YAML allows only spaces",
                         "replace the tab with two spaces")
            found = True
    return found


ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")


def _likely_mistake(front: str, first_line: int, error_line: int) -> tuple[str, str, int, int] | None:
    """Where YAML's error most likely comes from, in plain words: (message, hint, line, column); None when
    nothing better than YAML's own message is found. YAML notices a mistake late, often lines below it."""
    lines = front.split("\n")
    for number, text in enumerate(lines, start=first_line):  # a space YAML does not count as one
        odd = ODD_SPACE.search(text)
        if odd and not text.lstrip().startswith("#"):
            before = text[:odd.start()]
            if before.strip() == "" or before.rstrip().endswith(":") or before.rstrip().endswith("-"):
                return (f"expected a normal space, found the character U+{ord(odd.group()):04X} (a non-breaking "
                        "or other special space), which YAML does not read as a space",
                        "retype the space after the colon (copying from a web page or a word processor brings "
                        "these in)", number, odd.start() + 1)
    # The line with content before the error: a field without its colon ("title Potsdam"), which YAML
    # reads as text going on into the next line, and stops at the next line's colon.
    for number in range(error_line - 1, first_line - 1, -1):
        text = lines[number - first_line] if number - first_line < len(lines) else ""
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        item = stripped.removeprefix("- ").strip()
        glued = re.fullmatch(r"([a-z_]+):([^\s/].*)", item)  # "country:ES", not "https://..."
        if glued:
            return (f"expected a field and its value, such as '{glued[1]}: ...', found {item[:60]!r} without a "
                    "space after the colon", f"write a space after the colon: {glued[1]}: {glued[2][:40]}",
                    number, len(text) - len(text.lstrip()) + 1)
        words = item.split(None, 1)
        if ": " not in item and not item.endswith(":") and len(words) == 2 and re.fullmatch(r"[a-z_]+", words[0]):
            return (f"expected a field and its value, such as '{words[0]}: ...', found {item[:60]!r} without a "
                    "colon", f"write a colon and a space after the field's name: {words[0]}: {words[1][:40]}",
                    number, len(text) - len(text.lstrip()) + 1)
        break
    return None


def _check_anchors(front: str, reader: _Reader) -> bool:
    """Refuse anchors and aliases before composing: an alias bomb expands exponentially."""
    for event in yaml.parse(front, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            reader.error(Position(mark.line + reader.offset, mark.column + 1), "yaml-alias",
                         "YAML anchors (&name) and aliases (*name) are not allowed",
                         "write the value out in full")
            return True
    return False


def read_source(path: Path, display: str, kind: str, max_bytes: int) -> tuple[SourceFile, list[Diagnostic]]:
    """Read a file from disk; a file over the limit is refused unread."""
    size = path.stat().st_size
    if size > max_bytes:
        source = SourceFile(path=path, display=display, kind=kind, slug=path.name[:-3], readable=False)
        source.slug, source.language = file_slug(path.name)
        return source, [Diagnostic(display, 1, 1, "file-too-large", f"expected at most {max_bytes:,} bytes, found {size:,}",
                                   hint="an entity file is a few kilobytes; move long texts out or shorten them")]
    return parse_source(path.read_bytes(), path, display, kind)


def parse_source(raw: bytes, path: Path, display: str, kind: str) -> tuple[SourceFile, list[Diagnostic]]:
    """Parse a file's bytes, from disk or from a git revision."""
    source = SourceFile(path=path, display=display, kind=kind, slug=path.name[:-3])
    source.slug, source.language = file_slug(path.name)
    reader = _Reader(source, 0)

    def fail(code: str, message: str, hint: str | None = None, line: int = 1, column: int = 1):
        source.readable = False
        reader.error(Position(line, column), code, message, hint)
        return source, reader.diagnostics

    text = read_text(raw)
    if isinstance(text, NotText):
        return fail("not-utf8", text.message, text.hint, text.line, text.column)
    if not text.strip():
        return fail("empty-file", "the file is empty",
                    "start from a template: atlas new city|initiative|network NAME")
    split = _split_front_matter(text)
    if split == "no-front-matter":
        return fail("no-front-matter", "expected the file to start with a '---' line "
                    f"opening the front matter, found {text.split(chr(10))[0][:40]!r}",
                    "the first line must be exactly ---")
    if split == "unclosed-front-matter":
        return fail("unclosed-front-matter",
                    "the front matter opened on line 1 is never closed",
                    "add a line with exactly --- after the last field")
    front, first_line, source.body, source.body_line = split
    node = _compose(front, first_line, reader)
    if node is False:
        source.readable = False
        return source, reader.diagnostics
    source.positions[()] = Position(first_line, 1)
    if node is None:
        return source, reader.diagnostics
    if not isinstance(node, yaml.MappingNode):
        found = "a list" if isinstance(node, yaml.SequenceNode) else f"the text {node.value!r}"
        return fail("wrong-type", f"expected the front matter to be fields (name: value), found {found}",
                    "each line should look like  name: Potsdam", first_line)
    try:
        source.data = reader.build(node, ())
    except RecursionError:
        return fail("too-deep", "values are nested too deeply", line=first_line)
    return source, reader.diagnostics


def _compose(text: str, first_line: int, reader: _Reader) -> yaml.Node | None | bool:
    """YAML text's node tree (None for an empty text), or False when it cannot be read (the reader says why):
    tabs in indentation, anchors and aliases, syntax errors, each at its line in the file."""
    reader.offset = first_line
    if _check_tabs(text, first_line, reader):
        return False
    try:
        if ("&" in text or "*" in text) and _check_anchors(text, reader):
            return False
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = error.problem or error.context or "invalid YAML"
        found = _likely_mistake(text, first_line, line)
        if found:
            message, hint, line, column = found
        else:
            message, hint = (f"YAML syntax error: {problem}",
                             "check the indentation and that text containing ': ' or '#' is in quotes")
        reader.error(Position(line, column), "yaml-syntax", message, hint)
    except (yaml.YAMLError, RecursionError) as error:
        reader.error(Position(first_line, 1), "yaml-syntax", f"YAML syntax error: {error}")
    return False


def read_yaml(text: str, display: str) -> tuple[Any, list[Diagnostic]]:
    """A YAML file of the project's own (atlas.yml, the vocabularies) read as the data's front matter is, by the
    one YAML reader: tabs, anchors, syntax and repeated keys reported at their line; (None, diagnostics) when
    it cannot be read at all."""
    source = SourceFile(path=Path(display), display=display, kind="settings", slug="")
    reader = _Reader(source, 1)
    node = _compose(text, 1, reader)
    if node is False or node is None:
        return None, reader.diagnostics
    try:
        return reader.build(node, ()), reader.diagnostics
    except RecursionError:
        reader.error(Position(1, 1), "too-deep", "values are nested too deeply")
        return None, reader.diagnostics
