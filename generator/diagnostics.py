"""Diagnostics: what the validator says about a file, and the three ways to print it."""

from __future__ import annotations

import json
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


def format_text(d: Diagnostic) -> str:
    text = f"{d.path}:{d.line}:{d.column}: {d.severity.value}[{d.code}] {d.message}"
    return f"{text} (hint: {d.hint})" if d.hint else text


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
