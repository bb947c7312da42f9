"""Whatever a contributor types, the validator answers with diagnostics, never an exception."""

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
