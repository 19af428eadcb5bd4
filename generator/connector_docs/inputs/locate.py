"""Where a JSON pointer is in a document's text: 1-based line and column, found lazily
(only when a diagnostic needs one), and the violations of strict JSON (repeated keys,
NaN) located. Parsing is ``jsonfile``'s; this module only maps positions."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_NON_FINITE = frozenset(("NaN", "Infinity", "-Infinity"))


@dataclass(frozen=True)
class Violation:
    """What strict JSON refuses in otherwise valid JSON: a key repeated in one object, or
    NaN/Infinity where a number belongs. Located at the repeated key or the literal."""

    pointer: str
    token: str  # the repeated key, or NaN / Infinity / -Infinity
    duplicate_key: bool
    line: int
    column: int
    kind: str = ""  # "number" (too long / not finite), "surrogate", else NaN or a key
    float_literal: bool = False  # a "number" with a fraction or an exponent


@dataclass
class _Members:
    """What has been read so far of one object or array's members."""

    is_object: bool
    pos: int  # where the next member starts (once ``skip`` is read past)
    names: dict[str, tuple[int, int]] = field(default_factory=dict)  # key, value offsets
    items: list[int] = field(default_factory=list)  # value offsets
    done: bool = False  # all read; ``pos`` is then at the closing bracket
    skip: int | None = None  # the last member's value, not yet read past


class Locator:
    """Maps JSON pointers of one document to 1-based (line, column).

    Positions are found lazily, only when a diagnostic needs one, by walking down the
    pointer: in each container on the way, members are read up to the one wanted (keys
    read, and each value parsed past by the C scanner) and remembered for the next
    pointer. A messy catalog locates warnings in most files, so this matters: measured 3x
    cheaper than mapping every value of the file for the four or so pointers docs lint
    locates per file. The full map (one regex token scan; json_source_map was ~10x slower
    still) is built only for what the walk cannot do: text that is not strict JSON, whose
    repeated keys and NaN literals :meth:`violations` lists."""

    def __init__(self, text: str):
        self._text = text
        self._values: dict[str, int] | None = None
        self._keys: dict[str, int] = {}
        self._found: list[tuple[int, str, str, bool]] = []  # (pos, pointer, token, is key)
        self._newlines: list[int] | None = None
        self._lookups = 0
        # Members of the containers walked so far, by the offset of their bracket.
        self._members: dict[int, _Members] = {}

    def _build(self) -> dict[str, int]:
        values: dict[str, int] = {"": 0}
        keys: dict[str, int] = {}
        found: list[tuple[int, str, str, bool]] = []
        # Each frame: [pointer, is_object, next array index, pending key, start offset]
        stack: list[list[Any]] = []
        text = self._text
        for match in _SCAN.finditer(text):
            tok = match[0]
            first = tok[0]
            if first == "]" or first == "}":
                if stack:
                    stack.pop()
                continue
            pos = match.start()
            if stack:
                frame = stack[-1]
                if frame[1]:  # object: a string is a key when a ':' follows
                    if frame[3] is None and first == '"':
                        if "\\" not in tok and tok.isprintable():  # spare json.loads (1 us)
                            name = tok[1:-1]
                        else:
                            try:
                                name = json.loads(tok)
                            except ValueError:
                                name = tok
                        key_pointer = (f"{frame[0]}/{name}" if "~" not in name and "/" not in name
                                       else pointer_join(frame[0], name))
                        frame[3] = key_pointer
                        if keys.get(key_pointer, -1) > frame[4]:  # seen in this very object
                            found.append((pos, key_pointer, name, True))
                        if "\\u" in tok and lone_surrogate(name):
                            found.append((pos, key_pointer, "surrogate", False))
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
                stack.append([here, True, 0, None, pos])
            elif first == "[":
                stack.append([here, False, 0, None, pos])
            elif tok in _NON_FINITE:
                found.append((pos, here, tok, False))
            elif first == '"':
                if "\\u" in tok and lone_surrogate(_decoded(tok)):
                    found.append((pos, here, "surrogate", False))
            elif _bad_number(tok):
                found.append((pos, here, "number", False))
        self._keys = keys
        self._found = found
        return values

    def has(self, pointer: str) -> bool:
        """Whether the document holds a value at ``pointer``."""
        return self.where(pointer)[2]

    def where(self, pointer: str, *, key: bool = False) -> tuple[int, int, bool]:
        """(line, column, whether ``pointer`` itself exists): where ``pointer`` (its key
        with ``key``) is, or else its deepest existing parent."""
        if self._values is None:
            walked = self._walk_safely(pointer)
            if walked is not None:
                key_pos, value_pos, complete = walked
                pos = key_pos if key and key_pos is not None else value_pos
                return (*self._line_col(pos), complete)
        values = self._full_map()
        probe = pointer
        while True:
            found = self._keys.get(probe) if key else None
            if found is None:
                found = values.get(probe)
            if found is not None:
                return (*self._line_col(found), probe == pointer)
            if not probe:
                return 0, 0, False
            probe = probe.rsplit("/", 1)[0]

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Where ``pointer`` (its key with ``key``) is, or its deepest existing parent."""
        line, column, _ = self.where(pointer, key=key)
        return line, column

    def _full_map(self) -> dict[str, int]:
        if self._values is None:
            self._values = self._build()
        return self._values

    def _walk_safely(self, pointer: str) -> tuple[int | None, int, bool] | None:
        try:
            return self._walk(pointer)
        except (ValueError, IndexError):  # not strict JSON after all: the full map copes
            return None

    def _walk(self, pointer: str) -> tuple[int | None, int, bool]:
        """(key offset or None, value offset, complete?) of the deepest value on the way
        to ``pointer``."""
        text = self._text
        key_pos: int | None = None
        pos = _after_blank(text, 0)
        if not pointer:
            return None, pos, True
        for raw in pointer[1:].split("/"):
            member = self._member(pos, raw.replace("~1", "/").replace("~0", "~"))
            if member is None:
                return key_pos, pos, False
            key_pos, pos = member
        return key_pos, pos, True

    def _member(self, start: int, part: str) -> tuple[int | None, int] | None:
        """(key offset or None, value offset) of member ``part`` of the object or array
        opening at ``start``; None when there is no such member (or a scalar is there).
        Members are read in order only as far as needed, and remembered: a later pointer
        into the same container resumes where the last one stopped."""
        state = self._members.get(start)
        text = self._text
        if state is None:
            if text[start] not in "{[":
                return None
            state = self._members[start] = _Members(text[start] == "{",
                                                     _after_blank(text, start + 1))
        if not state.is_object and not _INDEX.fullmatch(part):
            return None
        while True:
            if state.is_object:
                if part in state.names:
                    return state.names[part]
            elif int(part) < len(state.items):
                return None, state.items[int(part)]
            if state.done:
                return None
            self._read_member(state)

    def _read_member(self, state: _Members) -> None:
        """Read the next member of a container: its key and where its value starts. The
        value is read past only when a later member is wanted (a pointer into it goes
        down instead), and a container value already read to its end is not parsed
        again: a pointer deep into a file's last action costs about one parse of what
        comes before it, not one per level."""
        text = self._text
        if state.skip is not None:
            state.pos = self._past_value(state.skip)
            state.skip = None
        pos = state.pos
        if text[pos] == ("}" if state.is_object else "]"):
            state.done = True
            return
        if state.is_object:
            name, after = _scanstring(text, pos + 1)
            colon = _after_blank(text, after)
            if text[colon] != ":":
                raise ValueError("expected ':'")
            value = _after_blank(text, colon + 1)
            state.names.setdefault(name, (pos, value))
        else:
            value = pos
            state.items.append(value)
        state.skip = value

    def _past_value(self, value: int) -> int:
        """Where the member after the value at ``value`` starts (or the closing bracket)."""
        text = self._text
        inner = self._members.get(value)
        if inner is not None and inner.done:
            end = inner.pos + 1
        else:
            _, end = _DECODER.raw_decode(text, value)
        pos = _after_blank(text, end)
        if text[pos] == ",":
            pos = _after_blank(text, pos + 1)
        return pos

    def violations(self) -> list[Violation]:
        """Every repeated key and NaN/Infinity literal, in document order (for text that
        is otherwise valid JSON; see ``load_strict``)."""
        if self._values is None:
            self._values = self._build()
        out = []
        for pos, pointer, token, is_key in self._found:
            kind = token if not is_key and token in ("number", "surrogate") else ""
            is_float = False
            if kind == "number":
                raw = _SCAN.match(self._text, pos)
                digits = raw[0] if raw else ""
                is_float = any(c in digits for c in ".eE")
                token = digits if len(digits) <= 24 else \
                    f"the {len(digits):,}-character number {digits[:12]}..."
            elif kind == "surrogate":
                token = "a lone surrogate (a \\uD800-\\uDFFF escape without its pair)"
            # A key may itself hold a lone surrogate: shown escaped, so printing the
            # diagnostic cannot fail.
            out.append(Violation(_printable(pointer), _printable(token), is_key,
                                 *self._line_col(pos), kind=kind, float_literal=is_float))
        return out

    def _line_col(self, pos: int) -> tuple[int, int]:
        """``line_col``; past a few lookups, by bisection in a newline index built once (a
        file with thousands of diagnostics is not rescanned for each; most files have a
        handful, and counting is cheaper than the index then)."""
        self._lookups += 1
        if self._newlines is None and self._lookups <= _COUNTED_LOOKUPS:
            return line_col(self._text, pos)
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, pos)
        return line + 1, pos - (self._newlines[line - 1] + 1 if line else 0) + 1


_COUNTED_LOOKUPS = 32  # then the newline index pays off
_INDEX = re.compile("0|[1-9][0-9]*")  # an array index in a JSON pointer (RFC 6901)
_BLANK = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def _after_blank(text: str, pos: int) -> int:
    return _BLANK.match(text, pos).end()  # type: ignore[union-attr]  # always matches


# Strings, brackets and bare literals; ',' and ':' are skipped over (keys are told apart by
# position), which halves the tokens a scan handles.
_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]]|[^\s{}\[\]:,"]+')


def _decoded(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (it cannot be written as UTF-8, so to no
    page)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_number(token: str) -> bool:
    # jsonfile.bad_number, imported late: jsonfile imports this module.
    from connector_docs.inputs.jsonfile import bad_number

    if token[:1] not in "-0123456789" or token in ("true", "false", "null"):
        return False
    try:
        return bad_number(token)
    except ValueError:
        return False


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    """:func:`line_col` of a byte offset, the column in bytes: where a file that is not
    UTF-8 breaks off (latin-1 maps each byte to one character)."""
    return line_col(data.decode("latin-1"), offset)


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
                line, col, exists = locator.where(pointer, key=True)
                parent = pointer.rsplit("/", 1)[0]
                if line and (exists or pointer == pointers[-1] or not parent):
                    return {"line": line, "column": col, "pointer": pointer}
        return {"pointer": pointers[-1] if pointers else None}


def pointer_join(base: str, *parts: str | int) -> str:
    out = base
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out
