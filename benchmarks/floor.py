"""The floor of the whole site: seven plain Material builds of the same pages, two at a time.

    python -m benchmarks.floor FLOOR_SITE OUT

FLOOR_SITE is the floor of one language (benchmarks/__main__.py, _floor_site); each language's
build sets Material's language (its interface strings and its search language) and writes OUT/<language>,
as many at a time as the machine has cores, as `make site` builds the atlas's languages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.core.i18n import LANGUAGES


def build(floor: Path, out: Path, language: str) -> int:
    config = floor / f"mkdocs.floor.{language}.yml"
    text = (floor / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  language: .*$", f"  language: {language}", text)
    config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config), "-d", str(out / language)]
    return subprocess.run(command, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}).returncode


def main(argv: list[str]) -> int:
    floor, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    with ThreadPoolExecutor(max_workers=min(len(LANGUAGES), os.cpu_count() or 1)) as pool:
        codes = list(pool.map(lambda language: build(floor, out, language), LANGUAGES))
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
