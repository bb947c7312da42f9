"""The atlas in this repository, and the fixture atlas, are valid."""

from generator.diagnostics import format_text
from generator.validate import validate

from .conftest import ROOT


def test_the_fixture_atlas_is_clean(atlas):
    assert atlas.diagnostics() == []


def test_the_repository_data_is_clean_even_under_strict():
    report = validate(ROOT)
    assert report.diagnostics == [], "\n".join(map(format_text, report.diagnostics))
    assert report.checked >= 5
