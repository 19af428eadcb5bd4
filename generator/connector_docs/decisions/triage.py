"""The triage report (issue 22): every connector and every action failing in the newest
run of each suite, so bugs are filed before QA hand-off. ``connector-docs triage``
prints it (text or JSON), internal sites get it as a page. Pure.

What is detected, per connector result: the result's status (every format has it), and
per action the runner's message lines ``Action <id> succeeded.`` / ``Action <id> failed:
<why>`` and ``Connection test succeeded.`` / ``Connection test failed: <why>`` (runner
JSON ``messages``, the transcript's ``•`` lines, JUnit ``system-out`` and ``failure``
text all carry them). A failure the runner words otherwise ("Unhandled error: ...") stays
with its connector: it is not given to an action.

Per failure: the message (the runs are redacted before anything reads them), the first
and last run of its current streak in that suite (runs where it was skipped or not run
are passed over), how many runs of the suite in a row it failed, and whether it is a
regression: it passed before the streak began, in any suite.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connector_docs.model import SUITES, Catalog, SmokeResult, SmokeRun

CONNECTION_TEST = "connection test"
_ACTION = re.compile(r"\s*Action\s+(\S+?)\s+(succeeded|passed|failed|errored)\b", re.I)
_CONNECTION = re.compile(r"\s*Connection test\s+(succeeded|passed|failed|errored)\b", re.I)


def outcomes(messages: Iterable[str]) -> dict[str, tuple[bool, str]]:
    """{action id (or "connection test"): (passed, its message)}, as the messages word
    them; the last line about an action wins."""
    out: dict[str, tuple[bool, str]] = {}
    for message in messages:
        found = _ACTION.match(message)
        name = found.group(1) if found else None
        verb = found.group(2) if found else None
        if not found:
            conn = _CONNECTION.match(message)
            if conn:
                name, verb = CONNECTION_TEST, conn.group(1)
        if name and verb:
            out[name] = (verb.lower() in ("succeeded", "passed"), message.strip())
    return out


@dataclass(frozen=True)
class Failure:
    connector_id: str
    name: str
    suite: str
    action: str | None  # None: the connector's result as a whole
    message: str  # the line saying why (redacted)
    messages: tuple[str, ...]  # every message of the newest result (redacted)
    first_seen: dt.date  # the first run of the current streak, in this suite
    last_seen: dt.date  # the newest run of this suite
    streak: int  # runs of this suite in a row it failed
    regression: bool  # it passed before the streak began (any suite)
    path: str  # the newest run's file

    @property
    def what(self) -> str:
        return self.action or "(connector)"


@dataclass(frozen=True)
class Triage:
    today: dt.date
    newest: tuple[SmokeRun, ...]  # the newest run of each suite that ran
    failures: tuple[Failure, ...]

    def only(self, connector_id: str) -> Triage:
        return Triage(self.today, self.newest,
                      tuple(f for f in self.failures if f.connector_id == connector_id))

    @property
    def connectors(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failures if f.action is None)

    @property
    def actions(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failures if f.action is not None)


def _suite_order(suite: str) -> tuple[int, str]:
    return (SUITES.index(suite) if suite in SUITES else len(SUITES), suite)


def _headline(result: SmokeResult) -> str:
    failed = [m for (ok, m) in outcomes(result.messages).values() if not ok]
    if failed:
        return failed[0]
    flagged = [m for m in result.messages if re.search(r"fail|error|denied|invalid", m, re.I)]
    return (flagged or list(result.messages) or [""])[0]


def _state(result: SmokeResult | None, action: str | None) -> bool | None:
    """Passed (True), failed (False) or not known (None) in one run."""
    if result is None or result.status == "skipped":
        return None
    if action is None:
        return result.status == "passed"
    found = outcomes(result.messages).get(action)
    return None if found is None else found[0]


Index = dict[int, dict[str, SmokeResult]]  # id(run) -> app id -> its result


def _failure(runs: Sequence[SmokeRun], every: Sequence[SmokeRun], index: Index,
             result: SmokeResult, action: str | None, message: str, name: str) -> Failure:
    """``runs``: this suite's runs, oldest first (the last is the newest); ``every``: all
    runs, oldest first; ``index``: each run's results by app id (a streak looks the
    connector up in every run)."""
    streak, first = 0, runs[-1]
    for run in reversed(runs):
        state = _state(index[id(run)].get(result.app_id), action)
        if state is None:
            continue
        if state:
            break
        streak, first = streak + 1, run
    regression = any(
        _state(index[id(run)].get(result.app_id), action) is True
        for run in every if (run.ran_at, run.path) < (first.ran_at, first.path))
    return Failure(result.app_id, name, runs[-1].suite, action, message, result.messages,
                   first.ran_at.date(), runs[-1].ran_at.date(), streak, regression,
                   runs[-1].path)


def triage(catalog: Catalog, runs: Iterable[SmokeRun], today: dt.date) -> Triage:
    every = sorted(runs, key=lambda r: (r.ran_at, r.path))
    index: Index = {}
    for run in every:
        index[id(run)] = {r.app_id: r for r in run.results}
    names = {c.id: c.name for c in catalog.connectors}
    by_suite: dict[str, list[SmokeRun]] = {}
    for run in every:
        by_suite.setdefault(run.suite, []).append(run)
    failures: list[Failure] = []
    newest = []
    for suite in sorted(by_suite, key=_suite_order):
        suite_runs = by_suite[suite]
        newest.append(suite_runs[-1])
        for result in sorted(suite_runs[-1].results, key=lambda r: r.app_id):
            if result.status != "failed":
                continue
            name = names.get(result.app_id, result.app_id)
            failures.append(_failure(suite_runs, every, index, result, None,
                                     _headline(result), name))
            for action, (ok, message) in outcomes(result.messages).items():
                if not ok:
                    failures.append(_failure(suite_runs, every, index, result, action,
                                             message, name))
    return Triage(today, tuple(newest), tuple(failures))


def format_text(report: Triage) -> str:
    lines = [f"triage as of {report.today}: "
             + ", ".join(f"{run.suite} {run.ran_at.date()}" for run in report.newest)
             if report.newest else f"triage as of {report.today}: no smoke runs"]
    if not report.failures:
        if report.newest:  # without runs the first line says all there is
            lines.append("nothing failing in the newest runs")
        return "\n".join(lines)
    head = ["suite", "connector", "action", "in a row", "first seen", "last seen", "regression"]
    rows = [head] + [[f.suite, f.connector_id, f.what, str(f.streak), str(f.first_seen),
                      str(f.last_seen), "regression" if f.regression else ""]
                     for f in report.failures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for row, failure in zip(rows, [None, *report.failures], strict=True):
        cells = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        lines.append((cells + "  " + (failure.message if failure else "message")).rstrip())
    lines.append(f"{len(report.connectors)} failing connector results, "
                 f"{len(report.actions)} failing actions, "
                 f"{sum(f.regression for f in report.actions)} regressions")
    return "\n".join(lines)


def to_json(report: Triage) -> dict[str, object]:
    return {
        "date": str(report.today),
        "runs": [{"suite": r.suite, "ranAt": r.ran_at.isoformat(), "path": r.path}
                 for r in report.newest],
        "failures": [{
            "id": f.connector_id, "name": f.name, "suite": f.suite, "action": f.action,
            "message": f.message, "messages": list(f.messages),
            "firstSeen": str(f.first_seen), "lastSeen": str(f.last_seen),
            "streak": f.streak, "regression": f.regression, "run": f.path,
        } for f in report.failures],
    }


def format_json(report: Triage) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False)
