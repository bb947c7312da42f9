"""Templates for `atlas new`: every field of the kind, explained in comments."""

from __future__ import annotations

import textwrap

from ..core.kinds import REGISTRY
from ..core.model import Field, Record


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 86)]


def _example_lines(f: Field) -> list[str]:
    if isinstance(f.type, Record) and isinstance(f.example, dict):
        return [f"{f.name}:"] + [f"  {k}: {v}" for k, v in f.example.items()]
    return [f"{f.name}: {f.example_yaml()}"]


def render_template(kind: str, name: str, given: dict[str, str], sources: list[dict[str, str]] = ()) -> str:
    """A file that fails validation until every required field is filled in. `sources` come first in its
    list (each a dict of YAML values), before the empty one left for the contributor's own."""
    entry = REGISTRY[kind]
    lines = ["---"]
    lines += _comment(f"{entry.intro} Lines starting with # explain the field below them; you may delete them. "
                      "Fields marked (required) must be filled in; the others are optional: fill them in "
                      "from a source or delete them. Never guess a fact.")
    values = {entry.title: name, **given}
    for f in entry.fields:
        lines.append("")
        lines += _comment(f.description + (" (required)" if f.required else ""))
        if f.name in values:
            lines.append(f"{f.name}: {values[f.name]}")
        elif f.name == "sources":
            lines.append("sources:")
            for source in sources:
                lines += [("    " if i else "  - ") + f"{key}: {value}" for i, (key, value) in enumerate(source.items())]
            lines += ["  - title:", "    url:"]
        elif f.required:
            lines.append(f"{f.name}:")
            lines += _comment(f"for example: {_example_lines(f)[0].split(': ', 1)[-1]}")
        else:
            lines += ["# " + line for line in _example_lines(f)]
    lines.append("---")
    lines.append("")
    # A kind with a profile (a featured city) has its sections only when featured: under empty headings a
    # page would show the headings alone.
    headings = entry.headings if not entry.profile or given.get("featured") == "true" else ()
    if headings:
        lines.append("<!-- Write the text in Markdown under these headings, in your own words. -->")
    else:
        what = entry.body or f"what your sources say about the {entry.name}, if you like (or nothing)"
        lines.append(f"<!-- Write {what}, in your own words. -->")
    if entry.excerpt_marker:
        lines += ["<!-- Lists show what is above the next line: a sentence or two. -->", "", entry.excerpt_marker]
    for heading in headings:
        lines += ["", f"## {heading}", ""]
    return "\n".join(lines) + "\n"
