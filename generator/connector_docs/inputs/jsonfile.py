"""Strict JSON reading with located errors.

The stdlib ``json`` accepts NaN/Infinity and keeps the last of duplicate keys; both are
rejected here. Valid files cost one C-speed parse; positions are found by ``locate``
only when a diagnostic needs one.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error
from connector_docs.inputs.locate import Locator, Violation, line_col, lone_surrogate

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
# The one number reader: integers longer than this are refused (Python refuses to read
# more than 4,300 digits and would raise mid-parse), floats must stay finite (1e400 is
# read as inf). Both are strict-JSON violations, located like NaN.
MAX_INT_DIGITS = 300  # any such int also converts to a float (max ~1.8e308)
# A \\u escape of a surrogate: only these can produce a lone surrogate (raw ones are not
# valid UTF-8), which no page can be written with. Refused, located, at this layer.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def bad_number(token: str) -> bool:
    """Whether a JSON number literal is one the readers refuse (too long, or not finite)."""
    digits = len(token) - token.startswith("-")
    if "." not in token and "e" not in token and "E" not in token:
        return digits > MAX_INT_DIGITS
    return len(token) > MAX_INT_DIGITS or not math.isfinite(float(token))


def load_strict(text: str) -> tuple[Any, list[Violation]]:
    """``json.loads`` for callers that report every violation, not only the first:
    (value, []) or (None, each Violation in document order). Syntax errors raise
    ``json.JSONDecodeError`` (too deep a nesting ``RecursionError``), as in ``json.loads``.
    Valid files cost one C-speed parse; only a violating one is scanned."""
    value, _, clean = _parse(text, finite=False)
    if clean:
        return value, []
    found = Locator(text).violations()
    # Overflowing floats are allowed here (the caller checks); the map flags them all.
    return None, [v for v in found if not (v.kind == "number" and _is_float_literal(v))]


# The end of an object key: its closing quote, optional blanks, the colon.
_KEY_END = re.compile(r'"\s*:')


def _parse(text: str, finite: bool = True) -> tuple[Any, int, bool]:
    """(value, nesting depth, whether the text is strict JSON). Duplicate keys are found
    by counting instead of a Python hook on every object: each key of the text ends in a
    ``_KEY_END`` match (a string value can add matches, never remove one), so when the
    parsed objects hold as many members as there are matches, no key was repeated (and
    dropped). A text that fails the count is checked member by member."""
    flagged: list[str] = []

    def constant(name: str) -> float:
        flagged.append(name)
        return math.nan

    def whole(token: str) -> int:
        if bad_number(token):
            flagged.append(token)
            return 0
        return int(token)

    def real(token: str) -> float:
        if bad_number(token):
            flagged.append(token)
            return 0.0
        return float(token)

    # Smoke readers (finite=False) check each number where it is used, so 1e400 (inf)
    # drops one result, not the file; catalog files have no such check after parsing.
    value = json.loads(text, parse_constant=constant, parse_int=whole,
                       parse_float=real if finite else float)
    if flagged:
        return None, 0, False
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        return None, 0, False
    depth, members = _measure(value)
    if members != len(_KEY_END.findall(text)) and _has_duplicate_key(text):
        return None, 0, False
    return value, depth, True


def _measure(value: Any) -> tuple[int, int]:
    """(nesting depth, number of object members) of a parsed value, walked level by level
    (json.loads makes plain dicts and lists only)."""
    depth = members = 0
    level: list[Any] = [value] if type(value) in (dict, list) else []
    while level:
        depth += 1
        below: list[Any] = []
        for node in level:
            if type(node) is dict:
                members += len(node)
                below += [c for c in node.values() if type(c) is dict or type(c) is list]
            else:
                below += [c for c in node if type(c) is dict or type(c) is list]
        level = below
    return depth, members


def _is_float_literal(v: Violation) -> bool:
    return v.float_literal


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether any key or string of a parsed value holds a lone surrogate."""
    level: list[Any] = [value]
    while level:
        below: list[Any] = []
        for node in level:
            if type(node) is str:
                if lone_surrogate(node):
                    return True
            elif type(node) is dict:
                if any(lone_surrogate(k) for k in node):
                    return True
                below += node.values()
            elif type(node) is list:
                below += node
        level = below
    return False


def _has_duplicate_key(text: str) -> bool:
    found: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            found.append(True)
        return obj

    json.loads(text, object_pairs_hook=pairs)
    return bool(found)


def decode_text(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 (a BOM is tolerated) or a located error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        line, col = line_col(before, len(before))  # characters, not bytes
        return None, [
            error(
                path,
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                line=line,
                column=col,
                hint="save the file as UTF-8",
                code="encoding",
            )
        ]


def read_option_file(path: Path, shown: str, option: str, hint: str,
                     max_bytes: int = MAX_JSON_BYTES) -> bytes:
    """The JSON file an option names (``taxonomy``, ``ownership``), at most one byte over
    ``max_bytes`` (``parse_json`` reports the size; a huge file is never read in). Raises
    ``ConnectorDocsError`` at ``shown`` (the path as the user gave it) with ``hint``."""
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise ConnectorDocsError([error(
            shown, f"cannot read the {option} file: {exc.strerror or exc}", code=option,
            hint=hint)]) from None


def parse_json(
    path: str, data: bytes, *, max_bytes: int = MAX_JSON_BYTES
) -> tuple[Any, Locator | None, list[Diagnostic]]:
    """Parse bytes as strict JSON. Returns (value, locator, diagnostics); value is None
    when the file cannot be used."""
    if len(data) > max_bytes:
        return None, None, [
            error(
                path,
                f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit",
                hint="split the catalog into one file per connector",
                code="too-large",
            )
        ]
    text, diags = decode_text(path, data)
    if text is None:
        return None, None, diags
    if not text.strip():
        return None, None, [
            error(path, "file is empty", hint='a connector file holds one JSON object: {"id": ...}',
                  code="empty")
        ]
    try:
        value, depth, clean = _parse(text)
    except json.JSONDecodeError as exc:
        return None, None, [
            error(path, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno,
                  hint="fix the syntax (a trailing comma or a missing quote is the usual cause)",
                  code="json")
        ]
    except RecursionError:
        return None, None, [error(path, "JSON is nested too deeply", code="too-deep")]
    if not clean:
        return None, None, [_violation_diag(path, v) for v in Locator(text).violations()]
    if depth > MAX_DEPTH:
        return None, None, [
            error(path, f"JSON is nested more than {MAX_DEPTH} levels deep", code="too-deep")
        ]
    return value, Locator(text), []


def _violation_diag(path: str, v: Violation) -> Diagnostic:
    if v.duplicate_key:
        return error(path, f"duplicate key {json.dumps(v.token)}: JSON readers disagree on "
                     "which value wins", line=v.line, column=v.column,
                     hint="remove one of the two entries", code="duplicate-key")
    if v.kind == "surrogate":
        return error(path, f"invalid text: {v.token}", line=v.line, column=v.column,
                     pointer=v.pointer, hint="write the character itself, or a valid pair of "
                     "\\u escapes; a lone surrogate cannot be written to a page",
                     code="json-surrogate")
    if v.kind == "number":
        return error(path, f"invalid JSON: {v.token} cannot be read", line=v.line,
                     column=v.column, pointer=v.pointer, hint="use a number of at most "
                     f"{MAX_INT_DIGITS} digits that is finite as a float, or a string",
                     code="json-number")
    return error(path, f"invalid JSON: {v.token} is not a JSON number", line=v.line,
                 column=v.column, hint="use null or a finite number", code="json")
