"""Located problems, one message style for the CLI and the MkDocs plugin.

A diagnostic reads ``path:line:col: error: message (at /json/pointer)`` followed by an
optional ``hint:`` line. Every stage collects diagnostics instead of raising, so one run
reports every problem at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from connector_docs.text import counted

LOGGER_NAME = "mkdocs.plugins.connector_docs"
log = logging.getLogger(LOGGER_NAME)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    severity: Severity = field(default=Severity.ERROR, compare=False)
    message: str = field(default="", compare=False)
    pointer: str | None = field(default=None, compare=False)
    hint: str | None = field(default=None, compare=False)
    code: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path

    def format(self) -> str:
        text = f"{self.location()}: {self.severity.value}: {self.message}"
        if self.pointer is not None:
            text += f" (at {self.pointer or '/'})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line or None,
            "column": self.column or None,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "pointer": self.pointer,
            "hint": self.hint,
        }


def error(path: str, message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(path=path, severity=Severity.ERROR, message=message, **kw)


def warning(path: str, message: str, **kw: Any) -> Diagnostic:
    return Diagnostic(path=path, severity=Severity.WARNING, message=message, **kw)


def sort_key(d: Diagnostic) -> tuple[str, int, int, int]:
    return (d.path, d.line, d.column, 0 if d.is_error else 1)


def has_errors(diags: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(d.is_error or strict for d in diags)


def format_text(diags: Iterable[Diagnostic]) -> str:
    items = sorted(diags, key=sort_key)
    lines = [d.format() for d in items]
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    if len(items) > 1:  # one problem needs no count
        lines.append(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")
    return "\n".join(lines)


def format_json(diags: Iterable[Diagnostic]) -> str:
    items = sorted(diags, key=sort_key)
    return json.dumps(
        {
            "errors": sum(1 for d in items if d.is_error),
            "warnings": sum(1 for d in items if not d.is_error),
            "diagnostics": [d.as_dict() for d in items],
        },
        indent=2,
        ensure_ascii=False,
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


class ConnectorDocsError(Exception):
    """A hard, user-caused problem: the CLI prints it and exits 1; the plugin raises
    ``PluginError`` with the same text."""

    def __init__(self, diagnostics: list[Diagnostic] | str):
        if isinstance(diagnostics, str):
            diagnostics = [error("connector-docs", diagnostics)]
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in sorted(diagnostics, key=sort_key)))
