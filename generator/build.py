"""The whole pipeline in one place: load -> validate -> link -> render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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
    outputs: list[Output]


def build(root: Path, today: dt.date | None = None, docs_dir: Path | None = None,
          theme_dir: Path | None = None, parsed: dict | None = None, language: str = SOURCE,
          publishing: Publishing | Callable[[], Publishing] | None = None) -> Result:
    """Validate the atlas at root, then link and render it in a language; refuse to build on any error.

    `publishing` may be a function, asked only once the data is linked, just before rendering:
    what it waits for (whether WeasyPrint can print here) is found out meanwhile."""
    report = validate(root, today=today, docs_dir=docs_dir, theme_dir=theme_dir, parsed=parsed)
    if report.errors:
        raise BuildFailed(report)
    atlas = link(report)
    localise(atlas, report, language)
    reports = completeness(report, docs_dir or root / "content")
    if callable(publishing):
        publishing = publishing()
    return Result(report, atlas, render(atlas, language, reports, publishing))
