"""A language's hand-written pages (content/) and news posts: its translations in place of the English pages,
the notice above each that says how it stands (not yet translated, or machine-assisted), a post's footer, and
their front matter escaped where Material prints it as it is."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Callable

import yaml
from mkdocs.structure.files import File, Files

from ..core import i18n
from ..core.kinds import NEWS_FOLDER, POST, translatable
from ..core.load import parse_source
from ..core.safety import plain
from ..core.translate import front_matter, page_language


def choose_pages(files: Files, language: str, work_dir: Path) -> dict[str, str]:
    """This language's hand-written pages: about.de.md in place of about.md in German, and no page
    of another language; returns each page's state (translated, machine-assisted, untranslated).
    A news post's translation gives its title, description and text; the rest (date, sources, what it is
    about) is the English post's: the merged post is written into work_dir, where the blog reads it."""
    states: dict[str, str] = {}
    chosen: dict[str, File] = {}
    for file in list(files.documentation_pages()):
        page, page_lang = page_language(file.src_uri)
        if page_lang is None:
            continue
        files.remove(file)
        if page_lang == language:
            chosen[page] = file
    if language == i18n.SOURCE:
        return states
    for file in files.documentation_pages():
        translation = chosen.get(file.src_uri)
        if translation is None:
            states[file.src_uri] = "untranslated"
            continue
        english = file.content_string
        file.content_string = translation.content_string  # (MkDocs forgets abs_src_path here: set it after)
        file.abs_src_path = translation.abs_src_path
        if file.src_uri.startswith(NEWS_FOLDER + "/"):
            merged = work_dir / file.src_uri
            merged.parent.mkdir(parents=True, exist_ok=True)
            merged.write_text(merged_post(english, translation.content_string), encoding="utf-8")
            file.content_string = merged.read_text(encoding="utf-8")
            file.abs_src_path = str(merged)
        file.edit_uri = translation.edit_uri
        meta = front_matter(translation.content_string)
        states[file.src_uri] = "machine-assisted" if meta.get("machine_assisted") is True else "translated"
    return states


def page_notice(state: str | None, url: str, gettext: Callable[[str], str]) -> str:
    """A hand-written page's translation state, shown above its text (in the page's language); `url` is
    the page's address within its language."""
    english = "../" * url.count("/") + "../" + url
    _ = gettext
    if state == "untranslated":
        text = _("This page is not yet translated: it is shown in English. "
                 "<a href=\"%(url)s\">Translate it</a>.") % {"url": "../" * url.count("/") + "contribute/#translate"}
        css = "missing"
    elif state == "machine-assisted":
        text = _("This translation was made with the help of a machine and has not yet been reviewed. "
                 "<a href=\"%(english)s\">Read the English version</a>.") % {"english": english}
        css = "machine"
    else:
        return ""
    return f'<p class="atlas-notice atlas-translation atlas-translation--{css}">{text}</p>\n\n'


def merged_post(english: str, translation: str) -> str:
    """A news post in a language: the English post's front matter with the translation's title and
    description, and the translation's text (the English post as it is if either cannot be read: the
    validator says why)."""
    original, _ = parse_source(english.encode("utf-8"), Path("post.md"), "post.md", POST.name)
    translated, _ = parse_source(translation.encode("utf-8"), Path("post.md"), "post.md", POST.name)
    if not (original.readable and translated.readable and isinstance(original.data, dict)
            and isinstance(translated.data, dict)):
        return english
    data = dict(original.data)
    for field in translatable(POST.name):
        if isinstance(translated.data.get(field.name), str):
            data[field.name] = translated.data[field.name]
    meta = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{meta}---\n\n{translated.body.lstrip()}"


def post_slug(src_uri: str) -> str | None:
    """The slug of a news post (content/news/posts/<slug>.md), or None for any other page."""
    folder, _, name = src_uri.rpartition("/")
    return name[:-3] if folder == NEWS_FOLDER and name.endswith(".md") else None


def escape_front_matter(page) -> None:
    """A hand-written page's title and description (Material prints them as they are), tags out and escaped.
    A post's are escaped only once the feed, which escapes them itself, has read them (escape_post_title); the
    feed prints a post's authors as they are."""
    if post_slug(page.file.src_uri):
        if isinstance(page.meta.get("authors"), list):
            page.meta["authors"] = [html.escape(str(name), quote=True) for name in page.meta["authors"]]
        return
    for key in ("title", "description"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = plain(page.meta[key])


def escape_post_title(page) -> None:
    """A post's title and description, after the feed read them: plain text from checked front matter, escaped."""
    if post_slug(page.file.src_uri):
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = html.escape(page.meta[key], quote=True)


def with_notices(markdown: str, url: str, state: str | None, gettext: Callable[[str], str]) -> str:
    """A hand-written page with its translation state under its heading."""
    notice = page_notice(state, url, gettext)
    if not notice:
        return markdown
    heading = re.search(r"^# .*$", markdown, re.MULTILINE)
    at = heading.end() + 1 if heading else 0
    return markdown[:at] + "\n" + notice + markdown[at:]


def post_with_footer(markdown: str, url: str, state: str | None, language: str, gettext: Callable[[str], str],
                     footer: str) -> str:
    """A news post: what it is about, its authors and sources (`footer`) follow its text, out of its excerpt
    (the news list shows the excerpts); so does its translation state. An untranslated post says, in another
    language, that it is in English; a machine-assisted one says so."""
    separator = "" if "<!-- more -->" in markdown else "\n\n<!-- more -->\n"
    if language == i18n.SOURCE or state == "translated":
        english = ""
    elif state == "machine-assisted":
        english = page_notice(state, url, gettext)
    else:
        english = ('<p class="atlas-notice atlas-translation atlas-translation--missing">'
                   + html.escape(gettext("This post is written in English.")) + "</p>\n\n")
    return markdown.rstrip("\n") + separator + "\n" + english + footer
