"""Generated HTML blocks go straight into Python-Markdown's store of raw HTML.

The templates write a page's lists, tables and cards as HTML, each block after a
`<!-- atlas:html -->` line and without blank lines. Python-Markdown would pass such a block
through untouched anyway, but only after parsing it tag by tag twice (md_in_html's block
finder and MkDocs' anchor scan) and running its inline patterns over the placeholder left in
its place, which cost more than the Markdown they replaced. This extension stores each marked
block as Python-Markdown stores raw HTML, so what comes out is the same; the sanitiser checks
it afterwards like every other part of the page. (A body that writes the marker itself only
opts its next block out of Markdown, as raw HTML already is.) The lines that mark what search leaves
out (generator/site/search.py) are stored the same way.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from .search import MARKERS as SEARCH_MARKERS

MARKER = "<!-- atlas:html -->"


class StoreGeneratedHtml(Preprocessor):
    """Each marked block becomes a placeholder line, its HTML kept in the stash."""

    def __init__(self, md, placeholders: set[str]):
        super().__init__(md)
        self.placeholders = placeholders

    def store(self, block: list[str], out: list[str]) -> None:
        placeholder = self.md.htmlStash.store("\n".join(block))
        self.placeholders.add(placeholder)
        out += ["", placeholder, ""]

    def run(self, lines: list[str]) -> list[str]:
        self.placeholders.clear()
        if MARKER not in lines and not any(marker in lines for marker in SEARCH_MARKERS):
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is not None:
                if line.strip():
                    block.append(line)
                    continue
                if block:
                    self.store(block, out)
                block = None
            if line == MARKER:
                block = []
            elif line in SEARCH_MARKERS:  # a line of its own, kept as it is (generator/site/search.py)
                self.store([line], out)
            else:
                out.append(line)
        if block:
            self.store(block, out)
        return out


class PlaceGeneratedHtml(BlockProcessor):
    """A placeholder of ours becomes the paragraph the raw-HTML postprocessor swaps for the block,
    with text the inline patterns skip (they would find nothing in it)."""

    def __init__(self, parser, placeholders: set[str]):
        super().__init__(parser)
        self.placeholders = placeholders

    def test(self, parent, block: str) -> bool:
        return block in self.placeholders

    def run(self, parent, blocks: list[str]) -> None:
        etree.SubElement(parent, "p").text = AtomicString(blocks.pop(0))


class GeneratedHtml(Extension):
    def extendMarkdown(self, md):
        placeholders: set[str] = set()
        # After whitespace normalisation (30), before MkDocs' anchor scan (21) and md_in_html (20).
        md.preprocessors.register(StoreGeneratedHtml(md, placeholders), "atlas_generated_html", 25)
        md.parser.blockprocessors.register(PlaceGeneratedHtml(md.parser, placeholders), "atlas_generated_html", 200)
