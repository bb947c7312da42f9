"""Remove one network's membership from the cities that a list no longer supports.

    .venv/bin/python data-sources/drop_membership.py NETWORK KEEP.csv FROM.csv [FROM.csv ...]

For each row of the FROM lists whose city is not a row of KEEP, the city file's membership of
NETWORK is removed (its other memberships and its sources stay). Used on 2026-12-06 when the
Intercultural Cities rows that rested only on a national network's page moved to the national
networks' files (see intercultural-cities.md):

    .venv/bin/python data-sources/drop_membership.py intercultural-cities \
        data-sources/intercultural-cities.csv data-sources/intercultural-cities-??.csv

A city is found by the CSV's `slug` column, or else by its name as `atlas import` names files.
Prints each file it changed, and each row whose file it could not find.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.core.load import slugify  # noqa: E402


def slugs(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return [row.get("slug") or slugify(row["name"]) for row in csv.DictReader(file)]


def drop(text: str, network: str) -> str:
    """The file's text without the membership: a `- network` item (with its nested lines) or a flow-list entry."""
    front_end = text.index("\n---", 3)
    front, rest = text[:front_end], text[front_end:]
    item = re.compile(rf"^(?P<indent> *)- (?:network: )?{re.escape(network)}\n(?:(?P=indent)  .*\n)*", re.MULTILINE)
    front = item.sub("", front + "\n")[:-1]
    front = re.sub(rf"(networks: \[[^\]\n]*?)\b{re.escape(network)}\b(, )?", r"\1", front)
    front = re.sub(r"networks: \[([^\]\n]*?), \]", r"networks: [\1]", front)
    front = re.sub(r"^networks:(?: \[\])?\n(?=[a-z_]+:)", "", front, flags=re.MULTILINE)  # none left
    return front + rest


def main(network: str, keep: str, sources: list[str]) -> int:
    kept = set(slugs(keep))
    for source in sources:
        for slug in slugs(source):
            if slug in kept:
                continue
            path = ROOT / "cities" / f"{slug}.md"
            if not path.is_file():
                print(f"{source}: no file cities/{slug}.md", file=sys.stderr)
                continue
            text = path.read_text(encoding="utf-8")
            changed = drop(text, network)
            if changed != text:
                path.write_text(changed, encoding="utf-8")
                print(f"cities/{slug}.md: removed {network}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
