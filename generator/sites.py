"""The whole site: one MkDocs build per language, in parallel processes, assembled into one folder.

English (mkdocs.yml) is the site's root; every other language (mkdocs.<language>.yml, which
inherits mkdocs.yml) goes under /<language>/. Each build writes into a folder of its own; the
site is put together only when every build succeeded, so a failure never leaves half a site.

    python -m generator.sites SITE_DIR [--language de ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .assets import SHARED
from .i18n import LANGUAGES, SOURCE


def config_file(root: Path, language: str) -> Path:
    return root / ("mkdocs.yml" if language == SOURCE else f"mkdocs.{language}.yml")


def build_language(root: Path, language: str, target: Path, env: dict) -> tuple[str, int, str, float]:
    """One language's `mkdocs build --strict`, in its own process: (language, exit status, messages, seconds)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file(root, language)),
               "-d", str(target)]
    # Every language but English uses the theme's files at the site's root (generator/assets.py).
    env = {**env, SHARED: "0" if language == SOURCE else "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
    return language, result.returncode, result.stderr, time.perf_counter() - started


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
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    # As many builds at a time as the machine has cores: each is one process (and its report printers).
    with ThreadPoolExecutor(max_workers=jobs or min(len(languages), os.cpu_count() or 1)) as pool:
        results = list(pool.map(lambda lang: build_language(root, lang, work / lang, environment), languages))
    # The data's own warnings are the same in every language: English reports them, the others their own problems.
    messages = "".join(f"[{lang}] {line}\n" for lang, code, err, _ in results for line in err.splitlines()
                       if line and (lang == SOURCE or code != 0 or not line.startswith("INFO")))
    failed = [lang for lang, code, _, _ in results if code != 0]
    if failed:
        shutil.rmtree(work, ignore_errors=True)
        return False, messages + f"the build failed for: {', '.join(failed)}; site not written\n"
    for lang in languages:
        if lang != SOURCE:
            (work / lang).rename(work / SOURCE / lang)
    shutil.rmtree(site_dir, ignore_errors=True)
    (work / SOURCE).rename(site_dir)
    shutil.rmtree(work, ignore_errors=True)
    times = ", ".join(f"{lang} {seconds:.1f} s" for lang, _, _, seconds in results)
    return True, messages + f"built {len(languages)} language(s) into {site_dir}: {times}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.sites", description=__doc__.split("\n")[0])
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
