"""The data model: City, Initiative and Network as declared fields.

Each field type checks a value and describes itself as JSON Schema, so the validator,
`atlas schema`, the `atlas new` templates and the field reference all come from here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import math
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol
import re
from urllib.parse import quote, urlsplit

from .countries import country_hint, european_names, is_country_code


class Checker(Protocol):
    """What a field's rule reports to (validate.Checker, for one file): the model names no later stage."""

    source: Any  # the file being checked (load.SourceFile)
    context: Any  # what the rules know of the rest of the atlas (validate.Context)
    today: dt.date
    vocabularies: dict
    vocabulary_files: dict[str, str]

    def report(self, path: tuple, code: str, message: str, hint: str | None = None, severity: Any = ...,
               *, key: bool = False) -> None: ...

    def check_reference(self, kind: str, slug: str, path: tuple) -> None: ...


def describe(value: Any) -> str:
    """How a value reads in a message: what the contributor actually wrote."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, dt.datetime):
        return f"a date and time of day ({value.isoformat(sep=' ')})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}" if value.strip() else "empty text"
    if isinstance(value, list):
        return "an empty list" if not value else f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


class FieldType:
    label = "a value"

    def check(self, value: Any, checker: Checker, path: tuple) -> None:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def wrong_type(self, value: Any, checker: Checker, path: tuple, hint: str | None = None) -> None:
        if value is None or (isinstance(value, (str, list)) and not value):
            checker.report(path, "empty-value", f"expected {self.label}, found {describe(value)}",
                           hint or "fill it in, or remove the field if it does not apply")
        else:
            checker.report(path, "wrong-type", f"expected {self.label}, found {describe(value)}", hint)


# Control characters, line breaks and invisible or direction-changing marks: none belongs in a
# name or a sentence, and they can split a log line or make a name read as another. So are every
# format character (U+061C, the tag characters U+E0000-E007F, ...), private-use, unassigned and
# surrogate code points, and the noncharacters (U+FDD0-FDEF, U+xFFFE, U+xFFFF, which XML forbids). The joiners U+200C and U+200D stay allowed: scripts need them inside words.
PLAIN = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u0377\u0400-\u052f]*")  # the fast path: nothing to look up
JOINERS = "\u200c\u200d"


def unreadable_character(text: str) -> tuple[int, str] | None:
    """The first character no text of the atlas should hold: (index, why), or None."""
    if PLAIN.fullmatch(text):
        return None
    for index, char in enumerate(text):
        if char in JOINERS:
            continue
        code = ord(char)
        if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
            return index, "a noncharacter"
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"):
            return index, {"Cc": "a control character", "Cf": "an invisible formatting character",
                           "Co": "a private-use character", "Cn": "an unassigned code point",
                           "Cs": "a lone surrogate"}.get(category, "a line break")
    return None


PAIRS = (("(", ")"), ("[", "]"), ("«", "»"), ("‹", "›"))
QUOTES = "“”„"  # “English”, „German“: an even number, whichever way they pair


def unpaired(text: str) -> str | None:
    """A bracket or quotation mark without its partner in a name, if any."""
    for opening, closing in PAIRS:
        if text.count(opening) != text.count(closing):
            return opening if text.count(opening) > text.count(closing) else closing
    quotes = [c for c in text if c in QUOTES]
    if len(quotes) % 2:
        return quotes[0]
    if text.count('"') % 2:
        return '"'
    return None


@dataclass
class Text(FieldType):
    max_length: int = 1_000  # a sentence; names and titles are shorter still
    paired: bool = False  # a name or a title: its quotation marks and brackets come in pairs
    label = "text"

    def check(self, value, checker, path):
        if isinstance(value, str) and value.strip():
            found = unreadable_character(value)
            if found:
                index, what = found
                hint = ("write >- instead of > or | so that the text does not end with a line break"
                        if not unreadable_character(value.rstrip("\n")) else
                        "remove line breaks, tabs and invisible characters (retype the text if unsure)")
                checker.report(path, "control-character",
                               f"expected one line of visible text, found the character U+{ord(value[index]):04X} "
                               f"({what}) at position {index + 1}", hint)
            elif self.paired and unpaired(value):
                checker.report(path, "unpaired-mark", f"expected quotation marks and brackets in pairs, found "
                               f"{unpaired(value)!r} without its partner", "close it, or remove it")
            elif len(value) > self.max_length:
                checker.report(path, "too-long", f"expected at most {self.max_length:,} characters, "
                               f"found {len(value):,}", "shorten it: the page's text below the front matter "
                               "is the place for more")
            return
        hint = None
        if isinstance(value, (int, float, bool, dt.date)):
            hint = "put the text in quotes, e.g. \"...\""
        self.wrong_type(value, checker, path, hint)

    def schema(self):
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}


class Boolean(FieldType):
    label = "true or false"

    def check(self, value, checker, path):
        if not isinstance(value, bool):
            self.wrong_type(value, checker, path, "write true or false, without quotes")

    def schema(self):
        return {"type": "boolean"}


THOUSANDS = re.compile(r"[0-9]+|[0-9]{1,3}(?:([ ,.\u00a0\u202f'])[0-9]{3})(?:\1[0-9]{3})*")  # one separator throughout


@dataclass
class Integer(FieldType):
    minimum: int = 1
    maximum: int = 10**9
    label = "a whole number"

    def check(self, value, checker, path):
        if isinstance(value, str) and THOUSANDS.fullmatch(value.strip()):  # 187 310, 187,310, 1.780.000, '187310'
            self.wrong_type(value, checker, path, "write the number alone, without separators or quotes: "
                            f"{re.sub(r'[^0-9]', '', value)}")
        elif isinstance(value, str) and value.replace(",", "").replace(".", "").replace(" ", "").isdigit():
            self.wrong_type(value, checker, path, "write the number without separators, e.g. 184754")
        elif isinstance(value, float) and value.is_integer() and value >= 1000:  # 187310.0
            self.wrong_type(value, checker, path, f"write it without the decimal point: {int(value)}")
        elif isinstance(value, float) and 0 < value < 1000 and round(value * 1000) == value * 1000:  # (not .inf)
            # 1.780 is read as the decimal 1.78: a number of thousands written with a point or a comma
            self.wrong_type(value, checker, path, f"if this is {round(value * 1000):,} written with a thousands "
                            f"separator (as 1.780 for 1780), write it without one: {round(value * 1000)}")
        elif not isinstance(value, int) or isinstance(value, bool):
            self.wrong_type(value, checker, path)
        elif not self.minimum <= value <= self.maximum:
            checker.report(path, "out-of-range", f"expected a number from {self.minimum:,} to {self.maximum:,}, "
                           f"found {value:,}"[:200], "check for a typo (an extra digit?)")

    def schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass
class Number(FieldType):
    minimum: float
    maximum: float
    label = "a number"

    def check(self, value, checker, path):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            self.wrong_type(value, checker, path, "write a number without quotes, e.g. 2")
        elif not self.minimum <= value <= self.maximum:
            checker.report(path, "out-of-range", f"expected a number from {self.minimum:g} to {self.maximum:g}, "
                           f"found {value:g}", "check for a typo")

    def schema(self):
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}


@dataclass
class Year(FieldType):
    earliest: int = 1900
    label = "a year"

    def check(self, value, checker, path):
        if not isinstance(value, int) or isinstance(value, bool):
            hint = "write only the year, e.g. 2019" if isinstance(value, (str, dt.date)) else None
            return self.wrong_type(value, checker, path, hint)
        latest = checker.today.year
        if not self.earliest <= value <= latest:
            checker.report(path, "implausible-year",
                           f"expected a year between {self.earliest} and {latest}, found {value}",
                           "check for a typo")

    def schema(self):
        return {"type": "integer", "minimum": self.earliest}


def _as_date(value: Any) -> dt.date | None:
    """A day as YAML reads it; not a date with a time of day (which `_time_of_day` refuses)."""
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _time_of_day(value: Any, checker: Checker, path: tuple) -> bool:
    """A day written with a time (2026-12-06T10:00): refused with the day to write. The atlas records days,
    and a time of day brings a time zone, in which the day itself can differ."""
    if not isinstance(value, dt.datetime):
        return False
    checker.report(path, "bad-date", f"expected a day like 2026-10-01, found {describe(value)}",
                   f"write the day alone, without the time: {value.date().isoformat()}")
    return True


MONTHS = {name: number for number, month in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1) for name in (month, month[:3], "sept" if month == "september" else month)}


def _meant(value: Any) -> str | None:
    """The ISO day a text writes another way, where it can mean only one: 07.12.2026 (day first, as Europe
    writes it with dots), 2026/12/7, 7 December 2026, Dec. 7, 2026, 25/12/2026 (but not 12/07/2026)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    day = month = year = None
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        year, month, day = found.groups()
    elif found := re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})", text):
        day, month, year = found.groups()
    elif found := re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text):
        first, second, year = found.groups()
        if int(first) > 12 >= int(second):
            day, month = first, second
        elif int(second) > 12 >= int(first):
            month, day = first, second
    elif found := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\.?\s+([a-z]+)\.?,?\s+(\d{4})", text):
        day, month, year = found.group(1), MONTHS.get(found.group(2)), found.group(3)
    elif found := re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        month, day, year = MONTHS.get(found.group(1)), found.group(2), found.group(3)
    try:
        return dt.date(int(year), int(month), int(day)).isoformat() if day and month and year else None
    except ValueError:
        return None


APPROXIMATE = re.compile(r"~|\b(?:ca|c|circa|approx\w*|around|about|etwa|ungefähr|um|vers|environ|około|"
                         r"περίπου|aprox\w*|intorno)\b", re.IGNORECASE)


def _month_meant(value: Any) -> str | None:
    """The year-month or year a text writes another way, where it can mean only one: June 2021, 06/2021,
    2021/6 (2021-06); "seit 2015", "since 2015" (2015)."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    year = month = None
    if found := re.fullmatch(r"([a-z]+)\.?,?\s+(\d{4})", text):
        month, year = MONTHS.get(found.group(1)), found.group(2)
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):
        month, year = found.groups()
    elif found := re.fullmatch(r"(\d{4})[/.](\d{1,2})", text):
        year, month = found.groups()
    if year and month and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    years = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
    if len(years) != 1 or re.search(r"\d", text.replace(years[0], "", 1)) or APPROXIMATE.search(text):
        return None  # no year, several, other numbers, or one a source gives only roughly: no guess
    return years[0]


class Date(FieldType):
    label = "a date like 2026-10-01"

    def check(self, value, checker, path):
        date = _as_date(value)
        if date is None:
            if _time_of_day(value, checker, path):
                return
            if value is None or value == "":
                return self.wrong_type(value, checker, path)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                try:
                    dt.date.fromisoformat(value.strip())
                except ValueError:
                    pass
                else:  # '2026-12-01': the date itself is right, its quotes make it text
                    return checker.report(path, "bad-date", f"expected a date, found the text {value!r} in quotes",
                                          f"remove the quotes: a date is written bare, e.g. {value.strip()}")
            meant = _meant(value)
            return checker.report(path, "bad-date", f"expected an ISO date like 2026-10-01, found {describe(value)}",
                                  f"write year-month-day with dashes: {meant}" if meant else
                                  "write year-month-day with dashes, e.g. 2026-10-01")
        if date > checker.today:
            checker.report(path, "future-date",
                           f"expected a date no later than today ({checker.today.isoformat()}), found {date.isoformat()}")

    def schema(self):
        return {"type": "string", "format": "date"}


class PartialDate(FieldType):
    """A year, a year and month, or a full date: '2019', '2021-06', '2021-06-14'."""

    label = "a year, year-month or date like 2021-06"

    def check(self, value, checker, path):
        if isinstance(value, str) and len(value) == 4 and value.isdigit():
            value = int(value)  # a quoted year reads as the year
        if isinstance(value, int) and not isinstance(value, bool):
            return Year().check(value, checker, path)
        if _time_of_day(value, checker, path):
            return
        date = _as_date(value)
        if date is None and isinstance(value, str):
            try:
                date = dt.date.fromisoformat(value + "-01" if len(value) == 7 else value) if len(value) in (7, 10) \
                    else None
            except ValueError:
                date = None
        if date is None:
            meant = _meant(value) or _month_meant(value)
            return checker.report(path, "bad-date", f"expected {self.label}, found {describe(value)}",
                                  f"write it as {meant}" if meant else "e.g. 2021 or 2021-06 or 2021-06-14")
        if date > checker.today:
            checker.report(path, "future-date", f"expected a date no later than today, found {value}")
        elif date.year < 1900:
            checker.report(path, "implausible-year", f"expected a year from 1900 on, found {date.year}")

    def schema(self):
        return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}]}


# RFC 3986: unreserved, reserved and '%'; minus the quote, which no real address needs unencoded.
URL_PUNCTUATION = "-._~:/?#[]@!$&()*+,;=%"
URL_CHARACTERS = re.compile("[A-Za-z0-9" + re.escape(URL_PUNCTUATION) + "]")
URL_TEXT = re.compile(URL_CHARACTERS.pattern + "*")
HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})\.?")


def _in_ascii(value: str) -> str:
    """The hint for an address written with letters beyond ASCII: its host as the DNS knows it (IDNA, as a
    browser writes https://www.münchen.de: https://www.xn--mnchen-3ya.de), the rest percent-encoded."""
    import idna  # IDNA 2008 with UTS 46, as browsers: "straße.de" is not "strasse.de", nor "δήμος" "δήμοσ"

    address = re.fullmatch(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/?#:]*)(.*)", value, re.DOTALL)
    if address is None or address.group(2).isascii():
        return f"write it percent-encoded: '{quote(value, safe=URL_PUNCTUATION)}'"
    try:
        host = idna.encode(address.group(2), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return "check the host's spelling: it is not a name the DNS can hold"
    return (f"write the host in its ASCII form, the rest percent-encoded: "
            f"'{address.group(1)}{host}{quote(address.group(3), safe=URL_PUNCTUATION)}'")


@functools.lru_cache(maxsize=8192)  # the same addresses recur across files (a network's member page)
def url_problem(value: str) -> tuple[str, str, str | None] | None:
    """Why a text is not an absolute http(s) address that is safe to print anywhere: (code, found, hint)."""
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    scheme = re.sub(r"[\x00-\x20]", "", scheme)
    if scheme in ("javascript", "data", "vbscript", "file"):
        return "unsafe-url", f"a {scheme}: address", "only links to web pages are allowed"
    if value != value.strip():
        return "bad-url", "spaces around the address", "remove them"
    bad = next((c for c in value if not URL_CHARACTERS.fullmatch(c)), None) if not URL_TEXT.fullmatch(value) else None
    if bad is not None:
        if bad.isprintable() and not bad.isascii():
            return "bad-url", f"the character {bad!r}", _in_ascii(value)
        what = {" ": "a space", '"': "a quote", "'": "a quote", "<": "an angle bracket", ">": "an angle bracket",
                "\\": "a backslash"}.get(bad, f"the character {bad!r}")
        return "bad-url", what, f"an address has no {what.split(' ', 1)[1]}; write it percent-encoded as {quote(bad)!r}"
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return "bad-url", "a '%' not followed by two hexadecimal digits", "write a literal % as %25"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "bad-url", "an address that does not parse", None
    if parts.scheme.lower() not in ("http", "https"):
        hint = f"did you mean 'https://{value}'?" if not parts.scheme and "." in value else None
        return "bad-url", describe(value), hint
    if "@" in parts.netloc:
        return "bad-url", "a user name before the host (user@host)", "such addresses disguise where a link goes"
    host = parts.hostname or ""
    if not HOST.fullmatch(host) or (port is not None and not 0 < port < 65536):
        return "bad-url", f"the host {host!r}" if host else "no host", "e.g. https://www.example.org/page"
    return None


@dataclass
class OneOf(FieldType):
    """One of a few words the model itself defines (a commitment's state), not a vocabulary file."""

    values: tuple[str, ...]
    code: str = "bad-value"

    @property
    def label(self):  # type: ignore[override]
        return "one of " + ", ".join(self.values)

    def check(self, value, checker, path):
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path, f"write one of: {', '.join(self.values)}")
        if value not in self.values:
            guess = nearest(value.lower(), self.values)
            checker.report(path, self.code, f"expected {self.label}, found {value!r}",
                           f"did you mean '{guess}'?" if guess else f"write one of: {', '.join(self.values)}")

    def schema(self):
        return {"type": "string", "enum": list(self.values)}


class Slug(FieldType):
    """An id written in lowercase letters, digits and dashes, as file names are."""

    label = "an id in lowercase letters, digits and dashes"

    def check(self, value, checker, path):
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path)
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
            checker.report(path, "bad-slug", f"expected {self.label}, found {value!r}",
                           "e.g. additional-admission")

    def schema(self):
        return {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


class Url(FieldType):
    label = "a web address starting with https://"

    def check(self, value, checker, path):
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path)
        problem = url_problem(value)
        if problem is None:
            return
        code, found, hint = problem
        if code == "unsafe-url":
            return checker.report(path, code, f"expected an http or https address, found {found}", hint)
        checker.report(path, code, f"expected {self.label}, found {found}", hint)

    def schema(self):
        return {"type": "string", "format": "uri", "pattern": "^https?://" + URL_CHARACTERS.pattern + "+$"}


class Country(FieldType):
    label = "an ISO 3166-1 alpha-2 country code such as DE"

    def check(self, value, checker, path):
        if value is False:  # YAML 1.1 reads NO (Norway) as false
            return self.wrong_type(value, checker, path, 'Norway\'s code must be in quotes: country: "NO"')
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path)
        if not is_country_code(value):
            checker.report(path, "bad-country", f"expected {self.label}, found {describe(value)}",
                           country_hint(value))

    def schema(self):
        return {"type": "string", "pattern": "^[A-Z]{2}$"}


class Coordinates(FieldType):
    label = "[latitude, longitude], two numbers"

    def check(self, value, checker, path):
        if not isinstance(value, list) or len(value) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            hint = "e.g. coordinates: [52.3989, 13.0657]"
            if isinstance(value, str) and "," in value:
                hint = f"put them in square brackets: [{value}]"
            return checker.report(path, "bad-coordinates", f"expected {self.label}, found {describe(value)}", hint)
        latitude, longitude = value
        if not -90 <= latitude <= 90:
            hint = "latitude comes first, then longitude" if -90 <= longitude <= 90 else None
            checker.report(path + (0,), "coordinates-range", f"expected a latitude between -90 and 90, found {latitude}", hint)
        if not -180 <= longitude <= 180:
            checker.report(path + (1,), "coordinates-range", f"expected a longitude between -180 and 180, found {longitude}")

    def schema(self):
        return {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


@dataclass
class Choice(FieldType):
    """A value from a controlled vocabulary (a data file, e.g. initiatives/topics.yml)."""

    vocabulary: str

    @property
    def label(self):  # type: ignore[override]
        return f"one of the {self.vocabulary}"

    def check(self, value, checker, path):
        allowed = checker.vocabularies[self.vocabulary]
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path)
        if value not in allowed:
            guess = nearest(value, allowed)
            hint = f"did you mean '{guess}'?" if guess else f"choose from: {', '.join(allowed)}"
            checker.report(path, "unknown-" + self.vocabulary.rstrip("s"),
                           f"expected one of the {self.vocabulary} in {checker.vocabulary_files[self.vocabulary]}, found {value!r}",
                           hint)

    def schema(self):
        return {"type": "string", "x-vocabulary": self.vocabulary}


@dataclass
class Ref(FieldType):
    """The slug of another entity: its file name without .md."""

    kind: str

    @property
    def label(self):  # type: ignore[override]
        return f"the slug of a {self.kind} (its file name without .md)"

    def check(self, value, checker, path):
        if not isinstance(value, str) or not value.strip():
            return self.wrong_type(value, checker, path)
        checker.check_reference(self.kind, value, path)

    def schema(self):
        return {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "x-refers-to": self.kind}


@dataclass
class ListOf(FieldType):
    item: FieldType
    key: str | None = None  # for lists of groups, the field that must not repeat
    max_items: int = 200  # more than any real record lists; a page (and a report) of thousands would stall

    @property
    def label(self):  # type: ignore[override]
        return f"a list of {self.item.label}"

    def check(self, value, checker, path):
        if not isinstance(value, list) or not value:
            hint = None
            if isinstance(value, str) and value.strip():
                hint = f"write it as a list: [{value}]"
            elif value is not None and not isinstance(value, (list, dict)):
                hint = "write it as a list in square brackets: [first, second]"
            return self.wrong_type(value, checker, path, hint)
        if len(value) > self.max_items:
            return checker.report(path, "too-many-items", f"expected at most {self.max_items} items, found "
                                  f"{len(value):,}", "keep the most important ones; the text can say more")
        seen: dict[Any, int] = {}
        for index, item in enumerate(value):
            self.item.check(item, checker, path + (index,))
            identity = item.get(self.key) if isinstance(item, dict) and self.key else item
            if isinstance(identity, (str, int)):
                if identity in seen:
                    checker.report(path + (index,), "duplicate-item",
                                   f"{identity!r} is listed twice (also item {seen[identity] + 1})",
                                   "remove one of them")
                else:
                    seen[identity] = index

    def schema(self):
        return {"type": "array", "minItems": 1, "maxItems": self.max_items, "items": self.item.schema()}


@dataclass
class Record(FieldType):
    """A group of named fields: an entity's front matter, or a nested value like population."""

    fields: list["Field"]
    label: str = "a group of fields"

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def unknown_hint(self, name: str) -> str | None:
        """A hint of this group's own for a field it does not know (None: the nearest known field's)."""
        return None

    def check(self, value, checker, path):
        if not isinstance(value, dict):
            return self.wrong_type(value, checker, path)
        known = {f.name: f for f in self.fields}
        for name in value:
            if name not in known:
                guess = nearest(name.lower(), known)
                lists = [f.name for f in self.fields if name in _item_fields(f.type)]
                if lists:  # a list item's field written without its indentation: it landed one level up
                    hint = (f"'{name}' belongs to an item of '{lists[0]}': indent it to line up with the item's "
                            "first field on the line above (after '- ')")
                else:
                    hint = self.unknown_hint(name) or (f"did you mean '{guess}'?" if guess else
                                                       f"known fields: {', '.join(known)}")
                checker.report(path + (name,), "unknown-field", f"unknown field '{name}'{_where(path, ' in')}", hint,
                               key=True)
        for f in self.fields:
            if f.name in value:
                f.type.check(value[f.name], checker, path + (f.name,))
            elif f.required:
                where = f"{_where(path)} needs".strip() if path else "this file needs"
                checker.report(path, f.missing_code, f"required field '{f.name}' is missing: {where} {f.type.label}",
                               f"add a line such as  {f.name}: {f.example_yaml()}")

    def schema(self):
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in self.fields if f.required],
            "properties": {f.name: {**f.type.schema(), "description": f.description,
                                    **({"examples": [f.example]} if f.example is not None else {})}
                           for f in self.fields},
        }


def _language_code(text: str) -> str | None:
    """The two-letter code a contributor means by a language's code or name: de, DE, deu, ger, german, Deutsch."""
    import pycountry

    from .load import fold  # (load reads the kinds, which read this module)

    text = text.strip()
    if len(text) == 2 and pycountry.languages.get(alpha_2=text.lower()):  # lookup("en") finds a language called En
        return text.lower()
    if (code := european_names("languages").get(fold(text))) is not None:
        return code
    try:
        return getattr(pycountry.languages.lookup(text), "alpha_2", None)
    except LookupError:
        return None


@dataclass
class LanguageNames(Record):
    """A city's names by language code: a language written as its name or its three-letter code gets its code,
    and one the atlas is not published in is told where its name may go."""

    def unknown_hint(self, name: str) -> str | None:
        code = _language_code(str(name))
        known = self.field_names()
        if code in known:
            return f"did you mean '{code}'?"
        if code == "en":
            return "the English name is the file's own name field"
        if code is None:
            return None
        from babel import Locale

        published = [field for field in known if len(field) == 2]
        return (f"the atlas is published in {', '.join(published)} besides English: a name in "
                f"{Locale('en').languages.get(code, code)} goes under 'local' if it is the city's own language, else "
                "it is left out")


def _where(path: tuple, before: str = "") -> str:
    """Where in a file's fields: 'population', or item 2 of 'sources' (not '1')."""
    if not path:
        return ""
    if isinstance(path[-1], int):
        return f"{before} item {path[-1] + 1} of '{path[-2]}'" if len(path) > 1 else f"{before} item {path[-1] + 1}"
    return f"{before} '{path[-1]}'"


def _item_fields(kind: FieldType) -> set[str]:
    """The field names of a list's items, for a list of groups."""
    item = kind.item if isinstance(kind, ListOf) else None
    if isinstance(item, Either):
        item = item.long
    return set(item.field_names()) if isinstance(item, Record) else set()


@dataclass
class Either(FieldType):
    """A short form (text) or a long form (a group of fields), as contributors prefer."""

    short: FieldType
    long: Record

    @property
    def label(self):  # type: ignore[override]
        return f"{self.short.label} or {self.long.label}"

    def check(self, value, checker, path):
        (self.long if isinstance(value, dict) else self.short).check(value, checker, path)

    def schema(self):
        return {"anyOf": [self.short.schema(), self.long.schema()]}


@dataclass
class Field:
    """A field of a file's front matter: its check, its documentation, and where it goes.

    Beyond the check, a field says how the linked graph and the downloads use it: `on_map`
    puts it among the map layer's properties; `backref` names the list, on the entity (or
    country, or topic) a value refers to, of the entities that refer to it; `edges` names
    the list of relations (with their own fields, e.g. since) for a list of references in
    long form; `symmetric` makes a list of references hold both ways; `backref_order` sorts
    that list (and `backref_owners`, for edges, names the list of entities holding them).
    Linking, exports, the schema and `atlas new` all follow from these.
    """

    name: str
    type: FieldType
    description: str
    required: bool = False
    example: Any = None
    default: Any = None  # the value when the field is left out (lists: an empty list)
    translatable: bool = False  # prose a translation (potsdam.de.md) may give in its language
    on_map: bool = False
    export: bool = True
    backref: str | None = None
    backref_owners: str | None = None  # with edges: the list of the entities that hold them
    edges: str | None = None
    symmetric: bool = False
    backref_order: Callable[[Any], Any] | None = None
    missing_code: str = "missing-field"  # the code when a required field is left out

    def example_yaml(self) -> str:
        if self.example is None:
            return "..."
        if isinstance(self.example, bool):
            return str(self.example).lower()
        if isinstance(self.example, (dt.date, int, float)):
            return str(self.example)
        if isinstance(self.example, str):
            return self.example
        return json.dumps(self.example, ensure_ascii=False, default=str).replace('"', "")


SOURCE = Record(
    [
        Field("title", Text(), "What the source is, e.g. the page's title.", required=True,
              example="Mitglieder – Städte Sicherer Häfen"),
        Field("url", Url(), "Where it can be read.", required=True, example="https://example.org/page"),
        Field("published", PartialDate(), "When the source's content was published or last updated, as it says: "
              "how old the evidence is.", example="2023-05"),
        Field("retrieved", PartialDate(), "When the copy that was read was retrieved (not the day it was "
              "checked again: that is last_verified).", example="2026-11-22"),
    ],
    label="a source (title and url; published and retrieved if known)",
)

SOURCES = Field(
    "sources",
    ListOf(Either(Url(), SOURCE), key="url"),
    "Where each fact in this file can be checked: web addresses, or title and url.",
    required=True,
    example=[{"title": "Page title", "url": "https://example.org/page"}],
)
WEBSITE = Field("website", Url(), "The official website.", example="https://www.example.org")
LAST_VERIFIED = Field("last_verified", Date(), "The day someone last checked every fact against its sources.",
                      required=True, example=dt.date(2026, 10, 1))

# What a network asks of its members (Seebrücke's demands of a Safe Harbour), declared on the network.
COMMITMENT = Record(
    [
        Field("slug", Slug(), "The commitment's id, which memberships name.", required=True,
              example="additional-admission"),
        Field("name", Text(), "The commitment in a few words, as the network states it.", required=True,
              example="Admission in addition to the quota"),
        Field("description", Text(), "What a member commits to, in one sentence.",
              example="The municipality declares itself ready to take in people beyond its quota."),
        Field("admission", Boolean(), "true if it is a readiness to take in more people than the municipality "
              "must (the additional-admission downloads list these).", example=True, default=False),
    ],
    label="a commitment (slug, name; description and admission if they apply)",
)
COMMITMENT_STATES = ("declared", "fulfilled", "not")

# Where a member stands on one of its network's commitments, with the source that says so.
COMMITMENT_STATE = Record(
    [
        Field("commitment", Slug(), "The slug of one of the network's commitments (its file's commitments).",
              required=True, example="additional-admission"),
        Field("state", OneOf(COMMITMENT_STATES, "bad-commitment-state"),
              "declared (decided, not yet done), fulfilled (decided and done) or not (not decided).",
              required=True, example="declared"),
        Field("source", Url(), "The page that states it.", required=True, missing_code="missing-source",
              example="https://example.org/council-decision"),
        Field("date", PartialDate(), "The day the state came about: the council's decision, or the day it was "
              "carried out; only where neither is dated, the day the network recorded it. Never the day a page "
              "was later updated.", required=True, example="2019-06-27"),
    ],
    label="a commitment's state (commitment, state, source and date)",
)

MEMBERSHIP = Record(
    [
        Field("network", Ref("network"), "The network's slug.", required=True, example="iash"),
        Field("since", PartialDate(), "When the city joined: a year, or year and month.", example="2021-06"),
        Field("commitments", ListOf(COMMITMENT_STATE, key="commitment"),
              "Where the city stands on the network's commitments, each with its source and date.",
              example=[{"commitment": "additional-admission", "state": "declared",
                        "source": "https://example.org/council-decision", "date": "2019-06-27"}]),
    ],
    label="a membership (network; since and commitments if known)",
)

