"""Seven languages, without a build: the catalogues, translations of content files, the report.

What a translator or a reviewer meets: a catalogue that is complete and up to date with the
templates, a translation file checked like the data it translates (file, line, hint), the
revision that says when the English text changed, and `atlas translations`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core import i18n
from generator.core.translate import completeness, format_report, revision

from .conftest import ROOT, only

GERMAN = """\
---
translates: {revision}
machine_assisted: true
---

Eine Stadt für Tests.
"""


def english_revision(atlas, relative: str = "cities/testville.md", kind: str = "city") -> str:
    from generator.core.load import read_source

    source, _ = read_source(atlas.root / relative, relative, kind, 1 << 20)
    return revision(source.data, source.body, kind)


# ---- the catalogues -----------------------------------------------------------------

@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_every_catalogue_is_valid_and_translates_every_message(language):
    catalogue, problems = i18n.check_catalogue(language)
    assert problems == []
    untranslated = [m.id for m in catalogue if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                            else m.string)]
    assert untranslated == []
    assert "machine-assisted" in catalogue.header_comment.lower()  # until a reader of the language reviews it


def test_the_catalogues_hold_exactly_the_messages_of_the_templates_theme_and_script(tmp_path):
    """`make messages` has been run: no string of ours is missing from the catalogues, none is stale."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "atlas.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
                    "-k", "N_plural:1,2", "--no-location", "--omit-header", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    assert wanted == {m.id for m in read_po((i18n.LOCALE_DIR / "atlas.pot").open("rb")) if m.id}
    for language in i18n.LANGUAGES[1:]:
        catalogue, _ = i18n.check_catalogue(language)
        assert {m.id for m in catalogue if m.id} == wanted, language


def test_a_translation_that_changes_markup_or_a_placeholder_is_an_error_with_its_line(tmp_path):
    po = tmp_path / "atlas.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  '#, python-format\nmsgid "since %(date)s"\nmsgstr "seit %(datum)s"\n\n'
                  'msgid "Sources"\nmsgstr "Quellen<img src=x onerror=alert(1)>"\n\n'
                  'msgid "Home"\nmsgstr "Startseite"\n\n'
                  'msgid "Search the atlas"\nmsgstr "Suchen\\" onfocus=\\"alert(1)"\n\n'
                  'msgid "Credit \\"us\\"."\nmsgstr "Nennen Sie „uns“."\n', encoding="utf-8")
    _, problems = i18n.read_catalogue(po, "de", "generator/locale/de/LC_MESSAGES/atlas.po")
    # msgid lines; a stray " would end the attribute the message is printed in; typographic quotes are fine
    assert [(p.line, p.code) for p in problems] == [(6, "bad-translation"), (9, "bad-translation"),
                                                   (15, "bad-translation")]
    assert "expected the markup and placeholders %(date)s" in problems[0].message
    assert "%(datum)s" in problems[0].message and problems[0].hint.startswith("keep every")


def test_a_broken_catalogue_is_a_diagnostic_not_a_traceback(tmp_path):
    po = tmp_path / "atlas.po"
    po.write_text('msgid "Home"\nmsgstr "Startseite"\nmsgtext "?"\n', encoding="utf-8")
    catalogue, problems = i18n.read_catalogue(po, "de", "x.po")
    problem = only(problems, "bad-catalogue")
    assert catalogue is None and (problem.path, problem.line) == ("x.po", 3)


def test_a_message_given_twice_is_refused_at_the_second_as_msgfmt_would(tmp_path):
    po = tmp_path / "atlas.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Cities"\nmsgstr "Städte"\n\n'
                  'msgctxt "map"\nmsgid "Cities"\nmsgstr "Orte"\n\n'  # another context: another message
                  '#~ msgid "Cities"\n#~ msgstr "Alt"\n\n'  # obsolete: not a message
                  'msgid "%(count)s city"\nmsgid_plural "%(count)s cities"\nmsgstr[0] "%(count)s Stadt"\n'
                  'msgstr[1] "%(count)s Städte"\n\n'
                  'msgid ""\n"Cit"\n"ies"\nmsgstr "Gemeinden"\n', encoding="utf-8")
    catalogue, problems = i18n.read_catalogue(po, "de", "x.po")
    problem = only(problems, "bad-catalogue")
    # Babel would have kept one of the two translations without a word: the German site shows only one
    assert (problem.path, problem.line) == ("x.po", 20)
    assert "'Cities' a second time (the first on line 5)" in problem.message and problem.hint.startswith("keep one")
    po.write_text(po.read_text(encoding="utf-8").replace('msgid ""\n"Cit"', 'msgid ""\n"Town"'), encoding="utf-8")
    catalogue, problems = i18n.read_catalogue(po, "de", "x.po")
    assert problems == [] and catalogue["Cities"].string == "Städte" and catalogue.get("Cities", context="map").string == "Orte"


def test_a_translation_marked_fuzzy_is_a_warning_that_the_site_shows_the_english(tmp_path, monkeypatch):
    # Poedit's "needs work", or a catalogue tool's guess: msgfmt and the build leave it out, without a word
    po = tmp_path / "atlas.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Home"\nmsgstr "Startseite"\n\n'
                  '#, fuzzy\nmsgid "Cities"\nmsgstr "Städte"\n', encoding="utf-8")
    _, problems = i18n.read_catalogue(po, "de", "x.po")
    problem = only(problems, "fuzzy-translation")
    assert not problem.is_error and problem.line == 9 and "'Cities' is marked fuzzy" in problem.message
    # a warning, not an error: the other messages still show in German, and this one in English
    monkeypatch.setattr(i18n, "catalogue_path", lambda language: po)
    i18n.translations.cache_clear()
    try:
        german = i18n.translations("de")
        assert (german.gettext("Home"), german.gettext("Cities")) == ("Startseite", "Cities")
    finally:
        i18n.translations.cache_clear()


def test_messages_not_yet_translated_are_one_warning_naming_the_first_and_how_many(tmp_path):
    # After make messages adds the templates' new messages, or a translator skips some: English shows there
    po = tmp_path / "atlas.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Home"\nmsgstr "Startseite"\n\n'
                  'msgid "Cities"\nmsgstr ""\n\n'
                  'msgid "%(count)s city"\nmsgid_plural "%(count)s cities"\nmsgstr[0] "%(count)s Stadt"\n'
                  'msgstr[1] ""\n', encoding="utf-8")
    _, problems = i18n.read_catalogue(po, "de", "x.po")
    problem = only(problems, "untranslated")
    assert not problem.is_error and problem.line == 8
    assert problem.message == "2 messages are not translated yet (the first: 'Cities'), so the site shows them in English"


@pytest.mark.parametrize("charset", ["latin-1", "cp1252", "iso-8859-7", "no-such-encoding"])
def test_a_catalogue_declaring_another_charset_is_refused_at_its_header_not_read_as_mojibake(tmp_path, charset):
    po = tmp_path / "atlas.po"
    po.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
                  'msgid "Home"\nmsgstr "Über uns"\n', encoding="utf-8")
    catalogue, problems = i18n.read_catalogue(po, "de", "x.po")
    problem = only(problems, "bad-catalogue")
    assert catalogue is None and (problem.path, problem.line) == ("x.po", 3)
    assert f"charset={charset!r}" in problem.message and "charset=UTF-8" in problem.hint
    po.write_text(po.read_text(encoding="utf-8").replace(charset, "UTF-8"), encoding="utf-8")
    catalogue, problems = i18n.read_catalogue(po, "de", "x.po")
    assert problems == [] and catalogue["Home"].string == "Über uns"


def test_dates_numbers_and_countries_are_written_as_each_language_writes_them():
    assert i18n.format_date(dt.date(2018, 12, 5), "de") == "5. Dezember 2018"
    assert i18n.format_date(dt.date(2018, 12, 5), "en") == "5 December 2018"
    assert i18n.format_number(187310, "de") == "187.310"
    assert i18n.format_number(187310, "en") == "187,310"
    # Four digits grouped or not as the CLDR says, and as the map (the browser's Intl.NumberFormat) writes them
    assert [i18n.format_number(4580, language) for language in ("de", "fr", "el", "es", "it", "pl")] == \
        ["4.580", "4\u202f580", "4.580", "4580", "4580", "4580"]
    assert [i18n.format_number(12345, language) for language in ("es", "it", "pl")] == \
        ["12.345", "12.345", "12\xa0345"]
    assert i18n.territory_name("DE", "it") == "Germania"
    assert i18n.territory_name("GR", "el") == "Ελλάδα"


@pytest.mark.parametrize("language, phrase, value, expected", [
    ("pl", "since", "2019-06", "od czerwca 2019"),  # genitive after "od" (CLDR's format form)
    ("el", "since", "2019-06", "από Ιουνίου 2019"),
    ("es", "since", "2019-06", "desde junio de 2019"),
    ("fr", "published", "2019-06", "publié en juin 2019"),
    ("fr", "published", "2019-06-14", "publié le 14 juin 2019"),
    ("de", "since", "2019-06-14", "seit dem 14. Juni 2019"),
    ("de", "since", "2019", "seit 2019"),
    ("it", "as_of", "2019", "aggiornato al 2019"),
    ("en", "since", "2019-06", "since June 2019"),
    ("en", "read", "2026-12-06", "read on 6 December 2026"),
])
def test_a_date_in_a_sentence_takes_the_words_and_the_case_the_sentence_needs(language, phrase, value, expected):
    from generator.render.pages import dated

    assert dated(phrase, value, language, i18n.translations(language).gettext) == expected


def test_a_month_on_its_own_takes_the_stand_alone_form():
    assert i18n.format_month(dt.date(2019, 6, 1), "pl") == "czerwiec 2019"
    assert i18n.format_month(dt.date(2019, 6, 1), "el") == "Ιούνιος 2019"
    assert i18n.format_month(dt.date(2019, 6, 1), "pl", in_sentence=True) == "czerwca 2019"


def test_the_map_gets_a_form_for_each_plural_category_of_polish():
    shown = i18n.map_messages("pl")["shown"]
    assert shown == {"one": "Pokazano %(count)s miasto", "few": "Pokazano %(count)s miasta",
                     "many": "Pokazano %(count)s miast"}


def test_every_language_has_its_configuration_inheriting_the_english_one():
    import yaml

    for language in i18n.LANGUAGES[1:]:
        text = (ROOT / f"mkdocs.{language}.yml").read_text(encoding="utf-8")
        config = yaml.safe_load(text)
        assert config["INHERIT"] == "mkdocs.yml" and config["theme"] == {"language": language}


# ---- translation files ---------------------------------------------------------------

def test_a_translation_beside_its_original_is_valid_and_names_the_english_revision(atlas):
    atlas.write("cities/testville.de.md", GERMAN.format(revision=english_revision(atlas)))
    assert atlas.diagnostics() == []


def test_a_translation_with_a_field_that_is_not_translated_is_an_error_that_names_the_translatable_ones(atlas):
    atlas.write("cities/testville.de.md", GERMAN.format(revision=english_revision(atlas))
                .replace("machine_assisted: true\n", "machine_assisted: true\ncountry: AT\n"))
    problem = only(atlas.diagnostics(), "unknown-field")
    assert (problem.path, problem.line) == ("cities/testville.de.md", 4)
    assert "subtitle" in problem.hint and "takeaways" in problem.hint


def test_a_translation_without_its_revision_is_told_the_revision_to_write(atlas):
    atlas.write("cities/testville.de.md", GERMAN.format(revision="x").replace("translates: x\n", ""))
    problem = only(atlas.diagnostics(), "missing-field")
    assert problem.path == "cities/testville.de.md"
    assert f'translates: "{english_revision(atlas)}"' in problem.hint


def test_a_translation_of_a_file_that_does_not_exist_is_an_error(atlas):
    atlas.write("cities/nowhere.de.md", GERMAN.format(revision="0123456789"))
    assert only(atlas.diagnostics(), "translation-orphan").message.startswith(
        "expected a translation of cities/nowhere.md")


def test_a_translations_text_is_checked_like_the_original(atlas):
    atlas.write("cities/testville.de.md", GERMAN.format(revision=english_revision(atlas))
                + "\n<script>alert(1)</script>\n\n[weg](../cities/gone.md)\n")
    problems = {d.code: d for d in atlas.diagnostics()}
    assert set(problems) == {"unsafe-html", "broken-link"}
    assert (problems["unsafe-html"].path, problems["unsafe-html"].line) == ("cities/testville.de.md", 8)


def test_a_language_the_atlas_does_not_publish_is_a_bad_file_name_with_a_hint(atlas):
    atlas.write("cities/testville.xx.md", GERMAN.format(revision=english_revision(atlas)))
    problem = only(atlas.diagnostics(), "bad-file-name")
    assert "de, it, el, pl, fr, es" in problem.hint


POST = """\
---
title: Testville opens a welcome centre
date: 2026-11-02
authors: [Moving Cities Atlas editors]
description: The centre advises newcomers.
cities: [testville]
sources:
  - title: Testville's news
    url: https://testville.example.org/news/welcome-centre
---

The centre opened in November.
"""

GERMAN_POST = """\
---
translates: {revision}
machine_assisted: true
checked:
  date: 2026-12-06
  method: second machine-assisted reading against the English
title: Testville eröffnet ein Willkommenszentrum
description: Das Zentrum berät Neuankömmlinge.
---

Das Zentrum öffnete im November.
"""


def test_a_news_post_translation_gives_title_description_and_text_and_the_revision_it_translates(atlas):
    atlas.write("content/news/posts/opening.md", POST)
    current = english_revision(atlas, "content/news/posts/opening.md", "post")
    atlas.write("content/news/posts/opening.de.md", GERMAN_POST.format(revision=current))
    assert atlas.diagnostics() == []
    # what the English post says (date, subjects, sources) is not repeated, and cannot be
    atlas.write("content/news/posts/opening.de.md", GERMAN_POST.format(revision=current)
                .replace("title: Testville", "date: 2026-11-03\ntitle: Testville"))
    problem = only(atlas.diagnostics(), "unknown-field")
    assert (problem.path, problem.line) == ("content/news/posts/opening.de.md", 7)
    assert "title" in problem.hint and "description" in problem.hint
    atlas.write("content/news/posts/opening.de.md", GERMAN_POST.format(revision="x").replace("translates: x\n", ""))
    assert f'translates: "{current}"' in only(atlas.diagnostics(), "missing-field").hint
    atlas.write("content/news/posts/closing.de.md", GERMAN_POST.format(revision=current))
    assert "content/news/posts/closing.md" in only(atlas.diagnostics(), "translation-orphan").message


def test_a_changed_english_post_makes_its_translation_outdated_until_it_is_stamped_again(atlas):
    from generator.core.translate import stamp

    english = atlas.write("content/news/posts/opening.md", POST)
    translation = atlas.write("content/news/posts/opening.de.md", GERMAN_POST.format(
        revision=english_revision(atlas, "content/news/posts/opening.md", "post")))
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == [] and "content/news/posts/opening.de.md" in german.machine_assisted
    assert "news posts 1/1 (100 %)" in format_report([german])
    english.write_text(POST.replace("opened in November", "opened on 2 November"), encoding="utf-8")
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == ["content/news/posts/opening.de.md"]
    stamp(translation, atlas.root)
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == []


def test_a_citys_names_in_other_languages_are_known_languages_each_once_with_their_source(atlas):
    from .conftest import CITY

    atlas.write("cities/testville.md", CITY.replace("name: Testville\n", "name: Testville\nnames:\n  de: Teststadt\n"
                                                    "  local: Teststadt\n  source: https://www.geonames.org/1\n"))
    assert atlas.diagnostics() == []
    atlas.write("cities/testville.md", CITY.replace("name: Testville\n", "name: Testville\nnames:\n  de: Teststadt\n"
                                                    "  ru: Тестград\n"))
    problems = {d.code: d for d in atlas.diagnostics()}
    assert set(problems) == {"unknown-field", "missing-field"}
    assert problems["unknown-field"].line == 5 and "el" in problems["unknown-field"].hint
    assert "source" in problems["missing-field"].message
    atlas.write("cities/testville.md", CITY.replace("name: Testville\n", "name: Testville\nnames:\n  de: „Teststadt\n"
                                                    "  source: https://www.geonames.org/1\n"))
    assert only(atlas.diagnostics(), "unpaired-mark").line == 4


@pytest.mark.parametrize("key, hint", [
    ("german", "did you mean 'de'?"), ("deu", "did you mean 'de'?"), ("Greek", "did you mean 'el'?"),
    ("en", "the English name is the file's own name field"),
    ("nl", "the atlas is published in de, it, el, pl, fr, es besides English: a name in Dutch goes under 'local' "
           "if it is the city's own language, else it is left out"),
])
def test_a_name_under_a_language_written_another_way_is_told_its_code_or_where_it_goes(atlas, key, hint):
    from .conftest import CITY

    atlas.write("cities/testville.md", CITY.replace("name: Testville\n", f"name: Testville\nnames:\n  {key}: Teststad\n"
                                                    "  source: https://www.geonames.org/1\n"))
    assert only(atlas.diagnostics(), "unknown-field").hint == hint


def test_a_name_in_another_language_is_text_on_every_page_never_markup(atlas):
    from generator.site.build import build

    from .conftest import CITY

    hostile = '<img src=x onerror=alert(1)> "Test"'
    atlas.write("cities/testville.md", CITY.replace("name: Testville\n", "name: Testville\nnames:\n"
                                                    f"  de: '{hostile}'\n  source: https://www.geonames.org/1\n"))
    assert atlas.diagnostics() == []
    german = {o.path: o.content for o in build(atlas.root, language="de").outputs}
    english = {o.path: o.content for o in build(atlas.root).outputs}
    for page in (german["cities/testville.md"], german["countries/de.md"], english["cities/testville.md"]):
        assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# ---- the report ----------------------------------------------------------------------

def test_a_revision_of_digits_only_is_stamped_and_hinted_as_text(atlas):
    """About one English text in a hundred has a revision of ten digits, which YAML reads as a number."""
    from generator.core.translate import stamp

    from .conftest import CITY

    body = next(text for text in (f"A city for tests, number {n}." for n in range(100_000))
                if revision({}, text, "city").isdigit())
    atlas.write("cities/testville.md", CITY.replace("A city for tests.", body))
    translation = atlas.write("cities/testville.de.md", GERMAN.replace("translates: {revision}\n", ""))
    hint = only(atlas.diagnostics(), "missing-field").hint
    assert f'translates: "{revision({}, body, "city")}"' in hint  # as the contributor copies it
    stamp(translation, atlas.root)
    assert atlas.diagnostics() == []
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == []


def test_a_change_to_the_english_text_makes_its_translation_outdated_until_it_is_stamped_again(atlas):
    from generator.core.translate import stamp

    translation = atlas.write("cities/testville.de.md", GERMAN.format(revision=english_revision(atlas)))
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == []
    city = atlas.root / "cities/testville.md"
    city.write_text(city.read_text().replace("A city for tests.", "A city for tests, rewritten."))
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == ["cities/testville.de.md"]
    assert "outdated: cities/testville.de.md" in format_report([german])
    stamp(translation, atlas.root)
    german = next(r for r in completeness(atlas.validate(), atlas.root / "content") if r.language == "de")
    assert german.outdated == []


def test_atlas_translations_reports_every_language_with_counts_and_percentages():
    result = subprocess.run([sys.executable, "-m", "generator", "translations"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for language in i18n.LANGUAGES[1:]:
        line = next(line for line in lines if line.startswith(f"{language} ("))
        for part in ("UI strings", "hand-written pages", "featured profiles", "initiatives", "networks"):
            assert part in line
        assert "%)" in line
    german = next(line for line in lines if line.startswith("de ("))
    featured = [p for p in (ROOT / "cities").glob("*.md") if "\nfeatured: true" in p.read_text()]
    translated = sum(1 for p in featured if p.with_suffix(".de.md").is_file())
    assert f"featured profiles {translated}/{len(featured)} (" in german
    posts = [p for p in (ROOT / "content/news/posts").glob("*.md") if "." not in p.stem]
    translated = sum(1 for p in posts if p.with_suffix(".de.md").is_file())
    assert f"news posts {translated}/{len(posts)} (" in german
    networks = [p for p in (ROOT / "networks").glob("*.md") if "." not in p.stem]
    translated = sum(1 for p in networks if p.with_suffix(".de.md").is_file())
    assert f"networks {translated}/{len(networks)} (" in german
    markdown = subprocess.run([sys.executable, "-m", "generator", "translations", "--format", "markdown"],
                              cwd=ROOT, capture_output=True, text=True).stdout
    assert markdown.startswith("| language | UI strings | hand-written pages |")


def test_ci_writes_the_translations_report_to_the_job_summary():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/checks.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]
    report = next(run for run in steps if "atlas translations --format markdown" in run)
    assert '>> "$GITHUB_STEP_SUMMARY"' in report
