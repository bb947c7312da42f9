"""How the whole site is built: each language in one process, as many at a time as there are cores,
the theme's files published once, at the site's root, and each language's reports in its own words.

A build prints its reports in a forked child (generator/site/background.py) while MkDocs writes the
pages; built once with it and once without, the two sites are the same, byte for byte.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from generator.site import sites

from .site import ROOT, TRANSLATED_CITY, demo_atlas, page_file, read_page, resolve, small_atlas

BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generator.site import background

if sys.argv[3] == "serial":
    background.worth_a_worker = lambda: False
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
"""


def files(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def build(atlas: Path, site: Path, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BUILD, str(atlas / "mkdocs.yml"), str(site), mode],
                          capture_output=True, text=True, cwd=ROOT, env={"NO_MKDOCS_2_WARNING": "1",
                                                                        "PATH": "/usr/bin:/bin"})


def test_the_site_built_with_the_reports_in_a_second_process_is_byte_for_byte_the_one_built_in_one(tmp_path):
    # Pages of every kind, translated and not, and three reports to print (each takes a second or so)
    atlas = demo_atlas(tmp_path / "atlas", cities=40, featured=3, hostile=False)
    sites_built = {}
    for mode in ("parallel", "serial"):
        done = build(atlas, tmp_path / mode, mode)
        assert done.returncode == 0, done.stderr
        sites_built[mode] = files(tmp_path / mode)
    assert sites_built["parallel"].keys() == sites_built["serial"].keys()
    different = [name for name in sites_built["serial"] if sites_built["parallel"][name] != sites_built["serial"][name]]
    assert different == []
    assert any(name.startswith("reports/") and name.endswith(".pdf") for name in sites_built["parallel"])


def test_a_build_holds_the_garbage_collector_back_only_while_it_runs(tmp_path):
    """A build freezes its long-lived objects (gc.freeze) and thaws them at its end, also when it fails:
    a process that builds again (the tests, a caller of MkDocs' API) collects them as usual."""
    atlas = small_atlas(tmp_path / "atlas")
    mkdocs_build(load_config(str(atlas / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    (atlas / "cities" / "broken.md").write_text("---\nname: Broken\n---\n", encoding="utf-8")
    with pytest.raises((Abort, PluginError)):
        mkdocs_build(load_config(str(atlas / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert gc.isenabled() and gc.get_freeze_count() == 0


LANGUAGES_AT_ONCE = """
import sys, time
from pathlib import Path
from generator.site import sites

out = Path(sys.argv[1])
def language(root, lang, target, env):  # in the forked child: when it ran
    Path(target).mkdir(parents=True)
    started = time.monotonic()
    time.sleep(0.3)
    (out / f"{lang}.times").write_text(f"{started} {time.monotonic()}")
    return 0
sites.build_language = language
sites.preload = lambda root, env: None
sites.os.cpu_count = lambda: 2
ok, messages = sites.build_site(Path(sys.argv[2]), out / "site")
sys.exit(0 if ok else 1)
"""


def test_the_languages_are_built_in_forked_processes_as_many_at_a_time_as_there_are_cores(tmp_path):
    done = subprocess.run([sys.executable, "-c", LANGUAGES_AT_ONCE, str(tmp_path), str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    spans = [tuple(map(float, path.read_text().split())) for path in tmp_path.glob("*.times")]
    assert len(spans) == len(sites.LANGUAGES)
    at_once = max(sum(1 for start, end in spans if start <= moment < end) for moment, _ in spans)
    assert at_once == 2


READ_ONCE = """
import sys
from pathlib import Path
from generator.site import build, sites

calls = Path(sys.argv[1]) / "validations"
validate = build.validate
def counted(*args, **kwargs):  # each process that reads and checks the atlas says so
    with calls.open("a") as file:
        file.write("read\\n")
    return validate(*args, **kwargs)
build.validate = counted
ok, messages = sites.build_site(Path(sys.argv[2]), Path(sys.argv[1]) / "site", ["de", "it"])
sys.stderr.write(messages)
sys.exit(0 if ok else 1)
"""


def test_the_atlas_is_read_checked_and_linked_once_for_every_language(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    done = subprocess.run([sys.executable, "-c", READ_ONCE, str(tmp_path), str(atlas)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "validations").read_text().splitlines() == ["read"]
    assert (tmp_path / "site/de/cities/testville/index.html").is_file()
    assert (tmp_path / "site/it/cities/testville/index.html").is_file()


MAPS_ONCE = """
import functools, sys
from pathlib import Path
from generator.render import report
from generator.site import sites

drawn = Path(sys.argv[1]) / "drawn"
draw = report._drawing.__wrapped__
def counted(*args):  # each map drawn, in whichever process draws it
    with drawn.open("a") as file:
        file.write(f"{args}\\n")
    return draw(*args)
report._drawing = functools.lru_cache(maxsize=512)(counted)
ok, messages = sites.build_site(Path(sys.argv[2]), Path(sys.argv[1]) / "site", ["de", "it"])
sys.stderr.write(messages)
sys.exit(0 if ok else 1)
"""


def test_each_featured_citys_map_is_drawn_once_for_the_reports_of_every_language(tmp_path):
    atlas = demo_atlas(tmp_path / "atlas", cities=30, featured=3, hostile=False)
    done = subprocess.run([sys.executable, "-c", MAPS_ONCE, str(tmp_path), str(atlas)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reports = {path.relative_to(tmp_path / "site").as_posix() for path in (tmp_path / "site").rglob("*.pdf")}
    assert len(reports) == 9 and {name.split("/")[0] for name in reports} == {"reports", "de", "it"}
    assert len((tmp_path / "drawn").read_text().splitlines()) == 3


def test_a_data_error_stops_every_language_before_it_builds_and_is_said_once(tmp_path):
    from .site import build_languages, with_bad_country

    atlas = small_atlas(tmp_path / "atlas")
    expected = with_bad_country(atlas)
    result = build_languages(atlas, tmp_path / "site")
    assert result.returncode == 1 and not (tmp_path / "site").exists()
    assert result.stderr.count(expected) == 1
    assert "site not written" in result.stderr and "Traceback" not in result.stderr


def test_a_template_changed_since_the_last_build_shows_in_the_next_one(tmp_path):
    # A build keeps the templates it compiled (.cache/templates) for the next build and the other languages.
    from .site import build_site

    atlas = small_atlas(tmp_path / "atlas")
    first = build_site(atlas, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    assert list((atlas / ".cache/templates").iterdir())
    main = atlas / "theme/main.html"
    edited = main.read_text(encoding="utf-8").replace(
        "{% block extrahead %}", '{% block extrahead %}<meta name="atlas-edit" content="seen">', 1)
    main.write_text(edited, encoding="utf-8")
    second = build_site(atlas, tmp_path / "second")
    assert second.returncode == 0, second.stderr
    assert 'name="atlas-edit"' not in (tmp_path / "first/cities/testville/index.html").read_text(encoding="utf-8")
    assert '<meta name="atlas-edit" content="seen">' in \
        (tmp_path / "second/cities/testville/index.html").read_text(encoding="utf-8")


def test_compiled_templates_are_shared_only_by_environments_that_compile_alike(tmp_path, monkeypatch):
    import jinja2

    from generator.render.compiled import CompiledTemplates

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/list.j2").write_text("{% for x in items %}\n  {{ x }}\n{% endfor %}\n")
    folder = tmp_path / "compiled"

    def render(cache, **options) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "templates"), bytecode_cache=cache,
                                 **options)
        return env.get_template("list.j2").render(items=[1, 2])

    trimmed, plain = render(None, trim_blocks=True, lstrip_blocks=True), render(None)
    assert trimmed != plain
    shared = CompiledTemplates()
    shared.keep_in(folder)
    assert render(shared, trim_blocks=True, lstrip_blocks=True) == trimmed
    assert render(shared) == plain  # not the other environment's compiled code
    (tmp_path / "templates/value.j2").write_text("{{ value }}")

    def value(autoescaped: list[str]) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "templates"), bytecode_cache=shared,
                                 autoescape=jinja2.select_autoescape(autoescaped))
        return env.get_template("value.j2").render(value="<b>")

    assert value(["j2"]) == "&lt;b&gt;" and value([]) == "<b>"  # escaped by one environment, not by the other
    # Another process (an empty memory) reads them from the folder, without compiling them again...
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, *args, **kwargs: compiled.append(1) or original(env, *args, **kwargs))
    later = CompiledTemplates()
    later.keep_in(folder)
    assert render(later, trim_blocks=True, lstrip_blocks=True) == trimmed and compiled == []
    # ...and compiles anew what it cannot use there: a file that is not a compiled template, a changed source.
    for file in folder.iterdir():
        file.write_bytes(b"not a compiled template")
    broken = CompiledTemplates()
    broken.keep_in(folder)
    assert render(broken) == plain and len(compiled) == 1
    (tmp_path / "templates/list.j2").write_text("{% for x in items %}[{{ x }}]{% endfor %}")
    changed = CompiledTemplates()
    changed.keep_in(folder)
    assert render(changed) == "[1][2]"


# ---- this repository's site (English and German, as make site builds them) --------------------

def test_the_themes_files_are_published_once_at_the_root_and_every_language_uses_them(real_site):
    assert (real_site / "assets/atlas/atlas-map.js").is_file()
    assert not (real_site / "de/assets").exists()
    page = page_file(real_site, "de/cities/potsdam/")
    html = page.read_text(encoding="utf-8")
    assert 'src="../../../assets/atlas/atlas-map.js"' in html
    assert '"search": "../../../assets/atlas/search-worker.js' in html
    for asset in read_page(page).assets:  # each at the root, where English's pages find it too
        target = resolve(real_site, page, asset)
        assert target is not None and target[0].is_file(), asset
    # 404.html is served for any address: absolute addresses, to the root's files
    assert "/de/assets/" not in (real_site / "de/404.html").read_text(encoding="utf-8")


def test_the_site_has_no_source_maps_and_no_word_splitters_for_languages_it_does_not_have(real_site):
    published = {str(p.relative_to(real_site)) for p in real_site.rglob("*") if p.is_file()}
    assert not [name for name in published if name.endswith(".map")]
    lunr = sorted(name.rsplit("/", 1)[1] for name in published if "javascripts/lunr/" in name)
    # (lunr has no Polish)
    assert lunr == sorted(f"lunr.{code}.min.js" for code in ("de", "el", "es", "fr", "it", "multi", "stemmer.support"))


def test_each_language_prints_every_featured_citys_report_in_its_own_words(demo):
    from .test_reports import flat, pdf_text

    german = sorted(p.name for p in (demo.site / "de/reports").glob("*.pdf"))
    assert german == sorted(p.name for p in (demo.site / "reports").glob("*.pdf"))
    assert f"{TRANSLATED_CITY}.pdf" in german and "city-00002.pdf" in german  # translated, and not
    for city in (TRANSLATED_CITY, "city-00002"):
        page = page_file(demo.site, f"de/cities/{city}/")
        assert f'href="../../reports/{city}.pdf"' in page.read_text(encoding="utf-8")
    translated = flat(pdf_text(demo.site / f"de/reports/{TRANSLATED_CITY}.pdf"))
    assert "Stadtbericht" in translated and "Synthetischer Text für den Test." in translated
    untranslated = flat(pdf_text(demo.site / "de/reports/city-00002.pdf"))
    assert "Stadtbericht" in untranslated and "Dieses Profil ist noch nicht übersetzt" in untranslated
