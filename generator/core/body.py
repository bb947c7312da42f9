"""Read a Markdown body the way the site will, in one pass and linear time.

Bodies come from strangers' pull requests. These scanners find what the validator must
refuse with a line number — raw HTML outside the allowlist, attribute lists, links and
images — and what would make Python-Markdown slow (it is superlinear on unclosed brackets,
unclosed tags and long blocks), so that one hostile file can neither run in a reader's
browser nor stall a build. Every loop moves forward through the text: no backtracking
over a whole body, no rescanning.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterator

from tinyhtml5.constants import Token as TokenType
from tinyhtml5.tokenizer import HTMLTokenizer

from . import safety

# Limits that keep Markdown rendering fast (a body at these limits renders in well under a
# second); real bodies are a few kilobytes, with a handful of headings.
MAX_BODY_CHARACTERS = 50_000
MAX_BLOCK_CHARACTERS = 5_000  # a paragraph, list or table between blank lines
MAX_BLOCK_LINES = 100
MAX_HEADINGS = 100
MAX_NESTING = 8  # quotes and lists inside each other
MAX_BRACKET_DEPTH = 3
MAX_URL_LENGTH = 2_000


@dataclass(frozen=True)
class Finding:
    offset: int  # where in the body, in characters
    code: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Link:
    offset: int
    target: str
    image: bool


def _escaped(text: str, offset: int) -> bool:
    """Is the character at offset escaped by an odd run of backslashes?"""
    count = 0
    while offset - count - 1 >= 0 and text[offset - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _next(text: str, char: str, start: int, known: int) -> int:
    """The next `char` at or after start (len(text) if none), reusing `known` while it is still ahead:
    each search starts beyond the last one's result, so all of them together read the text once."""
    if known >= start:
        return known
    found = text.find(char, start)
    return len(text) if found < 0 else found


def _show(text: str, limit: int = 40) -> str:
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(text)


# ---- blocks --------------------------------------------------------------------------

BLANK_LINES = re.compile(r"\n[ \t]*\n")


def blocks(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of non-blank lines."""
    start = 0
    for match in BLANK_LINES.finditer(body):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(body):
        yield start, len(body)


def check_size(body: str) -> Iterator[Finding]:
    if len(body) > MAX_BODY_CHARACTERS:
        yield Finding(0, "body-too-long", f"expected a text of at most {MAX_BODY_CHARACTERS:,} characters, "
                      f"found {len(body):,}", "a profile is a few pages; shorten it or link to a longer document")
    for start, end in blocks(body):
        lines = body.count("\n", start, end) + 1
        if end - start > MAX_BLOCK_CHARACTERS or lines > MAX_BLOCK_LINES:
            yield Finding(start, "block-too-long",
                          f"expected a paragraph, list or table of at most {MAX_BLOCK_CHARACTERS:,} characters "
                          f"and {MAX_BLOCK_LINES} lines, found {end - start:,} characters in {lines} lines",
                          "separate paragraphs with an empty line")


NESTED = re.compile(r"^[ \t]*(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+){%d,}|^(?: {4}|\t){%d,}(?=\S)"
                    % (MAX_NESTING + 1, MAX_NESTING + 2), re.MULTILINE)
HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)


def check_nesting(body: str) -> Iterator[Finding]:
    """Quotes and lists nested hundreds deep exhaust Python-Markdown's recursion; nothing needs ten."""
    for match in NESTED.finditer(body):
        yield Finding(match.start(), "nested-too-deep",
                      f"expected quotes and lists nested at most {MAX_NESTING} deep, found more",
                      "a line starting with >, -, * or 1. (or indented by four spaces) goes one level deeper")
        return


def check_headings(body: str) -> Iterator[Finding]:
    count = 0
    for match in HEADING_LINE.finditer(body):
        count += 1
        if count > MAX_HEADINGS:
            yield Finding(match.start(), "too-many-headings",
                          f"expected at most {MAX_HEADINGS} headings in one text, found more",
                          "headings name the sections of a profile; a line of only - or = under text is one too")
            return


# Characters XML 1.0 forbids (the feed is XML: one of them makes strict readers drop all of it): C0
# controls but tab and line break, lone surrogates, the noncharacters U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A run of * and _ opens as many emphases inside each other: 2,450 of them nest 600 elements deep,
# which printing cannot follow. Markdown needs three at most; a line of only them is a rule.
EMPHASIS_RUN = re.compile(r"(?<!\\)[*_]{7,}")
RULE_LINE = re.compile(r"[ \t]*(?:[*_-][ \t]*)+")


def check_characters(body: str) -> Iterator[Finding]:
    found = XML_FORBIDDEN.search(body)
    if found:
        yield Finding(found.start(), "control-character", f"expected text, found the control character "
                      f"U+{ord(found.group()):04X}", "retype the line: an invisible character was pasted into it")


def check_emphasis(body: str) -> Iterator[Finding]:
    if "****" not in body and "____" not in body and "*_" not in body and "_*" not in body:
        return
    for match in EMPHASIS_RUN.finditer(body):
        line_start = body.rfind("\n", 0, match.start()) + 1
        line_end = body.find("\n", match.end())
        if RULE_LINE.fullmatch(body, line_start, len(body) if line_end < 0 else line_end):
            continue
        yield Finding(match.start(), "emphasis-too-deep", f"expected at most six * or _ in a row, found "
                      f"{len(match.group()):,}", "**bold** and *italic* need two and one; write \\* for a star")
        return


# ---- code: shown as text, never read as markup -----------------------------------------

BACKTICKS = re.compile(r"`+")
LIST_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")


def code_mask(body: str) -> str:
    """The body with code spans and indented code blocks blanked out (same length, same lines).

    Markdown prints code as text, so '<script>' in backticks is not HTML. In Python-Markdown an
    opening run of backticks closes at the next run of the same length in the same paragraph.
    """
    if "`" not in body and "\n    " not in body and "\n\t" not in body:
        return body
    spans: list[tuple[int, int]] = []
    for block_start, block_end in blocks(body):
        runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(body, block_start, block_end)
                if not _escaped(body, m.start())]
        following: list[int | None] = [None] * len(runs)  # the next run of the same length
        last: dict[int, int] = {}
        for index in range(len(runs) - 1, -1, -1):
            length = runs[index][1] - runs[index][0]
            following[index] = last.get(length)
            last[length] = index
        index = 0
        while index < len(runs):
            close = following[index]
            if close is None:
                index += 1
            else:
                spans.append((runs[index][1], runs[close][0]))
                index = close + 1
    previous = ""
    for start, end in blocks(body):
        first = body[start : body.find("\n", start, end) if "\n" in body[start:end] else end]
        lines = [line for line in body[start:end].split("\n") if line.strip()]
        if lines and all(line.startswith(("    ", "\t")) for line in lines) and not LIST_ITEM.match(previous):
            spans.append((start, end))
        else:
            previous = first
    if not spans:
        return body
    parts, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts += [body[position:start], re.sub(r"[^\n]", " ", body[start:end])]
        position = end
    parts.append(body[position:])
    return "".join(parts)


# ---- brackets and Markdown links -----------------------------------------------------

BRACKET = re.compile(r"[\[\]]")


def _destination(text: str, start: int, end: int) -> tuple[str | None, int]:
    """A link destination after '(' at start: (destination or None if never closed, where to go on)."""
    line_end = text.find("\n", start, end)
    line_end = end if line_end < 0 else line_end
    limit = min(line_end, start + MAX_URL_LENGTH + 200)
    position = start
    while position < limit and text[position] in " \t":
        position += 1
    if position < limit and text[position] == "<":
        close = text.find(">", position, limit)
        if close < 0:
            return None, limit
        target, position = text[position + 1 : close], close + 1
    else:
        depth, begin = 0, position
        while position < limit:
            char = text[position]
            if char in " \t":
                break
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            position += 1
        target = text[begin:position]
    while position < limit and text[position] in " \t":
        position += 1
    if position < limit and text[position] in "\"'(":
        quote = ")" if text[position] == "(" else text[position]
        close = text.find(quote, position + 1, limit)
        if close < 0:
            return None, limit
        position = close + 1
        while position < limit and text[position] in " \t":
            position += 1
    if position < limit and text[position] == ")":
        return target, position + 1
    return None, max(position, start + 1)


def scan_links(body: str) -> tuple[list[Link], list[Finding]]:
    """Inline links and images, with bracket problems that would make Markdown slow."""
    links: list[Link] = []
    findings: list[Finding] = []
    for start, end in blocks(body):
        if end - start > MAX_BLOCK_CHARACTERS:
            continue  # already refused; its brackets would only repeat the news
        stack: list[tuple[int, bool]] = []
        position = start
        while True:
            match = BRACKET.search(body, position, end)
            if match is None:
                break
            at = match.start()
            position = at + 1
            if _escaped(body, at):
                continue
            if body[at] == "[":
                stack.append((at, at > 0 and body[at - 1] == "!" and not _escaped(body, at - 1)))
                if len(stack) > MAX_BRACKET_DEPTH:
                    findings.append(Finding(at, "brackets-too-deep",
                                            f"expected square brackets nested at most {MAX_BRACKET_DEPTH} deep",
                                            "write \\[ for a bracket that is not a link"))
                    stack = []
                    break
                continue
            if not stack:
                continue
            opened, image = stack.pop()
            if position < end and body[position] == "(":
                target, position = _destination(body, position + 1, end)
                if target is None:
                    findings.append(Finding(at + 1, "unclosed-link",
                                            "expected a link's address to end with ')' on the same line",
                                            "write links as [text](address)"))
                else:
                    links.append(Link(at + 2, target.strip("<>"), image))
        if stack:  # one finding per paragraph: Markdown rescans the paragraph for each of them
            more = f" ({len(stack)} in this paragraph)" if len(stack) > 1 else ""
            findings.append(Finding(stack[0][0], "unclosed-bracket",
                                    f"expected a ']' for this '[' in the same paragraph{more}",
                                    "write \\[ for a bracket that is not a link"))
    return links, findings


REFERENCE = re.compile(r"^ {0,3}\[([^\]\n]{1,999})\]:[ \t]*<?([^\s>]*)>?", re.MULTILINE)
REFERENCE_USE = re.compile(r"(!?)\[([^\[\]\n]{1,999})\]\[([^\[\]\n]{0,999})\]")


def reference_links(body: str) -> list[Link]:
    """Reference definitions ([label]: address); those used by ![alt][label] are images."""
    if "]:" not in body:
        return []
    images = set()
    if "![" in body:
        for match in REFERENCE_USE.finditer(body):
            if match.group(1):
                images.add((match.group(3) or match.group(2)).strip().lower())
    return [Link(match.start(2), match.group(2), match.group(1).strip().lower() in images)
            for match in REFERENCE.finditer(body)]


# ---- raw HTML ------------------------------------------------------------------------
# Read with an HTML5 tokenizer (tinyhtml5, the one WeasyPrint uses), by browsers' rules: a comment,
# a raw-text element or an attribute ends where a browser (and the sanitiser) ends it, so no markup
# can hide from the validator in a place the browser reads differently ('<!-->', '--!>', '<textarea>').

AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|javascript|data|vbscript|file):[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>",
                      re.IGNORECASE)
MAX_HTML_DEPTH = 12  # elements inside each other: tables in lists in quotes need a few; hundreds stall printing
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# After these start tags a browser reads text, not markup, until the matching end tag (the tree builder
# switches the tokenizer; here, with no tree, we do).
TEXT_STATES = {"title": "rcdata_state", "textarea": "rcdata_state", "style": "rawtext_state",
               "xmp": "rawtext_state", "iframe": "rawtext_state", "noembed": "rawtext_state",
               "noframes": "rawtext_state", "noscript": "rawtext_state", "script": "script_data_state",
               "plaintext": "plaintext_state"}
DECLARATION_ERRORS = {"expected-dashes-or-doctype", "expected-tag-name-but-got-question-mark"}


@dataclass(frozen=True)
class Tag:
    offset: int
    name: str
    closing: bool
    attributes: list[tuple[str, str, int]]  # name, value (entities decoded), offset


def scan_html(body: str) -> tuple[list[Tag], list[Link], list[Finding]]:
    """Every raw HTML tag and autolink, as a browser reads them; markup that is cut off is a finding."""
    tags: list[Tag] = []
    links: list[Link] = []
    findings: list[Finding] = []
    if "<" not in body:
        return tags, links, findings
    if "@" in body or ":" in body:  # autolinks (<https://...>) are Markdown's, not HTML: read, then blanked
        def blank(match: re.Match) -> str:
            links.append(Link(match.start() + 1, match.group(1), image=False))
            return " " * len(match.group())
        body = AUTOLINK.sub(blank, body)
    line_starts = [0] + [m.end() for m in re.finditer("\n", body)]
    tokenizer = HTMLTokenizer(body)
    previous_end, depth, deep = 0, 0, False

    def offset_now() -> int:
        line, column = tokenizer.stream.position()
        return min(line_starts[min(line, len(line_starts)) - 1] + column, len(body))

    for token in tokenizer:
        kind = token["type"]
        if kind is TokenType.PARSE_ERROR:
            error = token["data"]
            if error in DECLARATION_ERRORS:
                at = body.find("<", previous_end)
                findings.append(Finding(max(at, 0), "unsafe-html", f"expected plain Markdown, found markup "
                                        f"{_show(body[at:at + 12])}", "declarations, CDATA and processing "
                                        "instructions are not allowed"))
            elif "eof" in error:
                at = body.find("<", previous_end)
                at = previous_end if at < 0 else at
                comment = "comment" in error
                findings.append(Finding(at, "unclosed-comment" if comment else "unclosed-tag",
                                        "expected this comment '<!--' to end with '-->'" if comment else
                                        f"expected '>' to close {_show(body[at:at + 20])}",
                                        "close the comment or remove it" if comment else
                                        "write &lt; for a '<' that does not start an HTML tag"))
            continue
        end = offset_now()
        if kind is TokenType.DOCTYPE:
            findings.append(Finding(body.find("<", previous_end), "unsafe-html", "expected plain Markdown, found a "
                                    "<!DOCTYPE> declaration", "declarations are not allowed"))
        elif kind in (TokenType.START_TAG, TokenType.END_TAG, TokenType.EMPTY_TAG):
            at = body.find("<", previous_end, end)
            at = previous_end if at < 0 else at
            name, closing = token["name"], kind is TokenType.END_TAG
            attributes = [] if closing else [
                (key.lower(), value, _attribute_offset(body, at, end, key)) for key, value in token["data"].items()]
            if (closing and token["data"]) or any("<" in value or ">" in value for _, value, _ in attributes):
                # Markdown ends a tag at the first '>', where the browser reads on: the two would disagree.
                findings.append(Finding(at, "unsafe-html", f"expected a well-formed HTML tag, found "
                                        f"{_show(body[at:end])}", "quote attribute values with \"; a '>' or '<' "
                                        "inside a value is not allowed, and an end tag has no attributes"))
                previous_end = end
                continue
            tags.append(Tag(at, name, closing, attributes))
            if not closing and name in TEXT_STATES:
                tokenizer.state = getattr(tokenizer, TEXT_STATES[name])
            if closing:
                depth = max(depth - 1, 0)
            elif name not in VOID and not token.get("selfClosing"):
                depth += 1
                if depth > MAX_HTML_DEPTH and not deep:
                    deep = True
                    findings.append(Finding(at, "nested-too-deep", f"expected HTML elements nested at most "
                                            f"{MAX_HTML_DEPTH} deep, found more", "close each tag before "
                                            "opening the next, or use Markdown instead of HTML"))
        previous_end = end
    return tags, links, findings


def _attribute_offset(body: str, start: int, end: int, name: str) -> int:
    """Where an attribute is written in its tag (for the line of a message); the tag's start if not found."""
    found = body[start:end].lower().find(name.lower()) if end - start < 10_000 else -1
    return start + found if found >= 0 else start


def check_tags(tags: list[Tag], allowed_tags: frozenset[str], allowed_attributes: dict[str, set[str]],
               links: list[Link]) -> Iterator[Finding]:
    """Tags and attributes outside the allowlist; href and src go to `links` for the link rules."""
    for tag in tags:
        if tag.closing:  # the opening tag is the one reported
            continue
        if tag.name not in allowed_tags:
            yield Finding(tag.offset, "unsafe-html", f"expected plain Markdown, found a <{tag.name}> tag",
                          "scripts, frames, embedded objects, forms and styles are not allowed; to show a '<' "
                          "as text, write &lt; (the field reference lists the HTML that is allowed)")
            continue
        allowed = allowed_attributes.get("*", set()) | allowed_attributes.get(tag.name, set())
        for name, value, offset in tag.attributes:
            if name in ("href", "src") and name in allowed:
                links.append(Link(offset, value, image=name == "src"))
            else:
                yield from check_attribute(tag.name, name, value, offset, allowed)


def check_attribute(tag: str, name: str, value: str, offset: int, allowed: set[str]) -> Iterator[Finding]:
    if name.startswith("on"):
        yield Finding(offset, "unsafe-html", f"expected plain Markdown, found an inline event handler '{name}' "
                      f"on <{tag}>", "scripts and event handlers are not allowed in atlas pages")
    elif name == "style":
        yield Finding(offset, "unsafe-html", f"expected plain Markdown, found an inline style on <{tag}>",
                      "styles can load images from elsewhere; use Markdown, or a class from the theme")
    elif name not in allowed:
        yield Finding(offset, "unsafe-html", f"the attribute '{name}' is not allowed on <{tag}>",
                      f"allowed here: {', '.join(sorted(allowed))}")
    elif name == "class":
        refused = [c for c in value.split() if not safety.CLASS.fullmatch(c)]
        if refused:
            yield Finding(offset, "unsafe-html", f"the class {_show(refused[0])} is not one the atlas allows",
                          "use the theme's classes: atlas-..., md-button, admonition types")
    elif name in ("id", "for") and safety.reserved_id(value):
        yield Finding(offset, "unsafe-html", f"the id {_show(value)} is reserved for the theme (it starts with '_')",
                      "choose an id that starts with a letter")
    elif name in safety.VALUES and not safety.VALUES[name].fullmatch(value):
        yield Finding(offset, "unsafe-html", f"the value {_show(value)} is not allowed for '{name}'")


# ---- attribute lists ({: .class #id key=value }) --------------------------------------

ATTR_TOKEN = re.compile(r"""[^ =}]+=(?:"[^"]*"|'[^']*'|[^ =}]+)|[^ ]+""")


def curly_groups(body: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each {...} on one line; found with forward-only searches."""
    position, next_close, next_line = 0, -1, -1
    while True:
        at = body.find("{", position)
        if at < 0:
            return
        next_close = _next(body, "}", at, next_close)
        next_line = _next(body, "\n", at, next_line)
        if next_close < next_line:
            yield at + 1, body[at + 1 : next_close]
            position = next_close + 1
        else:
            position = next_line + 1  # no '}' on this line: no group starts on it


def scan_attribute_lists(body: str, allowed: set[str]) -> Iterator[Finding]:
    """attr_list turns {...} after a paragraph, heading or link into HTML attributes: the same rules apply."""
    if "{" not in body:
        return
    for start, group in curly_groups(body):
        inner = group[1:] if group.startswith(":") else group
        for token in ATTR_TOKEN.finditer(inner):
            text = token.group(0)
            offset = start + (len(group) - len(inner)) + token.start()
            if text.startswith("."):
                yield from check_attribute("element", "class", text[1:], offset, allowed)
            elif text.startswith("#"):
                yield from check_attribute("element", "id", text[1:], offset, allowed)
            else:
                name, _, value = text.partition("=")
                yield from check_attribute("element", name.lower(), html.unescape(value.strip("\"'")), offset,
                                           allowed - {"href", "src"})


# ---- headings (for anchors) ------------------------------------------------------------

ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+([^\n]*)$", re.MULTILINE)
SETEXT = re.compile(r"^(?=[^\n]*\S)([^\n]+)\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
INLINE_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
MARKUP = re.compile(r"<[^<>\n]*>|[*_`]")
MAX_HEADING = 500  # longer headings get no anchor a link could name


def heading_texts(body: str) -> list[str]:
    """Headings as the table of contents reads them (Markdown and tags removed), in order."""
    found = [(m.start(), m.group(1).rstrip(" \t#")) for m in ATX.finditer(body)]
    found += [(m.start(), m.group(1)) for m in SETEXT.finditer(body)
              if not m.group(1).lstrip().startswith(("-", "#", ">", "*"))]
    texts = []
    for _, text in sorted(found):
        if len(text) > MAX_HEADING:
            continue
        if text.endswith("}") and "{" in text:  # an attribute list sets the id, not the text
            text = text[: text.rindex("{")]
        text = MARKUP.sub("", INLINE_LINK.sub(r"\1", text))
        texts.append(html.unescape(text).strip())
    return texts


def explicit_ids(body: str) -> list[str]:
    """Ids set by hand: {#id} attribute lists and id="..." attributes."""
    ids = []
    for _, group in curly_groups(body):
        ids += [token[1:] for token in group.lstrip(":").split() if token.startswith("#")]
    ids += [m.group(1) for m in re.finditer(r"""\sid=["']([^"'<>\n]{1,200})["']""", body)]
    return ids
