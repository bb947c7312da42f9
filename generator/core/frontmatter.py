"""Front matter written by the atlas: a new file's, or an existing file's with some fields changed.

A new file's front matter is YAML in the model's field order, in the style of the templates
(lists indented under their key, coordinates on one line), and reads back exactly as the
values it was made from, whatever text they hold. An existing file is edited line by line:
only the fields that change are rewritten, so its comments and layout stay as the
contributor wrote them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import yaml

from .load import SourceFile
from .kinds import KINDS


class _Flow(list):
    """A list written on one line: coordinates: [52.4, 13.07]."""


class _Writer(yaml.SafeDumper):
    """PyYAML's safe dumper, with lists indented under their key as the templates write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _write_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Line breaks and control characters are written as escapes, so every value stays on one line.
    escape = any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") or c == "\ufeff" for c in value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if escape else None)


_Writer.add_representer(str, _write_text)
_Writer.add_representer(_Flow, lambda dumper, value: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", value, flow_style=True))


def _yaml(data: dict[str, Any]) -> str:
    if not data:
        return ""
    coordinates = data.get("coordinates")
    if isinstance(coordinates, list) and len(coordinates) == 2 and all(
            isinstance(c, (int, float, str)) and not isinstance(c, bool) for c in coordinates):
        data = {**data, "coordinates": _Flow(coordinates)}
    return yaml.dump(data, Dumper=_Writer, allow_unicode=True, sort_keys=False, width=math.inf,
                     default_flow_style=False)


def to_front_matter(data: dict[str, Any], kind: str = "city") -> str:
    """Front matter with the model's fields in the model's order, then any other field as it came."""
    order = KINDS[kind].record.field_names()
    ordered = {**{k: data[k] for k in order if k in data}, **{k: v for k, v in data.items() if k not in order}}
    return "---\n" + _yaml(ordered) + "---\n"


def field_lines(key: str, value: Any) -> list[str]:
    """One field as the lines of front matter that write it."""
    return _yaml({key: value}).rstrip("\n").split("\n")


# ---- editing an existing file --------------------------------------------------------

def _blocks(lines: list[str], source: SourceFile) -> dict[str, tuple[int, int, int]]:
    """Each top-level field's lines: (its key line, the line after its value, the next field's key line).

    Blank lines and comments at the start of a line after a value belong to the next field
    (the templates put a field's explanation above it), so they stay where they are.
    """
    close = source.body_line - 2  # the closing '---'
    starts = sorted((position.line - 1, path[0]) for path, position in source.key_positions.items() if len(path) == 1)
    blocks = {}
    for index, (start, key) in enumerate(starts):
        after = end = starts[index + 1][0] if index + 1 < len(starts) else close
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        blocks[key] = (start, end, after)
    return blocks


def _insertion(lines: list[str], blocks: dict, earlier_fields: list[str], close: int) -> tuple[int, list[str]]:
    """Where a new field goes: after the field before it in the model, ahead of the next field's comments."""
    earlier = [blocks[k] for k in earlier_fields if k in blocks]
    if not earlier:
        return min((start for start, _, _ in blocks.values()), default=close), []
    _, end, after = max(earlier)
    blank = [i for i in range(end, after) if not lines[i].strip()]
    if not blank:
        return end, []
    return blank[-1], ([""] if lines[blank[-1] - 1].startswith("#") else [])


def _item_indent(lines: list[str], key: str, start: int, end: int) -> str | None:
    """The indentation of a block list's items, or None when the list is written another way."""
    if not re.fullmatch(rf"{re.escape(key)}\s*:\s*(#.*)?", lines[start].rstrip()):
        return None
    for line in lines[start + 1:end]:
        if (match := re.match(r"( *)- ", line)):
            return match.group(1)
    return None


def patch_front_matter(text: str, source: SourceFile, values: dict[str, Any], edits: dict[str, tuple]) -> str:
    """The file's text (LF line ends) with only the edited fields rewritten; every other line stays.

    `source` is that text as read; `values` every field as it will be; an edit is ("set", value)
    or ("append", items) for a list that grows. Callers check that the result reads back as
    `values`: a layout these line edits cannot follow is theirs to handle.
    """
    order = KINDS[source.kind].record.field_names()
    lines = text.split("\n")
    blocks = _blocks(lines, source)
    replacements = []  # (start, end, rank, new lines), applied from the bottom up
    for key, (action, value) in edits.items():
        rank = order.index(key) if key in order else len(order)
        if key in blocks:
            start, end, _ = blocks[key]
            indent = _item_indent(lines, key, start, end) if action == "append" else None
            if indent is not None:
                items = [line[2:] for line in field_lines(key, value)[1:]]
                replacements.append((end, end, rank, [indent + line for line in items]))
            else:
                replacements.append((start, end, rank, field_lines(key, values[key])))
        else:
            at, spacing = _insertion(lines, blocks, order[:rank], source.body_line - 2)
            first = not any(r[0] == at == r[1] and r[2] < rank for r in replacements)  # edits come in model order
            replacements.append((at, at, rank, (spacing if first else []) + field_lines(key, values[key])))
    for start, end, _, new in sorted(replacements, reverse=True):
        lines[start:end] = new
    return "\n".join(lines)
