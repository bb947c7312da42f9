"""Diagnostics: what the validator says about a file, and the three ways to print it."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class NotText:
    """Why a file's bytes are not text the atlas reads, and where: the one UTF-8 error of every reader."""

    line: int
    column: int
    message: str
    hint: str = "save the file as UTF-8 (most editors offer it under 'Save with encoding')"

    def diagnostic(self, path: str, code: str = "not-utf8") -> Diagnostic:
        return Diagnostic(path, self.line, self.column, code, self.message, hint=self.hint)


def read_text(raw: bytes) -> str | NotText:
    """A file's bytes as text (UTF-8, a byte-order mark dropped, every line ending made \\n), or why they are not:
    a byte that is not UTF-8, or a NUL (a binary file, or a UTF-16 export), with its line and column."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return NotText(line, column, f"expected UTF-8 text, found byte 0x{raw[error.start]:02x}")
    if "\x00" in text:
        at = text.index("\x00")
        return NotText(text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1,
                       "expected text, found a NUL byte (a binary file, a spreadsheet's own format such as .xlsx, "
                       "or UTF-16 text?)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Control characters, line and paragraph separators, bidirectional overrides, and undecodable bytes
# (file names read with surrogateescape): anything that could start a new line or disguise text in a log.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """Text from the data (a name, a file name), safe to print: on one line, control characters escaped."""
    return _UNPRINTABLE.sub(_escape, text)


def format_text(d: Diagnostic) -> str:
    text = f"{one_line(d.path)}:{d.line}:{d.column}: {d.severity.value}[{d.code}] {one_line(d.message)}"
    return f"{text} (hint: {one_line(d.hint)})" if d.hint else text


def _escape_github(value: str, *, property: bool = False) -> str:
    # The workflow-command escaping rules of GitHub Actions.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(d: Diagnostic) -> str:
    message = f"{d.message} (hint: {d.hint})" if d.hint else d.message
    props = ",".join(
        [
            f"file={_escape_github(d.path, property=True)}",
            f"line={d.line}",
            f"col={d.column}",
            f"title={_escape_github(d.code, property=True)}",
        ]
    )
    return f"::{d.severity.value} {props}::{_escape_github(message)}"


def summary(files: int, diagnostics: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.is_error)
    return errors, len(diagnostics) - errors


def summary_line(files: int, diagnostics: list[Diagnostic]) -> str:
    errors, warnings = summary(files, diagnostics)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return (
        f"{plural(files, 'file')} checked: {plural(errors, 'error')}, "
        f"{plural(warnings, 'warning')}"
    )


def format_json(files: int, diagnostics: list[Diagnostic]) -> str:
    errors, warnings = summary(files, diagnostics)
    return json.dumps(
        {
            "files": files,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [
                {**asdict(d), "severity": d.severity.value} for d in diagnostics
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
