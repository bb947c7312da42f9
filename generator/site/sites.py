"""The whole site: the data read, checked and linked once, then one MkDocs build per language, assembled.

English (mkdocs.yml) is the site's root; every other language (mkdocs.<language>.yml, which
inherits mkdocs.yml) goes under /<language>/. The atlas is validated and linked here, once; each
language is then built by `mkdocs build --strict` in a process forked from this one, which starts
with the linked atlas (generator/site/build.py, `preload`) and MkDocs' modules already loaded. As many
builds run at a time as the machine has cores. Each writes into a folder of its own; the site is
put together only when every build succeeded, so a failure never leaves half a site. After a failure,
no further language is started: the site will not be written, and the error is shown sooner.

Where forking is not possible (no `fork`, or other threads running in this process), each
language is a `python -m mkdocs build` of its own, which reads the data itself: the same site.

    python -m generator.site.sites SITE_DIR [--language de ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import multiprocessing.connection
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from .assets import SHARED
from ..core import i18n
from ..core.i18n import LANGUAGES, SOURCE, ConfigLoader


def config_file(root: Path, language: str) -> Path:
    return root / ("mkdocs.yml" if language == SOURCE else f"mkdocs.{language}.yml")


def command(root: Path, language: str, target: Path) -> list[str]:
    return ["build", "--strict", "-f", str(config_file(root, language)), "-d", str(target)]


def language_env(env: dict, language: str) -> dict:
    # Every language but English uses the theme's files at the site's root (generator/site/assets.py).
    return {**env, SHARED: "0" if language == SOURCE else "1"}


def build_language(root: Path, language: str, target: Path, env: dict) -> int:
    """One language's `mkdocs build --strict`, in this (forked) process; its exit status."""
    from mkdocs.__main__ import cli

    os.environ.clear()
    os.environ.update(language_env(env, language))
    os.chdir(root)
    try:
        cli.main(args=command(root, language, target), prog_name="mkdocs", standalone_mode=True)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    return 0


def _child(root: Path, language: str, target: Path, env: dict, log: Path) -> None:
    """A forked build: its messages into `log` (read by the parent), its exit status as the process's."""
    with open(log, "wb") as messages, open(os.devnull, "wb") as nothing:
        os.dup2(messages.fileno(), 2)
        os.dup2(nothing.fileno(), 1)
    sys.stderr = open(2, "w", closefd=False, encoding="utf-8", errors="replace", buffering=1)
    code = build_language(root, language, target, env)
    sys.stderr.flush()
    os._exit(code)


def _forked(root: Path, languages: list[str], work: Path, env: dict, workers: int) -> list[tuple[str, int, str, float]]:
    """Every language in a forked child, `workers` at a time, until one fails: (language, exit status, messages,
    seconds) of each language built."""
    context = multiprocessing.get_context("fork")
    pending, running, done = list(languages), {}, {}
    gc.freeze()  # the loaded atlas stays shared with the children (a collection would copy its pages)
    try:
        while pending or running:
            while pending and len(running) < workers:
                language = pending.pop(0)
                log = work / f"{language}.log"
                process = context.Process(target=_child, args=(root, language, work / language, env, log))
                process.start()
                running[process.sentinel] = (language, process, log, time.perf_counter())
            for sentinel in multiprocessing.connection.wait(list(running)):
                language, process, log, started = running.pop(sentinel)
                process.join()
                messages = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
                done[language] = (language, process.exitcode, messages, time.perf_counter() - started)
                if process.exitcode != 0:
                    pending.clear()  # the site will not be written: the languages not yet started are not built
    finally:
        gc.unfreeze()
    return [done[language] for language in languages if language in done]


def _subprocesses(root: Path, languages: list[str], work: Path, env: dict,
                  workers: int) -> list[tuple[str, int, str, float]]:
    from concurrent.futures import ThreadPoolExecutor

    failed = threading.Event()

    def one(language: str) -> tuple[str, int, str, float] | None:
        if failed.is_set():
            return None  # the site will not be written: not built
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mkdocs", *command(root, language, work / language)],
                                capture_output=True, text=True, env=language_env(env, language), cwd=root)
        if result.returncode != 0:
            failed.set()
        return language, result.returncode, result.stderr, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [result for result in pool.map(one, languages) if result is not None]


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _folders(root: Path) -> tuple[Path, Path | None, list[str]]:
    """mkdocs.yml's docs_dir, its theme's custom_dir and its plugins' names."""
    try:
        config = yaml.load(config_file(root, SOURCE).read_text(encoding="utf-8"), Loader=ConfigLoader) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    custom = theme.get("custom_dir")
    plugins = config.get("plugins") or []
    names = list(plugins) if isinstance(plugins, dict) else [p if isinstance(p, str) else next(iter(p), "")
                                                             for p in plugins if isinstance(p, (str, dict))]
    return (root / str(config.get("docs_dir") or "docs"), root / str(custom) if isinstance(custom, str) else None,
            [name for name in names if isinstance(name, str)])


def preload(root: Path, env: dict) -> str | None:
    """Reads, checks and links the atlas once, for every language's build (generator/site/build.py, which uses it
    when its configuration names the same folders), and imports MkDocs and the plugins that mkdocs.yml
    names, which the forked builds then share; the report of the data's errors, if it has any (then nothing
    is built)."""
    import mkdocs.__main__  # noqa: F401
    from mkdocs.plugins import get_plugins

    from . import build
    from ..core.diagnostics import format_text

    from ..render import pages, report

    if not any((root / report.CACHE).glob("*.pdf")):  # a first build prints every report: WeasyPrint (half a
        report.unavailable()  # second to import) once for every language's build, not in each. Later builds copy.
    docs_dir, theme_dir, plugins = _folders(root)
    installed = get_plugins()
    for name in plugins:  # their classes only: an instance belongs to each build (the blog's has a folder of its own)
        if name in installed:
            installed[name].load()
    failure = build.preload(root, docs_dir, theme_dir)
    if failure is None:
        atlas = build.PRELOADED.atlas
        # Once for every language: the reports' maps, each city's nearest places, and the languages' names (with
        # them, Babel's data of each language, which every build's language switcher reads).
        report.draw_maps(atlas.featured)
        places = pages.nearby(atlas)
        for city in atlas.cities.values():
            places.around(city)
        for language in LANGUAGES:
            i18n.language_name(language)
        return None
    return "".join(f"{format_text(d)}\n" for d in failure.report.diagnostics) + failure.advice + "\n"


def build_site(root: Path, site_dir: Path, languages: list[str] | None = None, jobs: int | None = None,
               env: dict | None = None) -> tuple[bool, str]:
    """Every language into site_dir (replaced only on success): (success, the builds' messages)."""
    languages = languages or list(LANGUAGES)
    if SOURCE not in languages:
        languages = [SOURCE, *languages]  # the other languages live inside the English site
    missing = [lang for lang in languages if lang not in LANGUAGES or not config_file(root, lang).is_file()]
    if missing:
        return False, f"no configuration for the language(s) {', '.join(missing)}: expected " \
                      f"{', '.join(str(config_file(root, lang).name) for lang in missing)}\n"
    work = site_dir.with_name(site_dir.name + ".parts")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    # As many builds at a time as the machine has cores: each is one process (and its report printers).
    workers = jobs or min(len(languages), os.cpu_count() or 1)
    if can_fork():
        errors = preload(root, environment)
        if errors:
            shutil.rmtree(work, ignore_errors=True)
            return False, errors + "site not written\n"
        results = _forked(root, languages, work, environment, workers)
    else:
        results = _subprocesses(root, languages, work, environment, workers)
    # The data's own warnings are the same in every language: English reports them, the others their own problems.
    messages = "".join(f"[{lang}] {line}\n" for lang, code, err, _ in results for line in err.splitlines()
                       if line and (lang == SOURCE or code != 0 or not line.startswith("INFO")))
    failed = [lang for lang, code, _, _ in results if code != 0]
    if failed:
        shutil.rmtree(work, ignore_errors=True)
        built = {lang for lang, _, _, _ in results}
        skipped = [lang for lang in languages if lang not in built]
        return False, messages + f"the build failed for: {', '.join(failed)}; site not written" + \
            (f" (not built after the failure: {', '.join(skipped)})" if skipped else "") + "\n"
    for lang in languages:
        if lang != SOURCE:
            (work / lang).rename(work / SOURCE / lang)
    shutil.rmtree(site_dir, ignore_errors=True)
    (work / SOURCE).rename(site_dir)
    shutil.rmtree(work, ignore_errors=True)
    times = ", ".join(f"{lang} {seconds:.1f} s" for lang, _, _, seconds in results)
    return True, messages + f"built {len(languages)} language(s) into {site_dir}: {times}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.site.sites", description=__doc__.split("\n")[0])
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--language", action="append", choices=LANGUAGES, help="only these (English always)")
    parser.add_argument("--jobs", type=int, help="builds at a time (default: as many as cores)")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    ok, messages = build_site(args.root.resolve(), args.site_dir.resolve(), args.language, args.jobs)
    sys.stderr.write(messages)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
