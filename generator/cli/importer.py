"""Import: a spreadsheet (CSV) or a GeoJSON file of cities becomes one checked file per row.

Steps: read the rows (a file-level problem stops everything; a row-level one stops that row),
turn each row into a city's fields, write a new file's text or merge the row into the existing
file (--update), check every result with the validator's rules against the atlas as it will
be, and write only what passes. A merge keeps everything the row does not mention, and edits
only the lines of the fields that change, so comments and the contributor's layout survive.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.diagnostics import NotText, read_text
from ..core.frontmatter import patch_front_matter, to_front_matter
from ..core.load import FOLDERS, MAX_SLUG, SLUG, SourceFile, one_line, parse_source, read_source, slugify
from ..core import gazetteer
from ..core.kinds import CITY
from ..core.model import Text, Url, describe
from ..core.validate import Settings, check_source, discover, find_duplicate_places, load_vocabularies, make_context

REQUIRED = ("name", "country", "latitude", "longitude")
SOURCE_COLUMNS = ("sources", "source")
SPLIT = re.compile(r"\s*[;|,]\s*|\s+")


def texts() -> tuple[str, ...]:
    """The model's text and address fields: each a column of the same name (subtitle, website, ...)."""
    return tuple(f.name for f in CITY.fields if isinstance(f.type, (Text, Url)) and f.name not in REQUIRED)


# A row's source may say what it is and when it was read (source_title, retrieved); its one
# network may say since when (since); a geonames column pins the place GeoNames means.
EXTRA_COLUMNS = {"networks", "last_verified", "featured", "slug", "source_title", "retrieved", "since", "geonames"}


def known_columns() -> set[str]:
    return set(REQUIRED) | set(SOURCE_COLUMNS) | EXTRA_COLUMNS | set(texts())


def scalars() -> tuple[str, ...]:
    """The fields a row replaces (networks and sources are added to instead)."""
    return ("name", "country", "coordinates", "featured", "last_verified", *texts())
SAVE_AS = "save the spreadsheet as 'CSV UTF-8'"
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, or a required column is missing)."""


class MergeRefused(Exception):
    """An existing file cannot take the row's values without losing something."""


@dataclass
class Row:
    number: int  # as a person counts: the header is row 1 of a spreadsheet; GeoJSON features count from 1
    values: dict[str, Any]
    unit: str = "row"  # "row" in a spreadsheet, "feature" in GeoJSON
    problems: list[str] = field(default_factory=list)  # what reading the row found wrong

    @property
    def label(self) -> str:
        return f"{self.unit} {self.number}"


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # file -> what changed in it
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # row label, reason
    failed: list[tuple[str, str, list[str]]] = field(default_factory=list)  # row label, name, reasons

    @property
    def rows(self) -> int:
        return len(self.written) + len(self.updated) + len(self.unchanged) + len(self.skipped) + len(self.failed)


# ---- reading rows --------------------------------------------------------------------

def read_rows(path: Path, geonames: bool = False) -> list[Row]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file: {error.strerror or error}") from None
    text = read_text(raw)
    if isinstance(text, NotText):
        raise ImportFailed(f"{path}: line {text.line}: {text.message}; {SAVE_AS}")
    if path.suffix.lower() in (".geojson", ".json"):
        rows = _geojson_rows(path, text)
        what = "features"
    else:
        rows = _csv_rows(path, text, geonames)
        what = "rows below the header"
    if not rows:
        raise ImportFailed(f"{path}: expected at least one city, found no {what}; nothing to import")
    return rows


def _csv_rows(path: Path, text: str, geonames: bool = False) -> list[Row]:
    if not text.strip():
        raise ImportFailed(f"{path}: the file is empty; expected a header row such as "
                           "name,country,latitude,longitude,source and one row per city")
    # Excel separates the cells with ';' where the comma is the decimal sign (German, French, Italian, Spanish,
    # Polish ...), and a spreadsheet's cells copied as text are tab-separated: the header row says which.
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)  # a comma where none is more common
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFailed(f"{path}: line {reader.line_num}: cannot read it as CSV: {error}; {SAVE_AS}") from None
    columns = [c.strip().lower() for c in records[0]]
    if "" in columns:
        raise ImportFailed(f"{path}: row 1: column {columns.index('') + 1} has no name in the header row; "
                           "name it or delete the column")
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise ImportFailed(f"{path}: row 1: column {', '.join(repr(one_line(c)) for c in twice)} appears twice "
                           "in the header row; keep one")
    # With --geonames the gazetteer places a row: latitude and longitude are then optional.
    missing = [c for c in REQUIRED if c not in columns and not (geonames and c in ("latitude", "longitude"))]
    if not any(c in columns for c in SOURCE_COLUMNS):
        missing.append("source")
    if missing:
        raise ImportFailed(f"{path}: row 1: missing column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(repr(m) for m in missing)}; the header row has "
                           f"{', '.join(one_line(c) for c in columns) or 'nothing'}")
    known = known_columns()
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ImportFailed(f"{path}: row 1: unknown column{'s' if len(unknown) > 1 else ''} "
                           f"{', '.join(repr(one_line(u)) for u in unknown)}; "
                           f"known columns: {', '.join(sorted(known))}")
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = Row(number, {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(columns)})
        extra = [cell for cell in cells[len(columns):] if cell.strip()]
        if extra:
            row.problems.append(f"expected at most {len(columns)} cells, as in the header row, found {len(cells)} "
                                f"(extra: {', '.join(repr(c) for c in extra[:3])}) (hint: a value that contains "
                                f"a {SEPARATOR_NAMES[delimiter]} must be in double quotes)")
        rows.append(row)
    return rows


def _geojson_rows(path: Path, text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    except RecursionError:
        raise ImportFailed(f"{path}: not valid GeoJSON: values are nested too deeply") from None
    except ValueError as error:  # e.g. a number with thousands of digits
        raise ImportFailed(f"{path}: not valid JSON: {error}") from None
    example = '{"type": "FeatureCollection", "features": [...]}'
    if not isinstance(data, dict):
        raise ImportFailed(f"{path}: expected a GeoJSON FeatureCollection ({example}) at the top level, "
                           f"found {'a list' if isinstance(data, list) else describe(data)}")
    if data.get("type") != "FeatureCollection":
        raise ImportFailed(f"{path}: expected a GeoJSON FeatureCollection ({example}), found an object whose "
                           f"type is {describe(data.get('type'))}")
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportFailed(f"{path}: expected \"features\" to be a list of features, found {describe(features)}")
    return [_feature_row(number, feature) for number, feature in enumerate(features, start=1)]


def _feature_row(number: int, feature: Any) -> Row:
    row = Row(number, {}, unit="feature")
    if not isinstance(feature, dict):
        row.problems.append(f"expected a GeoJSON Feature (an object with properties and a geometry), "
                            f"found {describe(feature)}")
        return row
    properties = feature.get("properties")
    if isinstance(properties, dict):
        row.values = {str(k).strip().lower(): v for k, v in properties.items()}
    elif properties is not None:
        row.problems.append(f"properties: expected an object such as {{\"name\": \"Potsdam\", \"country\": \"DE\"}}, "
                            f"found {describe(properties)}")
    geometry = feature.get("geometry")
    point = '{"type": "Point", "coordinates": [13.07, 52.4]}'
    if geometry is None:
        if "latitude" not in row.values or "longitude" not in row.values:
            row.problems.append(f"geometry: expected a point such as {point}, found nothing")
    elif not isinstance(geometry, dict):
        row.problems.append(f"geometry: expected a point such as {point}, found {describe(geometry)}")
    elif geometry.get("type") != "Point":
        row.problems.append(f"geometry: expected a Point, found {describe(geometry.get('type'))} "
                            "(hint: a city is one point: [longitude, latitude])")
    else:
        coordinates = geometry.get("coordinates")
        if (isinstance(coordinates, list) and len(coordinates) in (2, 3)
                and all(_is_number(c) for c in coordinates)):
            row.values["longitude"], row.values["latitude"] = coordinates[0], coordinates[1]
        else:
            shown = json.dumps(coordinates, ensure_ascii=False, default=str)
            row.problems.append(f"geometry: expected coordinates [longitude, latitude], two numbers, found "
                                f"{shown if len(shown) <= 60 else shown[:57] + '...'}")
    return row


def _is_number(value: Any) -> bool:
    """A JSON or YAML number other than NaN and infinity (which no file could write back)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


# ---- a row's fields ------------------------------------------------------------------

def _number(value: Any) -> Any:
    """A coordinate from a cell; anything that is not a finite number stays text, for the check to report."""
    if _is_number(value):
        return value
    text = str(value).strip()
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _text(row: Row, key: str) -> str:
    value = row.values.get(key)
    if value is None:
        return ""
    if isinstance(value, str) or _is_number(value):
        return str(value).strip()
    row.problems.append(f"{key}: expected text, found {describe(value)}")
    return ""


def _items(row: Row, key: str, separators: re.Pattern) -> list[str]:
    value = row.values.get(key)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    if value is None or isinstance(value, str):
        return [v for v in separators.split((value or "").strip()) if v]
    row.problems.append(f"{key}: expected text or a list of texts, found {describe(value)}")
    return []


def _partial(text: str) -> Any:
    """A year as a number (2019), a day as a date (2021-06-14), a month as written (2021-06)."""
    if text.isdigit():
        return int(text)
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else text
    except ValueError:
        return text  # the check reports it


def row_data(row: Row) -> dict[str, Any]:
    """The fields a row gives, as a city file writes them; the row's problems go to row.problems."""
    data: dict[str, Any] = {"name": _text(row, "name"), "country": _text(row, "country"),
                            "coordinates": [_number(row.values.get("latitude", "")),
                                            _number(row.values.get("longitude", ""))]}
    slug = _text(row, "slug")
    if slug:
        if SLUG.fullmatch(slug):
            data["slug"] = slug
        else:
            row.problems.append(f"slug: expected a file name in lowercase letters, digits and dashes such as "
                                f"'munich', found {slug!r}")
    featured = row.values.get("featured")
    if isinstance(featured, bool):
        data["featured"] = featured
    elif (text := _text(row, "featured")):
        yes, no = text.lower() in ("true", "yes", "1"), text.lower() in ("false", "no", "0")
        data["featured"] = True if yes else False if no else text  # other text: the check reports it
    for key in texts():
        if (text := _text(row, key)):
            data[key] = text
    networks = _items(row, "networks", SPLIT)
    since = _partial(_text(row, "since"))
    if networks and since:
        if len(networks) > 1:
            row.problems.append(f"since: a date for one network, found {len(networks)} networks in the row")
        else:
            data["networks"] = [{"network": networks[0], "since": since}]
    elif networks:
        data["networks"] = list(dict.fromkeys(networks))
    sources = _items(row, "sources" if "sources" in row.values else "source", re.compile(r"\s*[;|]\s*|\s+"))
    title, retrieved = _text(row, "source_title"), _partial(_text(row, "retrieved"))
    if sources and (title or retrieved):  # the long form: what the page is and when it was read
        if not title:
            row.problems.append("source_title: a source with its retrieval date needs its title too")
        data["sources"] = [{"title": title, "url": url, **({"retrieved": retrieved} if retrieved else {})}
                           for url in dict.fromkeys(sources)]
    elif sources:
        data["sources"] = list(dict.fromkeys(sources))
    last = _text(row, "last_verified")
    if last:
        try:
            data["last_verified"] = dt.date.fromisoformat(last)
        except ValueError:
            data["last_verified"] = last  # written as text: the check reports it with the row
    return data


# ---- merging a row into an existing file ---------------------------------------------

def _url_key(url: Any) -> Any:
    """Two spellings of one address compare equal: scheme and host in any case, a trailing slash or not."""
    if not isinstance(url, str):
        return url
    parts = urlsplit(url.strip())
    return (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, parts.fragment)


def _shown(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, (int, float, str)) for v in value):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return describe(value)


def _same(old: Any, new: Any) -> bool:
    return old == new and isinstance(old, bool) == isinstance(new, bool)


def _identity(key: str, item: Any) -> Any:
    """What makes two list items one: a membership's network, a source's address."""
    value = item.get("network" if key == "networks" else "url") if isinstance(item, dict) else item
    return _url_key(value) if key == "sources" else value


def _dated_memberships(current: list, given: list) -> dict[str, dict]:
    """Memberships the file has without a date and the row dates: slug -> the membership with its since."""
    undated = {_identity("networks", item): item for item in current
               if isinstance(item, str) or (isinstance(item, dict) and item.get("since") in (None, ""))}
    # The membership keeps what else it records (its commitments); the row adds its date.
    return {item["network"]: {**(undated[item["network"]] if isinstance(undated[item["network"]], dict) else
                                 {"network": item["network"]}), "since": item["since"]} for item in given
            if isinstance(item, dict) and item.get("since") not in (None, "") and item.get("network") in undated}


def merge(old: dict[str, Any], given: dict[str, Any], display: str) -> tuple[dict[str, Any], dict, list[str]]:
    """The row merged into a file's fields: (fields, edits by field, what changed in words).

    Scalars the row gives replace the file's (an empty cell gives nothing); networks and
    sources are only ever added to. An edit is ("set", value) or ("append", new items).
    """
    merged, edits, changes = dict(old), {}, []
    for key in CITY.record.field_names():
        if key in scalars() and given.get(key) not in (None, "", ["", ""]):
            new, before = given[key], old.get(key, False if key == "featured" else None)
            if _same(before, new):
                continue
            merged[key], edits[key] = new, ("set", new)
            changes.append(f"{key} {_shown(before)} -> {_shown(new)}" if key in old else f"added {key} {_shown(new)}")
        elif key in ("networks", "sources") and given.get(key):
            current = old.get(key)
            if key in old and not isinstance(current, list):
                raise MergeRefused(f"{display}: {key}: expected a list, found {describe(current)}; fix the file "
                                   "first, then import again")
            known = {_identity(key, item) for item in current or []}
            added = [item for item in given[key] if _identity(key, item) not in known]
            dated = _dated_memberships(current or [], given[key]) if key == "networks" else {}
            if not added and not dated:
                continue
            kept = [dated.get(_identity(key, item), item) for item in current or []]
            merged[key] = [*kept, *added]
            edits[key] = ("append", added) if current and not dated else ("set", merged[key])
            if key == "networks":
                changes += [f"dated network {slug} since {item['since']}" for slug, item in dated.items()]
                if added:
                    names = ", ".join(str(_identity(key, item)) for item in added)
                    changes.append(f"added network{'s' if len(added) > 1 else ''} {names}")
            else:
                changes.append(f"added {len(added)} source{'s' if len(added) > 1 else ''}")
    return merged, edits, changes


def _reads_back(text: str, display: str, data: dict[str, Any], body: str) -> bool:
    source, problems = parse_source(text.encode("utf-8"), Path(display), display, "city")
    return not problems and source.data == data and source.body == body


def update_text(raw: bytes, display: str, given: dict[str, Any]) -> tuple[bytes, list[str]]:
    """An existing file with the row merged in, as bytes to write, and what changed (nothing: no change)."""
    old, problems = parse_source(raw, Path(display), display, "city")
    if problems or not old.readable:
        first = problems[0] if problems else None
        where = f"line {first.line}: {first.message}" if first else "it cannot be read"
        raise MergeRefused(f"{display} has a problem of its own ({where}); fix it first (atlas validate "
                           f"{display}), then import again")
    merged, edits, changes = merge(old.data, given, display)
    if not changes:
        return raw, []
    text = raw.decode("utf-8-sig")
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    patched = patch_front_matter(text, old, merged, edits)
    if not _reads_back(patched, display, merged, old.body):
        # The file is laid out in a way the line edits cannot follow: write the fields anew (comments are lost).
        patched = to_front_matter(merged) + old.body
        if not _reads_back(patched, display, merged, old.body):
            raise MergeRefused(f"{display}: the merged fields cannot be written so that they read back the same; "
                               "edit the file by hand")
    if crlf:
        patched = patched.replace("\n", "\r\n")
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    return bom + patched.encode("utf-8"), changes


# ---- the import ----------------------------------------------------------------------

@dataclass
class Candidate:
    row: Row
    display: str
    target: Path
    content: bytes
    source: SourceFile
    problems: list
    changes: list[str] | None  # None for a new file


def place_row(given: dict[str, Any], row: Row, existing: SourceFile | None, today: dt.date) -> str | None:
    """--geonames: the row's point and its GeoNames source, from the gazetteer; the problem if none.

    The source is dated with `retrieved`, the day this import read the gazetteer (gazetteer.Place.source)."""
    if given.get("coordinates") != ["", ""]:
        return None  # the row gives its own point
    pinned = _text(row, "geonames")
    if pinned and not pinned.isdigit():
        return f"geonames: expected a GeoNames id (a number such as 2867714), found {pinned!r}"
    try:
        place = gazetteer.resolve(given["name"], given["country"], int(pinned) if pinned else None)
    except gazetteer.Unresolved as problem:
        return f"name: {problem}"
    cited = {_url_key(s.get("url") if isinstance(s, dict) else s)
             for s in (existing.data.get("sources") or [] if existing and existing.data else [])}
    if existing and existing.data.get("coordinates") and _url_key(place.url) in cited:
        del given["coordinates"]  # placed from this very record already: keep the file's point as written
        return None
    given["coordinates"] = [place.latitude, place.longitude]
    given["sources"] = [*given.get("sources", []), place.source(today)]
    return None


def import_cities(root: Path, path: Path, *, update: bool = False, verified: dt.date | None = None,
                  today: dt.date | None = None, geonames: bool = False) -> Outcome:
    """Write one file per good row; report the others. Raises ImportFailed for a file-level problem.

    With `geonames`, a row without latitude and longitude is placed by the gazetteer."""
    root = root.resolve()
    rows = read_rows(path, geonames)
    settings, problems = Settings.load(root)
    if problems:
        raise ImportFailed(f"{problems[0].path}:{problems[0].line}: {problems[0].message}; fix it first "
                           "(atlas validate lists every problem)")
    vocabularies, _ = load_vocabularies(root)
    existing = {p.relative_to(root).as_posix(): read_source(p, p.relative_to(root).as_posix(), kind,
                                                            settings.max_file_bytes)[0]
                for p, kind in discover(root)}
    folder = root / FOLDERS["city"]
    outcome = Outcome()
    seen: dict[str, str] = {}
    candidates: list[Candidate] = []
    for row in rows:
        given = row_data(row)
        name = given["name"]
        if row.problems:
            outcome.failed.append((row.label, name, row.problems))
            continue
        slug = given.pop("slug", None) or slugify(given["name"])
        if not slug:
            outcome.failed.append((row.label, name, ["name: expected the city's name, found nothing"]))
            continue
        if len(slug) > MAX_SLUG:
            column = "slug" if row.values.get("slug") else "name"
            outcome.failed.append((row.label, name, [f"{column}: expected at most {MAX_SLUG} characters of file "
                                                     f"name, found {len(slug)}"]))
            continue
        display = f"{FOLDERS['city']}/{slug}.md"
        if geonames and (problem := place_row(given, row, existing.get(display), today or dt.date.today())):
            outcome.failed.append((row.label, name, [problem]))
            continue
        if slug in seen:
            outcome.failed.append((row.label, name, [f"duplicate of {seen[slug]}: both would be {display}"]))
            continue
        seen[slug] = row.label
        target = folder / f"{slug}.md"
        changes = None
        if target.exists():
            if not update:
                outcome.skipped.append((row.label, f"{display} already exists (use --update to change it)"))
                continue
            if verified and "last_verified" not in given:  # --verified is a statement about every row
                given["last_verified"] = verified
            try:
                if target.stat().st_size > settings.max_file_bytes:
                    raise MergeRefused(f"{display} is larger than {settings.max_file_bytes:,} bytes; "
                                       "atlas validate explains")
                content, changes = update_text(target.read_bytes(), display, given)
            except MergeRefused as refusal:
                outcome.failed.append((row.label, name, [str(refusal)]))
                continue
            except OSError as error:
                outcome.failed.append((row.label, name, [f"{display} cannot be read: {error.strerror or error}"]))
                continue
            if not changes:
                outcome.unchanged.append(display)
                continue
        else:
            data = {**given, "last_verified": given.get("last_verified", verified or dt.date.today())}
            if data.get("featured") is False:
                del data["featured"]  # false is what a missing field means
            content = to_front_matter(data).encode("utf-8")
        source, problems = parse_source(content, target, display, "city")
        candidates.append(Candidate(row, display, target, content, source, problems, changes))

    # Check every candidate against the atlas as it will be, imported rows included.
    replaced = {c.display for c in candidates}
    atlas = [s for display, s in existing.items() if display not in replaced] + [c.source for c in candidates]
    context = make_context(root, settings, vocabularies, atlas, today)
    duplicates: dict[str, list[str]] = {}
    by_display = {c.display: c for c in candidates}
    for duplicate in find_duplicate_places(atlas):
        if duplicate.source.display in by_display:
            duplicates.setdefault(duplicate.source.display, []).append(_duplicate_reason(duplicate, by_display))
    for c in candidates:
        problems = c.problems + (check_source(c.source, context) if c.source.readable else [])
        reasons = [f"{_field(c.source, d.line)}{d.message}" + (f" (hint: {d.hint})" if d.hint else "")
                   for d in problems if d.is_error]
        reasons += duplicates.get(c.display, [])
        if reasons:
            outcome.failed.append((c.row.label, c.source.data.get("name") or "", reasons))
            continue
        try:
            c.target.parent.mkdir(parents=True, exist_ok=True)
            c.target.write_bytes(c.content)
        except OSError as error:
            outcome.failed.append((c.row.label, c.source.data.get("name") or "",
                                   [f"{c.display} cannot be written: {error.strerror or error}"]))
            continue
        if c.changes is None:
            outcome.written.append(c.display)
        else:
            outcome.updated[c.display] = c.changes
    return outcome


def _duplicate_reason(duplicate, candidates: dict[str, Candidate]) -> str:
    other = duplicate.other
    name = other.data.get("name") if isinstance(other.data.get("name"), str) else other.slug
    if other.display in candidates:
        where = f"{candidates[other.display].row.label} ({name}), which this import writes to {other.display}"
        hint = "keep one of the two rows"
    else:
        where = f"{other.display} ({name})"
        hint = f"if it is the same city, give the row the slug '{other.slug}' and import with --update to change it"
    return f"not imported: likely the same place as {where}: {duplicate.reason} (hint: {hint})"


def _field(source: SourceFile, line: int) -> str:
    """The field a diagnostic's line belongs to, as a prefix ('country: ')."""
    best = None
    for path, position in source.key_positions.items():
        if len(path) == 1 and position.line <= line and (best is None or position.line > best[1]):
            best = (path[0], position.line)
    return f"{best[0]}: " if best else ""
