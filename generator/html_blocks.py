"""Generated HTML blocks go straight into Python-Markdown's store of raw HTML.

The templates write a page's lists, tables and cards as HTML, each block after a
`<!-- atlas:html -->` line and without blank lines. Python-Markdown would pass such a block
through untouched anyway, but only after parsing it tag by tag twice (md_in_html's block
finder and MkDocs' anchor scan), which cost more than the Markdown they replaced. This
extension stores each marked block as Python-Markdown stores raw HTML, so what comes out is
the same; the sanitiser checks it afterwards like every other part of the page. (A body that
writes the marker itself only opts its next block out of Markdown, as raw HTML already is.)
"""

from __future__ import annotations

from markdown import Extension
from markdown.preprocessors import Preprocessor

MARKER = "<!-- atlas:html -->"


class StoreGeneratedHtml(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if MARKER not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is not None:
                if line.strip():
                    block.append(line)
                    continue
                if block:
                    out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            if line == MARKER:
                block = []
            else:
                out.append(line)
        if block:
            out += ["", self.md.htmlStash.store("\n".join(block)), ""]
        return out


class GeneratedHtml(Extension):
    def extendMarkdown(self, md):
        # After whitespace normalisation (30), before MkDocs' anchor scan (21) and md_in_html (20).
        md.preprocessors.register(StoreGeneratedHtml(md), "atlas_generated_html", 25)
