"""make bench: speed and memory of the atlas's stages, as ratios against baselines.

Every figure comes from this invocation on this machine; nothing is compared with
numbers recorded elsewhere. Results are printed and written to .bench/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

from .measure import compare, paired, rounds
from .synthetic import ROOT, generate

WORK = ROOT / ".bench"
BIN = Path(sys.executable).parent


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def bench_validation() -> dict:
    atlas = generate(WORK / "validate", cities=7000, featured=30, initiatives=2900, networks=100)
    files = 10000
    baseline, ours = compare([sys.executable, "-m", "benchmarks.baseline_parse", str(atlas)],
                             [str(BIN / "atlas"), "--root", str(atlas), "validate"], cwd=ROOT)
    return {
        "files": files,
        "baseline_parse_seconds": round(baseline.seconds, 3),
        "validate_seconds": round(ours.seconds, 3),
        "validate_files_per_second": round(files / ours.seconds),
        "ratio_to_parse_only": round(ours.seconds / baseline.seconds, 2),
        "validate_peak_mib": round(ours.peak_mib, 1),
        "goal": "10,000 files in under 3 s",
        "goal_met": ours.seconds < 3,
    }


def _plain_mkdocs_site(atlas: Path, target: Path) -> Path:
    """The same pages as Markdown files, the same theme and nav, and no plugin of ours."""
    import shutil

    from generator.site.build import build
    from generator.render.pages import render_snippet

    result = build(atlas)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(atlas / "content", target / "content")
    shutil.copytree(atlas / "theme", target / "theme")
    for output in result.outputs:
        path = target / "content" / output.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output.content, encoding="utf-8")
    home = target / "content" / "index.md"
    home.write_text(home.read_text().replace("<!-- atlas:counts -->", render_snippet(result.atlas, "counts", "index.md")))
    config = (atlas / "mkdocs.yml").read_text().replace("  atlas: {}\n", "")
    assert "atlas: {}" not in config, "mkdocs.yml changed shape"
    (target / "mkdocs.yml").write_text(config)
    return target


def _stage_seconds(atlas: Path) -> float:
    """Our own stage, load -> validate -> link -> render, timed in-process (best of five)."""
    import time

    from generator.site.build import build

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        build(atlas).outputs
        best = min(best, time.perf_counter() - started)
    return best


def _floor_site(atlas: Path, target: Path) -> Path:
    """The issue's floor: a plain Material site with as many pages and the same body text.

    One page per page of the atlas build: an entity's page holds its title as `# heading` and its
    Markdown body, any other generated page (index, country, topic) a heading and a sentence; the
    hand-written pages are copied. Material as mkdocs.yml configures it (palette, features, nav,
    search, Markdown extensions), without our theme overrides, scripts, styles or plugin.
    """
    import html
    import re
    import shutil

    from generator.site.build import build

    result = build(atlas)
    a = result.atlas
    bodies = {e.path: e.body for kind in (a.cities, a.initiatives, a.networks) for e in kind.values()}
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(atlas / "content", target / "content")
    for output in result.outputs:
        if not output.path.endswith(".md"):
            continue  # downloads (GeoJSON, CSV, JSON) are files, not pages
        title = html.unescape(json.loads(re.search(r"^title: (.*)$", output.content, re.M).group(1)))
        text = bodies[output.source] if output.source else f"A page of the atlas about {title}."
        path = target / "content" / output.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {title}\n\n{text}\n", encoding="utf-8")
    config = (atlas / "mkdocs.yml").read_text()
    config = config.replace("  custom_dir: theme\n", "").replace("  atlas: {}\n", "")
    # Our plugin drops edit links without ATLAS_REPO_URL and keeps its pages out of the nav; so does the floor.
    config = re.sub(r"^edit_uri: .*\n", "", config, flags=re.M)
    config = re.sub(r"^  favicon: .*\n", "", config, flags=re.M)  # our icon lives in the theme
    config += "not_in_nav: |\n" + "".join(f"  /{folder}/*.md\n" for folder in
                                        ("cities", "initiatives", "networks", "countries", "topics"))
    config = re.sub(r"^(?:#.*\n)*extra_(?:css|javascript):\n(?:  - .*\n)+", "", config, flags=re.M)
    assert "custom_dir" not in config and "assets/" not in config and "atlas: {}" not in config, \
        "mkdocs.yml changed shape"
    (target / "mkdocs.yml").write_text(config)
    return target


def bench_site() -> dict:
    import shutil

    atlas = generate(WORK / "site-atlas", cities=1000, featured=30, initiatives=300, networks=20)
    for name in ("content", "theme"):  # without the news posts: they name this repository's cities
        shutil.copytree(ROOT / name, atlas / name, ignore=shutil.ignore_patterns("posts"))
    shutil.copy(ROOT / "mkdocs.yml", atlas / "mkdocs.yml")
    floor = _floor_site(atlas, WORK / "site-floor")
    plain = _plain_mkdocs_site(atlas, WORK / "site-plain")
    pages = sum(1 for _ in (plain / "content").rglob("*.md"))
    assert pages == sum(1 for _ in (floor / "content").rglob("*.md"))
    mkdocs = [str(BIN / "mkdocs"), "build", "--strict", "--quiet"]
    # Five rounds, not three: a build takes seconds, and other work on a shared machine comes and goes.
    every = rounds([[*mkdocs, "-f", str(site / "mkdocs.yml"), "-d", str(WORK / f"out-{name}")]
                    for name, site in (("floor", floor), ("plain", plain), ("atlas", atlas))], repeat=5)
    floor_run, plain_run, ours = (min(runs, key=lambda run: run.seconds) for runs in every)
    stage = _stage_seconds(atlas)
    ratio = ours.seconds / floor_run.seconds
    return {
        "entities": "1,000 cities (30 featured), 300 initiatives, 20 networks",
        "pages": pages,
        "floor": "plain Material, same number of pages, each its title and body text only, no plugin",
        "floor_build_seconds": round(floor_run.seconds, 2),
        "plain_mkdocs_same_pages_build_seconds": round(plain_run.seconds, 2),
        "atlas_build_seconds": round(ours.seconds, 2),
        "ratio": round(ratio, 3),
        "ratio_of_cpu_seconds": round(ours.cpu_seconds / floor_run.cpu_seconds, 3),
        "ratio_median_of_rounds": round(paired(every[2], every[0]), 3),
        "ratio_of_cpu_seconds_median_of_rounds": round(paired(every[2], every[0], cpu=True), 3),
        "ratio_to_plain_mkdocs_same_pages": round(ours.seconds / plain_run.seconds, 3),
        "our_stage_seconds": round(stage, 3),
        "our_stage_share_of_build": f"{100 * stage / ours.seconds:.1f} %",
        "floor_peak_mib": round(floor_run.peak_mib, 1),
        "plain_peak_mib": round(plain_run.peak_mib, 1),
        "atlas_peak_mib": round(ours.peak_mib, 1),
        "goal": "one language against the floor, in one process: <= 1.25 wall, <= 1.4 CPU (issue 22)",
        "goal_met": ratio <= 1.25 and ours.cpu_seconds / floor_run.cpu_seconds <= 1.4,
        "stage_goal": "our stage <= 5 % of the build (issue 3; it runs partly beside MkDocs since issue 13)",
        "stage_goal_met": stage / ours.seconds <= 0.05,
    }


def bench_map() -> dict:
    """The map page with 10,000 cities: time until markers are clustered and the list is filled."""
    import gzip
    import shutil
    import subprocess

    from generator.site.build import build
    from generator.render.pages import render_data
    from tests.site import CHROMIUM_ARGS, Server, chromium_path

    if chromium_path() is None:
        return {"skipped": "Debian's chromium is not installed (apt-get install chromium)"}
    site = WORK / "map-site"
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([str(BIN / "mkdocs"), "build", "--quiet", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
                   check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    atlas = build(generate(WORK / "map-atlas", cities=10000, featured=30, initiatives=300, networks=20)).atlas
    layer = next(o.content for o in render_data(atlas) if o.path == "data/cities.geojson").encode("utf-8")
    (site / "data" / "cities.geojson").write_bytes(layer)
    gzipped = len(gzip.compress(layer, compresslevel=6))

    from playwright.sync_api import sync_playwright

    server = Server(site)
    timings: dict[str, list[float]] = {"plain": [], "map": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for _ in range(3):  # alternate, fresh context (cold cache) each time
                for name, path in (("plain", "about/"), ("map", "map/")):
                    # bypass_csp: Playwright polls with eval, which the page's policy (rightly) forbids
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                    page = context.new_page()
                    page.goto(server.url + path, wait_until="load")
                    if name == "map":
                        page.wait_for_function("performance.getEntriesByName('atlas-map-ready').length > 0",
                                               timeout=60000)
                        shown = page.inner_text("[data-atlas-count]")
                        ready = page.evaluate("performance.getEntriesByName('atlas-map-ready')[0].startTime")
                    else:
                        ready = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                    timings[name].append(ready / 1000)
                    context.close()
            browser.close()
    finally:
        server.close()
    plain, ready = min(timings["plain"]), min(timings["map"])
    return {
        "cities": len(atlas.cities),
        "shown": shown,
        "plain_page_loaded_seconds": round(plain, 3),
        "map_interactive_seconds": round(ready, 3),
        "ratio_to_plain_page": round(ready / plain, 2),
        "cities_geojson_mib": round(len(layer) / 2**20, 2),
        "cities_geojson_gzip_mib": round(gzipped / 2**20, 3),
        "goal": "interactive < 1.5 s; cities.geojson < 1 MB gzipped",
        "goal_met": ready < 1.5 and gzipped < 2**20,
    }


# A hostile pull request: one city whose body is 1 MiB of what made the old checks and Python-Markdown
# superlinear (unclosed tags and brackets, attribute lists, backtick runs, link openers).
HOSTILE_BODY = ("<a " * 40_000 + "[" * 100_000 + "{: onclick=x " * 20_000 + "`a``" * 50_000 + "](" * 100_000
                + "<!--" + "x " * 200_000)[:1_048_576]


def bench_hostile() -> dict:
    atlas = generate(WORK / "hostile", cities=1, featured=0, initiatives=0, networks=1)
    settings = (ROOT / "atlas.yml").read_text(encoding="utf-8")  # the limit raised: every check reads the body
    (atlas / "atlas.yml").write_text(settings.replace("max_file_bytes: 1048576", "max_file_bytes: 2000000"))
    city = atlas / "cities" / "city-00000.md"
    city.write_text(city.read_text(encoding="utf-8") + HOSTILE_BODY, encoding="utf-8")
    baseline, ours = compare([sys.executable, "-m", "benchmarks.baseline_parse", str(atlas)],
                             [str(BIN / "atlas"), "--root", str(atlas), "validate"], cwd=ROOT, expect=1)
    return {
        "body_bytes": len(HOSTILE_BODY.encode()),
        "baseline_parse_seconds": round(baseline.seconds, 3),
        "validate_seconds": round(ours.seconds, 3),
        "ratio_to_parse_only": round(ours.seconds / baseline.seconds, 2),
        "validate_peak_mib": round(ours.peak_mib, 1),
        "goal": "a 1 MiB hostile body checked (and refused) in under 1 s, process start included",
        "goal_met": ours.seconds < 1,
    }


def bench_preview() -> dict:
    """make serve at 1,000 cities, as a person sees it: from saving a file to the served page showing the
    change, through mkdocs serve's own server (benchmarks/served.py), against a full rebuild."""
    import statistics

    from .measure import measure
    from .served import session

    edits = [("cities/city-00500.md", "cities/city-00500/"), ("cities/city-00007.md", "cities/city-00007/"),
             ("initiatives/initiative-00042.md", "initiatives/initiative-00042/"),
             ("networks/network-003.md", "networks/network-003/"), ("cities/city-00999.md", "cities/city-00999/"),
             ("cities/city-00120.md", "cities/city-00120/"), ("initiatives/initiative-00200.md",
                                                              "initiatives/initiative-00200/")]
    results: dict = {"entities": "1,000 cities (30 featured), 300 initiatives, 20 networks",
                     "measured": "save -> the served page shows the edit (mkdocs serve --dirty, its server), "
                                 "saves 2 s apart, the first save of the session included"}
    medians = []
    for language, config in (("en", "mkdocs.yml"), ("de", "mkdocs.de.yml")):  # make serve [ATLAS_LANGUAGE=de]
        atlas = _atlas_with_site(WORK / "preview-atlas")  # afresh: the English session edited it
        timings = session(atlas, config, edits)
        full = measure([str(BIN / "mkdocs"), "build", "--strict", "--quiet", "-f", str(atlas / config),
                        "-d", str(WORK / f"preview-full-{language}")])
        median = statistics.median(timings["edits"])
        medians.append(median)
        results.update({
            f"{language}_edits": [round(t, 3) for t in timings["edits"]],
            f"{language}_save_to_served_page_median_seconds": round(median, 3),
            f"{language}_first_save_seconds": round(timings["edits"][0], 3),
            f"{language}_server_start_to_first_page_seconds": round(timings["first"], 2),
            f"{language}_full_rebuild_seconds": round(full.seconds, 2),
            f"{language}_ratio_to_full_rebuild": round(median / full.seconds, 3),
        })
    results.update({"goal": "an edit shows in <= 1 s at 1,000 cities (median, first save included), in the "
                            "language previewed", "goal_met": max(medians) <= 1})
    return results


def _atlas_with_site(target: Path) -> Path:
    """The 1,000-city synthetic atlas with this repository's pages, theme and every language's configuration."""
    import shutil

    atlas = generate(target, cities=1000, featured=30, initiatives=300, networks=20)
    for name in ("content", "theme"):  # without the news posts: they name this repository's cities
        shutil.copytree(ROOT / name, atlas / name, ignore=shutil.ignore_patterns("posts"))
    for config in ROOT.glob("mkdocs*.yml"):
        shutil.copy(config, atlas / config.name)
    return atlas


def _size_mib(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20


def bench_languages() -> dict:
    """make site (every language) against the floor of issue 22: seven plain Material builds of the same
    pages, two at a time; wall time, CPU time and size, with the report cache warm (every build after the
    first), and the first build's, which prints every distinct report, beside them."""
    import shutil

    from .measure import measure

    atlas = _atlas_with_site(WORK / "languages-atlas")
    floor = _floor_site(atlas, WORK / "languages-floor")
    sites = [sys.executable, "-m", "generator.site.sites", "--root", str(atlas), str(WORK / "out-seven-languages")]
    floors = [sys.executable, "-m", "benchmarks.floor", str(floor), str(WORK / "out-floor-seven")]
    shutil.rmtree(atlas / ".cache", ignore_errors=True)
    first = measure(sites, cwd=ROOT, repeat=1)  # from an empty report cache
    floor_runs, our_runs = rounds([floors, sites], repeat=3, cwd=ROOT)
    floor_run, ours = min(floor_runs, key=lambda run: run.seconds), min(our_runs, key=lambda run: run.seconds)
    size, floor_size = _size_mib(WORK / "out-seven-languages"), _size_mib(WORK / "out-floor-seven")
    reports = len(list((WORK / "out-seven-languages").rglob("*.pdf")))
    ratio, cpu, disk = ours.seconds / floor_run.seconds, ours.cpu_seconds / floor_run.cpu_seconds, size / floor_size
    return {
        "entities": "1,000 cities (30 featured, real profile texts), 300 initiatives, 20 networks, in 7 languages",
        "floor": "7 plain Material builds of the same pages (title and body text), as many at a time as cores",
        "floor_seconds": round(floor_run.seconds, 2),
        "floor_cpu_seconds": round(floor_run.cpu_seconds, 2),
        "floor_size_mib": round(floor_size, 1),
        "site_seconds": round(ours.seconds, 2),
        "site_cpu_seconds": round(ours.cpu_seconds, 2),
        "site_size_mib": round(size, 1),
        "site_reports": reports,
        "first_build_seconds": round(first.seconds, 2),
        "first_build_cpu_seconds": round(first.cpu_seconds, 2),
        "ratio": round(ratio, 2),
        "ratio_of_cpu_seconds": round(cpu, 2),
        "ratio_of_size": round(disk, 2),
        "ratio_median_of_rounds": round(paired(our_runs, floor_runs), 2),
        "ratio_of_cpu_seconds_median_of_rounds": round(paired(our_runs, floor_runs, cpu=True), 2),
        "goal": "make site, report cache warm: <= 1.25x the floor's wall time, <= 1.5x its CPU time and size",
        "goal_met": ratio <= 1.25 and cpu <= 1.5 and disk <= 1.5,
    }


def bench_reports() -> dict:
    """The featured cities' PDF reports: printed cold in parallel processes, against one process; then cached."""
    import shutil
    import time

    from pypdf import PdfReader

    from generator.render import report
    from generator.site.build import build

    if report.unavailable():
        return {"skipped": report.unavailable()}
    atlas = generate(WORK / "reports-atlas", cities=300, featured=30, initiatives=100, networks=10)
    started = time.perf_counter()
    documents = report.featured_reports(build(atlas).atlas, "https://atlas.example.net/")
    html_seconds = time.perf_counter() - started
    runs: dict[str, list[float]] = {"parallel": [], "serial": [], "cached": []}
    for _ in range(2):  # alternating, best of two
        for name, processes in (("parallel", None), ("serial", 1)):
            shutil.rmtree(WORK / "reports-cache", ignore_errors=True)
            runs[name].append(report.print_reports(documents, WORK / "reports-site", WORK / "reports-cache",
                                                   processes=processes, pool_from=1 if processes is None else 99
                                                   ).seconds)
        runs["cached"].append(report.print_reports(documents, WORK / "reports-site", WORK / "reports-cache").seconds)
    parallel, serial, cached = (min(runs[name]) for name in ("parallel", "serial", "cached"))
    pdfs = sorted((WORK / "reports-site/reports").glob("*.pdf"))
    return {
        "reports": len(documents),
        "html_seconds": round(html_seconds, 3),
        "print_parallel_seconds": round(parallel, 2),
        "print_one_process_seconds": round(serial, 2),
        "ratio_parallel_to_one_process": round(parallel / serial, 2),
        "per_report_one_process_seconds": round(serial / len(documents), 3),
        "all_from_cache_seconds": round(cached, 3),
        "pages_per_report": sorted({len(PdfReader(pdf).pages) for pdf in pdfs}),
    }


SECTIONS = {"validation": bench_validation, "hostile": bench_hostile, "preview": bench_preview, "site": bench_site,
            "languages": bench_languages, "map": bench_map, "reports": bench_reports}


def main(argv: list[str]) -> int:
    wanted = argv or list(SECTIONS)
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        print(f"usage: python -m benchmarks [SECTION ...]\nunknown: {' '.join(unknown)}; "
              f"sections: {' '.join(SECTIONS)} (none: all)", file=sys.stderr)
        return 2
    results = {"machine": machine()}
    print(f"machine: {results['machine']}")
    for name in wanted:
        print(f"\n== {name} ==", flush=True)
        results[name] = SECTIONS[name]()
        for key, value in results[name].items():
            print(f"  {key}: {value}")
    WORK.mkdir(exist_ok=True)
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
