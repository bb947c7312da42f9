"""The whole pipeline in one place: load -> validate -> link -> render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .link import Atlas, link
from .render import Output, Publishing, render
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
          theme_dir: Path | None = None, parsed: dict | None = None,
          publishing: Publishing | None = None) -> Result:
    """Validate the atlas at root, then link and render it; refuse to build on any error."""
    report = validate(root, today=today, docs_dir=docs_dir, theme_dir=theme_dir, parsed=parsed)
    if report.errors:
        raise BuildFailed(report)
    atlas = link(report)
    return Result(report, atlas, render(atlas, publishing))
