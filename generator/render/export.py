"""Exports: the downloads' columns and the map's properties, derived from the kinds' fields.

A field declared in the registry is a column of its kind's CSV, a key of its records in
atlas.json and, with `on_map`, a property of its map layer, with no list to keep in step.
Each field type says how it reads in a table (`columns`) and in JSON (`json_value`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..core.kinds import Kind
from ..core.model import Boolean, Coordinates, Country, Date, Either, Field, Integer, ListOf, Number, Record, Ref, Year


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    value: Callable[[Any], Any]  # entity -> a plain value (lists stay lists: the CSV joins them)
    type: str = "string"  # its Frictionless Table Schema type (datapackage.json)


TYPES = {Integer: "integer", Number: "number", Year: "year", Date: "date", Boolean: "boolean"}


def schema_type(kind: Any) -> str:
    """A field type's Table Schema type: what a CSV cell of it holds (lists and the rest: text)."""
    return TYPES.get(type(kind), "string")


def _slugs(items) -> list[str]:
    return [item.slug for item in items]


def field_columns(f: Field) -> list[Column]:
    """The columns one field gives a table: coordinates two, a group one per part, others one."""
    name, kind = f.name, f.type
    inner = kind.item if isinstance(kind, ListOf) else kind
    if isinstance(kind, Coordinates):
        return [Column("latitude", "WGS 84, decimal degrees", lambda e: round(e.coordinates[0], 5), "number"),
                Column("longitude", "WGS 84, decimal degrees", lambda e: round(e.coordinates[1], 5), "number")]
    if isinstance(kind, Record):
        return [Column(name if sub.name == "value" else f"{name}_{sub.name}", sub.description,
                       lambda e, key=sub.name: (getattr(e, name) or {}).get(key), schema_type(sub.type))
                for sub in kind.fields]
    if isinstance(kind, Country):
        return [Column(name, "ISO 3166-1 alpha-2 code", lambda e: getattr(e, name).code)]
    if name == "sources":
        return [Column(name, "source addresses", lambda e: [s.url for s in e.sources])]
    if isinstance(kind, Ref):
        return [Column(name, f.description, lambda e: getattr(e, name).slug)]
    if isinstance(inner, (Ref, Either)) and isinstance(kind, ListOf):
        return [Column(name, f.description, lambda e: _slugs(getattr(e, name)))]
    if isinstance(inner, Record) and isinstance(kind, ListOf) and kind.key:  # a network's commitments: their ids
        return [Column(name, f.description, lambda e, key=kind.key: [_data(v)[key] for v in getattr(e, name)])]
    return [Column(name, f.description, lambda e: getattr(e, name), schema_type(kind))]


def _data(value: Any) -> Any:
    """A linked value (a Commitment, a member's CommitmentState) as plain data, in the file's shape."""
    if isinstance(value, list):
        return [_data(v) for v in value]
    return value.as_data() if hasattr(value, "as_data") else value


def json_value(f: Field, entity) -> Any:
    """A field as atlas.json holds it: in the shape of the file, references as slugs."""
    kind = f.type
    inner = kind.item if isinstance(kind, ListOf) else kind
    value = getattr(entity, f.name)
    if f.edges:
        long = inner.long  # type: ignore[union-attr]
        key = next(sub.name for sub in long.fields if isinstance(sub.type, Ref))
        return [{key: edge.target.slug, **{sub.name: _data(getattr(edge, sub.name)) for sub in long.fields
                                          if sub.name != key}} for edge in getattr(entity, f.edges)]
    if f.name == "sources":
        return [{"title": s.title, "url": s.url, **({"published": s.published} if s.published else {}),
                 **({"retrieved": s.retrieved} if s.retrieved else {})} for s in value]
    if isinstance(kind, Coordinates):
        return list(value)
    if isinstance(kind, (Country, Ref)):
        return value.code if isinstance(kind, Country) else value.slug
    if isinstance(inner, Ref) and isinstance(kind, ListOf):
        return _slugs(value)
    return _data(value)


def table(kind: Kind, url: Callable[[Any], str]) -> list[Column]:
    """The columns of a kind's CSV: its slug, its fields, what its downloads add, its page."""
    columns = [Column("slug", f"the {kind.name}'s id and file name", lambda e: e.slug)]
    for f in kind.fields:
        if f.export:
            columns += field_columns(f)
    columns += [Column(name, meaning, value) for name, meaning, value in kind.derived]
    return columns + [Column("url", "its page: its whole address where the site has one, else relative to the site",
                             url)]


def map_properties(kind: Kind, url: Callable[[Any], str]) -> list[Column]:
    """The properties of a kind's features on the map: slug, the on_map fields, the kind's extras, page."""
    columns = [Column("slug", "", lambda e: e.slug)]
    for f in kind.fields:
        if f.on_map:
            columns += field_columns(f)
    columns += [Column(name, "", value) for name, value in kind.map_properties.items()]
    return columns + [Column("url", "", url)]


def record(kind: Kind, entity, url: str) -> dict:
    """An entity in atlas.json: every field in the file's shape, what the kind adds, its file and page."""
    data = {"slug": entity.slug}
    data.update({f.name: plain(json_value(f, entity)) for f in kind.fields if f.export})
    data.update({name: value(entity) for name, _, value in kind.derived})
    data.update({"file": entity.path, "url": url})
    return data


def plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# OWASP's advice against formula injection: a spreadsheet reads a cell that starts with one of these
# as a formula (=HYPERLINK(...), +cmd|...), so such a cell starts with a ' instead. Numbers stay numbers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutral(text: str) -> str:
    """A CSV cell's text that no spreadsheet runs as a formula (and whose line breaks the writer quotes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    if text.startswith(FORMULA_START + ("\n",)) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    """A CSV file (UTF-8 text, a header row) whose every cell is `cell`'s and `neutral`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutral(name) for name in header])
    writer.writerows([neutral(cell(value)) for value in row] for row in rows)
    return buffer.getvalue()


def cell(value: Any) -> str:
    """A value in a CSV cell: lists joined with '; ', true/false, nothing for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
