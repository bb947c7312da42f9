"""Countries: ISO 3166-1 codes and names (from pycountry). Where their land lies is in `geo.py`."""

from __future__ import annotations

import difflib
from functools import lru_cache

import pycountry

# Kosovo uses the user-assigned code XK, as the EU and most open data do.
EXTRA = {"XK": "Kosovo"}


@lru_cache(maxsize=None)
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(EXTRA)


def all_codes() -> frozenset[str]:
    """Every country code the atlas knows (ISO 3166-1 alpha-2, and XK)."""
    return _codes()


def is_country_code(value: str) -> bool:
    return value in _codes()


@lru_cache(maxsize=None)
def country_name(code: str) -> str:
    if code in EXTRA:
        return EXTRA[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# Codes Europe writes that ISO does not: the EU's for Greece and the United Kingdom.
ALIASES = {"EL": "GR", "UK": "GB"}
# The languages whose names of countries a contributor may write: the atlas's, and Europe's other ones.
NAME_LANGUAGES = ("en", "de", "it", "el", "pl", "fr", "es", "nl", "pt", "ca", "sv", "da", "nb", "fi", "cs", "sk", "hu",
                  "ro", "bg", "hr", "sl", "sr", "bs", "mk", "sq", "lt", "lv", "et", "uk", "ru", "be", "tr", "ga", "mt",
                  "is", "lb", "eu", "gl", "cy")


def country_hint(value: str) -> str | None:
    """What the contributor probably meant: 'Germany', 'Deutschland', 'DEU', 'de' or 'EL' -> the code."""
    text = value.strip()
    if text.upper() in _codes():
        return f"write it in capitals: '{text.upper()}'"
    if text.upper() in ALIASES:
        code = ALIASES[text.upper()]
        return f"did you mean '{code}' ({country_name(code)})? ISO 3166 writes it so"
    from .load import fold  # (load reads the kinds, whose model reads this module)

    code = european_names("territories").get(fold(text))
    if code in _codes():
        return f"did you mean '{code}' ({country_name(code)})?"
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        try:
            country = pycountry.countries.search_fuzzy(text)[0]
        except LookupError:
            names = _names()
            close = difflib.get_close_matches(text.casefold(), list(names), n=1, cutoff=0.75)
            if not close:
                return "use the two-letter code, e.g. DE for Germany, IT for Italy"
            country = pycountry.countries.get(alpha_2=names[close[0]])
    return f"did you mean '{country.alpha_2}' ({country_name(country.alpha_2)})?"


@lru_cache(maxsize=None)
def european_names(table: str) -> dict[str, str]:
    """Two-letter codes by their names in Europe's languages, folded (Babel's CLDR `territories` or `languages`):
    deutschland -> DE, ελλαδα -> GR; german, deutsch -> de."""
    from babel import Locale

    from .load import fold

    names: dict[str, str] = {}
    for language in NAME_LANGUAGES:
        for code, name in getattr(Locale.parse(language), table).items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
    return names


@lru_cache(maxsize=None)
def _names() -> dict[str, str]:
    names = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if hasattr(country, attribute):
                names[getattr(country, attribute).casefold()] = country.alpha_2
    return names
