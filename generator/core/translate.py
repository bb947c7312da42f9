"""Translations of the atlas's content, one file at a time, and how complete each language is.

A translation lives beside its original: `cities/potsdam.de.md` holds only the translatable
fields (`Field(..., translatable=True)` in kinds.py), the translated text, `translates:`, the
revision of the English text it was made from, and `machine_assisted: true` until someone
has reviewed it. The revision is a short hash of the English translatable fields and text
(`atlas translations --stamp FILE` writes it): when the English changes, the hash changes,
and the translation is shown as out of date until it is updated and stamped again.

A language's build (`localise`) puts each translation over its entity, gives countries their
names in the language, topics and scopes theirs from the catalogue, and tells every entity
with prose of its own whether it is translated, out of date or missing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n
from .i18n import N_
from .kinds import CHECKED, KINDS, NEWS_FOLDER, POST, REGISTRY, translatable
from .load import FOLDERS, SourceFile, fold
from .model import Boolean, Field, Record, Text

if TYPE_CHECKING:
    from .link import Atlas
    from .model import Checker
    from .project import Report

REVISION = re.compile(r"[0-9a-f]{10}")
TRANSLATES = Field("translates", Text(), "The revision of the English text this translates "
                   "(atlas translations --stamp writes it).", example="3f2a9c1b0d")
MACHINE_ASSISTED = Field("machine_assisted", Boolean(), "true while a machine-assisted translation is not yet "
                         "reviewed by a person.", example=True, default=False)



def translation_record(kind: str) -> Record:
    """What a translation of a kind may hold: its translatable fields, the revision, the review state."""
    return Record([TRANSLATES, MACHINE_ASSISTED, CHECKED, *translatable(kind)],
                  label=f"a translation of {REGISTRY[kind].record.label}")


def revision(data: dict, body: str, kind: str) -> str:
    """The English text's revision: a hash of its translatable fields and its text, as written."""
    content = {f.name: data.get(f.name) for f in translatable(kind)}
    content["body"] = body.strip()
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def has_prose(source: SourceFile) -> bool:
    """Does the entity have text of its own to translate (not only names, numbers and links)?"""
    return bool(source.body.strip()) or any(source.data.get(f.name) for f in KINDS[source.kind].translatable)


# ---- rules on a translation file (validate.py runs them instead of the original's) ----

def check_translation_original(checker: "Checker") -> None:
    source = checker.source
    if source.slug not in checker.context.slugs[source.kind]:
        folder = FOLDERS[source.kind]
        checker.report_at(1, 1, "translation-orphan",
                          f"expected a translation of {folder}/{source.slug}.md, which does not exist",
                          f"name the file after the English file it translates: {folder}/<slug>.{source.language}.md")


def check_translation_fields(checker: "Checker") -> None:
    source = checker.source
    translation_record(source.kind).check(source.data, checker, ())
    original = checker.context.sources.get(f"{FOLDERS[source.kind]}/{source.slug}.md")
    check_revision(checker, revision(original.data, original.body, source.kind)
                   if original and original.readable else None)


def check_revision(checker: "Checker", current: str | None) -> None:
    """The translation names the revision of the English it translates (`current`, when it can be read)."""
    source = checker.source
    # The hint gives the revision itself, for a contributor in the web editor who cannot run the command.
    # Quoted: a revision of digits only would otherwise be read as a number.
    hint = (f'add the line  translates: "{current}"  if this translates the English text as it is now '
            f"(or run: atlas translations --stamp {source.display})" if current else
            f"run: atlas translations --stamp {source.display}")
    value = source.data.get("translates")
    if "translates" not in source.data:
        checker.report((), "missing-field", "required field 'translates' is missing: a translation names the "
                       "revision of the English text it translates", hint)
    elif isinstance(value, str) and not REVISION.fullmatch(value):
        checker.report(("translates",), "bad-revision",
                       f"expected the 10-character revision of the English text, found {value[:40]!r}", hint)


TRANSLATION_RULES = [check_translation_original, check_translation_fields]  # and check_body, from validate.py


# ---- a language's build ---------------------------------------------------------

@dataclass
class Translation:
    """The state of an entity's translation in one language, as its page shows it."""

    status: str  # "translated", "outdated" or "missing"
    machine_assisted: bool = False
    file: str | None = None


def localise(atlas: "Atlas", report: "Report", language: str) -> None:
    """The linked atlas in a language (in place: each language builds in a process of its own)."""
    if language == i18n.SOURCE:
        return
    gettext = i18n.translations(language).gettext
    for country in atlas.countries.values():
        country.name = i18n.territory_name(country.code, language) or country.name
    atlas.countries = dict(sorted(atlas.countries.items(), key=lambda item: fold(item[1].name)))
    for kind in KINDS:  # a place's name in the language, where its file gives one (a city's names:)
        for entity in atlas.entities[kind].values():
            names = getattr(entity, "names", None)
            if isinstance(names, dict) and isinstance(names.get(language), str):
                entity.names = {**names, i18n.SOURCE: entity.name}
                entity.name = names[language]
    for country in atlas.countries.values():  # the cities within a country keep featured first, then by name
        country.cities.sort(key=lambda c: (not c.featured, fold(c.name)))
    for topic in atlas.topics.values():
        topic.name, topic.description = gettext(topic.name), gettext(topic.description) if topic.description else ""
    originals = {(s.kind, s.slug): s for s in report.sources}
    translations = {(t.kind, t.slug): t for t in report.translations if t.language == language and t.readable}
    for kind in KINDS:
        for entity in atlas.entities[kind].values():
            source = originals[(kind, entity.slug)]
            translation = translations.get((kind, entity.slug))
            if translation is None:
                entity.translation = Translation("missing") if has_prose(source) else None
                continue
            current = revision(source.data, source.body, kind)
            entity.translation = Translation("translated" if translation.data.get("translates") == current
                                             else "outdated", translation.data.get("machine_assisted") is True,
                                             translation.display)
            for f in KINDS[kind].translatable:
                if f.name in translation.data:
                    setattr(entity, f.name, translation.data[f.name])
                    if f.name == KINDS[kind].title:
                        entity.title = translation.data[f.name]
            if translation.body.strip():
                entity.body = translation.body.strip("\n")


# ---- how complete each language is -------------------------------------------------

@dataclass
class Part:
    """One part of a language's completeness: so many of so many done."""

    name: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


@dataclass
class LanguageReport:
    language: str
    parts: list[Part] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)  # files whose English has changed since
    machine_assisted: list[str] = field(default_factory=list)  # files not yet reviewed


def content_pages(docs_dir: Path) -> list[str]:
    """The hand-written pages, in English (about.md; not about.de.md)."""
    if not docs_dir.is_dir():
        return []
    pages = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")
                   if p.is_file() and not p.is_symlink())
    return [p for p in pages if page_language(p)[1] is None]


def page_language(page: str) -> tuple[str, str | None]:
    """about.de.md -> (about.md, de); about.md -> (about.md, None)."""
    stem, _, language = page[:-3].rpartition(".")
    if stem and language in i18n.LANGUAGES and language != i18n.SOURCE:
        return stem + ".md", language
    return page, None


def post_revision(path: Path) -> str | None:
    """The revision of an English news post's title, description and text (None if it cannot be read)."""
    from .load import parse_source

    source, _ = parse_source(path.read_bytes(), path, path.name, POST.name)
    return revision(source.data, source.body, POST.name) if source.readable else None


def front_matter(text: str) -> dict:
    """The front matter of a hand-written page, read as data is (load.parse_source: aliases refused, positions
    kept); nothing when it has none or it cannot be read (the validator says why)."""
    from .load import parse_source

    if not text.startswith("---"):
        return {}
    source, _ = parse_source(text.encode("utf-8", "replace"), Path("page.md"), "page.md", "page")
    return source.data if source.readable and isinstance(source.data, dict) else {}


def completeness(report: "Report", docs_dir: Path) -> list[LanguageReport]:
    """Per language: messages, hand-written pages, featured profiles, initiatives and networks translated."""
    reports = []
    originals = {(s.kind, s.slug): s for s in report.sources if s.readable}
    pages = content_pages(docs_dir)
    for language in i18n.LANGUAGES:
        if language == i18n.SOURCE:
            continue
        result = LanguageReport(language)
        catalogue, _ = i18n.check_catalogue(language)
        messages = [m for m in catalogue if m.id] if catalogue is not None else []
        done = [m for m in messages if i18n.is_translated(m) and not m.fuzzy]
        result.parts.append(Part(N_("UI strings"), len(done), len(messages)))
        if catalogue is not None and "machine-assisted" in (catalogue.header_comment or "").lower():
            result.machine_assisted.append(f"generator/locale/{language}/LC_MESSAGES/{i18n.DOMAIN}.po")
        posts = [p for p in pages if p.startswith(NEWS_FOLDER + "/")]
        handwritten = [p for p in pages if p not in posts]
        for name, chosen in ((N_("hand-written pages"), handwritten), (N_("news posts"), posts)):
            translated_pages = [p for p in chosen if (docs_dir / f"{p[:-3]}.{language}.md").is_file()]
            result.parts.append(Part(name, len(translated_pages), len(chosen)))
            for page in translated_pages:
                display = f"{docs_dir.name}/{page[:-3]}.{language}.md"
                raw = (docs_dir / f"{page[:-3]}.{language}.md").read_bytes()  # the validator reports bad UTF-8
                meta = front_matter(raw.decode("utf-8", "replace"))
                if meta.get("machine_assisted") is True:
                    result.machine_assisted.append(display)
                if page in posts and meta.get("translates") != post_revision(docs_dir / page):
                    result.outdated.append(display)
        translations = {(t.kind, t.slug): t for t in report.translations if t.language == language and t.readable}
        for name, wanted in ((N_("featured profiles"), lambda s: s.kind == "city" and s.data.get("featured") is True),
                             (N_("initiatives"), lambda s: s.kind == "initiative"),
                             (N_("networks"), lambda s: s.kind == "network")):
            chosen = [s for s in originals.values() if wanted(s) and has_prose(s)]
            result.parts.append(Part(name, sum(1 for s in chosen if (s.kind, s.slug) in translations), len(chosen)))
        for key, translation in sorted(translations.items(), key=lambda item: item[1].display):
            source = originals.get(key)
            if source is None:
                continue
            if translation.data.get("translates") != revision(source.data, source.body, source.kind):
                result.outdated.append(translation.display)
            if translation.data.get("machine_assisted") is True:
                result.machine_assisted.append(translation.display)
        reports.append(result)
    return reports


def format_report(reports: list[LanguageReport], markdown: bool = False) -> str:
    """The completeness of every language, as text for a terminal or Markdown for CI's job summary."""
    lines = []
    if markdown:
        parts = [p.name for p in reports[0].parts] if reports else []
        lines += ["| language | " + " | ".join(parts) + " | outdated |",
                  "| --- | " + " | ".join("---:" for _ in parts) + " | ---: |"]
        for r in reports:
            cells = [f"{p.done}/{p.total} ({p.percent} %)" for p in r.parts]
            lines.append(f"| {r.language} {i18n.language_name(r.language)} | " + " | ".join(cells)
                         + f" | {len(r.outdated)} |")
        outdated = [(r.language, f) for r in reports for f in r.outdated]
        if outdated:
            lines += ["", "Outdated translations (the English text changed since):", ""]
            lines += [f"- `{f}` ({language})" for language, f in outdated]
        return "\n".join(lines) + "\n"
    for r in reports:
        lines.append(f"{r.language} ({i18n.language_name(r.language)}): "
                     + "; ".join(f"{p.name} {p.done}/{p.total} ({p.percent} %)" for p in r.parts))
        for f in r.outdated:
            lines.append(f"  outdated: {f} (the English text changed since it was translated)")
        if r.machine_assisted:
            lines.append(f"  machine-assisted, not yet reviewed: {', '.join(r.machine_assisted)}")
    return "\n".join(lines) + "\n"


def stamp(path: Path, root: Path) -> str:
    """Write into a translation the revision of the English text it now translates; returns the revision."""
    from .load import file_slug, read_source

    slug, language = file_slug(path.name)
    kind = next((name for name, folder in FOLDERS.items() if path.parent.name == folder), None)
    if path.resolve().parent.as_posix().endswith("/" + NEWS_FOLDER):
        kind = POST.name
    if language is None or kind is None:
        raise ValueError(f"{path}: expected a translation such as cities/potsdam.de.md "
                         f"or content/{NEWS_FOLDER}/<slug>.de.md")
    original = path.parent / f"{slug}.md"
    source, problems = read_source(original, original.name, kind, 1 << 20)
    if not source.readable:
        raise ValueError(f"{original}: cannot be read: {problems[0].message if problems else ''}")
    value = revision(source.data, source.body, kind)
    text = path.read_text(encoding="utf-8")
    line = f'translates: "{value}"'  # quoted: a revision of digits only is otherwise read as a number
    if re.search(r"^translates:.*$", text, re.MULTILINE):
        text = re.sub(r"^translates:.*$", line, text, count=1, flags=re.MULTILINE)
    else:
        text = re.sub(r"\A---\n", f"---\n{line}\n", text, count=1)
    path.write_text(text, encoding="utf-8")
    return value

