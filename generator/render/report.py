"""City reports: a printable PDF of every featured city, from a print template, by WeasyPrint.

The report is HTML made here from the linked atlas (data text escaped, the Markdown body
sanitised as on the pages, a locator map drawn as SVG in Python since no JavaScript runs),
then printed to PDF by WeasyPrint, which fetches nothing: every resource is inline and its
URL fetcher refuses every address. PDFs are cached by the hash of their HTML (which holds
the stylesheet too) and WeasyPrint's version, so an unchanged city is not printed again;
the others are printed in parallel processes. Nothing here knows MkDocs.

WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0);
without it `unavailable()` says why, and the site is built without reports.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import logging
import math
import os
import posixpath
import re
import shutil
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import markdown

from ..core import i18n
from ..core.geo import DATA as OUTLINES
from ..core.link import Atlas, Entity
from .pages import templates, escape_html, page_url, report_path
from ..core.safety import is_local, sanitise

LIBRARIES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
STYLESHEET = Path(__file__).parent.parent / "templates" / "report.css"
CACHE = Path(".cache") / "reports"  # in the atlas's folder; git-ignored
CACHE_UNUSED_DAYS = 14  # a cached PDF no build has used for this long is removed


def unavailable() -> str | None:
    """None when WeasyPrint can print here; otherwise why not and what to do, in one sentence."""
    try:
        import weasyprint  # noqa: F401
    except ModuleNotFoundError as error:  # an environment not made from requirements.lock
        return (f"WeasyPrint is not installed ({error}). To get them, install the pinned packages "
                "(make .venv/.ready, or pip install -r requirements.lock) and build again")
    except (ImportError, OSError) as error:  # OSError: the package is there, but not Pango
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        return (f"WeasyPrint cannot load its libraries ({first_line}). To get them, install Pango and HarfBuzz "
                f"(Debian/Ubuntu: apt-get install {LIBRARIES}) and build again")
    return None


# ---- the report's HTML ---------------------------------------------------------------

_HREF = re.compile(r'(<a\b[^>]*\bhref=")([^"]*)(")')


def _absolute_links(body_html: str, city_path: str, site_url: str) -> str:
    """Links in a city's text are written to its Markdown file; in a PDF they must be whole addresses."""

    def absolute(match: re.Match) -> str:
        href = html.unescape(match.group(2))
        if not is_local(href) or href.startswith("#"):
            return match.group(0)
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(city_path), path))
        url = page_url(target) if target.endswith(".md") else target
        return match.group(1) + escape_html(site_url + url + (f"#{fragment}" if fragment else "")) + match.group(3)

    return _HREF.sub(absolute, body_html)


def report_html(atlas: Atlas, city: Entity, site_url: str, language: str = i18n.SOURCE) -> str:
    """The report of one city as a standalone HTML document, in a language (the atlas as linked in it):
    data escaped, its text sanitised; a profile not yet translated is the English text, marked so."""
    site_url = site_url.rstrip("/") + "/"
    city_path = f"{city.kind.folder}/{city.slug}.md"
    body = sanitise(markdown.markdown(city.body or "", extensions=["tables", "attr_list", "admonition"]))
    body = _absolute_links(body, city_path, site_url)
    untranslated = language != i18n.SOURCE and city.translation is not None and city.translation.status == "missing"
    return templates(language).get_template("report.html.j2").render(
        atlas=atlas, city=city, body=body, site_url=site_url, url=site_url + page_url(city_path),
        map=locator_svg(city), stylesheet=STYLESHEET.read_text(encoding="utf-8"),
        page_footer=page_footer_css(i18n.translations(language).gettext),
        untranslated=untranslated, english=' lang="en"' if untranslated else "",
        host=urlsplit(site_url).netloc or site_url)


def css_string(text: str) -> str:
    """Text as a CSS string inside a <style> element: quotes, backslashes and angle brackets escaped."""
    escaped = "".join(f"\\{ord(c):X} " if c in '"\\<>' or ord(c) < 32 or ord(c) == 127 else c for c in text)
    return f'"{escaped}"'


def page_footer_css(gettext: Callable[[str], str]) -> str:
    """The words at the foot of each page ("Page 1 of 3"), in the report's language."""
    pieces = re.split(r"(%\(pages?\)s)", gettext(i18n.N_("Page %(page)s of %(pages)s")))
    content = " ".join({"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}.get(p) or css_string(p)
                       for p in pieces if p)
    return ("@page { @bottom-left { content: %s; } @bottom-right { content: %s; } }"
            % (css_string(gettext(i18n.N_("Moving Cities Atlas · City report"))), content))


# ---- the locator map: the city in its country, as SVG ----------------------------------

WIDTH, HEIGHT = 360, 270  # points on the page


@lru_cache(maxsize=1)
def _outlines() -> dict[str, list]:
    return json.loads(OUTLINES.read_text(encoding="utf-8"))["outlines"]


SIMPLIFY_DEGREES = 0.04  # a locator map shows at least 7.5 degrees in 270 points: 0.04 degrees is 1.5 points


def _simplified(ring: list[float]) -> list[float]:
    """A ring without the points nearer than SIMPLIFY_DEGREES to the last one kept (1:10m has many)."""
    out = ring[0:2]
    for x, y in zip(ring[2::2], ring[3::2]):
        if abs(x - out[-2]) + abs(y - out[-1]) >= SIMPLIFY_DEGREES:
            out += (x, y)
    return out


@lru_cache(maxsize=1)
def _boxed() -> list[tuple[str, tuple[float, float, float, float], list]]:
    """Every country's polygons, simplified, with the box of their outer ring: computed once, and a map
    skips the polygons whose box is outside it."""
    return [(code, _ring_box(polygon[0]), [_simplified(ring) for ring in polygon])
            for code, polygons in sorted(_outlines().items()) for polygon in polygons]


def _ring_box(ring: list[float]) -> tuple[float, float, float, float]:
    xs, ys = ring[0::2], ring[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _home_part(polygons: list, lat: float, lng: float) -> tuple[float, float, float, float] | None:
    """The box of the part of the country that holds the city (France's mainland, not Guiana)."""
    best, best_key = None, None
    for polygon in polygons:
        west, south, east, north = _ring_box(polygon[0])
        inside = west <= lng <= east and south <= lat <= north
        distance = 0.0 if inside else math.hypot(max(west - lng, 0, lng - east), max(south - lat, 0, lat - north))
        key = (distance, -(east - west) * (north - south))
        if best_key is None or key < best_key:
            best, best_key = (west, south, east, north), key
    return best if best_key is not None and best_key[0] < 5 else None


def draw_maps(cities: list[Entity]) -> None:
    """Draws the cities' locator maps ahead: make site does it once, before it forks every language's build,
    which then finds them drawn (a map is the larger part of a report's HTML)."""
    for city in cities:
        _drawing(float(city.coordinates[0]), float(city.coordinates[1]), city.country.code)


def locator_svg(city: Entity) -> str:
    """The city as a dot in its country (highlighted) among its neighbours, in an equirectangular view."""
    others, home, x, y = _drawing(float(city.coordinates[0]), float(city.coordinates[1]), city.country.code)
    name = escape_html(city.name)
    label_anchor = "end" if x > WIDTH * 0.7 else "start"
    label_x = x - 8 if label_anchor == "end" else x + 8
    font = 'font-family="DejaVu Sans, sans-serif" font-size="11" font-weight="bold"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="locator-title">'
        f'<title id="locator-title">{name} in {escape_html(city.country.name)}</title>'
        # Colours as presentation attributes: WeasyPrint does not apply the page's stylesheet inside <svg>.
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#e6f0f5"/>'
        f'<path class="land" fill="#dcd6c8" stroke="#ffffff" stroke-width="0.6" d="{others}"/>'
        f'<path class="home" fill="#f2c08f" stroke="#8a5a2b" stroke-width="0.8" d="{home}"/>'
        f'<circle class="city" fill="#c0392b" stroke="#ffffff" stroke-width="1.5" cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
        # The name twice: a white halo (WeasyPrint has no paint-order), then the letters.
        f'<text x="{label_x:.1f}" y="{y + 4:.1f}" text-anchor="{label_anchor}" {font} fill="#ffffff" '
        f'stroke="#ffffff" stroke-width="3">{name}</text>'
        f'<text class="city-name" x="{label_x:.1f}" y="{y + 4:.1f}" text-anchor="{label_anchor}" {font} '
        f'fill="#1d1d1d">{name}</text>'
        f'</svg>')


@lru_cache(maxsize=512)  # a session of make serve draws each featured city again only when it moves
def _drawing(lat: float, lng: float, here: str) -> tuple[str, str, float, float]:
    """The map of a place in a country: its neighbours' outlines, its country's, and where the place is."""
    west, south, east, north = _home_part(_outlines().get(here, []), lat, lng) or (lng, lat, lng, lat)
    # The city well inside the frame, wherever it lies in its country's part.
    west, south, east, north = min(west, lng - 1.5), min(south, lat - 1), max(east, lng + 1.5), max(north, lat + 1)
    # At least 6 degrees of latitude around the country, a margin, and the page's proportions.
    middle_lat = (south + north) / 2
    shrink = math.cos(math.radians(middle_lat))
    span_y = max(north - south, 6.0) * 1.25
    span_x = max((east - west) * shrink * 1.25, span_y * WIDTH / HEIGHT)
    span_y = max(span_y, span_x * HEIGHT / WIDTH)
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    scale = HEIGHT / span_y  # points per degree of latitude
    left, top = centre_x - span_x / shrink / 2, centre_y + span_y / 2

    def project(x: float, y: float) -> tuple[float, float]:
        px = (x - left) * shrink * scale
        py = (top - y) * scale
        # Clamped a little beyond the frame: the parts outside collapse onto its edge, keeping the file small.
        return min(max(px, -10.0), WIDTH + 10.0), min(max(py, -10.0), HEIGHT + 10.0)

    frame = (left - 1, top - span_y - 1, left + span_x / shrink + 1, top + 1)
    kx, high_x, high_y = shrink * scale, WIDTH + 10.0, HEIGHT + 10.0

    def path(polygons: list) -> str:
        parts = []
        for (w, s, e, n), polygon in polygons:
            if e < frame[0] or w > frame[2] or n < frame[1] or s > frame[3]:
                continue
            for ring in polygon:
                points, last_x, last_y = [], math.inf, math.inf
                for x, y in zip(ring[0::2], ring[1::2]):
                    # project(), inlined: this loop is most of a report's HTML time.
                    px = (x - left) * kx
                    py = (top - y) * scale
                    px = -10.0 if px < -10.0 else high_x if px > high_x else px
                    py = -10.0 if py < -10.0 else high_y if py > high_y else py
                    # A point less than a point (1/72 inch) from the last one kept adds nothing on paper.
                    if abs(px - last_x) + abs(py - last_y) >= 1.0:
                        last_x, last_y = px, py
                        points.append(f"{px:.1f} {py:.1f}")
                if len(points) >= 3:
                    parts.append("M" + "L".join(points) + "Z")
        return "".join(parts)

    others = path([(box, polygon) for code, box, polygon in _boxed() if code != here])
    home = path([(box, polygon) for code, box, polygon in _boxed() if code == here])
    x, y = project(lng, lat)
    return others, home, x, y


# ---- printing, cached and in parallel ---------------------------------------------------

@dataclass
class Printed:
    printed: list[str]  # slugs printed by this build
    cached: list[str]  # slugs whose PDF came from the cache
    seconds: float


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        """A report is self-contained: whatever a data file slips in, nothing is fetched, not even a local file."""

        refused: list[str] = []

        def fetch(self, url, headers=None):
            self.refused.append(url)
            raise ValueError(f"a city report fetches nothing ({url})")

    return RefuseEverything


REPORT_SECONDS = 60  # one report takes well under a second; a hostile one must not stall the build


class ReportFailed(Exception):
    """A report that could not be printed, named by its file and city."""


def _out_of_time(signum, frame):
    raise TimeoutError(f"printing took longer than {REPORT_SECONDS} s")


def print_pdf(document: str) -> bytes:
    """One report's HTML as PDF bytes, within REPORT_SECONDS; WeasyPrint's warnings (a refused fetch) stay quiet.

    The time limit is a timer signal, so this runs in a process's main thread (print_reports sees to it)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _fetcher_class()()
    timed = threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _out_of_time)
        signal.setitimer(signal.ITIMER_REAL, REPORT_SECONDS)
    try:
        return weasyprint.HTML(string=document, base_url=None, url_fetcher=fetcher).write_pdf()
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _failed(slug: str, error: BaseException) -> ReportFailed:
    what = "its text is nested too deeply" if isinstance(error, RecursionError) else f"{type(error).__name__}: {error}"
    return ReportFailed(f"cities/{slug}.md: the report could not be printed ({what})"[:500])


def _key(document: str, version: str) -> str:
    return hashlib.sha256(f"{version}\0{document}".encode()).hexdigest()


def _cached(documents: dict[str, str], cache_dir: Path) -> dict[str, Path] | None:
    """Where each report (slug -> HTML) printed by this WeasyPrint is kept; None without WeasyPrint."""
    try:
        version = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        return None
    return {slug: cache_dir / f"{_key(document, version)}.pdf" for slug, document in documents.items()}


def in_cache(documents: dict[str, str], cache_dir: Path) -> bool:
    """Whether every report (slug -> HTML) is printed already, by this WeasyPrint: then publishing them is
    copying files, and needs neither WeasyPrint's import (half a second) nor its libraries."""
    cached = _cached(documents, cache_dir)
    return cached is not None and all(path.is_file() for path in cached.values())


def print_reports(documents: dict[str, str], site_dir: Path, cache_dir: Path, processes: int | None = None,
                  pool_from: int = 2) -> Printed:
    """Write every report (slug -> HTML) to site_dir/reports/<slug>.pdf, from the cache where it has it.

    From `pool_from` reports to print on, they are printed in worker processes (as many as cores,
    or `processes`); fewer are printed here, which saves starting a process.
    """
    started = time.perf_counter()
    if not documents and not (site_dir / "reports").is_dir():
        return Printed([], [], time.perf_counter() - started)  # no featured city: no folder of reports
    cache_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "reports").mkdir(parents=True, exist_ok=True)
    cached = _cached(documents, cache_dir)  # (by WeasyPrint's version: importing it takes half a second)
    if cached is None:
        raise ReportFailed("the reports could not be printed: WeasyPrint is not installed")
    missing = [slug for slug in documents if not cached[slug].is_file()]
    workers = min(processes or os.cpu_count() or 1, len(missing))
    # In worker processes from `pool_from` reports on, and always outside the main thread (the preview's
    # printer), where print_pdf's timer cannot run.
    if missing and (len(missing) >= pool_from or threading.current_thread() is not threading.main_thread()):
        import weasyprint  # noqa: F401 - once here, not again in every worker
        # Outside the main thread, the preview prints while a person edits: its printers give way to the
        # next edit's rebuild (on two cores, two printers at full priority slowed a save by half a second).
        behind = threading.current_thread() is not threading.main_thread() and hasattr(os, "nice")
        with ProcessPoolExecutor(max_workers=workers, initializer=os.nice if behind else None,
                                 initargs=(10,) if behind else ()) as pool:
            futures = {slug: pool.submit(print_pdf, documents[slug]) for slug in missing}
            pdfs = []
            for slug, future in futures.items():
                try:
                    pdfs.append(future.result())
                except Exception as error:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise _failed(slug, error) from None
    else:
        pdfs = []
        for slug in missing:
            try:
                pdfs.append(print_pdf(documents[slug]))
            except Exception as error:
                raise _failed(slug, error) from None
    for slug, pdf in zip(missing, pdfs):
        partial = cached[slug].with_name(cached[slug].name + ".part")  # never a half-written PDF under the final name
        partial.write_bytes(pdf)
        partial.replace(cached[slug])
    for slug, path in cached.items():
        shutil.copyfile(path, site_dir / report_path(slug))
        os.utime(path)  # used now: kept by the clean-up below
    for stale in (site_dir / "reports").glob("*.pdf"):  # a city no longer featured (the preview keeps the site)
        if stale.stem not in documents:
            stale.unlink()
    _forget_unused(cache_dir)
    return Printed(missing, [slug for slug in documents if slug not in missing], time.perf_counter() - started)


def _forget_unused(cache_dir: Path) -> None:
    limit = time.time() - CACHE_UNUSED_DAYS * 86400
    for entry in cache_dir.glob("*.pdf"):
        if entry.stat().st_mtime < limit:
            entry.unlink(missing_ok=True)


def featured_reports(atlas: Atlas, site_url: str, language: str = i18n.SOURCE) -> dict[str, str]:
    """slug -> report HTML of every featured city, in a language."""
    return {city.slug: report_html(atlas, city, site_url, language) for city in atlas.featured}


def publish(atlas: Atlas, site_url: str, site_dir: Path, cache_dir: Path, pool_from: int = 2,
            language: str = i18n.SOURCE) -> Printed:
    """Every featured city's report in a language, made and printed (or taken from the cache: a report is
    printed once for its content) into site_dir/reports/."""
    return print_reports(featured_reports(atlas, site_url, language), site_dir, cache_dir, pool_from=pool_from)
