"""Rules about fields: unknown, missing, wrong type, empty."""

from .conftest import RECENT, only, write_initiative, write_network


def test_an_unknown_field_is_an_error_at_its_name_suggesting_the_nearest_field(atlas):
    atlas.write("cities/testville.md", f"""
        ---
        name: Testville
        country: DE
        coordinates: [52.52, 13.405]
        populaton: 5
        sources: [https://example.org]
        last_verified: {RECENT}
        ---
        """)
    d = only(atlas.diagnostics(), "unknown-field")
    assert (d.path, d.line, d.column) == ("cities/testville.md", 5, 1)
    assert "populaton" in d.message and d.hint == "did you mean 'population'?"


def test_an_unknown_field_inside_a_group_names_the_group(atlas):
    atlas.write("cities/testville.md", f"""
        ---
        name: Testville
        country: DE
        coordinates: [52.52, 13.405]
        population: {{value: 5000, year: 2020, source: https://example.org, yaer: 2020}}
        sources: [https://example.org]
        last_verified: {RECENT}
        ---
        """)
    d = only(atlas.diagnostics(), "unknown-field")
    assert "'population'" in d.message and "year" in d.hint


def test_a_missing_required_field_is_an_error_naming_the_field_and_an_example(atlas):
    atlas.write("networks/test-network.md", f"---\nname: Test Network\nsources: [https://example.org]\n"
                                            f"last_verified: {RECENT}\n---\n")
    d = only(atlas.diagnostics(), "missing-field")
    assert d.path == "networks/test-network.md" and "'scope'" in d.message and "scope:" in d.hint


def test_a_wrong_type_says_what_was_expected_and_what_was_found(atlas):
    atlas.write("cities/testville.md", f"""
        ---
        name: Testville
        country: DE
        coordinates: [52.52, 13.405]
        featured: "yes please"
        sources: [https://example.org]
        last_verified: {RECENT}
        ---
        """)
    d = only(atlas.diagnostics(), "wrong-type")
    assert d.line == 5 and "true or false" in d.message and "'yes please'" in d.message


def test_a_number_where_text_is_expected_hints_at_quotes(atlas):
    write_network(atlas, name="1968")
    d = only(atlas.diagnostics(), "wrong-type")
    assert "a number (1968)" in d.message and "quotes" in d.hint


def test_a_single_value_where_a_list_is_expected_shows_the_list_form(atlas):
    write_initiative(atlas, topics="access-to-social-rights")
    d = only(atlas.diagnostics(), "wrong-type")
    assert d.line == 4 and "a list" in d.message and d.hint == "write it as a list: [access-to-social-rights]"


def test_empty_text_and_empty_lists_are_errors_where_a_value_is_needed(atlas):
    write_initiative(atlas, title="''", topics="[]")
    found = [d for d in atlas.diagnostics() if d.code == "empty-value"]
    assert [d.line for d in found] == [2, 4]
    assert "empty text" in found[0].message and "an empty list" in found[1].message


def test_a_field_left_blank_is_an_empty_value(atlas):
    write_network(atlas, extra="website:\n")
    d = only(atlas.diagnostics(), "empty-value")
    assert d.line == 4 and "nothing" in d.message
