"""The MkDocs adapter: run the core, hand its outputs to MkDocs as generated files.

Thin on purpose: MkDocs 1.x is unmaintained, and the core should be able to feed a
successor (ProperDocs, Zensical) through another adapter of this size.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .build import BuildFailed, build
from .diagnostics import format_text
from .render import UnknownSnippet, render_snippet

log = logging.getLogger("mkdocs.plugins.atlas")
SNIPPET = re.compile(r"<!--\s*atlas:([a-z-]+)\s*-->")


class AtlasConfig(Config):
    root = c.Optional(c.Type(str))  # the atlas's folder; default: the folder of mkdocs.yml


class AtlasPlugin(BasePlugin[AtlasConfig]):
    def on_config(self, config):
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        if not config.repo_url:  # a local build without ATLAS_REPO_URL: no "edit this page" links
            config.edit_uri = None
        try:
            self.result = build(self.root)
        except BuildFailed as failure:
            for diagnostic in failure.report.diagnostics:
                log.error(format_text(diagnostic))
            raise PluginError(f"the atlas's data has {len(failure.report.errors)} error(s); "
                              "fix them (run 'atlas validate' for the same report) and build again") from None
        for warning in self.result.report.diagnostics:  # data warnings inform; they don't break the site
            log.info(format_text(warning))
        return config

    def on_files(self, files: Files, config) -> Files:
        for output in self.result.outputs:
            inclusion = InclusionLevel.INCLUDED if output.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, output.path, content=output.content, inclusion=inclusion)
            # "Edit this page" opens the data file, relative to edit_uri (which points at docs_dir).
            file.edit_uri = f"../{output.source}" if output.source else None
            files.append(file)
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if page.file.generated_by or "atlas:" not in markdown:
            return markdown
        def snippet(match: re.Match) -> str:
            try:
                return render_snippet(self.result.atlas, match.group(1), page.file.src_uri)
            except UnknownSnippet as error:
                line = markdown.count("\n", 0, match.start()) + 1  # of the page body, after its front matter
                raise PluginError(f"{config.docs_dir}/{page.file.src_uri}: body line {line}: {error}") from None

        return SNIPPET.sub(snippet, markdown)

    def on_serve(self, server, config, builder):
        for name in ("cities", "initiatives", "networks", "atlas.yml"):
            if (self.root / name).exists():
                server.watch(str(self.root / name))
        return server
