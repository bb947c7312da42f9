"""The whole pipeline in one place: load -> validate -> link -> render."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .background import Later
from ..core.link import Atlas, link
from ..core.i18n import SOURCE
from ..render.pages import Memo, Output, Publishing, render
from ..core.translate import completeness, localise
from ..core.validate import Report, validate


class BuildFailed(Exception):
    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} error(s) in the atlas's data")
        self.report = report

    @property
    def advice(self) -> str:
        """What a build that refused the data says after the report of its diagnostics."""
        return (f"the atlas's data has {len(self.report.errors)} error(s); fix them (run 'atlas validate' for "
                "the same report) and build again")


@dataclass
class Result:
    report: Report
    atlas: Atlas
    rendering: Later  # the outputs, rendered when first asked for

    @property
    def outputs(self) -> list[Output]:
        return self.rendering.result()


def build(root: Path, today: dt.date | None = None, docs_dir: Path | None = None,
          theme_dir: Path | None = None, parsed: dict | None = None, language: str = SOURCE,
          publishing: Publishing | Callable[[Atlas], Publishing] | None = None,
          memo: tuple[Memo, str] | None = None) -> Result:
    """Validate the atlas at root, then link and render it in a language; refuse to build on any error.

    `publishing` may be a function of the linked atlas (in the build's language), asked just before
    rendering: whether the pages link to reports depends on them (generator/site/plugin.py). The pages are
    rendered when `Result.outputs` is first asked for. The atlas that `preload` read, checked and
    linked is used instead of reading it again, once, when it is the same atlas. `memo` (the live
    preview's) keeps the entity pages of the last render, with a digest of what else the pages
    depend on (the settings, pages and theme)."""
    global PRELOADED
    preloaded, PRELOADED = PRELOADED, None  # localise changes the atlas: it serves one build
    if preloaded is not None and today is None and parsed is None and preloaded.key == _key(root, docs_dir, theme_dir):
        report, atlas = preloaded.report, preloaded.atlas
    else:
        report = validate(root, today=today, docs_dir=docs_dir, theme_dir=theme_dir, parsed=parsed)
        if report.errors:
            raise BuildFailed(report)
        atlas = link(report)
    localise(atlas, report, language)
    if callable(publishing):
        publishing = publishing(atlas)
    return Result(report, atlas, Later(_render, atlas, language, report, docs_dir or root / "content", publishing,
                                       memo))


def _render(atlas: Atlas, language: str, report: Report, docs_dir: Path, publishing: Publishing | None,
            memo: tuple[Memo, str] | None) -> list[Output]:
    if memo is not None:
        memo = memo[0], world(report, f"{memo[1]}\0{language}\0{publishing!r}")
    return render(atlas, language, completeness(report, docs_dir), publishing, memo)


def world(report: Report, salt: str) -> str:
    """A digest of every file's front matter (entities, translations, posts): what any page may show of
    any entity besides its own page's text."""
    digest = hashlib.sha1(salt.encode("utf-8", "surrogatepass"))
    for source in (*report.sources, *report.translations, *report.posts):
        digest.update(f"\0{source.display}\0".encode("utf-8", "surrogatepass"))
        digest.update(repr(source.data).encode("utf-8", "surrogatepass"))  # the file's order: the same file, the same text
    return digest.hexdigest()


# ---- the whole site: read, checked and linked once (generator/site/sites.py) -------------------------

@dataclass
class Preloaded:
    key: tuple
    report: Report
    atlas: Atlas


PRELOADED: Preloaded | None = None


def _key(root: Path, docs_dir: Path | None, theme_dir: Path | None) -> tuple:
    return tuple(Path(p).resolve() if p is not None else None for p in (root, docs_dir, theme_dir))


def preload(root: Path, docs_dir: Path | None = None, theme_dir: Path | None = None) -> BuildFailed | None:
    """Reads, checks and links the atlas for the next `build` of this process, or of the processes forked
    from it (each language of `make site`); the failure, with its report, if the data has errors."""
    global PRELOADED
    report = validate(root, docs_dir=docs_dir, theme_dir=theme_dir)
    if report.errors:
        return BuildFailed(report)
    PRELOADED = Preloaded(_key(root, docs_dir, theme_dir), report, link(report))
    return None
