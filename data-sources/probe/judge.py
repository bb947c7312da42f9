"""Sort search hits into "the network's own page" and everything else.

Usage: .venv/bin/python data-sources/probe/judge.py NETWORK URL [URL ...]

Prints, per URL, ``own`` or ``other``. Only an ``own`` address can become a CSV row's
source, and only after a person has read the page and found that it names the place as
a member (a harbour page with its declaration, an ICC page saying the city is a member,
a City of Sanctuary page recording the recognition, an ANVITA page about a member
commune). A district (Landkreis, Kreis, Region), a union of municipalities, a borough
or an organisation named on an own page is still left out, and said so in the notes.
"""
from __future__ import annotations

import re
import sys

OWN = {
    # seebruecke.org harbour pages (…/mach-mit/deutschland/<land>/<ort>/sicherer-hafen and
    # the older …/safe-havens/<Ort>/), local-group pages under /mach-mit/, news posts.
    "seebruecke": re.compile(r"^https?://(www\.)?seebruecke\.org/", re.I),
    "icc": re.compile(r"^https?://(www\.)?coe\.int/(en|fr|es|it)?/?(web/interculturalcities|t/dg4/cultureheritage/culture/cities)", re.I),
    "sanctuary": re.compile(r"^https?://([a-z0-9-]+\.)?cityofsanctuary\.org/", re.I),
    "anvita": re.compile(r"^https?://(www\.)?anvita\.fr/", re.I),
}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in OWN:
        print(__doc__, file=sys.stderr)
        return 2
    pattern = OWN[argv[0]]
    for url in argv[1:]:
        print(f"{'own' if pattern.match(url) else 'other'}\t{url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
