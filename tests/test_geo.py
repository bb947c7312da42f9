"""Where a city lies: its coordinates against Natural Earth's country outlines."""

import json

import pytest

from generator.core import geo

from .conftest import RECENT, only

LOCATION = {"swapped-coordinates", "outside-europe", "wrong-country", "far-from-country"}


def city(atlas, country, coordinates):
    """A city file with its coordinates on line 4, column 14."""
    atlas.write("cities/testville.md",
                f"---\nname: Testville\ncountry: {country}\ncoordinates: {coordinates}\n"
                f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    return atlas.diagnostics()


def location_codes(diagnostics):
    return [d.code for d in diagnostics if d.code in LOCATION]


@pytest.mark.parametrize("country, coordinates, lies_in, filed", [
    ("ES", "[41.1579, -8.6291]", "Portugal (PT)", "Spain (ES)"),        # Porto
    ("DE", "[48.5734, 7.7521]", "France (FR)", "Germany (DE)"),         # Strasbourg, 4 km from the Rhine
    ("NL", "[50.8467, 4.3525]", "Belgium (BE)", "Netherlands (NL)"),    # Brussels
])
def test_a_city_that_lies_in_another_country_is_an_error_naming_that_country(atlas, country, coordinates,
                                                                             lies_in, filed):
    d = only(city(atlas, country, coordinates), "wrong-country")
    assert (d.line, d.column) == (4, 14)
    assert d.message.startswith(f"{coordinates} lies in {lies_in}, about ")
    assert d.message.endswith(f" km from {filed}")
    assert d.hint == "check the country code and the coordinates"


def test_the_error_says_how_far_the_point_is_from_the_country_it_is_filed_under(atlas):
    d = only(city(atlas, "ES", "[41.1579, -8.6291]"), "wrong-country")
    assert "about 81 km from Spain" in d.message


# Natural Earth's 1:50m borders are simplified: these towns lie up to 3.2 km on the wrong side of them.
BORDER_TOWNS = [
    ("Konstanz", "DE", 47.6633, 9.1753), ("Kreuzlingen", "CH", 47.6506, 9.1750),
    ("Görlitz", "DE", 51.1528, 14.9872), ("Zgorzelec", "PL", 51.1500, 15.0083),
    ("Frankfurt (Oder)", "DE", 52.3471, 14.5506), ("Słubice", "PL", 52.3500, 14.5600),
    ("Gorizia", "IT", 45.9409, 13.6217), ("Nova Gorica", "SI", 45.9558, 13.6483),
    ("Kerkrade", "NL", 50.8659, 6.0703), ("Herzogenrath", "DE", 50.8710, 6.0939),
    ("Baarle-Nassau", "NL", 51.4475, 4.9300), ("Baarle-Hertog", "BE", 51.4406, 4.9300),
    ("Tornio", "FI", 65.8481, 24.1466), ("Haparanda", "SE", 65.8355, 24.1368),
    ("Valga", "EE", 57.7769, 26.0311), ("Valka", "LV", 57.7753, 26.0175),
    ("Narva", "EE", 59.3772, 28.1903), ("Český Těšín", "CZ", 49.7461, 18.6261),
    ("České Velenice", "CZ", 48.7700, 14.9667), ("Lauterbourg", "FR", 48.9750, 8.1783),
    ("Kehl", "DE", 48.5720, 7.8150), ("Strasbourg", "FR", 48.5734, 7.7521),
    ("Passau", "DE", 48.5667, 13.4667), ("Bad Radkersburg", "AT", 46.6883, 15.9883),
    ("Menton", "FR", 43.7747, 7.4975), ("Valença", "PT", 42.0280, -8.6420),
    ("Lifford", "IE", 54.8336, -7.4797), ("Komárno", "SK", 47.7633, 18.1283),
]


@pytest.mark.parametrize("name, country, latitude, longitude", BORDER_TOWNS, ids=[t[0] for t in BORDER_TOWNS])
def test_a_border_town_in_its_own_country_is_accepted(atlas, name, country, latitude, longitude):
    assert location_codes(city(atlas, country, f"[{latitude}, {longitude}]")) == []


@pytest.mark.parametrize("country, coordinates", [
    ("IT", "[45.4408, 12.3155]"),   # Venice, 2.5 km off Natural Earth's coast
    ("GR", "[36.43, 27.37]"),       # Tilos, an island Natural Earth leaves out, 41 km from Greek land
    ("DE", "[53.8609, 8.6944]"),    # Cuxhaven
])
def test_a_coastal_town_that_falls_in_the_sea_is_accepted(atlas, country, coordinates):
    assert location_codes(city(atlas, country, coordinates)) == []


def test_crimea_is_part_of_ukraine(atlas):
    assert location_codes(city(atlas, "UA", "[44.95, 34.10]")) == []   # Simferopol
    d = only(city(atlas, "RU", "[44.95, 34.10]"), "wrong-country")
    assert "lies in Ukraine (UA)" in d.message and "from Russian Federation (RU)" in d.message


@pytest.mark.parametrize("coordinates", ["[59.94, 30.31]", "[55.7558, 37.6173]", "[54.7104, 20.4522]"])
def test_cities_in_european_russia_are_in_russia(atlas, coordinates):
    assert location_codes(city(atlas, "RU", coordinates)) == []   # Saint Petersburg, Moscow, Kaliningrad


def test_swapped_coordinates_are_named_as_such_rather_than_as_another_country(atlas):
    diagnostics = city(atlas, "RU", "[30.31, 59.94]")
    d = only(diagnostics, "swapped-coordinates")
    assert "Russian Federation" in d.message and d.hint == "latitude comes first: write [59.94, 30.31]"
    assert location_codes(diagnostics) == ["swapped-coordinates"]


@pytest.mark.parametrize("country, coordinates, code, meant", [
    ("PT", "[38.7223, 9.1393]", "far-from-country", "[38.7223, -9.1393]"),   # Lisbon, from "9.1393° W"
    ("IE", "[53.3498, 6.2603]", "wrong-country", "[53.3498, -6.2603]"),      # Dublin: the minus lost lands in NL
    ("GR", "[37.9838, -23.7275]", "far-from-country", "[37.9838, 23.7275]"),  # Athens: a minus gained
])
def test_a_longitude_with_the_wrong_sign_is_named_with_the_point_meant(atlas, country, coordinates, code, meant):
    d = only(city(atlas, country, coordinates), code)
    assert d.hint == f"check the longitude's sign, negative west of Greenwich: did you mean {meant}?"
    assert location_codes(city(atlas, country, meant)) == []


def test_a_country_whose_land_lies_far_from_europe_is_named_far(atlas):
    d = only(city(atlas, "IN", "[52.52, 13.405]"), "wrong-country")
    assert d.message == "[52.52, 13.405] lies in Germany (DE), far from India (IN)"


def test_a_country_natural_earth_does_not_draw_is_not_judged(atlas):
    assert location_codes(city(atlas, "VA", "[41.9029, 12.4534]")) == []   # Vatican City


def test_small_islands_lie_in_their_country(atlas):
    # 1:10m outlines: the 1:50m ones lacked Lampedusa, 148 km from Sicily's coast.
    assert location_codes(city(atlas, "IT", "[35.50084, 12.60745]")) == []   # Lampedusa e Linosa
    assert geo.country_at(36.1408, -5.3536) == "GI"   # Gibraltar, drawn at this scale


def test_the_border_tolerance_is_a_setting(atlas):
    text = (atlas.root / "atlas.yml").read_text()
    (atlas.root / "atlas.yml").write_text(text.replace("border_tolerance_km: 3.5", "border_tolerance_km: 5"))
    assert location_codes(city(atlas, "DE", "[48.5734, 7.7521]")) == []


def test_a_country_has_holes_where_another_lies_inside_it():
    assert geo.country_at(43.9424, 12.4578) == "SM"   # San Marino, inside Italy
    assert geo.distance_km("IT", 43.9424, 12.4578) > 0
    assert geo.distance_km("SM", 43.9424, 12.4578) == 0


def test_distances_are_zero_inside_and_grow_outside():
    assert geo.distance_km("PT", 41.1579, -8.6291) == 0
    assert 75 < geo.distance_km("ES", 41.1579, -8.6291) < 90
    assert geo.distance_km("VA", 41.9029, 12.4534) is None
    assert geo.country_at(45.5, -5.0) is None


def test_the_outlines_are_small_and_name_their_source():
    assert geo.DATA.stat().st_size < 2_000_000  # 1:10m for Europe: small islands, exact borders
    data = json.loads(geo.DATA.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and "public domain" in data["source"]
    assert {"XK", "UA", "RU", "CY", "IS", "TR"} <= set(data["outlines"])
