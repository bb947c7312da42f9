"""The whole pipeline in one place: load -> validate -> link -> render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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
          publishing: Publishing | Callable[[], Publishing] | None = None) -> Result:
    """Validate the atlas at root, then link and render it in a language; refuse to build on any error.

    `publishing` may be a function, asked only once the data is linked, just before rendering:
    what it waits for (whether WeasyPrint can print here) is found out meanwhile. The pages are
    rendered when `Result.outputs` is first asked for."""
    report = validate(root, today=today, docs_dir=docs_dir, theme_dir=theme_dir, parsed=parsed)
    if report.errors:
        raise BuildFailed(report)
    atlas = link(report)
    localise(atlas, report, language)
    if callable(publishing):
        publishing = publishing()
    return Result(report, atlas, Later(_render, atlas, language, report, docs_dir or root / "content", publishing))


def _render(atlas: Atlas, language: str, report: Report, docs_dir: Path, publishing: Publishing | None) -> list[Output]:
    return render(atlas, language, completeness(report, docs_dir), publishing)
