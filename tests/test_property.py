"""Whatever a contributor types or imports, the atlas answers with messages, never an exception."""

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.validate import validate

from .conftest import CITY, INITIATIVE, NETWORK

TEXT = st.text(alphabet=string.printable + "äöüßé€\t\r\x00\u2028&*[]{}:-#'\"|>", max_size=400)


def mutate(original: str, data) -> str:
    """Delete, insert or replace a slice of a valid file."""
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 20)))
    return original[:start] + data.draw(TEXT) + original[end:]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_give_diagnostics_never_an_exception(atlas, data):
    kind, folder, original = data.draw(st.sampled_from([("city", "cities", CITY), ("network", "networks", NETWORK),
                                                        ("initiative", "initiatives", INITIATIVE)]))
    text = mutate(original, data)
    name = {"city": "testville", "network": "test-network", "initiative": "test-welcome"}[kind]
    atlas.write(f"{folder}/{name}.md", text.encode("utf-8", "surrogatepass"))
    report = validate(atlas.root)
    for d in report.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.code and d.message


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_diagnostics_never_an_exception(atlas, raw):
    atlas.write("cities/random.md", raw)
    report = validate(atlas.root)
    assert any(d.path == "cities/random.md" for d in report.diagnostics)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
FEATURE = st.fixed_dictionaries({}, optional={
    "type": st.just("Feature") | JSON,
    "properties": st.fixed_dictionaries({}, optional={k: JSON | st.text(max_size=30) for k in (
        "name", "country", "latitude", "longitude", "networks", "sources", "featured", "website", "slug")}) | JSON,
    "geometry": st.fixed_dictionaries({"type": st.just("Point") | JSON,
                                       "coordinates": st.lists(st.floats() | st.integers() | JSON, max_size=3)}) | JSON,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(collection=st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(FEATURE | JSON,
                                                                                                      max_size=4)})
       | JSON)
def test_whatever_a_geojson_file_holds_import_answers_with_messages_never_an_exception(atlas, tmp_path, collection):
    from generator.importer import ImportFailed, import_cities

    source = tmp_path / "members.geojson"
    source.write_text(json.dumps(collection))
    try:
        outcome = import_cities(atlas.root, source, update=True)
    except ImportFailed as error:
        assert str(error).startswith(str(source))
    else:
        assert all(reasons for _, _, reasons in outcome.failed)

