"""A language's hand-written pages (content/): its translations in place of the English pages, and the
notice above each that says how it stands (not yet translated, or machine-assisted)."""

from __future__ import annotations

from typing import Callable

from mkdocs.structure.files import File, Files

from . import i18n
from .translate import front_matter, page_language


def choose_pages(files: Files, language: str) -> dict[str, str]:
    """This language's hand-written pages: about.de.md in place of about.md in German, and no page
    of another language; returns each page's state (translated, machine-assisted, untranslated)."""
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
        file.abs_src_path = translation.abs_src_path
        file.content_string = translation.content_string
        file.edit_uri = translation.edit_uri
        meta = front_matter(file.content_string)
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
