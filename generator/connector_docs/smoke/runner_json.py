"""The smoke runner's JSON: an envelope ``{"suite", "ranAt", "connectorVersions",
"results": [...]}`` or a bare array of results. Strict JSON comes from
``inputs.jsonfile``, locations from ``inputs.locate``; each result problem is
reported at its JSON pointer."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, cast

from connector_docs.diagnostics import Diagnostic, Severity, did_you_mean, error
from connector_docs.inputs.jsonfile import load_strict
from connector_docs.inputs.locate import Locator, Violation, pointer_join
from connector_docs.model import SUITES, SmokeResult, SmokeStatus
from connector_docs.smoke.common import STATUSES, Parsed
from connector_docs.smoke.naming import parse_timestamp

_RESULT_KEYS = ("appId", "status", "durationMs", "messages")
_RESULT_KEY_SET = frozenset(_RESULT_KEYS)
_ENVELOPE_KEYS = ("$schema", "suite", "ranAt", "connectorVersions", "results")
MAX_UNKNOWN_KEYS = 50  # unknown keys located one by one per file; the rest counted
_APP_ID_KEY = re.compile(r'"appId"\s*:')


def escape_pointer(key: str) -> str:
    """``key`` as one JSON pointer segment (``~`` and ``/`` escaped)."""
    return pointer_join("", key)[1:]


class JsonSource:
    """Strict JSON text (duplicate keys and NaN/Infinity are errors, every one reported)
    with lazy locations: ``jsonfile.load_strict`` and ``locate.Locator`` with smoke's
    wording. Also reads the smoke runner's config (``connector_docs.secrets.config``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._locator = Locator(text)

    def load(self, name: str) -> tuple[Any, list[Diagnostic]]:
        """The parsed document and no diagnostics, or None and every error found."""
        try:
            document, violations = load_strict(self.text)
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
        # Repeated keys first, then NaN/Infinity, each in document order.
        ordered = sorted(violations, key=lambda v: not v.duplicate_key)
        return document, [_violation(name, v) for v in ordered]

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``pointer`` (of its key when ``key``); the
        nearest existing ancestor when the pointer names something absent."""
        return self._locator.locate(pointer, key=key)


def _violation(name: str, found: Violation) -> Diagnostic:
    if found.duplicate_key:
        message = f"duplicate key '{found.token}'"
        hint, code = "JSON readers disagree on which one wins; keep one", "json-duplicate-key"
    elif found.kind == "number":
        message = f"{found.token} cannot be read as a number"
        hint, code = "use a finite number of at most 300 digits, or a string", "json-number"
    elif found.kind == "surrogate":
        message = f"invalid text: {found.token}"
        hint = "write the character itself or a valid pair of \\u escapes"
        code = "json-surrogate"
    else:
        message = f"{found.token} is not valid JSON"
        hint, code = "use a finite number or null", "json-nonfinite"
    return error(
        name,
        message,
        line=found.line,
        column=found.column,
        pointer=found.pointer,
        hint=hint,
        code=code,
    )


@dataclass
class _Pending:
    """A diagnostic waiting for its location (found only if there is something to report)."""

    severity: Severity
    pointer: str
    message: str
    hint: str | None = None
    code: str = ""
    at_key: bool = False


def parse_runner_json(name: str, text: str, parsed: Parsed) -> None:
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
    unknown_keys = 0
    for p in pending:
        if p.code == "smoke-unknown-key":
            unknown_keys += 1
            if unknown_keys > MAX_UNKNOWN_KEYS:  # counted, not located: see below
                continue
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
    if unknown_keys > MAX_UNKNOWN_KEYS:
        parsed.diagnostics.append(
            Diagnostic(
                path=name,
                severity=Severity.WARNING,
                message=f"... and {unknown_keys - MAX_UNKNOWN_KEYS:,} more unknown keys",
                hint="is this the smoke runner's JSON?",
                code="smoke-unknown-key",
            )
        )


def _unknown_keys(obj: dict[str, Any], known: tuple[str, ...], at: str) -> list[_Pending]:
    return [
        _Pending(
            Severity.WARNING,
            pointer_join(at, key),
            f"unknown key '{key}'",
            hint=did_you_mean(key, known),
            code="smoke-unknown-key",
            at_key=True,
        )
        for key in obj
        if key not in known
    ]


def _read_envelope(
    doc: dict[str, Any], parsed: Parsed, pending: list[_Pending]
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
                    "'ranAt' is not an ISO 8601 date-time that exists in UTC",
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
                pointer = pointer_join("/connectorVersions", app_id)
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


def _read_result(item: Any, at: str, line: int, parsed: Parsed, pending: list[_Pending]) -> None:
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
