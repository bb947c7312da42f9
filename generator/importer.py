"""Import: a spreadsheet (CSV) or a GeoJSON file of cities becomes one checked file per row.

Each row is written as a file's text and checked by the same rules as any file in the
atlas before it is written; rows that fail are reported with their number and reasons.
An existing file is never overwritten unless asked (--update).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load import FOLDERS, parse_source, read_source, slugify
from .model import CITY
from .validate import Settings, check_source, discover, load_vocabularies, make_context

REQUIRED = ("name", "country", "latitude", "longitude")
SOURCE_COLUMNS = ("sources", "source")
KNOWN = set(REQUIRED) | set(SOURCE_COLUMNS) | {"networks", "website", "subtitle", "last_verified", "featured"}
SPLIT = re.compile(r"\s*[;|,]\s*|\s+")


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, or a required column is missing)."""


@dataclass
class Row:
    number: int  # as a person counts in the spreadsheet: the header is row 1
    values: dict[str, Any]


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, name, reasons


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{path}: expected UTF-8 text; save the spreadsheet as 'CSV UTF-8'") from None
    if path.suffix.lower() in (".geojson", ".json"):
        return _geojson_rows(path, text)
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if not any(c in columns for c in SOURCE_COLUMNS):
        missing.append("source")
    if missing:
        raise ImportFailed(f"{path}: row 1: missing column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(repr(m) for m in missing)}; the header row has {', '.join(columns) or 'nothing'}")
    unknown = [c for c in columns if c not in KNOWN]
    if unknown:
        raise ImportFailed(f"{path}: row 1: unknown column{'s' if len(unknown) > 1 else ''} "
                           f"{', '.join(repr(u) for u in unknown)}; known columns: {', '.join(sorted(KNOWN))}")
    rows = []
    for number, record in enumerate(reader, start=2):
        values = {k.strip().lower(): (v or "").strip() for k, v in record.items() if k is not None}
        if any(values.values()):
            rows.append(Row(number, values))
    return rows


def _geojson_rows(path: Path, text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed(f"{path}: expected a GeoJSON FeatureCollection")
    rows = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        properties = {str(k).lower(): v for k, v in ((feature or {}).get("properties") or {}).items()}
        geometry = (feature or {}).get("geometry") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
        rows.append(Row(number, properties))
    return rows


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-zÀ-ÿ0-9][\w .,'’()/-]*", text) and not re.fullmatch(r"(?i)yes|no|true|false|on|off|null|~|\d.*", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def to_front_matter(data: dict[str, Any]) -> str:
    """Front matter in the model's field order, in the style of the templates."""
    lines = []
    for f in CITY.fields:
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "coordinates":
            lines.append(f"coordinates: [{value[0]}, {value[1]}]")
        elif isinstance(value, list):
            lines.append(f"{f.name}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for key, item_value in item.items():
                        lines.append(f"  {'- ' if first else '  '}{key}: {_scalar(item_value)}")
                        first = False
                else:
                    lines.append(f"  - {_scalar(item)}")
        elif isinstance(value, dict):
            lines.append(f"{f.name}:")
            lines += [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{f.name}: {_scalar(value)}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return str(value)


def row_data(row: Row, verified: dt.date) -> dict[str, Any]:
    v = row.values
    data: dict[str, Any] = {"name": str(v.get("name") or "").strip(), "country": str(v.get("country") or "").strip(),
                            "coordinates": [_number(v.get("latitude", "")), _number(v.get("longitude", ""))]}
    if str(v.get("featured") or "").strip().lower() in ("true", "yes", "1"):
        data["featured"] = True
    for key in ("subtitle", "website"):
        if str(v.get(key) or "").strip():
            data[key] = str(v[key]).strip()
    networks = v.get("networks")
    if isinstance(networks, list):
        data["networks"] = [str(n) for n in networks if str(n).strip()]
    elif str(networks or "").strip():
        data["networks"] = [n for n in SPLIT.split(str(networks).strip()) if n]
    sources = v.get("sources", v.get("source"))
    if isinstance(sources, list):
        data["sources"] = [str(s) for s in sources if str(s).strip()]
    else:
        data["sources"] = [s for s in re.split(r"\s*[;|]\s*|\s+", str(sources or "").strip()) if s]
    last = str(v.get("last_verified") or "").strip()
    try:
        data["last_verified"] = dt.date.fromisoformat(last) if last else verified
    except ValueError:
        data["last_verified"] = last  # written as text: the check reports it with the row
    if not data["sources"]:
        del data["sources"]
    return data


def import_cities(root: Path, path: Path, *, update: bool = False, verified: dt.date | None = None,
                  today: dt.date | None = None) -> Outcome:
    """Write one file per good row; report the others. Raises ImportFailed for a file-level problem."""
    root = root.resolve()
    rows = read_rows(path)
    settings, problems = Settings.load(root)
    if problems:
        raise ImportFailed(f"{problems[0].path}:{problems[0].line}: {problems[0].message}; fix it first "
                           "(atlas validate lists every problem)")
    vocabularies, _ = load_vocabularies(root)
    existing = [read_source(p, p.relative_to(root).as_posix(), kind, settings.max_file_bytes)[0]
                for p, kind in discover(root)]
    folder = root / FOLDERS["city"]
    outcome = Outcome()
    seen: dict[str, int] = {}
    planned = []
    for row in rows:
        data = row_data(row, verified or dt.date.today())
        name = data["name"] or f"row {row.number}"
        slug = slugify(data["name"])
        if not slug:
            outcome.failed.append((row.number, name, ["name: expected the city's name, found nothing"]))
            continue
        if slug in seen:
            outcome.failed.append((row.number, name, [f"duplicate of row {seen[slug]}: both would be "
                                                      f"cities/{slug}.md"]))
            continue
        seen[slug] = row.number
        target = folder / f"{slug}.md"
        if target.exists() and not update:
            outcome.skipped.append((row.number, f"cities/{slug}.md already exists (use --update to change it)"))
            continue
        planned.append((row, slug, target, data))

    # Check every planned file against the atlas as it will be, imported rows included.
    candidates = []
    for row, slug, target, data in planned:
        body = ""
        if target.exists():
            old, _ = read_source(target, f"cities/{slug}.md", "city", settings.max_file_bytes)
            data = {**(old.data or {}), **data}
            body = old.body
        text = to_front_matter(data) + body
        source, problems = parse_source(text.encode("utf-8"), target, f"cities/{slug}.md", "city")
        candidates.append((row, slug, target, text, source, problems))
    context = make_context(root, settings, vocabularies, existing + [c[4] for c in candidates], today)
    for row, slug, target, text, source, problems in candidates:
        if source.readable:
            problems = problems + check_source(source, context)
        errors = [d for d in problems if d.is_error]
        if errors:
            reasons = [f"{_field(source, d.line)}{d.message}" + (f" (hint: {d.hint})" if d.hint else "")
                       for d in errors]
            outcome.failed.append((row.number, source.data.get("name", slug) if source.data else slug, reasons))
            continue
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        (outcome.updated if existed else outcome.written).append(f"cities/{slug}.md")
    return outcome


def _field(source, line: int) -> str:
    """The field a diagnostic's line belongs to, as a prefix ('country: ')."""
    best = None
    for path, position in source.key_positions.items():
        if len(path) == 1 and position.line <= line and (best is None or position.line > best[1]):
            best = (path[0], position.line)
    return f"{best[0]}: " if best else ""
