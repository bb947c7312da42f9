"""Rules about values: countries, coordinates, addresses, dates, years, topics."""

import datetime as dt

import pytest

from .conftest import RECENT, TODAY, only, write_initiative, write_network


def city(atlas, *, country="DE", coordinates="[52.52, 13.405]", extra=""):
    atlas.write("cities/testville.md",
                f"---\nname: Testville\ncountry: {country}\ncoordinates: {coordinates}\n{extra}"
                f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")
    return atlas.diagnostics()


def test_a_country_name_instead_of_a_code_suggests_the_code(atlas):
    d = only(city(atlas, country="Germany"), "bad-country")
    assert (d.line, d.column) == (3, 10)
    assert "ISO 3166-1 alpha-2" in d.message and "'Germany'" in d.message
    assert "'DE'" in d.hint


@pytest.mark.parametrize("written, hint", [("de", "'DE'"), ("Italia", "'IT'"), ("FRA", "'FR'"), ("Grece", "'GR'")])
def test_country_hints(atlas, written, hint):
    d = only(city(atlas, country=written, coordinates="[41.9, 12.5]" if hint == "'IT'" else "[52.52, 13.405]"),
             "bad-country")
    assert hint in d.hint


def test_norway_written_without_quotes_gets_a_hint_about_yaml_reading_no_as_false(atlas):
    d = only(city(atlas, country="NO", coordinates="[59.91, 10.75]"), "wrong-type")
    assert "true/false (false)" in d.message and 'country: "NO"' in d.hint
    assert "wrong-type" not in [d.code for d in city(atlas, country='"NO"', coordinates="[59.91, 10.75]")]


def test_kosovo_is_a_country(atlas):
    assert "bad-country" not in [d.code for d in city(atlas, country="XK", coordinates="[42.66, 21.17]")]


@pytest.mark.parametrize("written", ["52.52, 13.405", "[52.52]", "[52.52, 13.4, 7]", "[north, east]"])
def test_coordinates_that_are_not_two_numbers_are_an_error(atlas, written):
    d = only(city(atlas, coordinates=written), "bad-coordinates")
    assert d.line == 4 and "two numbers" in d.message


def test_coordinates_without_brackets_get_a_hint_with_brackets(atlas):
    d = only(city(atlas, coordinates="52.52, 13.405"), "bad-coordinates")
    assert d.hint == "put them in square brackets: [52.52, 13.405]"


def test_a_latitude_beyond_90_is_an_error(atlas):
    d = only(city(atlas, coordinates="[95.1, 13.4]"), "coordinates-range")
    assert "latitude between -90 and 90" in d.message and "95.1" in d.message


def test_a_longitude_beyond_180_is_an_error(atlas):
    d = only(city(atlas, coordinates="[52.5, 190]"), "coordinates-range")
    assert "longitude between -180 and 180" in d.message


def test_a_point_outside_europe_is_an_error(atlas):
    d = only(city(atlas, country="US", coordinates="[40.71, -74.0]"), "outside-europe")
    assert "[40.71, -74.0]" in d.message


def test_swapped_latitude_and_longitude_are_named_as_such(atlas):
    d = only(city(atlas, coordinates="[13.405, 52.52]"), "swapped-coordinates")
    assert "[52.52, 13.405]" in d.hint and "Germany" in d.message


def test_a_point_far_out_at_sea_is_an_error(atlas):
    d = only(city(atlas, country="FR", coordinates="[45.5, -5.0]"), "far-from-country")
    assert d.line == 4
    assert d.message == "[45.5, -5.0] lies about 244 km from France (FR), expected a point within 50 km"


def test_the_europe_extent_is_configurable(atlas):
    (atlas.root / "atlas.yml").write_text("europe_extent: {west: 10, south: 50, east: 20, north: 60}\n")
    d = only(city(atlas, country="IT", coordinates="[41.9, 12.5]"), "outside-europe")
    assert "latitude 50.0..60.0" in d.message


def test_a_javascript_url_is_an_unsafe_url(atlas):
    d = only(city(atlas, extra="website: javascript:alert(1)\n"), "unsafe-url")
    assert d.line == 5 and "javascript:" in d.message


@pytest.mark.parametrize("written", ["ftp://example.org", "www.example.org", "https://", "see the website"])
def test_urls_other_than_http_and_https_are_errors(atlas, written):
    d = only(city(atlas, extra=f"website: {written}\n"), "bad-url")
    assert "https://" in d.message


@pytest.mark.parametrize("written, code", [
    ("Deutschland", "DE"), ("Allemagne", "DE"), ("Ελλάδα", "GR"), ("Polska", "PL"), ("Espana", "ES"),
    ("Schweiz", "CH"), ("Magyarország", "HU"), ("Germany", "DE"), ("DEU", "DE"),
])
def test_a_country_written_as_its_name_in_a_european_language_gets_its_code(atlas, written, code):
    d = only(city(atlas, country=f"'{written}'"), "bad-country")
    assert d.hint.startswith(f"did you mean '{code}' (")


@pytest.mark.parametrize("written, code", [("EL", "GR"), ("UK", "GB")])
def test_the_eus_codes_for_greece_and_the_united_kingdom_get_the_iso_code(atlas, written, code):
    d = only(city(atlas, country=written), "bad-country")
    assert d.hint == f"did you mean '{code}' ({'Greece' if code == 'GR' else 'United Kingdom'})? ISO 3166 writes it so"


def test_a_bare_domain_gets_a_hint_with_https(atlas):
    d = only(city(atlas, extra="website: www.example.org\n"), "bad-url")
    assert d.hint == "did you mean 'https://www.example.org'?"


def test_a_date_that_is_not_iso_is_an_error(atlas):
    write_network(atlas, last_verified="1 October 2026")
    d = only(atlas.diagnostics(), "bad-date")
    assert d.line == 5 and "ISO date" in d.message and "'1 October 2026'" in d.message


@pytest.mark.parametrize("written, meant", [
    ("07.10.2026", "2026-10-07"),          # day first, with dots: as Germany, Poland, Greece ... write it
    ("2026/10/7", "2026-10-07"),
    ("7 October 2026", "2026-10-07"),
    ("Oct. 7th, 2026", "2026-10-07"),
    ("25/10/2026", "2026-10-25"),          # only a day can be 25
    ("10/25/2026", "2026-10-25"),
    ("10/07/2026", None),                  # 10 July or 7 October: no guess
    ("31.09.2026", None),                  # no such day
])
def test_a_date_written_another_way_is_hinted_with_the_iso_day_where_it_can_mean_only_one(atlas, written, meant):
    write_network(atlas, last_verified=written)
    d = only(atlas.diagnostics(), "bad-date")
    assert d.hint == (f"write year-month-day with dashes: {meant}" if meant else
                      "write year-month-day with dashes, e.g. 2026-10-01")
    if meant:
        write_network(atlas, last_verified=meant)
        assert "bad-date" not in [d.code for d in atlas.diagnostics()]


def test_an_impossible_date_is_a_bad_date(atlas):
    write_network(atlas, last_verified="2026-13-45")
    assert only(atlas.diagnostics(), "bad-date").line == 5


@pytest.mark.parametrize("time", ["T10:00:00", " 23:30:00+02:00"])
@pytest.mark.parametrize("field, line", [("last_verified", 5), ("since", 8), ("retrieved", 11)])
def test_a_date_with_a_time_of_day_is_refused_with_the_day_to_write(atlas, field, line, time):
    """A timestamp pasted from elsewhere: one clear error with the day alone, never a crash of a later rule
    (the staleness check compared it with today's date and stopped validation with a traceback)."""
    written = f"{RECENT}{time}"
    dates = {name: written if name == field else RECENT for name in ("last_verified", "since", "retrieved")}
    atlas.write("cities/testville.md", "---\nname: Testville\ncountry: DE\ncoordinates: [52.52, 13.405]\n"
                f"last_verified: {dates['last_verified']}\n"
                f"networks:\n  - network: test-network\n    since: {dates['since']}\n"
                f"sources:\n  - url: https://example.org/page\n    retrieved: {dates['retrieved']}\n---\n")
    d = only(atlas.diagnostics(), "bad-date")
    assert d.line == line and "time of day" in d.message and written.replace("T", " ") in d.message
    assert d.hint == f"write the day alone, without the time: {RECENT}"


def test_a_date_in_the_future_is_an_error(atlas):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    write_network(atlas, last_verified=future)
    d = only(atlas.diagnostics(), "future-date")
    assert future in d.message


@pytest.mark.parametrize("year", [1066, TODAY.year + 5])
def test_an_implausible_year_is_an_error(atlas, year):
    write_initiative(atlas, extra=f"since: {year}\n")
    d = only(atlas.diagnostics(), "implausible-year")
    assert d.line == 5 and str(year) in d.message


def test_a_membership_date_may_be_a_year_or_a_month(atlas):
    assert "bad-date" not in [d.code for d in city(
        atlas, extra="networks:\n  - network: test-network\n    since: 2021-06\n")]
    d = only(city(atlas, extra="networks:\n  - network: test-network\n    since: June 2021\n"), "bad-date")
    assert d.line == 7


@pytest.mark.parametrize("written, meant", [
    ("June 2021", "2021-06"), ("06/2021", "2021-06"), ("2021/6", "2021-06"),
    ("seit 2015", "2015"), ("2015 (council vote)", "2015"), ("07.12.2021", "2021-12-07"),
    ("ca. 2015", None), ("2015-2016", None), ("13/2021", None),   # roughly, a range, no such month: no guess
])
def test_a_membership_date_written_another_way_is_hinted_with_what_to_write(atlas, written, meant):
    d = only(city(atlas, extra=f"networks:\n  - network: test-network\n    since: {written}\n"), "bad-date")
    assert d.hint == (f"write it as {meant}" if meant else "e.g. 2021 or 2021-06 or 2021-06-14")
    if meant:
        assert "bad-date" not in [d.code for d in city(
            atlas, extra=f"networks:\n  - network: test-network\n    since: {meant}\n")]


def test_a_topic_not_in_the_vocabulary_is_an_error_suggesting_the_nearest(atlas):
    write_initiative(atlas, topics="\n  - political-participaton")
    d = only(atlas.diagnostics(), "unknown-topic")
    assert d.line == 5 and "initiatives/topics.yml" in d.message
    assert d.hint == "did you mean 'political-participation'?"


def test_a_scope_not_in_the_vocabulary_is_an_error(atlas):
    write_network(atlas, scope="worldwide")
    d = only(atlas.diagnostics(), "unknown-scope")
    assert "networks/scopes.yml" in d.message


@pytest.mark.parametrize("written, hint", [
    ("'184,754'", "write the number alone, without separators or quotes: 184754"),
    ("184 754", "write the number alone, without separators or quotes: 184754"),       # as French writes it
    ("1'780'000", "write the number alone, without separators or quotes: 1780000"),    # as Swiss German does
    ("'184754'", "write the number alone, without separators or quotes: 184754"),       # quoted
    ("184754.0", "write it without the decimal point: 184754"),
    ("'12.5'", "write the number without separators, e.g. 184754"),                    # no number to guess
])
def test_a_population_as_formatted_text_gets_the_number_to_write(atlas, written, hint):
    d = only(city(atlas, extra=f"population: {{value: {written}, year: 2022, source: https://example.org}}\n"),
             "wrong-type")
    assert d.hint == hint


@pytest.mark.parametrize("written", [".inf", "-.inf", ".nan", "1e400", "2.5"])
def test_a_count_that_is_not_a_whole_number_is_a_wrong_type_whatever_yaml_reads(atlas, written):
    """YAML reads .inf, .nan and 1e400 as floats that no number check expects (infinity crashed the check
    for a number written with a thousands separator)."""
    d = only(city(atlas, extra=f"population: {{value: {written}, year: 2022, source: https://example.org}}\n"),
             "wrong-type")
    assert d.line == 5 and "whole number" in d.message
