"""Write each city's names in the atlas's other languages (`names:`) from a list, kept only where
GeoNames confirms them.

    .venv/bin/python data-sources/city_names.py data-sources/city-names.csv

The list has the columns `slug,language,name` (language: de, it, el, pl, fr, es or local). A name
is written only if the city's GeoNames place (the https://www.geonames.org/<id> among its
sources) has it as its name or among its alternate names, in the copy of GeoNames the atlas
reads (generator/core/gazetteer.py), and only if it differs from the city's English name; its source
is that GeoNames page. (GeoNames' alternate names are tagged by language on its site; the copy
here is not, so the list says which language a name is, and GeoNames confirms the name.)

A city's `names:` block is written after its `name:` line, in place of the one it had. Prints
each file it changed and each name it left out, with why. Used on 2026-12-06 with the list in
data-sources/city-names.csv (see city-names.md).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.core.gazetteer import names_of  # noqa: E402

ORDER = ("local", "de", "it", "el", "pl", "fr", "es")
GEONAMES = re.compile(r"https?://(?:www\.)?geonames\.org/(\d+)")
NAME = re.compile(r'^name:\s*(.+?)\s*$', re.MULTILINE)
NAMES_BLOCK = re.compile(r"^names:\n(?:[ \t]+.*\n)*", re.MULTILINE)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(listing: str) -> int:
    wanted: dict[str, dict[str, str]] = defaultdict(dict)
    with open(listing, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["language"] not in ORDER:
                print(f"{listing}: {row['slug']}: unknown language {row['language']!r}, left out")
                continue
            wanted[row["slug"]][row["language"]] = row["name"].strip()
    for slug, names in sorted(wanted.items()):
        path = ROOT / "cities" / f"{slug}.md"
        if not path.is_file():
            print(f"{slug}: no file cities/{slug}.md, left out")
            continue
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        found = GEONAMES.search(front)
        confirmed = names_of(int(found.group(1))) if found else None
        if confirmed is None:
            print(f"{slug}: no GeoNames place among its sources, left out")
            continue
        english = NAME.search(front).group(1).strip().strip('"').strip("'")
        kept = {}
        for language in ORDER:
            name = names.get(language)
            if not name:
                continue
            if name == english:
                print(f"{slug}: {language} {name!r} is the English name, left out")
            elif name not in confirmed:
                print(f"{slug}: {language} {name!r} is not among GeoNames' names of place {found.group(1)}, left out")
            else:
                kept[language] = name
        if not kept:
            continue
        block = "names:\n" + "".join(f"  {language}: {quoted(name)}\n" for language, name in kept.items())
        block += f"  source: https://www.geonames.org/{found.group(1)}\n"
        front = NAMES_BLOCK.sub("", front)
        front = re.sub(r"^(name:.*\n)", lambda m: m.group(1) + block, front, count=1, flags=re.MULTILINE)
        head, _, rest = text.split("---\n", 2)
        path.write_text(f"{head}---\n{front}---\n{rest}", encoding="utf-8")
        print(f"cities/{slug}.md: {', '.join(f'{k} {v}' for k, v in kept.items())}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
