"""The MkDocs adapter: run the core, hand its outputs to MkDocs as generated files.

Thin on purpose: MkDocs 1.x is unmaintained, and the core should be able to feed a
successor (ProperDocs, Zensical) through another adapter of this size. Every page's HTML
passes through the sanitiser, and every page carries the Content-Security-Policy.

One build is one language, `theme.language` (mkdocs.yml is English, at the site's root;
mkdocs.de.yml inherits it for German, under /de/; `generator/site/sites.py` runs them all): the
plugin gives MkDocs that language's pages, its translated hand-written pages (about.de.md
in place of about.md), its messages for the theme and the map, and every page's links to
itself in every language (hreflang, and the language switcher).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import assets, background, feed, handwritten, languages
from ..core import i18n
from ..render import report
from ..render.compiled import COMPILED, FOLDER as COMPILED_FOLDER
from .build import BuildFailed, build
from ..core.diagnostics import Severity, format_text
from .html_blocks import GeneratedHtml
from .search import SearchViews, searched_part
from ..core.load import FOLDERS
from .preview import LOG as PREVIEW_LOG, Preview, digest, fingerprint, listening
from .printing import ReportPrinter
from ..core.project import VOCABULARIES
from ..render.pages import Publishing, UnknownSnippet, render_post_footer, render_snippet
from ..core.safety import content_security_policy, plain, sanitise

log = logging.getLogger("mkdocs.plugins.atlas")
POSTS_WORK = Path(".cache") / "posts"  # in the atlas's folder (git-ignored): a language's news posts, as the blog reads them
MESSAGES = "atlas-messages.js"  # the map's messages in the build's language, at its root (/de/atlas-messages.js)
SNIPPET = re.compile(r"<!--\s*atlas:([a-z-]+)\s*-->")


class AtlasConfig(Config):
    root = c.Optional(c.Type(str))  # the atlas's folder; default: the folder of mkdocs.yml
    reports = c.Type(bool, default=True)  # print the featured cities' PDF reports (when WeasyPrint can)


class _DirtyNotice(logging.Filter):
    """MkDocs warns on every --dirty build, which --strict would count as a failure; the preview
    is --dirty by design (generator/site/preview.py keeps it exact)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class AtlasPlugin(BasePlugin[AtlasConfig]):
    serving = False
    command: str | None = None
    preview: Preview | None = None
    printer: ReportPrinter | None = None  # kept from build to build: make serve prints in the background

    def __init__(self):
        super().__init__()
        self.search_views = SearchViews()  # what search indexes of each page (generator/site/search.py)

    def on_startup(self, *, command, dirty):
        self.command = command  # only MkDocs' command line says (an API build leaves it None)
        self.serving = command == "serve"
        self.preview = Preview() if self.serving and dirty else None
        if self.preview:
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())
        elif self.serving:  # plain `mkdocs serve`: MkDocs rebuilds every page on every save
            log.info("Each save rebuilds the whole atlas. For a preview that rebuilds only what a save "
                     "changes (about a second), run make serve, or mkdocs serve --dirty.")

    @event_priority(100)  # before Material's search reads its settings (its on_config)
    def _search_language(self, config):
        """Search reads the page's language (mkdocs.yml's search.lang cannot say Greek: MkDocs' list of
        lunr languages is older than Material's, which has it)."""
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None:
            search.config.lang, search.config.pipeline = i18n.search_settings(config.theme["language"])
        return config

    def _configure(self, config):
        # The preview's collections of cycles wait until the edit is on screen (on_post_build): a full collection
        # over the kept state (parsed files, last site) cost about 0.1 s of an edit at 1,000 cities. A build's
        # wait until its data is read and linked, which then lives until the build ends (_keep).
        gc.disable()
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        if self.printer is None:
            self.printer = ReportPrinter(log, PREVIEW_LOG)
        self.printer.cache = self.root / report.CACHE  # (MkDocs keeps a plugin from one config to the next)
        COMPILED.keep_in(self.root / COMPILED_FOLDER)  # the templates compiled by earlier builds (or languages)
        self.language = config.theme["language"]
        if self.language not in i18n.LANGUAGES:
            raise PluginError(f"{config.config_file_path}: theme.language: expected one of "
                              f"{', '.join(i18n.LANGUAGES)}, found {self.language!r}")
        self.translations = i18n.translations(self.language)
        self.base_url = languages.localise_config(config, self.language, self.translations.gettext)
        # Inside the whole site (generator/site/sites.py), a language's pages use the theme's files at its root.
        shared = self.language != i18n.SOURCE and os.environ.get(assets.SHARED) == "1" and bool(config.site_url)
        self.shared_urls = assets.SharedUrls(config.site_url, self.base_url) if shared else None
        if not config.repo_url:  # a local build without ATLAS_REPO_URL: no "edit this page" links
            config.edit_uri = None
        tiles = ((config.extra or {}).get("atlas") or {}).get("tiles") or {}
        try:
            # mkdocs serve injects its reload script inline on every page; a build allows none.
            self.csp = content_security_policy(tiles.get("url") if isinstance(tiles, dict) else None,
                                               live_reload=self.serving)
        except ValueError as error:
            raise PluginError(f"mkdocs.yml: extra.atlas.tiles: {error}") from None
        rss = config.plugins.get("rss")
        if rss is not None and not rss.config.image:  # the feed's picture: the link preview picture, absolute
            rss.config.image = urljoin((self.base_url if shared else config.site_url) or "",
                                        "assets/atlas/og-image.png")
        config.markdown_extensions.append(GeneratedHtml())  # the templates' HTML skips Markdown's HTML parsing
        # City reports need WeasyPrint and Pango; without them the site is built, and says so. The pages link to
        # the reports or not: they ask once the data is read, checked and linked. A build whose reports are all in
        # the cache already (every build after the first) copies them, and never imports WeasyPrint (half a
        # second); any other finds out then whether it can print here. The preview asks once, in the background
        # while its data is read: the answer holds for the session (its first edit waited 0.8 s for the import).
        switched_off = None if self.config.reports else "switched off in mkdocs.yml (plugins: atlas: reports: false)"
        known = self.preview.printable if self.preview and not switched_off else None
        probe = background.in_background(report.unavailable) if self.preview and not (switched_off or known) else None
        self.publishing, self.documents = None, {}

        def publishing(atlas) -> Publishing:
            if self.publishing is None:
                if switched_off or known:
                    self.reports_missing = switched_off or known[0]
                elif probe:
                    self.reports_missing = probe.result()
                    self.preview.printable = (self.reports_missing,)
                elif self.serving:  # plain mkdocs serve, which prints them after each rebuild, in the background
                    self.reports_missing = report.unavailable()
                else:  # a build: its reports in its language, printed beside its pages (on_files)
                    self.documents = report.featured_reports(atlas, config.site_url or "/", self.language)
                    self.reports_missing = None if report.in_cache(self.documents, self.printer.cache) \
                        else report.unavailable()
                self.publishing = Publishing(site_url=config.site_url or None,
                                             reports=self.reports_missing is None)
            return self.publishing

        custom_dir = config.theme.custom_dir
        theme_dir = Path(custom_dir) if custom_dir else None
        preview = self.preview
        if preview:
            watched = [Path(config.config_file_path), Path(config.docs_dir), self.root / "atlas.yml",
                       *(self.root / relative for relative in VOCABULARIES.values()), *([theme_dir] if theme_dir else [])]
            watching = fingerprint(watched)
        try:
            self.result = build(self.root, docs_dir=Path(config.docs_dir), theme_dir=theme_dir,
                                parsed=preview.parsed if preview else None, language=self.language,
                                publishing=publishing, memo=(preview.memo, watching) if preview else None)
        except BuildFailed as failure:
            if not (preview and preview.result):
                if probe is not None:
                    probe.cancel()  # no page will ask
                for diagnostic in failure.report.diagnostics:  # warnings stay warnings (at info: --strict)
                    (log.error if diagnostic.severity is Severity.ERROR else log.info)(format_text(diagnostic))
                raise PluginError(failure.advice) from None
            publishing(None)  # the preview goes on with its last good site, whose reports it keeps printing
            preview.keep_last_good(failure)
            self.result = preview.result
        else:
            for warning in self.result.report.diagnostics:  # data warnings inform; they don't break the site
                log.info(format_text(warning))
            if preview:
                preview.result, preview.errors = self.result, []
        if preview:
            preview.begin(watching, {o.path: digest(o.content) for o in self.result.outputs})
            preview.mark = 0
        self._keep()
        return config

    on_config = CombinedEvent(_search_language, _configure)

    def _keep(self) -> None:
        """A build's data and pages live until it ends: out of the garbage collector's way until then (gc.freeze;
        on_post_build thaws them), so that its collections do not walk them again and again (about 0.2 s a
        build). Not under mkdocs serve, whose process outlives each build's objects; the preview collects once
        the edit is on screen."""
        if self.preview:
            return
        if not self.serving:
            gc.freeze()
        gc.enable()


    def on_build_error(self, *, error):
        gc.unfreeze()
        if self.printer is not None:
            self.printer.cancel()
        gc.enable()


    def on_env(self, env, *, config, files):
        env.globals["atlas_csp"] = self.csp
        env.globals["atlas_preview"] = self.preview is not None
        # The theme's strings (main.html, 404.html, partials) through the same catalogue as the pages'.
        env.add_extension("jinja2.ext.i18n")
        env.policies["ext.i18n.trimmed"] = True
        env.install_gettext_translations(self.translations, newstyle=True)
        env.globals["atlas_language"] = self.language
        env.globals["atlas_messages"] = MESSAGES
        env.bytecode_cache = COMPILED  # compiled once, for every build and language (generator/render/compiled.py)
        if self.preview:
            self.preview.begin_pages(env, files)
        self._keep()
        return env

    def on_files(self, files: Files, config) -> Files:
        self._start_reports(config)
        for file in list(files):  # the theme's files: once in the whole site, and none that no reader loads
            if file.src_dir != config.docs_dir and not assets.published(file.dest_uri, self.shared_urls is not None):
                files.remove(file)
        self.page_states = handwritten.choose_pages(files, self.language, self.root / POSTS_WORK / self.language)
        generated = {}
        for output in self.result.outputs:
            inclusion = InclusionLevel.INCLUDED if output.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, output.path, content=output.content, inclusion=inclusion)
            # "Edit this page" opens the data file, relative to edit_uri (which points at docs_dir).
            file.edit_uri = f"../{output.source}" if output.source else None
            files.append(file)
            generated[output.path] = file
        # The map's messages in this language: one file that every page loads (and the browser keeps), not
        # 2.5 KB in each page's head.
        files.append(File.generated(config, MESSAGES, content=messages_script(i18n.map_messages(self.language))))
        if self.preview:
            self.preview.skip_unchanged(files, generated)
        return files

    def on_nav(self, nav, *, config, files):
        languages.translate_nav(nav, self.translations.gettext)
        return nav

    def on_pre_build(self, *, config):
        if config.plugins.get("rss") is not None:
            feed.prepare(config.plugins["rss"], self.result.atlas)

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """A hand-written page or a news post (generated pages come ready, their front matter escaped by
        templates/_meta.md.j2): its front matter escaped, its translation notice, its atlas snippets, a post's
        footer."""
        if page.file.generated_by:
            return markdown
        handwritten.escape_front_matter(page)
        state = getattr(self, "page_states", {}).get(page.file.src_uri)
        post = handwritten.post_slug(page.file.src_uri)
        gettext = self.translations.gettext
        if not post:  # a post's notice follows its text: the news list shows the posts' excerpts
            markdown = handwritten.with_notices(markdown, page.url, state, gettext)
        if "atlas:" in markdown:
            markdown = self._snippets(markdown, page, config)
        if post:
            markdown = handwritten.post_with_footer(markdown, page.url, state, self.language, gettext,
                                                    render_post_footer(self.result.atlas, post, self.language))
        return markdown

    def _snippets(self, markdown: str, page, config) -> str:
        def snippet(match: re.Match) -> str:
            try:
                return render_snippet(self.result.atlas, match.group(1), page.file.src_uri, config.repo_url,
                                      self.language, self.publishing)
            except UnknownSnippet as error:
                line = markdown.count("\n", 0, match.start()) + 1  # of the page body, after its front matter
                raise PluginError(f"{config.docs_dir}/{page.file.src_uri}: body line {line}: {error}") from None

        return SNIPPET.sub(snippet, markdown)

    @event_priority(-100)  # after any other plugin has changed the page: nothing escapes the sanitiser
    def on_page_content(self, content: str, page, config, files) -> str:
        handwritten.escape_post_title(page)  # after the feed read it (mkdocs-rss-plugin, priority -75)
        for item in _walk(page.toc):
            item.title = plain(item.title)
        searched = searched_part(content)
        self.search_views.keep(page, None if searched is None else sanitise(searched))
        return sanitise(content)

    @event_priority(50)  # before Material's search indexes the page (its on_page_context)
    def _lend_to_search(self, context, *, page, config, nav):
        self.search_views.lend(page)
        return context

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        """The 404 page (a theme template, not a page): no link to the languages' home pages either."""
        if not template_name.endswith(".html"):
            return output_content
        output_content = languages.without_material_alternates(output_content)
        return self.shared_urls(output_content, "") if self.shared_urls else output_content

    def on_post_page(self, output: str, *, page, config) -> str:
        output = languages.alternate_links(output, page.url, self.language)
        return self.shared_urls(output, page.url) if self.shared_urls else output

    @event_priority(-100)  # after search has indexed the page: the whole page again, and its entries remembered
    def _after_search(self, context, *, page, config, nav):
        self.search_views.give_back(page)
        for excerpt in context.get("posts") or ():  # the blog's lists render posts' excerpts past on_page_content
            excerpt.content = sanitise(excerpt.content)
        if self.preview:
            self.preview.remember(page, _search_index(config))
        return context

    on_page_context = CombinedEvent(_lend_to_search, _after_search)

    @event_priority(-100)  # after search wrote its index (of the rebuilt pages only): write the whole one
    def on_post_build(self, *, config):
        feed.clean(Path(config.site_dir))  # after mkdocs-rss-plugin wrote it
        self._print_reports(Path(config.site_dir), config.site_url or "/")
        if not self.preview:
            # `mkdocs build` ends with the build: its objects stay frozen, or the collection Python runs as it
            # exits would walk them all once more (0.3 s at 1,000 cities). A process that may build again (a
            # caller of MkDocs' API, the tests, gh-deploy) gets them back for its collections.
            if self.command != "build":
                gc.unfreeze()
            return
        site_dir = Path(config.site_dir)
        self.preview.write_search_index(site_dir, _search_index(config))
        self.preview.finish(site_dir)
        self.preview.write_errors(site_dir)
        gc.enable()

    def _start_reports(self, config) -> None:
        """A build prints the reports beside its pages; the preview prints them after the edit is on screen."""
        if not self.serving and not self.reports_missing:
            self.printer.start(self.documents, Path(config.site_dir))

    def _print_reports(self, site_dir: Path, site_url: str) -> None:
        if self.reports_missing:
            log.info(f"City reports (PDF) skipped: {self.reports_missing}.")
        elif not self.serving:
            self.printer.finish()
        else:
            self.printer.in_background(self.result.atlas, site_url, site_dir, self.language)

    def wait_for_reports(self) -> None:
        """Until the reports of every build so far are printed (the preview prints them in the background)."""
        if self.printer is not None:
            self.printer.wait()

    def on_shutdown(self) -> None:
        if self.printer is not None:
            self.printer.shutdown()

    def on_serve(self, server, config, builder):
        server = listening(server, config, builder)
        theme = config.theme.custom_dir
        for path in [*(self.root / folder for folder in FOLDERS.values()), self.root / "atlas.yml",
                     *([Path(theme)] if theme else [])]:
            if path.exists():
                server.watch(str(path))
        return server


def messages_script(messages: dict) -> str:
    """The map's messages as the script that hands them over: one JSON literal (ASCII, so that no line
    separator nor quote of a catalogue's text ends it), data that never becomes code."""
    return f"self.atlasMessages = {json.dumps(messages, ensure_ascii=True, sort_keys=True)};\n"


def _search_plugin(config):
    """Material's search plugin, if search is on."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin, "search_index", None) is not None:
            return plugin
    return None


def _search_index(config):
    """Material's search index of this build, if search is on."""
    plugin = _search_plugin(config)
    return plugin.search_index if plugin is not None else None


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)
