"""Languages: which ones the atlas is published in, their message catalogues, and how each
writes dates, numbers and country names.

English is the source language: its messages are the msgids themselves, and its site is the
site's root. Every other language has a gettext catalogue, `generator/locale/<lang>/LC_MESSAGES/
atlas.po`, compiled in memory when a build first needs it (no .mo file is ever written or
committed). A catalogue comes from a pull request like any other file, so a translation whose
markup or placeholders differ from its English message is refused (`check_catalogue`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from .body import scan_html
from .diagnostics import Diagnostic, Severity

LANGUAGES = ("en", "de", "it", "el", "pl", "fr", "es")  # the order of the language switcher
SOURCE = "en"
# How search reads each language (Material's search plugin: lunr's languages, the pipeline's steps kept).
# Words fold their marks on both sides of a search (theme/assets/atlas/search-worker.js); German, Italian,
# Greek, French and Spanish are also stemmed, index and query alike, by lunr's stemmer for the language
# ("Städte" finds "Stadt"). lunr has no Polish: Polish words are matched as written, and folded, with no
# English step (English stop words and stemming would garble them). English keeps Material's default.
SEARCH = {"en": (["en"], ["stopWordFilter"]), "pl": (["en"], [])}
SEARCH_STEMMED = ("stopWordFilter", "stemmer")
LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "atlas"
# Markup and placeholders a translation must keep exactly: HTML tags and entities, %(name)s, {field},
# and straight double quotes (a message may be printed inside an attribute: a stray " would end it).
_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|%\([a-z_]+\)[sd]|\{[a-z_.]+\}")


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)  # each page's language switcher names every language
def language_name(language: str) -> str:
    """The language's name in itself, as the language switcher shows it: Deutsch, Ελληνικά."""
    name = Locale.parse(language).get_display_name(language)
    return name[:1].upper() + name[1:]


def check_catalogue(language: str) -> tuple[Any, list[Diagnostic]]:
    """The catalogue of a language, read, and what is wrong with it (file, line, what, hint)."""
    path = catalogue_path(language)
    try:
        status = path.lstat()
        stamp = (status.st_size, status.st_mtime_ns)
    except OSError:
        stamp = None
    return _check_catalogue(language, stamp)


# Read once per process and change: validate() runs often (tests, the preview), and each language's build,
# forked after `make site` validated the data, finds every catalogue already read.
@lru_cache(maxsize=32)
def _check_catalogue(language: str, stamp: tuple | None) -> tuple[Any, list[Diagnostic]]:
    return read_catalogue(catalogue_path(language), language, f"generator/locale/{language}/LC_MESSAGES/{DOMAIN}.po")


def read_catalogue(path: Path, language: str, display: str) -> tuple[Any, list[Diagnostic]]:
    """A .po file read and checked: the catalogue (None if unreadable) and its diagnostics."""
    if not path.is_file() or path.is_symlink():
        return None, [Diagnostic(display, 1, 1, "missing-catalogue", f"expected the {language} message catalogue",
                                 hint="run make messages to create it from the templates")]
    try:
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language, abort_invalid=True)
    except LookupError:  # the header names an encoding Python does not know
        return None, [_not_utf8(path, display)]
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        text = str(error).splitlines()[0][:200]
        where = re.search(r" on (\d+)$", text)  # Babel counts lines from 0
        line = int(where.group(1)) + 1 if where else 1
        text = text[: where.start()] if where else text
        return None, [Diagnostic(display, line, 1, "bad-catalogue", f"expected a gettext .po file, found an error: "
                                 f"{text}", hint="compare it with another language's file")]
    if (catalogue.charset or "").lower().replace("_", "-") not in ("utf-8", "utf8"):  # read so, text is mojibake
        return None, [_not_utf8(path, display)]
    problems = _twice(path.read_bytes().decode("utf-8", "replace"), display)
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        if not is_translated(message):
            untranslated.append((message.lineno or 1, ids[0]))
        if not message.string:
            continue
        if message.fuzzy:  # as msgfmt, the build leaves such a translation out: the English shows
            problems.append(Diagnostic(display, message.lineno or 1, 1, "fuzzy-translation",
                                       f"the translation of {ids[0][:60]!r} is marked fuzzy (#, fuzzy), so the site "
                                       "shows the English message", Severity.WARNING,
                                       hint="check the translation, then delete 'fuzzy' from its #, line"))
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        wanted = _markup(ids[-1])
        for string in strings:
            if string and not _keeps(_markup(string), wanted) and not _plural_count(ids, string):
                line = message.lineno or 1
                problems.append(Diagnostic(display, line, 1, "bad-translation",
                                           f"expected the markup and placeholders {' '.join(wanted) or '(none)'} "
                                           f"of the English message {ids[0][:60]!r}, found "
                                           f"{' '.join(_markup(string)) or '(none)'}",
                                           hint="keep every <tag>, &entity; and %(name)s exactly as in msgid"))
    if untranslated:  # new messages of the templates, not yet translated: one line for all of them
        (line, first), count = untranslated[0], len(untranslated)
        problems.append(Diagnostic(display, line, 1, "untranslated",
                                   f"{count} message{'s are' if count > 1 else ' is'} not translated yet (the first: "
                                   f"{first[:60]!r}), so the site shows {'them' if count > 1 else 'it'} in English",
                                   Severity.WARNING, hint="translate each msgstr \"\" (atlas translations counts them)"))
    return catalogue, problems


def is_translated(message: Any) -> bool:
    """Every form of a catalogue message's translation is written (a plural has one for each form)."""
    return all(message.string if isinstance(message.string, (list, tuple)) else (message.string,))


_KEYWORD = re.compile(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s*"(.*)"$')


def _twice(text: str, display: str) -> list[Diagnostic]:
    """Each message given a second time (in the same context), at its msgid's line. GNU msgfmt refuses such a
    file; Babel keeps one of the two translations without a word, so the other would silently never show."""
    entries: list[list] = []  # [keyword, line, text] of each keyword, its continued strings joined
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if (found := _KEYWORD.match(line)) is not None:
            entries.append([found.group(1), number, found.group(2)])
        elif line.startswith('"') and entries:  # a string continued (comments, #~ obsolete ones too, are skipped)
            entries[-1][2] += line[1:-1] if line.endswith('"') and len(line) > 1 else line[1:]
    seen: dict[tuple, int] = {}
    problems = []
    for previous, (keyword, number, message) in zip([None, *entries], entries):
        if keyword != "msgid":
            continue
        key = (previous[2] if previous and previous[0] == "msgctxt" else None, message)
        if key in seen:
            shown = message[:60] or "(the header)"
            problems.append(Diagnostic(display, number, 1, "bad-catalogue", f"expected each message once, found "
                                       f"{shown!r} a second time (the first on line {seen[key]})",
                                       hint="keep one of the two, with the translation you mean, and delete the other"))
        else:
            seen[key] = number
    return problems


_CHARSET = re.compile(rb'charset=([^\\"\s]*)', re.IGNORECASE)


def _not_utf8(path: Path, display: str) -> Diagnostic:
    """A catalogue whose header declares another encoding than UTF-8, at the header's line."""
    lines = path.read_bytes().split(b"\n")
    number, found = next(((n, m) for n, line in enumerate(lines, start=1) if (m := _CHARSET.search(line))), (1, None))
    declared = found.group(1).decode("ascii", "backslashreplace")[:40] if found else ""
    return Diagnostic(display, number, 1, "bad-catalogue",
                      f"expected the header's Content-Type to say charset=UTF-8, found charset={declared!r}",
                      hint='write "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8')


_TAG = re.compile(r"<[^>]*>")


def _markup(text: str) -> list[str]:
    """What a message must keep: its tags as a browser reads them (name and attributes), its entities and
    placeholders, and no more '<' and straight double quotes than it has (typographic quotes are welcome):
    a message may be printed unescaped, or inside an attribute, which a stray " would end. A tag that is
    never closed (`<meta ... ` with no '>') is markup the English has not, and so refused."""
    tags, links, findings = scan_html(text)
    found = [f"<{'/' if t.closing else ''}{t.name}" + "".join(f" {n}={v!r}" for n, v, _ in sorted(t.attributes)) + ">"
             for t in tags]
    found += [f"<{link.target}>" for link in links] + [f"({finding.code})" for finding in findings]
    rest = _TAG.sub("", text)
    return sorted(_MARKUP.findall(rest) + found) + ["<"] * rest.count("<") + ['"'] * rest.count('"')


def _keeps(found: list[str], wanted: list[str]) -> bool:
    """The same tags and placeholders, and at most as many straight quotes."""
    return ([m for m in found if m not in ('"', "<")] == [m for m in wanted if m not in ('"', "<")]
            and found.count('"') <= wanted.count('"') and found.count("<") <= wanted.count("<"))


def _plural_count(ids: tuple, string: str) -> bool:
    # A plural form may leave the number out ("one city"): the singular msgid's markup is enough.
    return len(ids) > 1 and _keeps(_markup(string), [m for m in _markup(ids[-1]) if m != "%(count)s"])


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    """The language's messages, compiled in memory; English (and a catalogue with errors) gives the msgids."""
    if language == SOURCE:
        return gettext.NullTranslations()
    catalogue, problems = check_catalogue(language)
    if catalogue is None or any(problem.is_error for problem in problems):
        return gettext.NullTranslations()  # validate() reports the problems and stops the build first
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# ---- how a language writes dates, numbers and country names ------------------------

def date_pattern(language: str) -> str:
    """The pattern of a day's date in a language (CLDR's long date; English as Europe writes it, day first):
    the atlas's pages and the news (Material's blog) write dates with it."""
    return "d MMMM y" if language == SOURCE else "long"


@lru_cache(maxsize=None)
def locale(language: str) -> Locale:
    """The CLDR's data of a language, read once (Babel parses a language's name anew at every call)."""
    return Locale.parse(language)


def format_date(value: dt.date, language: str) -> str:
    """14 June 2019, 14. Juni 2019, 14 giugno 2019."""
    return babel_date(value, date_pattern(language), locale=locale(language))


def format_month(value: dt.date, language: str, in_sentence: bool = False) -> str:
    """A month as the language writes it (CLDR's year-month pattern): alone, in the stand-alone form
    (czerwiec 2019, Ιούνιος 2019, junio de 2019); in a sentence, after a word such as "since", in the
    format form (od czerwca 2019, από Ιουνίου 2019), which is what CLDR's format context is for."""
    if language == SOURCE:
        return f"{value:%B %Y}"
    pattern = locale(language).datetime_skeletons["yMMMM"].pattern
    return babel_date(value, pattern.replace("LLLL", "MMMM") if in_sentence else pattern, locale=locale(language))


def format_list(items: list[str], language: str) -> str:
    """Items as the language lists them (CLDR): "A, B and C", "A, B und C", "A, B i C"."""
    return babel_format_list(items, locale=locale(language)) if items else ""


# The CLDR's minimumGroupingDigits of 2: these languages group no number of four digits ("1000", "12.345").
# Babel does not apply it; the browsers' Intl.NumberFormat does, and the map writes its numbers with it.
UNGROUPED_BELOW = {"es": 10_000, "it": 10_000, "pl": 10_000}


def format_number(value: int, language: str) -> str:
    if language == SOURCE:
        return f"{value:,}"
    if isinstance(value, int) and 0 <= value < UNGROUPED_BELOW.get(language, 1000):
        return str(value)  # ungrouped (and every language of the site writes Latin digits)
    return format_decimal(value, locale=locale(language))


@lru_cache(maxsize=None)
def territory_name(code: str, language: str) -> str | None:
    """A country's name in a language, from the Unicode CLDR (Babel); None if it has none."""
    return locale(language).territories.get(code)


SEAS = Path(__file__).parent.parent / "data" / "seas.json"  # the seas the basemap names (scripts/vendor.py)


def place_names(language: str) -> dict[str, str]:
    """The basemap's names (countries and seas, as scripts/vendor.py wrote them into basemap.json) in a
    language: countries from the CLDR (English's too: "Russia", not "Russian Federation"), seas from the
    catalogue."""
    from .countries import all_codes, country_name

    translate = translations(language).gettext  # (not named gettext: the message extractor would read its argument)
    names = {country_name(code): territory_name(code, language) or country_name(code) for code in sorted(all_codes())}
    for sea in json.loads(SEAS.read_text(encoding="utf-8"))["seas"]:
        names[sea["name"]] = translate(sea["name"])
    return names


def extract_seas(fileobj, keywords, comment_tags, options):
    """The names of the seas on the basemap (generator/data/seas.json)."""
    for sea in json.load(fileobj)["seas"]:
        yield 1, "gettext", sea["name"], []


def plural_examples(language: str) -> dict[str, int]:
    """A number of each plural category of a language (CLDR), for the map's messages in JavaScript."""
    rule = Locale.parse(language).plural_form
    examples: dict[str, int] = {}
    for number in range(0, 200):
        examples.setdefault(rule(number), number)
    return examples


# ---- the map's messages, for its JavaScript ----------------------------------------

def N_(message: str) -> str:
    """Marks a message for `make messages` where it is translated later (the map's)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural (babel.cfg's keyword N_plural:1,2)."""
    return singular, plural


# Key -> English message. %(name)s is filled in by the script; a pair is (singular, plural) of %(count)s.
MAP_MESSAGES: dict[str, str | tuple[str, str]] = {
    "attribution": N_("Natural Earth · Atlas data CC BY 4.0"),
    "twoFingers": N_("Use two fingers to move the map"),
    "legend": N_("Legend"),
    "legendFeatured": N_("Featured profile"),
    "legendCity": N_("City"),
    "legendCluster": N_("Several cities: zoom in"),
    "legendClusterShort": N_("Several: zoom in"),
    "markerFeatured": N_("%(name)s (featured profile)"),
    "popupFeatured": N_("%(country)s · featured profile"),
    "popupNetworks": N_("Networks: %(networks)s"),
    "popupInitiatives": N_plural("%(count)s initiative", "%(count)s initiatives"),
    "cluster": N_plural("%(count)s city here: zoom in", "%(count)s cities here: zoom in"),
    "shown": N_plural("%(count)s city shown", "%(count)s cities shown"),
    "shownFiltered": N_("%(shown)s: %(filters)s"),
    "filterFeatured": N_("featured profiles"),
    "filterNetwork": N_("members of %(network)s"),
    "filterCountry": N_("in %(country)s"),
    "filterTopic": N_("with initiatives on %(topic)s"),
    "noMatch": N_("No city matches. Choose another filter or press Show all."),
    "noMatchOne": N_("No city matches: %(filters)s. Choose another filter or press Show all."),
    "noMatchMany": N_("No city matches: %(filters)s. Choose another filter, remove one or press Show all."),
    "noMatchShort": N_("No city matches these filters."),
    "filters": N_("Filters"),
    "findCity": N_("Find a city"),
    "findGo": N_("Show"),
    "findNone": N_("No city called “%(name)s” is in the atlas."),
    "findShown": N_("%(name)s is shown on the map, with its card open."),
    "filtersOn": N_plural("Filters (%(count)s on)", "Filters (%(count)s on)"),
    "listFeatured": N_("(featured)"),
    "dataError": N_("The map's data could not be loaded (%(error)s). The cities are listed by country on the "
                    "Cities page."),
    "filterCommitment": N_("with a recorded state on %(commitment)s"),
    "stateFulfilled": N_("Commitment fulfilled"),
    "stateDeclared": N_("Declared, not yet fulfilled"),
    "stateNot": N_("Not decided"),
    "stateWordsFulfilled": N_("commitment fulfilled"),
    "stateWordsDeclared": N_("declared, not yet fulfilled"),
    "stateWordsNot": N_("not decided"),
    "timeline": N_("Joined by"),
    "timelinePlay": N_("Play"),
    "timelinePause": N_("Pause"),
    "timelineBy": N_("cities that joined by the end of %(year)s, where the atlas knows the year"),
    "timelineAll": N_("all cities, with a known year or not"),
    "timelineAllShort": N_("all"),
    "filterYear": N_("joined by %(year)s"),
    "copied": N_("Copied"),
    "copyByHand": N_("Selected: press Ctrl+C to copy"),
    "mapError": N_("The map could not be loaded (%(error)s). The cities are listed by country on the Cities page."),
}


def map_messages(language: str) -> dict:
    """The map's messages in a language; a plural message is one form per CLDR plural category of it."""
    translated = translations(language)
    messages: dict[str, Any] = {"language": language}
    for key, message in MAP_MESSAGES.items():
        if isinstance(message, tuple):
            messages[key] = {category: translated.ngettext(message[0], message[1], number)
                             for category, number in plural_examples(language).items()}
        else:
            messages[key] = translated.gettext(message)
    return messages


# ---- extracting messages beyond the templates (babel.cfg names these extractors) ------

def extract_config(fileobj, keywords, comment_tags, options):
    """mkdocs.yml's words a reader sees: navigation titles, the description, the colour toggle, the footer."""
    import yaml

    config = yaml.load(fileobj, Loader=ConfigLoader)  # its tags (!ENV) read as nothing

    def nav(items):
        for item in items or []:
            if isinstance(item, dict):
                for title, value in item.items():
                    yield title
                    if isinstance(value, list):
                        yield from nav(value)

    found = [*nav(config.get("nav")), config.get("site_description"), config.get("copyright")]
    found += [p["toggle"]["name"] for p in (config.get("theme") or {}).get("palette") or [] if "toggle" in p]
    for text in found:
        if isinstance(text, str):
            yield 1, "gettext", text, []


def extract_registry(fileobj, keywords, comment_tags, options):
    """Words of the kinds registry (generator/core/kinds.py) and of the vocabularies a page shows."""
    from .kinds import KINDS
    from .load import read_yaml

    name = getattr(fileobj, "name", "")
    if name.endswith(".yml"):
        entries, _ = read_yaml(fileobj.read().decode("utf-8"), name)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                for key in ("name", "description"):
                    if isinstance(entry.get(key), str):
                        yield 1, "gettext", entry[key], []
        return
    for kind in KINDS.values():
        yield 1, "gettext", kind.name, []
        yield 1, "gettext", kind.fallback, []


class ConfigLoader(__import__("yaml").SafeLoader):
    """mkdocs.yml as data: its tags (!ENV, !!python/name) read as nothing (generator/site/sites.py reads it too)."""


ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def search_settings(language: str) -> tuple[list[str], list[str]]:
    """The search's lunr languages and the pipeline's steps for a language."""
    return SEARCH.get(language, ([language], list(SEARCH_STEMMED)))
