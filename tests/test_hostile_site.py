"""Hostile data, built for real: whatever passes the checks is inert in the published site.

The property tests put generated hostile strings into every text field, URL field and body,
then either the validator refuses the files (with diagnostics, never a traceback) or MkDocs
builds them and no page, nor the search index, holds active content or a remote resource.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.safety import sanitise
from generator.core.validate import validate

from .conftest import RECENT
from .site import (ROOT, active_content, build_in_process, build_site, copy_atlas, page_file, read_page,
                   site_active_content, small_atlas)

pytestmark = pytest.mark.build

ATTACKS = [
    "<script>window.__pwned=1</script>", "<img src=x onerror=window.__pwned=1>", "<svg/onload=alert(1)>",
    "\"><script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "[x](javascript:alert(1))", "![x](https://tracker.example/p.gif)", "<a href=\"//evil.example\">x</a>",
    "{: onclick=alert(1) }", "{: style=\"background:url(https://evil.example/x)\" }",
    "<p style=\"background:url(https://evil.example)\">", "<iframe src=https://evil.example></iframe>",
    "<base href=https://evil.example/>", "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<form action=https://evil.example><button>Go</button></form>", "<object data=x></object>", "<embed src=x>",
    "&lt;script&gt;", "&#x6A;avascript:", "<!-- x -->", "-->", "<![CDATA[x]]>", "`<script>`",
    "<details open ontoggle=alert(1)>", "<a href=# onclick=x>y</a>", "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<template><script>alert(1)</script></template>",
    "<style>*{background:url(https://evil.example)}</style>", "## __config", "<span id=__config>{}</span>",
    "<div data-atlas-map=explore data-root=https://evil.example/></div>", "<img srcset=\"https://evil.example/a.png 1x\">",
    "<video poster=https://evil.example/p.png>", "<link rel=stylesheet href=https://evil.example/x.css>",
    "{{ 7*7 }}", "{% raw %}", "${7*7}", "%3Cscript%3E", "<", ">", "&", "\"", "'", "*", "_", "[", "]", "(", ")",
    "#", "|", "{", "}", "\\", ":", "Évry", "Ωμέγα", "text", " ", "<!-- atlas:unsearched -->", "<!-- atlas:searched -->",
]
BREAKS = ["\n", "\n\n", "\n- ", "\n> ", "\n## ", "\n    "]

# Legal Markdown that looks like an attack: it passes the checks, so the build must make it inert.
LOOKALIKES = [
    "&lt;script&gt;alert(1)&lt;/script&gt;", "`<img src=x onerror=alert(1)>`", "**bold** _it_",
    "[ok](https://example.org/a_(b)?x=1&y=2#z)", "a < b > c", "&amp;", "onerror=alert(1)", "javascript:alert(1)",
    "<abbr title=\"x &quot;y\">X</abbr>", "<details><summary>s</summary>t</details>", "<b>bold</b>",
    "| a | b |\n| -: | - |\n| 1 | 2 |\n", "## Heading {: #anchor .atlas-lead }", "\\<script\\>",
    "[back](../initiatives/test-welcome.md#sources)", "<!-- atlas:counts -->", "{{ 7*7 }}", "Ωμέγα",
]

one_line = st.lists(st.sampled_from(ATTACKS), min_size=1, max_size=6).map("".join).filter(lambda s: s.strip())
body = st.one_of(st.lists(st.sampled_from(ATTACKS + BREAKS), max_size=14).map("".join),
                 st.lists(st.sampled_from(LOOKALIKES + BREAKS), max_size=10).map("".join))
url = st.one_of(
    st.lists(st.sampled_from(["\"", "'", "<", ">", "javascript:", "%22", "%3Cscript%3E", "(x)", "&a=b", "#top",
                              "?q=1", "@", "\\", "onerror=1", "x", "/"]), max_size=5),
    st.lists(st.sampled_from(["%22%3E%3Cscript%3E", "(x)", "&a=b&amp;", "#top", "?q=javascript:alert(1)",
                              "onerror=1", "x_y", "*", "/"]), max_size=5),
).map(lambda parts: "https://example.org/" + "".join(parts))


def q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def hostile_atlas(root: Path, t: dict) -> None:
    """A featured city whose profile is complete (two takeaways, every section), so that what the checks let
    through is built: its report, its card and its search entries included. The first section holds body1."""
    from generator.core.kinds import KINDS

    first, *others = KINDS["city"].headings
    profile = f"## {first}\n\n{t['body1']}\n\n" + "".join(f"## {heading}\n\nText.\n\n" for heading in others)
    (root / "cities/testville.md").write_text(
        f"---\nname: {q(t['name'])}\ncountry: DE\ncoordinates: [52.52, 13.405]\nfeatured: true\n"
        f"subtitle: {q(t['subtitle'])}\npopulation: {{value: 5000, year: 2020, source: {q(t['url1'])}}}\n"
        f"networks: [test-network]\ntakeaways: [{q(t['takeaway'])}, A second takeaway.]\nwebsite: {q(t['url2'])}\n"
        f"sources:\n  - title: {q(t['source'])}\n    url: {q(t['url3'])}\nlast_verified: {RECENT}\n---\n\n{profile}",
        encoding="utf-8")
    (root / "networks/test-network.md").write_text(
        f"---\nname: {q(t['network'])}\nshort_name: {q(t['short'])}\nscope: european\nwebsite: {q(t['url4'])}\n"
        f"sources: [{q(t['url5'])}]\nlast_verified: {RECENT}\n---\n\n{t['body2']}\n", encoding="utf-8")
    (root / "initiatives/test-welcome.md").write_text(
        f"---\ntitle: {q(t['title'])}\ncity: testville\ntopics: [access-to-social-rights]\nactors: [{q(t['actor'])}]\n"
        f"sources:\n  - title: {q(t['source2'])}\n    url: {q(t['url6'])}\nlast_verified: {RECENT}\n---\n\n{t['body3']}\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    """The small atlas whose three entity files each example rewrites."""
    return small_atlas(tmp_path_factory.mktemp("hostile") / "atlas")


FIELDS = {"name": one_line, "subtitle": one_line, "takeaway": one_line, "source": one_line, "network": one_line,
          "short": one_line, "title": one_line, "actor": one_line, "source2": one_line,
          **{f"url{n}": url for n in range(1, 7)}, "body1": body, "body2": body, "body3": body}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.fixed_dictionaries(FIELDS))
def test_hostile_strings_in_every_field_and_body_are_refused_or_built_inert(hostile_root, tmp_path, texts):
    hostile_atlas(hostile_root, texts)
    report = validate(hostile_root)
    if report.errors:
        assert all(d.path in ("cities/testville.md", "networks/test-network.md", "initiatives/test-welcome.md")
                   and d.line >= 1 and d.hint is not None or d.code in ("bad-url", "unsafe-url")
                   for d in report.errors), report.errors
        return
    site = tmp_path / f"site-{abs(hash(json.dumps(texts)))}"
    assert build_in_process(hostile_root, site)
    assert site_active_content(site) == []
    # Shown as text: the name is the page's heading, character for character.
    heading = read_page(page_file(site, "cities/testville/")).plain
    assert " ".join(texts["name"].split()) in heading
    shutil.rmtree(site)


# What the checks let through is built: text that looks like an attack but is legal (LOOKALIKES, less the
# few the checks refuse to be safe) in every field and body, each example validated and built.
ACCEPTED_LINE = [text for text in LOOKALIKES if "\n" not in text]
ACCEPTED_BODY = [text for text in LOOKALIKES if text not in ("## Heading {: #anchor .atlas-lead }", "\\<script\\>",
                                                             "<!-- atlas:counts -->", "{{ 7*7 }}")]
accepted_line = st.lists(st.sampled_from(ACCEPTED_LINE), min_size=1, max_size=3).map(" ".join)
accepted_body = st.lists(st.sampled_from(ACCEPTED_BODY + ["\n\n", "\n- ", "\n> "]), min_size=1, max_size=8).map(
    lambda parts: "Text. " + "".join(parts))
ACCEPTED = {**{name: accepted_line for name in FIELDS if not name.startswith(("url", "body"))},
            **{f"url{n}": st.sampled_from(["https://example.org/", "https://example.org/a_(b)?x=1&y=2#z"])
               for n in range(1, 7)}, "body1": accepted_body, "body2": accepted_body, "body3": accepted_body}


# Three examples a run (each builds a site with its report: about three seconds); each run draws new ones.
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.fixed_dictionaries(ACCEPTED))
def test_what_looks_like_an_attack_but_is_legal_is_built_inert_and_shown_as_written(hostile_root, tmp_path, texts):
    hostile_atlas(hostile_root, texts)
    assert validate(hostile_root).errors == []  # accepted: so it is built (the test above mostly meets refusals)
    site = tmp_path / f"site-{abs(hash(json.dumps(texts)))}"
    assert build_in_process(hostile_root, site)
    assert site_active_content(site) == []  # every page, the report's page and the search index
    heading = read_page(page_file(site, "cities/testville/")).plain
    assert " ".join(texts["name"].split()) in heading
    shutil.rmtree(site)


# Search's marks (generator/site/search.py) in a contributor's text: what search is handed is cut at them,
# so a cut that joins the pieces of a tag around them must still be inert, in the page and in the index.
MARKED = ["<scr<!-- atlas:unsearched -->x<!-- atlas:searched -->ipt>window.__pwned=1</script>",
          "<img src=x <!-- atlas:unsearched -->title=\"<!-- atlas:searched -->\" onerror=window.__pwned=1>",
          "<!-- atlas:unsearched -->\n\n<a href=\"javascript:alert(1)\">x</a>\n\n<!-- atlas:searched -->",
          "<!-- atlas:searched --><svg/onload=alert(1)><!-- atlas:unsearched -->",
          "<abbr title=\"<!-- atlas:unsearched -->\">X</abbr> <b>y</b> <abbr title=\"<!-- atlas:searched -->\">Z</abbr>"]
# ... and marks that the checks let through, which the build must then cut into nothing active either.
MARKED_BUILT = ["Before.\n\n<!-- atlas:unsearched -->\n\nHidden <b>text</b>.\n\n<!-- atlas:searched -->\n\nAfter.",
                "Text <!-- atlas:unsearched --> to the end"]


@pytest.mark.parametrize("marked", MARKED + MARKED_BUILT)
def test_search_marks_in_a_body_cut_nothing_into_active_content(hostile_root, tmp_path, marked):
    texts = {**{name: "text" for name in FIELDS}, **{f"url{n}": "https://example.org/" for n in range(1, 7)}}
    hostile_atlas(hostile_root, {**texts, "body1": f"A profile.\n\n{marked}\n\nMore text.", "body3": marked})
    if validate(hostile_root).errors:
        assert marked in MARKED, validate(hostile_root).errors  # refused, with its file and line
        return
    assert build_in_process(hostile_root, tmp_path / "site")
    assert site_active_content(tmp_path / "site") == []  # every page and the search index as Material shows it
    page = read_page(page_file(tmp_path / "site", "cities/testville/")).plain
    assert "A profile." in page and "More text." in page  # the page itself is whole


HTML_PIECES = ATTACKS + ["<p>", "</p>", "<a href=\"", "\">", "<img src=\"", "\" onerror=\"x\">", "<div ",
                         "class=\"md-dialog\"", "id=\"__config\"", ">", "<svg><script>x</script></svg>",
                         "<a href=\"java\tscript:x\">", "<a href=\"&#106;avascript:x\">", "<img src=\"data:image/png;,x\">",
                         "<input type=image src=https://evil.example/x>", "<button formaction=https://evil.example>",
                         # The growth chart's SVG is allowed: nothing in it may load, link or run.
                         "<svg viewBox=\"0 0 9 9\" onload=\"x\">", "<rect x=\"1\" style=\"fill:url(https://evil.example/x)\">",
                         "<use href=\"https://evil.example/x#a\">", "<image href=\"https://evil.example/x\">",
                         "<text x=\"javascript:x\">", "<a xlink:href=\"javascript:x\">", "<foreignObject><iframe>", "</svg>"]


@settings(max_examples=400, deadline=None)
@given(html=st.lists(st.sampled_from(HTML_PIECES), max_size=20).map("".join))
def test_the_sanitiser_leaves_no_active_content_and_no_remote_resource(html):
    assert active_content(sanitise(html)) == []


def test_the_sanitiser_keeps_what_the_atlas_pages_use():
    page = ('<h2 id="sources">Sources<a class="headerlink" href="#sources" title="Permanent link">¶</a></h2>'
            '<div class="atlas-map atlas-map--mini" data-atlas-map="city" data-city="potsdam" data-root="../../" '
            'data-lat="52.39886" data-lng="-13.06566" data-country="DE" data-name="&lt;b&gt; Évry &amp; Co" '
            'data-featured=""></div>'
            '<div class="grid cards"><ul><li><p><strong><a href="../../initiatives/x/">X</a></strong> · since 2019</p>'
            '</li></ul></div>'
            '<table><tbody><tr><th align="right">n</th></tr></tbody></table><a class="md-button md-button--primary" href="../map/">Map</a>'
            '<p class="atlas-verified">Last verified on <time datetime="2026-10-01">1 October 2026</time>.</p>'
            '<img src="../assets/photo.png" alt="A photo">'
            '<a class="atlas-skip" href="#list">Skip the map</a>'
            '<div class="atlas-map atlas-map--home" data-atlas-map="home" data-root="" role="region" aria-label="Map"></div>'
            '<div class="atlas-map" data-atlas-map="country" data-country="DE" data-root="../../"></div>'
            '<div class="atlas-table" role="region" aria-label="The fields" tabindex="0"><table><tbody><tr><td>'
            '<code class="atlas-field">population.value</code></td></tr></tbody></table></div>'
            '<p class="atlas-actions"><a class="md-button md-button--primary" '
            'href="https://github.com/o/r/issues/new?template=add-city.yml">Propose a city</a></p>'
            '<figure class="atlas-growth"><svg class="atlas-growth__chart" viewBox="0 0 86 154" width="86" height="154" '
            'aria-hidden="true" focusable="false"><rect class="atlas-growth__bar atlas-growth__bar--new" x="10" '
            'y="16.0" width="28" height="120.0"></rect><text class="atlas-growth__number" x="24" y="12.0" '
            'text-anchor="middle">1,200</text><line class="atlas-growth__axis" x1="0" y1="136" x2="86" y2="136">'
            '</line></svg><figcaption>Members</figcaption></figure>')
    assert sanitise(page) == page


def test_the_growth_charts_svg_keeps_only_numbers_for_its_geometry():
    hostile = ('<svg viewBox="0 0 9 9" onload="x" style="x"><rect x="javascript:x" y="1e9" width="calc(1px)" '
               'height="2" fill="url(https://evil.example/x)"></rect><use href="https://evil.example/x#a"></use>'
               '<text x="1" y="2" text-anchor="middle" onclick="x">2019</text></svg>')
    assert sanitise(hostile) == ('<svg viewBox="0 0 9 9"><rect height="2"></rect><text x="1" y="2" '
                                 'text-anchor="middle">2019</text></svg>')


def test_the_map_data_attributes_hold_only_their_shapes():
    page = ('<div data-atlas-map="city" data-lat="javascript:1" data-lng="1e5" data-country="de" '
            'data-featured="x" data-name="&quot; onload=&quot;x"></div>')
    assert sanitise(page) == '<div data-atlas-map="city" data-name="&quot; onload=&quot;x"></div>'


def test_every_page_of_the_real_site_is_inert_and_carries_the_policy_first(real_site):
    assert site_active_content(real_site) == []
    pages = list(real_site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        head = path.read_text(encoding="utf-8").split("<head>", 1)[1].split()
        assert head[:3] == ['<meta', 'charset="utf-8">', '<meta'], f"{path}: the policy is not first"
        assert " ".join(head[3:7]) == 'http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src', path


def test_a_configured_tile_server_is_the_one_other_host_the_policy_allows(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    config = (atlas / "mkdocs.yml").read_text()
    (atlas / "mkdocs.yml").write_text(config.replace("    tiles: null", "    tiles:\n      url: https://{s}.tile."
                                                     "example.org/{z}/{x}/{y}.png\n      attribution: Example"))
    assert build_in_process(atlas, tmp_path / "site")
    html = (tmp_path / "site/index.html").read_text()
    assert "img-src 'self' data: https://*.tile.example.org;" in html
    (atlas / "mkdocs.yml").write_text(config.replace("    tiles: null", "    tiles:\n      url: http://evil.example/{z}.png"))
    result = build_site(atlas, tmp_path / "site2")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "extra.atlas.tiles: expected the tiles' url to start with https://" in result.stderr


def test_what_validate_accepts_the_strict_build_accepts(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    with (atlas / "cities/testville.md").open("a", encoding="utf-8") as city:
        city.write("\n## Further reading {: #further }\n\nSee [the welcome](../initiatives/test-welcome.md"
                   "#sources), [the network](../networks/test-network.md#members), [this](#further), "
                   "[Germany](../countries/de.md), [a topic](../topics/political-participation.md), "
                   "[the data](../data/cities.csv), [methodology](../methodology.md) and `<code>`.\n")
    assert validate(atlas).errors == []
    result = build_site(atlas, tmp_path / "site")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr


def test_a_missing_atlas_yml_stops_the_build_as_it_stops_validate(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    (atlas / "atlas.yml").unlink()
    result = build_site(atlas, tmp_path / "site")
    assert result.returncode == 1 and "atlas.yml:1:1: error[missing-file]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_build_leaves_the_previous_site_in_place(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    shutil.copy(ROOT / "Makefile", atlas / "Makefile")
    make = ["make", "-s", "-C", str(atlas), "site", "READY=", f"BIN={Path(sys.executable).parent}"]
    (atlas / "site").mkdir()
    (atlas / "site/index.html").write_text("the site the last make site wrote")
    # A mistake only the strict build sees (the navigation names a page that does not exist):
    # MkDocs has already emptied and rewritten its output folder when it gives up.
    config = (atlas / "mkdocs.yml").read_text()
    (atlas / "mkdocs.yml").write_text(config.replace("  - Map: map.md\n", "  - Map: map.md\n  - Gone: gone.md\n"))
    result = subprocess.run(make, capture_output=True, text=True)
    assert result.returncode != 0 and "gone.md" in result.stderr
    assert (atlas / "site/index.html").read_text() == "the site the last make site wrote"
    assert not (atlas / ".site-build").exists()
    # Every language inherits the mistake: those built beside English fail too, and no other is started after it
    assert "the build failed for: en" in result.stderr and "; site not written (not built after the failure: " \
        in result.stderr and ", es)" in result.stderr


def test_the_readme_first_atlas_new_example_works_on_a_fresh_clone(tmp_path):
    readme = (ROOT / "README.md").read_text()
    command = next(line.strip() for line in readme.splitlines() if line.strip().startswith(".venv/bin/atlas new "))
    atlas = copy_atlas(tmp_path / "atlas")
    args = __import__("shlex").split(command)[1:]
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=atlas, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote cities/")


def test_two_slugs_that_differ_only_by_case_stop_the_build_with_a_diagnostic_not_a_traceback(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    shutil.copy(atlas / "cities/testville.md", atlas / "cities/Testville.md")
    result = build_site(atlas, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cities/testville.md:1:1: error[slug-collision]" in result.stderr


def test_only_the_live_preview_allows_an_inline_script():
    from generator.core.safety import content_security_policy

    assert "'unsafe-inline'" not in content_security_policy()  # the published site: none at all
    assert "script-src 'self' 'unsafe-inline'" in content_security_policy(live_reload=True)  # mkdocs serve's reload
