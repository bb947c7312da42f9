"""The whole pipeline in one place: load -> validate -> link -> render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import background
from .background import Later
from .link import Atlas, link
from .i18n import SOURCE
from .render import Output, Publishing, render
from .translate import completeness, localise
from .validate import Report, validate


class BuildFailed(Exception):
    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} error(s) in the atlas's data")
        self.report = report


@dataclass
class Result:
    report: Report
    atlas: Atlas
    rendering: Later  # the outputs (in a second process while MkDocs goes on, with `in_background`)

    @property
    def outputs(self) -> list[Output]:
        return self.rendering.result()


def build(root: Path, today: dt.date | None = None, docs_dir: Path | None = None,
          theme_dir: Path | None = None, parsed: dict | None = None, language: str = SOURCE,
          publishing: Publishing | Callable[[], Publishing] | None = None, in_background: bool = False) -> Result:
    """Validate the atlas at root, then link and render it in a language; refuse to build on any error.

    `publishing` may be a function, asked only once the data is linked, just before rendering:
    what it waits for (whether WeasyPrint can print here) is found out meanwhile. With
    `in_background`, the pages are rendered by a forked child (generator/background.py) while
    the caller goes on; `Result.outputs` waits for them."""
    report = validate(root, today=today, docs_dir=docs_dir, theme_dir=theme_dir, parsed=parsed)
    if report.errors:
        raise BuildFailed(report)
    atlas = link(report)
    localise(atlas, report, language)
    if callable(publishing):
        publishing = publishing()
    work = (atlas, language, report, docs_dir or root / "content", publishing)
    if not in_background:
        return Result(report, atlas, Later(_render, *work))
    # The child renders the last part of the entities' pages and the rest; this process the first part, when the
    # outputs are first asked for (MkDocs cleans the site's folder and lists the files meanwhile).
    cut = int(sum(len(entities) for entities in atlas.entities.values()) * HERE)
    there = background.in_background(_render, *work, slice(cut, None), True)
    here = Later(_render, *work, slice(0, cut), False)
    return Result(report, atlas, Later(lambda: here.result() + there.result()))


HERE = 0.4  # of the entities' pages, rendered by this process (the child renders the rest, and every other page)


def _render(atlas: Atlas, language: str, report: Report, docs_dir: Path, publishing: Publishing | None,
            entities: slice = slice(None), rest: bool = True) -> list[Output]:
    translations = completeness(report, docs_dir) if rest else None
    return render(atlas, language, translations, publishing, entities, rest)
