"""Smoke-test evidence: the runner's JSON, its console transcript and JUnit XML, read into
``SmokeRun`` values with located diagnostics. Pure functions; nothing here imports MkDocs.

Rules every format shares (see ``parse_run``):

* A run needs a date and a suite. The format's own (JSON ``ranAt``/``suite``, JUnit
  ``timestamp`` and a ``suite`` property) wins; otherwise the file name gives them
  (``2026-11-20-qa.log``, ``2026-11-20T0300Z-nightly.json``, ``engineering-2026-11-20.xml``),
  and for the suite only, the parent folder's name (``smoke/qa/2026-11-20.log``).
* A result with a problem is reported and left out; the rest of the file still counts.
  A file that cannot be read or parsed, or has no date or no suite, gives no run at all.
* The same appId twice in one run is a warning and the *later* result wins, as a re-run
  printed later in the same transcript would.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .diagnostics import Diagnostic, Severity, did_you_mean, error, warning
from .model import SUITES, SmokeResult, SmokeRun, SmokeStatus

SMOKE_SUFFIXES = (".json", ".log", ".txt", ".xml")
MAX_SMOKE_BYTES = 20 * 1024 * 1024
STATUSES: tuple[SmokeStatus, ...] = ("passed", "failed", "skipped")
Format = Literal["json", "console", "junit"]

_SUFFIX_FORMATS: dict[str, Format] = {
    ".json": "json",
    ".xml": "junit",
    ".log": "console",
    ".txt": "console",
}
_NAME_DATE = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T_](\d{2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^a-z0-9]+")
_UTC = dt.timezone.utc


def discover(path: Path) -> tuple[list[Path], list[Diagnostic]]:
    """A file is taken as given; a folder gives its smoke files (recursively, sorted,
    hidden files and folders and README files left out)."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], [
            error(
                str(path),
                "smoke results not found",
                hint="point 'smoke' at a results file or a folder of them, "
                "e.g. catalog/smoke/2026-11-20-qa.json",
                code="smoke-missing",
            )
        ]
    found = sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in SMOKE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and not p.name.lower().startswith("readme")
        and p.is_file()
    )
    if not found:
        return [], [
            warning(
                str(path),
                "no smoke result files in this folder",
                hint=f"expected files ending in {', '.join(SMOKE_SUFFIXES)}",
                code="smoke-empty",
            )
        ]
    return found, []


def load_runs(
    paths: Iterable[Path], known_ids: Collection[str] | None = None
) -> tuple[list[SmokeRun], list[Diagnostic]]:
    """Read and parse every file; runs come back sorted by (ran_at, path)."""
    runs: list[SmokeRun] = []
    diags: list[Diagnostic] = []
    known = frozenset(known_ids) if known_ids is not None else None
    for path in paths:
        name = str(path)
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_SMOKE_BYTES + 1)
        except OSError as exc:
            diags.append(error(name, f"cannot read smoke file: {exc.strerror or exc}"))
            continue
        if len(data) > MAX_SMOKE_BYTES:
            diags.append(
                error(
                    name,
                    f"smoke file is larger than {MAX_SMOKE_BYTES // (1024 * 1024)} MB",
                    hint="split the run into several files or trim the messages",
                    code="smoke-too-large",
                )
            )
            continue
        run, found = parse_run(name, data, known)
        diags.extend(found)
        if run is not None:
            runs.append(run)
    runs.sort(key=lambda r: (r.ran_at, r.path))
    return runs, diags


def parse_run(
    name: str, data: bytes, known_ids: Collection[str] | None = None
) -> tuple[SmokeRun | None, list[Diagnostic]]:
    """Parse one smoke file. ``name`` (a path or URL) is used in diagnostics and to infer
    the format (by suffix, else by content), the date and the suite."""
    fmt = _format_of(name, data)
    parsed = _Parsed()
    if fmt is None:
        parsed.fatal(error(name, "cannot tell the format of this smoke file", hint=_FORMAT_HINT))
    elif fmt == "junit":
        _parse_junit(name, data, parsed)
    else:
        text = _decode(name, data, parsed)
        if text is not None:
            (_parse_json if fmt == "json" else _parse_console)(name, text, parsed)
    return _finish(name, fmt or "json", parsed, known_ids)


_FORMAT_HINT = "name it *.json (runner JSON), *.log or *.txt (console transcript) or *.xml (JUnit)"


# ------------------------------------------------------------------ shared plumbing


@dataclass
class _Parsed:
    results: list[SmokeResult] = field(default_factory=list)
    pointers: list[str | None] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ran_at: dt.datetime | None = None
    ran_at_given: bool = False  # the file carried a date, valid or not
    suite: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    ok: bool = True

    def fatal(self, diag: Diagnostic) -> None:
        self.diagnostics.append(diag)
        self.ok = False

    def add(self, result: SmokeResult, pointer: str | None = None) -> None:
        self.results.append(result)
        self.pointers.append(pointer)


def _basename_and_parent(name: str) -> tuple[str, str]:
    path = unquote(urlsplit(name).path) if "://" in name else name
    parts = [p for p in re.split(r"[\\/]", path) if p]
    return (parts[-1] if parts else ""), (parts[-2] if len(parts) > 1 else "")


def _format_of(name: str, data: bytes) -> Format | None:
    base = _basename_and_parent(name)[0]
    suffix = base[base.rfind(".") :].lower() if "." in base else ""
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    head = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    head = head.lstrip()
    if head.startswith(b"<"):
        return "junit"
    if head.startswith(b"[connector-smoke]") or b"\n===" in head or head.startswith(b"==="):
        return "console"
    if head[:1] in (b"{", b"["):
        return "json"
    return None


def _decode(name: str, data: bytes, parsed: _Parsed) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        parsed.fatal(
            error(
                name,
                "smoke file is UTF-16, not UTF-8",
                hint="re-save it as UTF-8 (PowerShell's '>' writes UTF-16; use "
                "'| Out-File -Encoding utf8')",
                code="smoke-encoding",
            )
        )
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        parsed.fatal(
            error(
                name,
                f"smoke file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                line=line,
                column=col,
                hint="re-save it as UTF-8",
                code="smoke-encoding",
            )
        )
        return None


def parse_timestamp(text: str) -> dt.datetime | None:
    """ISO 8601 date or date-time; naive means UTC. Returns an aware UTC datetime."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp.replace(tzinfo=_UTC) if stamp.tzinfo is None else stamp.astimezone(_UTC)


def date_from_name(name: str) -> dt.datetime | None:
    """The run date a file name carries (``2026-11-20``, ``2026-11-20T0300Z``...)."""
    match = _NAME_DATE.search(_basename_and_parent(name)[0])
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        stamp = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    offset = dt.timedelta()
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (stamp - offset).replace(tzinfo=_UTC)


def suites_from_name(name: str) -> list[str]:
    """The suite names (``engineering``, ``qa``, ``nightly``) standing as words in the file
    name, else in its parent folder's name."""
    for part in _basename_and_parent(name):
        words = _WORDS.split(part.lower())
        found = [s for s in SUITES if s in words]
        if found:
            return found
    return []


def _renamed_example(name: str, date: bool) -> str:
    base = _basename_and_parent(name)[0] or "results.json"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, "json"
    return f"2026-11-20-{stem}.{suffix}" if date else f"{stem}-qa.{suffix}"


def _finish(
    name: str, fmt: Format, parsed: _Parsed, known_ids: Collection[str] | None
) -> tuple[SmokeRun | None, list[Diagnostic]]:
    diags = parsed.diagnostics
    if not parsed.ok:
        return None, diags
    name_date = date_from_name(name)
    ran_at = parsed.ran_at or name_date
    if parsed.ran_at and name_date and abs(parsed.ran_at - name_date) > dt.timedelta(days=1):
        diags.append(
            warning(
                name,
                f"file name says {name_date.date()} but the run says {parsed.ran_at.date()}; "
                "using the run's date",
                code="smoke-date-mismatch",
            )
        )
    if ran_at is None and not parsed.ran_at_given:
        diags.append(
            error(
                name,
                "cannot tell when this run happened",
                hint=f"put the date in the file name, e.g. {_renamed_example(name, True)}",
                code="smoke-no-date",
            )
        )
    name_suites = suites_from_name(name)
    suite = parsed.suite
    if suite is None and len(name_suites) > 1:
        diags.append(
            error(
                name,
                f"file name names several suites ({', '.join(name_suites)})",
                hint="keep exactly one of: " + ", ".join(SUITES),
                code="smoke-no-suite",
            )
        )
    elif suite is None and name_suites:
        suite = name_suites[0]
    elif suite is None:
        diags.append(
            error(
                name,
                "cannot tell which suite this run belongs to (" + ", ".join(SUITES) + ")",
                hint=f"put the suite in the file name, e.g. {_renamed_example(name, False)}",
                code="smoke-no-suite",
            )
        )
    elif len(name_suites) == 1 and name_suites[0] != suite:
        diags.append(
            warning(
                name,
                f"the run says suite '{suite}' but the file name says '{name_suites[0]}'; "
                f"using '{suite}'",
                code="smoke-suite-mismatch",
            )
        )
    if ran_at is None or suite is None:
        return None, diags
    results = _check_results(name, parsed, known_ids)
    run = SmokeRun(
        path=name,
        suite=suite,
        ran_at=ran_at,
        results=tuple(results),
        format=fmt,
        connector_versions=tuple(sorted(parsed.versions.items())),
    )
    return run, diags


def _check_results(
    name: str, parsed: _Parsed, known_ids: Collection[str] | None
) -> list[SmokeResult]:
    last: dict[str, int] = {}
    for index, result in enumerate(parsed.results):
        earlier = last.get(result.app_id)
        if earlier is not None:
            where = parsed.results[earlier].line
            parsed.diagnostics.append(
                warning(
                    name,
                    f"'{result.app_id}' appears twice in this run; the later result counts"
                    + (f" (the earlier one is at line {where})" if where else ""),
                    line=result.line,
                    pointer=parsed.pointers[index],
                    code="smoke-duplicate",
                )
            )
        last[result.app_id] = index
    if known_ids is not None:
        known = known_ids if isinstance(known_ids, (set, frozenset)) else frozenset(known_ids)
        for app_id, index in last.items():
            if app_id not in known:
                parsed.diagnostics.append(
                    warning(
                        name,
                        f"smoke result for unknown connector '{app_id}'",
                        line=parsed.results[index].line,
                        pointer=parsed.pointers[index],
                        hint=did_you_mean(app_id, known),
                        code="smoke-unknown-connector",
                    )
                )
    return [r for i, r in enumerate(parsed.results) if last[r.app_id] == i]


# ------------------------------------------------------------------ strict JSON, located

# One token per match: a string (with ":" when it is a key), an opening or closing bracket,
# or a bare literal. Commas and whitespace are skipped; the text is known to be valid JSON.
_JSON_TOKEN = re.compile(
    r'[\s,]*(?:("[^"\\]*(?:\\.[^"\\]*)*")\s*(:)?|([{\[])|([}\]])|([^\s{}\[\]:,"]+))'
)
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@dataclass
class _Frame:
    pointer: str
    index: int  # next array index; -1 in an object
    member: str = ""  # pointer of the object member being read
    keys: set[str] = field(default_factory=set)


class JsonSource:
    """Strict JSON: duplicate keys and NaN/Infinity are errors. Locations (1-based line and
    column of a JSON pointer) are computed by one scan of the text, only when asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._values: dict[str, int] | None = None
        self._keys: dict[str, int] = {}
        self._duplicates: list[tuple[str, str, int]] = []
        self._constants: list[tuple[str, str, int]] = []
        self._newlines: list[int] = []

    def load(self, name: str) -> tuple[Any, list[Diagnostic]]:
        """The parsed document and no diagnostics, or None and every syntax error."""
        suspicious: list[str] = []

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            obj = dict(items)
            if len(obj) != len(items):
                suspicious.append("duplicate")
            return obj

        def constant(token: str) -> float:
            suspicious.append(token)
            return math.nan

        try:
            document = json.loads(self.text, object_pairs_hook=pairs, parse_constant=constant)
        except json.JSONDecodeError as exc:
            return None, [
                error(
                    name,
                    f"invalid JSON: {exc.msg}",
                    line=exc.lineno,
                    column=exc.colno,
                    code="json-syntax",
                )
            ]
        except RecursionError:
            return None, [error(name, "invalid JSON: nested too deeply", code="json-syntax")]
        if not suspicious:
            return document, []
        self._scan()
        diags = [
            error(
                name,
                f"duplicate key '{key}'",
                line=self._line_col(pos)[0],
                column=self._line_col(pos)[1],
                pointer=pointer,
                hint="JSON readers disagree on which one wins; keep one",
                code="json-duplicate-key",
            )
            for pointer, key, pos in self._duplicates
        ]
        diags += [
            error(
                name,
                f"{token} is not valid JSON",
                line=self._line_col(pos)[0],
                column=self._line_col(pos)[1],
                pointer=pointer,
                hint="use a finite number or null",
                code="json-nonfinite",
            )
            for pointer, token, pos in self._constants
        ]
        return None, diags

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``pointer`` (of its key when ``key``); the
        nearest existing ancestor when the pointer names something absent."""
        if self._values is None:
            self._scan()
        assert self._values is not None
        if key and pointer in self._keys:
            return self._line_col(self._keys[pointer])
        while pointer not in self._values and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self._line_col(self._values.get(pointer, 0))

    def _line_col(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, pos)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, pos - start + 1

    def _scan(self) -> None:
        if self._values is not None:
            return
        values: dict[str, int] = {}
        stack: list[_Frame] = []
        top: _Frame | None = None
        for match in _JSON_TOKEN.finditer(self.text):
            string, colon, opening, closing, literal = match.groups()
            if closing:
                stack.pop()
                top = stack[-1] if stack else None
                continue
            start = match.start(1 if string else match.lastindex or 0)
            if colon and top is not None:
                name = json.loads(string) if "\\" in string else string[1:-1]
                pointer = f"{top.pointer}/{escape_pointer(name)}"
                if name in top.keys:
                    self._duplicates.append((pointer, name, start))
                top.keys.add(name)
                self._keys.setdefault(pointer, start)
                top.member = pointer
                continue
            if top is None:
                pointer = ""
            elif top.index < 0:
                pointer = top.member
            else:
                pointer = f"{top.pointer}/{top.index}"
                top.index += 1
            values.setdefault(pointer, start)
            if opening:
                top = _Frame(pointer, -1 if opening == "{" else 0)
                stack.append(top)
            elif literal in _NON_FINITE:
                self._constants.append((pointer, literal, start))
        self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        self._values = values


# ------------------------------------------------------------------------ runner JSON

_RESULT_KEYS = ("appId", "status", "durationMs", "messages")
_RESULT_KEY_SET = frozenset(_RESULT_KEYS)
_ENVELOPE_KEYS = ("$schema", "suite", "ranAt", "connectorVersions", "results")
_APP_ID_KEY = re.compile(r'"appId"\s*:')


@dataclass
class _Pending:
    severity: Severity
    pointer: str
    message: str
    hint: str | None = None
    code: str = ""
    at_key: bool = False


def _parse_json(name: str, text: str, parsed: _Parsed) -> None:
    source = JsonSource(text)
    document, diags = source.load(name)
    if diags:
        for diag in diags:
            parsed.fatal(diag)
        return
    pending: list[_Pending] = []
    items: list[Any] | None = None
    base = ""
    if isinstance(document, dict):
        items, base = _read_envelope(document, parsed, pending), "/results"
    elif isinstance(document, list):
        items = document
    else:
        pending.append(_Pending(Severity.ERROR, "", "smoke JSON must be an array or an object"))
    if items is None:
        parsed.ok = False
    else:
        lines = _item_lines(text, items)
        for index, item in enumerate(items):
            _read_result(item, f"{base}/{index}", lines[index], parsed, pending)
    for p in pending:  # located only now, and only because there is something to report
        line, col = source.locate(p.pointer, key=p.at_key)
        parsed.diagnostics.append(
            Diagnostic(
                path=name,
                line=line,
                column=col,
                severity=p.severity,
                message=p.message,
                pointer=p.pointer,
                hint=p.hint,
                code=p.code,
            )
        )


def _unknown_keys(obj: dict[str, Any], known: tuple[str, ...], at: str) -> list[_Pending]:
    return [
        _Pending(
            Severity.WARNING,
            f"{at}/{escape_pointer(key)}",
            f"unknown key '{key}'",
            hint=did_you_mean(key, known),
            code="smoke-unknown-key",
            at_key=True,
        )
        for key in obj
        if key not in known
    ]


def _read_envelope(
    doc: dict[str, Any], parsed: _Parsed, pending: list[_Pending]
) -> list[Any] | None:
    pending.extend(_unknown_keys(doc, _ENVELOPE_KEYS, ""))
    suite = doc.get("suite")
    if isinstance(suite, str) and suite.strip():
        parsed.suite = suite.strip()
        if parsed.suite not in SUITES:
            hint = did_you_mean(parsed.suite, SUITES)
            if hint:
                pending.append(
                    _Pending(
                        Severity.WARNING, "/suite", f"unusual suite '{suite}'", hint, "smoke-suite"
                    )
                )
    elif suite is not None:
        pending.append(_Pending(Severity.ERROR, "/suite", "'suite' must be a non-empty string"))
    if "ranAt" in doc:
        parsed.ran_at_given = True
        raw = doc["ranAt"]
        parsed.ran_at = parse_timestamp(raw) if isinstance(raw, str) else None
        if parsed.ran_at is None:
            pending.append(
                _Pending(
                    Severity.ERROR,
                    "/ranAt",
                    "'ranAt' is not an ISO 8601 date-time",
                    hint='write it like "2026-11-20T03:00:00Z"',
                    code="smoke-bad-date",
                )
            )
    versions = doc.get("connectorVersions")
    if isinstance(versions, dict):
        for app_id, version in versions.items():
            if isinstance(version, str):
                parsed.versions[app_id] = version
            else:
                pointer = f"/connectorVersions/{escape_pointer(app_id)}"
                pending.append(_Pending(Severity.ERROR, pointer, "version must be a string"))
    elif versions is not None:
        pending.append(
            _Pending(Severity.ERROR, "/connectorVersions", "'connectorVersions' must be an object")
        )
    results = doc.get("results")
    if isinstance(results, list):
        return results
    message = "'results' is missing" if results is None else "'results' must be an array"
    pending.append(_Pending(Severity.ERROR, "", message, code="smoke-no-results"))
    return None


def _item_lines(text: str, items: list[Any]) -> list[int]:
    """Line of each result, found cheaply: the n-th ``"appId":`` key belongs to the n-th
    item when the counts agree (a message quoting it would be escaped); else 0."""
    with_id = [isinstance(i, dict) and "appId" in i for i in items]
    positions = [m.start() for m in _APP_ID_KEY.finditer(text)]
    if len(positions) != sum(with_id):
        return [0] * len(items)
    lines, line, last = [], 1, 0
    found = iter(positions)
    for has_id in with_id:
        if not has_id:
            lines.append(0)
            continue
        pos = next(found)
        line += text.count("\n", last, pos)
        last = pos
        lines.append(line)
    return lines


def _read_result(item: Any, at: str, line: int, parsed: _Parsed, pending: list[_Pending]) -> None:
    if not isinstance(item, dict):
        pending.append(_Pending(Severity.ERROR, at, "a result must be an object"))
        return
    problems: list[_Pending] = []
    app_id = item.get("appId")
    if not isinstance(app_id, str) or not app_id.strip():
        what = "is missing" if app_id is None else "must be a non-empty string"
        problems.append(_Pending(Severity.ERROR, at, f"'appId' {what}", code="smoke-no-app-id"))
    status = item.get("status")
    if status not in STATUSES:
        problems.append(_status_problem(status, f"{at}/status"))
    duration = item.get("durationMs", 0)
    if (
        isinstance(duration, bool)
        or not isinstance(duration, (int, float))
        or not math.isfinite(duration)
        or duration < 0
    ):
        problems.append(
            _Pending(
                Severity.ERROR,
                f"{at}/durationMs",
                "'durationMs' must be a non-negative number",
                code="smoke-bad-duration",
            )
        )
    messages = item.get("messages", [])
    if not isinstance(messages, list):
        problems.append(
            _Pending(Severity.ERROR, f"{at}/messages", "'messages' must be an array of strings")
        )
    elif not all(isinstance(m, str) for m in messages):
        problems.extend(
            _Pending(Severity.ERROR, f"{at}/messages/{i}", "a message must be a string")
            for i, m in enumerate(messages)
            if not isinstance(m, str)
        )
    if not _RESULT_KEY_SET.issuperset(item):
        pending.extend(_unknown_keys(item, _RESULT_KEYS, at))
    pending.extend(problems)
    if problems:
        return
    result = SmokeResult(
        app_id=str(app_id).strip(),
        status=cast(SmokeStatus, status),
        duration_ms=float(duration),
        messages=tuple(messages),
        line=line,
    )
    parsed.add(result, at)


def _status_problem(status: Any, pointer: str) -> _Pending:
    if status is None:
        return _Pending(Severity.ERROR, pointer.rsplit("/", 1)[0], "'status' is missing")
    hint = did_you_mean(status, STATUSES) if isinstance(status, str) else None
    return _Pending(
        Severity.ERROR,
        pointer,
        f"unknown status {json.dumps(status)}",
        hint=hint or "use one of: " + ", ".join(STATUSES),
        code="smoke-unknown-status",
    )


# ------------------------------------------------------------------ console transcript

_HEADING = re.compile(r"===\s*(.*?)\s*===")
_RESULT_LINE = re.compile(r"(✅|❌|⏭)\ufe0f?[ \t]+(\S+)[ \t]+\(([^()]*)\)")
_LOOKS_LIKE_RESULT = re.compile(r"(?:✅|❌|⏭|⚠|✔|✖|❎)")
_MESSAGE_LINE = re.compile(r"[ \t]+•[ \t]?(.*)")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)[ \t]*ms")
_COUNT_LINE = re.compile(r"(Passed|Failed|Skipped):[ \t]*(\d+)")
_ICON_STATUS: dict[str, SmokeStatus] = {"✅": "passed", "❌": "failed", "⏭": "skipped"}
_RESULT_HINT = "result lines read '✅ <appId> (<n>ms)' (or ❌ / ⏭️), messages '   • <text>'"


def _parse_console(name: str, text: str, parsed: _Parsed) -> None:
    diags = parsed.diagnostics
    section = "preamble"
    seen_heading = nothing_evaluated = False
    counted = {"passed": 0, "failed": 0, "skipped": 0}
    summary: dict[str, tuple[int, int, int]] = {}
    current: list[str] | None = None  # messages of the result being read
    sink: list[str] = []  # messages of a result that was rejected
    pending: list[tuple[str, SmokeStatus, float, list[str], int]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        heading = _HEADING.fullmatch(stripped)
        if heading:
            title = heading.group(1).lower()
            if title == "connector smoke results":
                if seen_heading:
                    diags.append(
                        error(
                            name,
                            "a second results heading: keep one run per file",
                            line=lineno,
                            column=1,
                            code="smoke-console-syntax",
                        )
                    )
                seen_heading, section = True, "results"
            elif title == "summary" and seen_heading:
                section = "summary"
            else:
                if seen_heading:
                    diags.append(
                        warning(
                            name,
                            f"section '{heading.group(1)}' is not part of a smoke transcript; "
                            "its lines are ignored",
                            line=lineno,
                            column=1,
                            code="smoke-console-section",
                        )
                    )
                section = "other"
            continue
        if section == "preamble":
            nothing_evaluated = nothing_evaluated or "No connectors were evaluated" in line
        elif section == "results":
            match = _RESULT_LINE.fullmatch(line)
            if match:
                icon, app_id, duration_text = match.groups()
                status = _ICON_STATUS[icon]
                counted[status] += 1
                duration = _DURATION.fullmatch(duration_text.strip())
                if duration:
                    current = []
                    pending.append((app_id, status, float(duration.group(1)), current, lineno))
                else:
                    current = sink
                    diags.append(
                        error(
                            name,
                            f"duration '{duration_text}' should read like '532ms'",
                            line=lineno,
                            column=match.start(3) + 1,
                            code="smoke-console-syntax",
                        )
                    )
            elif message := _MESSAGE_LINE.fullmatch(line):
                if current is None:
                    diags.append(
                        error(
                            name,
                            "message line before any result line",
                            line=lineno,
                            column=1,
                            hint=_RESULT_HINT,
                            code="smoke-console-syntax",
                        )
                    )
                else:
                    current.append(message.group(1))
            else:
                indent = len(line) - len(line.lstrip())
                looks = _LOOKS_LIKE_RESULT.match(stripped)
                if looks:
                    current = sink
                    icon = _ICON_STATUS.get(looks.group())
                    if icon:
                        counted[icon] += 1
                diags.append(
                    error(
                        name,
                        "malformed result line" if looks else "unrecognized line in results",
                        line=lineno,
                        column=indent + 1,
                        hint=_RESULT_HINT,
                        code="smoke-console-syntax",
                    )
                )
        elif section == "summary" and len(summary) < 3:
            count = _COUNT_LINE.fullmatch(stripped)
            if count:
                column = line.index(count.group(2)) + 1
                summary[count.group(1).lower()] = (int(count.group(2)), lineno, column)
    if not seen_heading:
        if nothing_evaluated:
            diags.append(warning(name, "the runner evaluated no connectors", code="smoke-empty"))
        else:
            parsed.fatal(
                error(
                    name,
                    "no '=== Connector Smoke Results ===' heading: not a smoke transcript",
                    hint="pass the runner's full console output",
                    code="smoke-console-syntax",
                )
            )
            return
    for app_id, status, duration_ms, messages, lineno in pending:
        parsed.add(SmokeResult(app_id, status, duration_ms, tuple(messages), lineno))
    _check_summary(name, seen_heading, counted, summary, diags)


def _check_summary(
    name: str,
    seen_heading: bool,
    counted: dict[str, int],
    summary: dict[str, tuple[int, int, int]],
    diags: list[Diagnostic],
) -> None:
    if not seen_heading:
        return
    if not summary:
        diags.append(
            warning(
                name,
                "no '=== Summary ===' counts: the transcript may be cut short",
                code="smoke-no-summary",
            )
        )
        return
    missing = [s.capitalize() for s in counted if s not in summary]
    if missing:
        diags.append(
            warning(
                name,
                f"summary lacks the {', '.join(missing)} count",
                line=min(line for _, line, _ in summary.values()),
                code="smoke-no-summary",
            )
        )
    for status, (said, lineno, column) in summary.items():
        if said != counted[status]:
            diags.append(
                error(
                    name,
                    f"summary says {status.capitalize()}: {said} but {counted[status]} "
                    f"{status} result line(s) are listed above",
                    line=lineno,
                    column=column,
                    hint="the transcript may be incomplete or edited",
                    code="smoke-summary-mismatch",
                )
            )


# ------------------------------------------------------------------------- JUnit XML


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on (ElementTree itself keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str], /) -> ET.Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def _parse_junit(name: str, data: bytes, parsed: _Parsed) -> None:
    builder = _LineTreeBuilder()
    # defusedxml's parser, as defusedxml.ElementTree.fromstring builds it, plus line numbers.
    parser = DefusedXMLParser(target=builder, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        parsed.fatal(
            error(
                name,
                _unsafe_xml_message(exc),
                line=parser.parser.CurrentLineNumber,
                column=1,
                hint="JUnit files need no DTD or entities; remove the <!DOCTYPE ...> block",
                code="smoke-xml-unsafe",
            )
        )
        return
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        line, col = getattr(exc, "position", (0, 0))
        parsed.fatal(
            error(name, f"invalid XML: {exc}", line=line, column=col + 1, code="smoke-xml")
        )
        return
    if root.tag not in ("testsuites", "testsuite"):
        parsed.fatal(
            error(
                name,
                f"JUnit root must be <testsuites> or <testsuite>, not <{root.tag}>",
                line=1,
                code="smoke-xml",
            )
        )
        return
    suites = list(root.iter("testsuite"))
    _junit_metadata(name, root, suites, builder.lines, parsed)
    for case in root.iter("testcase"):
        _junit_case(name, case, builder.lines.get(id(case), 0), parsed)


def _unsafe_xml_message(exc: Exception) -> str:
    entity = getattr(exc, "name", None)
    system_id = getattr(exc, "system_id", None) or getattr(exc, "sysid", None)
    if system_id:
        return f"XML refers to an external resource ({system_id}); refused"
    if entity:
        return f"XML declares the entity '{entity}'; entities are refused (they can blow up)"
    return f"unsafe XML refused: {type(exc).__name__}"


def _junit_metadata(
    name: str,
    root: ET.Element,
    suites: list[ET.Element],
    lines: dict[int, int],
    parsed: _Parsed,
) -> None:
    for element in [root, *suites]:
        stamp = element.get("timestamp")
        if stamp is None:
            continue
        parsed.ran_at_given = True
        parsed.ran_at = parse_timestamp(stamp)
        if parsed.ran_at is None:
            parsed.diagnostics.append(
                error(
                    name,
                    f"timestamp '{stamp}' is not an ISO 8601 date-time",
                    line=lines.get(id(element), 0),
                    code="smoke-bad-date",
                )
            )
        break
    for element in [root, *suites]:
        for prop in element.findall("properties/property"):
            value = (prop.get("value") or prop.text or "").strip()
            if prop.get("name") == "suite" and value:
                parsed.suite = value
                return
    for element in suites:
        suite_name = (element.get("name") or "").strip().lower()
        if suite_name in SUITES:
            parsed.suite = suite_name
            return


def _text_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _junit_case(name: str, case: ET.Element, line: int, parsed: _Parsed) -> None:
    app_id = (case.get("name") or "").strip()
    if not app_id:
        parsed.diagnostics.append(
            error(name, "<testcase> without a name (the appId)", line=line, code="smoke-no-app-id")
        )
        return
    time_text = case.get("time", "0").strip() or "0"
    try:
        seconds = float(time_text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        parsed.diagnostics.append(
            error(
                name,
                f"time '{time_text}' of '{app_id}' must be a non-negative number of seconds",
                line=line,
                code="smoke-bad-duration",
            )
        )
        return
    messages: list[str] = []
    status: SmokeStatus = "passed"
    for child in case:
        if child.tag in ("failure", "error", "skipped"):
            if child.tag == "skipped":
                status = "skipped" if status == "passed" else status
            else:
                status = "failed"
            said = (child.get("message") or "").strip()
            body = _text_lines(child.text)
            messages.extend(([said] if said else []) + [b for b in body if b != said])
        elif child.tag == "system-out":
            messages.extend(_text_lines(child.text))
    parsed.add(SmokeResult(app_id, status, seconds * 1000.0, tuple(messages), line))
