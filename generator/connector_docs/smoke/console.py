"""The runner's console transcript: a ``=== Connector Smoke Results ===`` section of
``✅ <appId> (<n>ms)`` lines (❌ failed, ⏭️ skipped), each followed by ``   • <message>``
lines, then ``=== Summary ===`` counts checked against the lines listed."""

from __future__ import annotations

import re

from connector_docs.diagnostics import Diagnostic, error, warning
from connector_docs.model import SmokeResult, SmokeStatus
from connector_docs.smoke.common import Parsed
from connector_docs.text import plural

# Lines longer than this are not matched at all (a located error instead): every pattern
# below is linear, but a cap keeps one hostile line from costing more than a real file.
MAX_LINE = 64 * 1024
_RESULT_LINE = re.compile(r"(✅|❌|⏭)\ufe0f?[ \t]+(\S+)[ \t]+\(([^()]*)\)")
_LOOKS_LIKE_RESULT = re.compile(r"(?:✅|❌|⏭|⚠|✔|✖|❎)")
_MESSAGE_LINE = re.compile(r"[ \t]+•[ \t]?(.*)")
# The look-behind makes a search start only at a number's first digit: without it a
# search over a long run of digits retried from every digit (quadratic).
_DURATION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)[ \t]*ms")
_COUNT_LINE = re.compile(r"(Passed|Failed|Skipped):[ \t]*(\d+)")
_ICON_STATUS: dict[str, SmokeStatus] = {"✅": "passed", "❌": "failed", "⏭": "skipped"}
_RESULT_HINT = "result lines read '✅ <appId> (<n>ms)' (or ❌ / ⏭️), messages '   • <text>'"


def parse_console(name: str, text: str, parsed: Parsed) -> None:
    diags = parsed.diagnostics
    section = "preamble"
    seen_heading = nothing_evaluated = False
    counted = {"passed": 0, "failed": 0, "skipped": 0}
    summary: dict[str, tuple[int, int, int]] = {}
    current: list[str] | None = None  # messages of the result being read
    sink: list[str] = []  # messages of a result that was rejected
    pending: list[tuple[str, SmokeStatus, float, list[str], int]] = []
    # Split on newlines only: str.splitlines() also breaks at U+2028, NEL and form feeds,
    # which vendors' messages may hold.
    for lineno, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        if len(line) > MAX_LINE:
            diags.append(
                error(
                    name,
                    f"line of {len(line):,} characters, over the {MAX_LINE:,} limit; ignored",
                    line=lineno,
                    column=1,
                    hint="a result or message line is short; split or trim the message",
                    code="smoke-line-too-long",
                )
            )
            current = sink if section == "results" else current
            continue
        heading = _heading(stripped)
        if heading is not None:
            title = heading.lower()
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
                            f"section '{heading}' is not part of a smoke transcript; "
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


def _heading(stripped: str) -> str | None:
    """The title of a ``=== Title ===`` line, found by slicing: the pattern
    ``===\\s*(.*?)\\s*===`` backtracked cubically on '===' followed by blanks."""
    if len(stripped) >= 6 and stripped.startswith("===") and stripped.endswith("==="):
        return stripped[3:-3].strip()
    return None


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
                    f"{status} result {plural(counted[status], 'line')} "
                    f"{plural(counted[status], 'is', 'are')} listed above",
                    line=lineno,
                    column=column,
                    hint="the transcript may be incomplete or edited",
                    code="smoke-summary-mismatch",
                )
            )
