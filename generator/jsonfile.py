"""Strict JSON reading with located errors.

The stdlib ``json`` accepts NaN/Infinity and keeps the last of duplicate keys; both are
rejected here. Positions are computed lazily (only when a diagnostic needs one) with
``json_source_map``, so valid files cost one C-speed parse.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .diagnostics import Diagnostic, error

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64


class _Duplicate(Exception):
    def __init__(self, key: str):
        self.key = key


class _BadConstant(Exception):
    def __init__(self, name: str):
        self.name = name


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _BadConstant(name)


class Locator:
    """Maps JSON pointers of one document to 1-based (line, column).

    The map is built lazily, only when a diagnostic needs a position, by one regex token
    scan (json_source_map was measured at ~65 ms for a 54 KB definition; this is ~10x
    faster, which matters when a messy catalog has warnings in most files)."""

    def __init__(self, text: str):
        self._text = text
        self._values: dict[str, int] | None = None
        self._keys: dict[str, int] = {}

    def _build(self) -> dict[str, int]:
        values: dict[str, int] = {"": 0}
        keys: dict[str, int] = {}
        # Each frame: [pointer, is_object, next array index, pending key]
        stack: list[list[Any]] = []
        text = self._text
        for match in _SCAN.finditer(text):
            tok = match.group()
            first = tok[0]
            if first in "]}":
                if stack:
                    stack.pop()
                continue
            if first in ",:":
                continue
            pos = match.start()
            if stack:
                frame = stack[-1]
                if frame[1]:  # object: a string is a key when a ':' follows
                    if first == '"' and frame[3] is None:
                        try:
                            name = json.loads(tok)
                        except ValueError:
                            name = tok
                        key_pointer = pointer_join(frame[0], name)
                        frame[3] = key_pointer
                        keys[key_pointer] = pos
                        continue
                    here = frame[3] if frame[3] is not None else frame[0]
                    frame[3] = None
                else:
                    here = f"{frame[0]}/{frame[2]}"
                    frame[2] += 1
            else:
                here = ""
            values[here] = pos
            if first == "{":
                stack.append([here, True, 0, None])
            elif first == "[":
                stack.append([here, False, 0, None])
        self._keys = keys
        return values

    def known(self) -> set[str]:
        if self._values is None:
            self._values = self._build()
        return set(self._values)

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        if self._values is None:
            self._values = self._build()
        probe = pointer
        while True:
            pos = self._keys.get(probe) if key else None
            if pos is None:
                pos = self._values.get(probe)
            if pos is not None:
                return line_col(self._text, pos)
            if not probe:
                return 0, 0
            probe = probe.rsplit("/", 1)[0]


_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def decode_text(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 (a BOM is tolerated) or a located error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, col = line_col(data[: exc.start].decode("utf-8", "replace"), exc.start)
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


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _depth_ok(text: str) -> bool:
    """Nesting depth within MAX_DEPTH, from the brackets outside strings (cheaper than
    walking the parsed value)."""
    if text.count("{") + text.count("[") <= MAX_DEPTH:
        return True
    depth = 0
    for ch in _NOT_BRACKET.sub("", _STRINGS.sub("", text)):
        depth += 1 if ch in "[{" else -1
        if depth > MAX_DEPTH:
            return False
    return True


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
    locator = Locator(text)
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        return None, None, [
            error(path, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno,
                  hint="fix the syntax (a trailing comma or a missing quote is the usual cause)",
                  code="json")
        ]
    except _Duplicate as dup:
        return None, None, [_duplicate_diag(path, text, dup.key)]
    except _BadConstant as bad:
        pos = text.find(bad.name)
        line, col = line_col(text, max(pos, 0))
        return None, None, [
            error(path, f"invalid JSON: {bad.name} is not a JSON number", line=line, column=col,
                  hint="use null or a finite number", code="json")
        ]
    except RecursionError:
        return None, None, [error(path, "JSON is nested too deeply", code="too-deep")]
    if not _depth_ok(text):
        return None, None, [
            error(path, f"JSON is nested more than {MAX_DEPTH} levels deep", code="too-deep")
        ]
    return value, locator, []


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _duplicate_position(text: str, key: str) -> int:
    """Offset of the first repeated key within one object (a small token scan, run only
    on the error path)."""
    stack: list[set[str] | None] = []  # a key set per open object, None per array
    last_string: tuple[str, int] | None = None
    for match in _TOKEN.finditer(text):
        tok = match.group()
        if tok == "{":
            stack.append(set())
        elif tok == "[":
            stack.append(None)
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == ":":
            keys = stack[-1] if stack else None
            if keys is not None and last_string is not None:
                name, pos = last_string
                if name in keys and name == key:
                    return pos
                keys.add(name)
        else:
            try:
                last_string = (json.loads(tok), match.start())
            except ValueError:
                last_string = None
            continue
        last_string = None
    return 0


def _duplicate_diag(path: str, text: str, key: str) -> Diagnostic:
    line, col = line_col(text, _duplicate_position(text, key))
    return error(
        path,
        f"duplicate key {json.dumps(key)}: JSON readers disagree on which value wins",
        line=line,
        column=col,
        hint="remove one of the two entries",
        code="duplicate-key",
    )


def pointer_join(base: str, *parts: str | int) -> str:
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


class FileLocator:
    """Locates pointers in files already loaded once (for diagnostics found after
    loading, e.g. docs lint); each file is read and scanned at most once."""

    def __init__(self) -> None:
        self._locators: dict[str, Locator | None] = {}

    def find(self, path: str, *pointers: str) -> dict[str, Any]:
        """line/column/pointer of the first of ``pointers`` present in ``path``."""
        if path not in self._locators:
            try:
                with open(path, encoding="utf-8-sig") as handle:
                    self._locators[path] = Locator(handle.read())
            except (OSError, UnicodeDecodeError):
                self._locators[path] = None
        locator = self._locators[path]
        for pointer in pointers:
            if locator is not None:
                line, col = locator.locate(pointer, key=True)
                parent = pointer.rsplit("/", 1)[0]
                if line and (pointer in locator.known() or pointer == pointers[-1]
                             or not parent):
                    return {"line": line, "column": col, "pointer": pointer}
        return {"pointer": pointers[-1] if pointers else None}
