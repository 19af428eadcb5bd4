"""What every format shares: the parse state, decoding, and the run-level checks (date,
suite, repeated and unknown connectors) that turn a parse into a ``SmokeRun``."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from connector_docs.diagnostics import Diagnostic, did_you_mean, error, warning
from connector_docs.inputs.locate import byte_line_col
from connector_docs.model import SUITES, SmokeResult, SmokeRun, SmokeStatus
from connector_docs.smoke.naming import date_from_name, renamed_example, suites_from_name

STATUSES: tuple[SmokeStatus, ...] = ("passed", "failed", "skipped")
Format = Literal["json", "console", "junit"]
MAX_UNKNOWN_REPORTED = 20  # unknown appIds reported one by one per file; the rest counted


@dataclass
class Parsed:
    """What one format's parser found, before the run-level checks of ``finish``."""

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


def decode(name: str, data: bytes, parsed: Parsed) -> str | None:
    """UTF-8 text (a BOM is tolerated), or None and a located error (line and byte column)."""
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
        line, col = byte_line_col(data, exc.start)
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


def finish(
    name: str, fmt: Format, parsed: Parsed, known_ids: Collection[str] | None
) -> tuple[SmokeRun | None, list[Diagnostic]]:
    """The run, once it has a date and a suite (from the file, else from its name)."""
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
                hint=f"put the date in the file name, e.g. {renamed_example(name, True)}",
                code="smoke-no-date",
            )
        )
    suite = _suite(name, parsed.suite, diags)
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


def _suite(name: str, suite: str | None, diags: list[Diagnostic]) -> str | None:
    name_suites = suites_from_name(name)
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
                hint=f"put the suite in the file name, e.g. {renamed_example(name, False)}",
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
    return suite


def _check_results(
    name: str, parsed: Parsed, known_ids: Collection[str] | None
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
        unknown = [(app_id, index) for app_id, index in last.items() if app_id not in known]
        # difflib per unknown id costs O(connectors): only the first few get a suggestion
        # (and a diagnostic); the rest are counted in one summary.
        choices = sorted(known) if unknown else []
        for app_id, index in unknown[:MAX_UNKNOWN_REPORTED]:
            parsed.diagnostics.append(
                warning(
                    name,
                    f"smoke result for unknown connector '{app_id}'",
                    line=parsed.results[index].line,
                    pointer=parsed.pointers[index],
                    hint=did_you_mean(app_id, choices),
                    code="smoke-unknown-connector",
                )
            )
        if len(unknown) > MAX_UNKNOWN_REPORTED:
            parsed.diagnostics.append(
                warning(
                    name,
                    f"... and {len(unknown) - MAX_UNKNOWN_REPORTED:,} more unknown connector ids",
                    hint="check that this run belongs to this catalog",
                    code="smoke-unknown-connector",
                )
            )
    return [r for i, r in enumerate(parsed.results) if last[r.app_id] == i]
