"""Templates for `atlas new`: every field of the model, explained in comments."""

from __future__ import annotations

import textwrap

from .model import ENTITIES, HEADINGS, Field, Record

INTRO = {
    "city": "A city (municipality) of the Moving Cities Atlas.",
    "initiative": "A local initiative of the Moving Cities Atlas.",
    "network": "A city network of the Moving Cities Atlas.",
}


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 86)]


def _example_lines(f: Field) -> list[str]:
    if isinstance(f.type, Record) and isinstance(f.example, dict):
        return [f"{f.name}:"] + [f"  {k}: {v}" for k, v in f.example.items()]
    return [f"{f.name}: {f.example_yaml()}"]


def render_template(kind: str, name: str, given: dict[str, str]) -> str:
    """A file that fails validation until every required field is filled in."""
    lines = ["---"]
    lines += _comment(f"{INTRO[kind]} Lines starting with # explain the field below them; you may delete them. "
                      "Fields marked (required) must be filled in; the others are optional: fill them in "
                      "from a source or delete them. Never guess a fact.")
    name_field = "title" if kind == "initiative" else "name"
    values = {name_field: name, **given}
    for f in ENTITIES[kind].fields:
        lines.append("")
        lines += _comment(f.description + (" (required)" if f.required else ""))
        if f.name in values:
            lines.append(f"{f.name}: {values[f.name]}")
        elif f.name == "sources":
            lines += ["sources:", "  - title:", "    url:"]
        elif f.required:
            lines.append(f"{f.name}:")
            lines += _comment(f"for example: {_example_lines(f)[0].split(': ', 1)[-1]}")
        else:
            lines += ["# " + line for line in _example_lines(f)]
    lines.append("---")
    lines.append("")
    if HEADINGS[kind]:
        lines.append("<!-- Write the text in Markdown under these headings, in your own words. -->")
    else:
        lines.append("<!-- Write what the network is and does, in your own words. -->")
    for heading in HEADINGS[kind]:
        lines += ["", f"## {heading}", ""]
    return "\n".join(lines) + "\n"
