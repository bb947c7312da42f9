"""The MkDocs adapter: run the core, hand its outputs to MkDocs as generated files.

Thin on purpose: MkDocs 1.x is unmaintained, and the core should be able to feed a
successor (ProperDocs, Zensical) through another adapter of this size. Every page's HTML
passes through the sanitiser, and every page carries the Content-Security-Policy.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from .build import BuildFailed, build
from .diagnostics import format_text
from .html_blocks import GeneratedHtml
from .render import UnknownSnippet, render_snippet
from .safety import content_security_policy, sanitise

log = logging.getLogger("mkdocs.plugins.atlas")
SNIPPET = re.compile(r"<!--\s*atlas:([a-z-]+)\s*-->")
TAG = re.compile(r"<[^>]*>")


class AtlasConfig(Config):
    root = c.Optional(c.Type(str))  # the atlas's folder; default: the folder of mkdocs.yml


def plain(text: str) -> str:
    """Text for a place Material prints as HTML (titles, the table of contents): tags out, escaped."""
    return html.escape(html.unescape(TAG.sub("", text)), quote=True)


class AtlasPlugin(BasePlugin[AtlasConfig]):
    serving = False

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        if not config.repo_url:  # a local build without ATLAS_REPO_URL: no "edit this page" links
            config.edit_uri = None
        tiles = ((config.extra or {}).get("atlas") or {}).get("tiles") or {}
        try:
            # mkdocs serve injects its reload script inline on every page; a build allows none.
            self.csp = content_security_policy(tiles.get("url") if isinstance(tiles, dict) else None,
                                               live_reload=self.serving)
        except ValueError as error:
            raise PluginError(f"mkdocs.yml: extra.atlas.tiles: {error}") from None
        config.markdown_extensions.append(GeneratedHtml())  # the templates' HTML skips Markdown's HTML parsing
        custom_dir = config.theme.custom_dir
        try:
            self.result = build(self.root, docs_dir=Path(config.docs_dir),
                                theme_dir=Path(custom_dir) if custom_dir else None)
        except BuildFailed as failure:
            for diagnostic in failure.report.diagnostics:
                log.error(format_text(diagnostic))
            raise PluginError(f"the atlas's data has {len(failure.report.errors)} error(s); "
                              "fix them (run 'atlas validate' for the same report) and build again") from None
        for warning in self.result.report.diagnostics:  # data warnings inform; they don't break the site
            log.info(format_text(warning))
        return config

    def on_env(self, env, *, config, files):
        env.globals["atlas_csp"] = self.csp
        return env

    def on_files(self, files: Files, config) -> Files:
        for output in self.result.outputs:
            inclusion = InclusionLevel.INCLUDED if output.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, output.path, content=output.content, inclusion=inclusion)
            # "Edit this page" opens the data file, relative to edit_uri (which points at docs_dir).
            file.edit_uri = f"../{output.source}" if output.source else None
            files.append(file)
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if page.file.generated_by:
            return markdown
        for key in ("title", "description"):  # generated pages escape theirs (templates/_meta.md.j2)
            if isinstance(page.meta.get(key), str):
                page.meta[key] = plain(page.meta[key])
        if "atlas:" not in markdown:
            return markdown

        def snippet(match: re.Match) -> str:
            try:
                return render_snippet(self.result.atlas, match.group(1), page.file.src_uri)
            except UnknownSnippet as error:
                line = markdown.count("\n", 0, match.start()) + 1  # of the page body, after its front matter
                raise PluginError(f"{config.docs_dir}/{page.file.src_uri}: body line {line}: {error}") from None

        return SNIPPET.sub(snippet, markdown)

    @event_priority(-100)  # after any other plugin has changed the page: nothing escapes the sanitiser
    def on_page_content(self, content: str, page, config, files) -> str:
        for item in _walk(page.toc):
            item.title = plain(item.title)
        return sanitise(content)

    def on_serve(self, server, config, builder):
        for name in ("cities", "initiatives", "networks", "atlas.yml"):
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        return server


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)
