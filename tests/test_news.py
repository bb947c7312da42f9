"""News (issue 16, item 1): posts in content/news/posts/ checked like data, on the site with their
feed, and listed on the pages of the cities, networks and initiatives they are about."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import RECENT, only
from .site import build_site, page_file, read_page, site_active_content, small_atlas


def post(slug: str = "welcome", *, cities: str = "[testville]", extra: str = "", body: str = "It happened.\n") -> tuple[str, str]:
    """A post file: title on line 2, date on 3, authors on 4, cities on 5, `extra` from line 6."""
    return f"content/news/posts/{slug}.md", f"""\
---
title: Testville opens a welcome centre
date: {RECENT}
authors: [Atlas editors]
cities: {cities}
{extra}sources:
  - title: The city's announcement
    url: https://example.org/announcement
---

{body}"""


def test_a_post_that_names_a_missing_city_is_an_error_that_names_the_file_line_and_nearest_city(atlas):
    atlas.write(*post(cities="[testvile]"))
    d = only(atlas.diagnostics(), "unknown-city")
    assert (d.path, d.line) == ("content/news/posts/welcome.md", 5)
    assert "expected the slug of a city in cities/, found 'testvile', which does not exist" in d.message
    assert d.hint == "did you mean 'testville'?"


def test_the_command_refuses_that_post_in_one_line_with_a_non_zero_exit(atlas):
    atlas.write(*post(cities="[nowhere-at-all]"))
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(atlas.root), "validate"], capture_output=True,
                            text=True, cwd=atlas.root)
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "unknown-city" in line)
    assert line.startswith("content/news/posts/welcome.md:5:")
    assert "Traceback" not in result.stdout + result.stderr


def test_a_post_must_say_what_it_is_about_and_have_its_fields(atlas):
    path, text = post(cities="[testville]")
    atlas.write(path, text.replace("cities: [testville]\n", "").replace("authors: [Atlas editors]\n", ""))
    codes = atlas.codes()
    assert "post-without-subject" in codes
    missing = only(atlas.diagnostics(), "missing-field")
    assert "'authors'" in missing.message


def test_a_post_refuses_unknown_fields_such_as_a_template_of_its_own(atlas):
    atlas.write(*post(extra="template: main.html\n"))
    d = only(atlas.diagnostics(), "unknown-field")
    assert d.line == 6 and "'template'" in d.message


def test_a_post_dated_in_the_future_or_with_a_hostile_source_is_refused(atlas):
    path, text = post()
    atlas.write(path, text.replace(f"date: {RECENT}", "date: 2999-01-01")
                .replace("https://example.org/announcement", "javascript:alert(1)"))
    codes = atlas.codes()
    assert "future-date" in codes and "unsafe-url" in codes


def test_a_post_s_text_gets_the_checks_of_every_page(atlas):
    atlas.write(*post(body="Hello <script>alert(1)</script> and [a link](../../nowhere.md).\n"))
    diagnostics = [d for d in atlas.diagnostics() if d.path == "content/news/posts/welcome.md"]
    assert {"broken-link"} <= {d.code for d in diagnostics}
    assert any(d.line == 11 and "script" in d.message for d in diagnostics)


def test_posts_in_a_sub_folder_are_refused_because_their_file_name_is_their_address(atlas):
    path, text = post()
    atlas.write(path.replace("posts/", "posts/2026/"), text)
    assert "stray-folder" in atlas.codes()


# ---- the built site ----------------------------------------------------------------------

def words(page) -> str:
    return " ".join("".join(page.text).split())


def feed(site: Path) -> ET.Element:
    return ET.parse(site / "feed_rss_created.xml").getroot()


def test_the_feed_lists_every_post_newest_first_with_a_link_to_its_page(real_site, repository_report):
    items = feed(real_site).findall("channel/item")
    posts = sorted(repository_report.posts, key=lambda p: (p.data["date"], p.slug), reverse=True)
    assert len(posts) >= 5
    assert [i.findtext("title") for i in items] == [p.data["title"] for p in posts]
    for item, source in zip(items, posts):
        link = item.findtext("link")
        assert link.endswith(f"/news/{source.slug}/")
        page = read_page(page_file(real_site, f"news/{source.slug}/"))
        assert source.data["title"] in words(page)
        assert item.findtext("author") == ", ".join(source.data["authors"])
        assert item.findtext("pubDate").startswith(source.data["date"].strftime("%a, %d %b %Y"))


def test_the_news_index_links_the_feed_and_lists_the_posts(real_site):
    news = read_page(page_file(real_site, "news/"))
    assert "../feed_rss_created.xml" in news.links
    assert any(link.endswith("iash-founded-palermo/") for link in news.links)


def test_a_post_page_names_what_it_is_about_its_authors_and_sources(real_site):
    page = read_page(page_file(real_site, "news/iash-founded-palermo/"))
    text = words(page)
    assert "About:" in text and "By: Moving Cities Atlas editors" in text
    assert "../../cities/palermo/" in page.links and "../../networks/iash/" in page.links
    assert "https://www.europemustact.org/post/33-cities-form-the-international-alliance-of-safe-harbour-cities" in page.links


@pytest.mark.parametrize("url, post", [
    ("cities/potsdam/", "iash-founded-palermo"),
    ("cities/potsdam/", "cities-of-safe-harbours-two-years"),
    ("networks/intercultural-cities/", "icc-coordinators-braga-vila-verde"),
    ("cities/vila-verde/", "icc-coordinators-braga-vila-verde"),
])
def test_entity_pages_list_the_latest_posts_about_them(real_site, url, post):
    page = read_page(page_file(real_site, url))
    assert "news" in page.ids
    assert f"../../news/{post}/" in page.links


def test_a_page_with_no_post_has_no_news_section(real_site):
    assert "news" not in read_page(page_file(real_site, "cities/herrenberg/")).ids


def test_the_build_refuses_a_post_about_a_missing_city_and_writes_nothing(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    path, text = post(cities="[atlantis]")
    (atlas / path).parent.mkdir(parents=True, exist_ok=True)
    (atlas / path).write_text(text, encoding="utf-8")
    result = build_site(atlas, tmp_path / "site")
    assert result.returncode != 0
    assert "content/news/posts/welcome.md:5:" in result.stderr and "unknown-city" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_hostile_titles_and_authors_stay_text_on_the_page_and_in_the_feed(tmp_path):
    atlas = small_atlas(tmp_path / "atlas")
    title = "<img src=x onerror=alert(1)> & \"quotes\" 'too'"
    author = "</author><script>alert(1)</script>"
    path, text = post(body="Plain text.\n")
    text = text.replace("title: Testville opens a welcome centre", f"title: '{title.replace(chr(39), chr(39) * 2)}'")
    text = text.replace("authors: [Atlas editors]", f"authors: ['{author}']")
    (atlas / path).parent.mkdir(parents=True, exist_ok=True)
    (atlas / path).write_text(text, encoding="utf-8")
    result = build_site(atlas, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    item = feed(tmp_path / "site").find("channel/item")
    # Feed readers may read a title as HTML: the feed gives its text, with the markup left out.
    assert item.findtext("title") == " & \"quotes\" 'too'" and item.findtext("author") == "alert(1)"
    assert site_active_content(tmp_path / "site") == []
    page = read_page(page_file(tmp_path / "site", "news/welcome/"))
    assert title in words(page)
