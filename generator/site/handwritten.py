"""A language's hand-written pages (content/): its translations in place of the English pages, and the
notice above each that says how it stands (not yet translated, or machine-assisted)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import yaml
from mkdocs.structure.files import File, Files

from ..core import i18n
from ..core.kinds import NEWS_FOLDER, POST_KIND, translatable
from ..core.load import parse_source
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
    original, _ = parse_source(english.encode("utf-8"), Path("post.md"), "post.md", POST_KIND)
    translated, _ = parse_source(translation.encode("utf-8"), Path("post.md"), "post.md", POST_KIND)
    if not (original.readable and translated.readable and isinstance(original.data, dict)
            and isinstance(translated.data, dict)):
        return english
    data = dict(original.data)
    for field in translatable(POST_KIND):
        if isinstance(translated.data.get(field.name), str):
            data[field.name] = translated.data[field.name]
    meta = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{meta}---\n\n{translated.body.lstrip()}"
