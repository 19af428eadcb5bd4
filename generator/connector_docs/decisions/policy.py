"""Which level each connector is shown at, and the evidence behind it. Pure: catalog +
smoke runs + build date in, decisions and diagnostics out.

Rule (DESIGN.md): shown Stable only when the catalog claims ``stable`` and the newest
non-skipped smoke result passed within ``max_age_days`` of the build date, with no newer
failure, and QA's newest result passed. The pass must be for the catalog's current
``version`` (issue 22): a result whose run names another version does not count ("verified
on 2026-11-18 for version 1.4.0; the catalog ships 1.5.0"); a run that names no version
counts, with a warning (``stable-unversioned``) when no fresh pass names the current one.
Otherwise a catalog "stable" falls back to Beta with the reasons listed; evidence that
qualifies for a connector the catalog does not call stable marks it "ready to promote".

A badge states something, or is not shown (issue 19): a connector whose catalog entry
claims no lifecycle has no badge (``Decision.badge`` is None), though readiness and
promotion treat it as beta (``Decision.shown``), as before.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

from connector_docs.diagnostics import Diagnostic, warning
from connector_docs.model import Catalog, Connector, Lifecycle, SmokeRun

LEVEL_LABELS: dict[str, str] = {"stable": "Stable", "beta": "Beta", "preview": "Preview",
                                "alpha": "Alpha", "deprecated": "Deprecated"}
LEVEL_ORDER = ("stable", "beta", "preview", "alpha", "deprecated")


@dataclass(frozen=True)
class Evidence:
    suite: str
    status: str
    ran_at: dt.datetime
    path: str
    version: str | None = None
    messages: tuple[str, ...] = ()
    duration_ms: float = 0.0

    @property
    def date(self) -> dt.date:
        return self.ran_at.date()


@dataclass(frozen=True)
class Decision:
    connector_id: str
    claimed: Lifecycle | None  # None: the catalog claims no lifecycle
    shown: Lifecycle  # the level readiness and promotion use: beta when nothing is claimed
    history: tuple[Evidence, ...]  # every result, oldest first
    newest_by_suite: tuple[Evidence, ...]  # newest result per suite, suites sorted
    last_verified: dt.date | None  # date of the newest passing result
    reasons: tuple[str, ...]  # why a claimed "stable" is not shown as Stable
    evidence_ok: bool  # the evidence alone would support Stable
    # The same reasons in readers' words, for public pages ("the newest smoke test failed
    # on 2026-11-24").
    public_reasons: tuple[str, ...] = ()
    max_age_days: int = 14
    sunset: dt.date | None = None  # when a deprecated connector goes away, if known
    # Why the evidence does not support Stable, whatever the claim: (readiness gate, the
    # team's words), the gate being ``fresh-evidence`` or ``qa-smoke``.
    gaps: tuple[tuple[str, str], ...] = ()
    version: str | None = None  # the version the catalog ships
    # The newest pass that names the catalog's version, when one does.
    version_verified_on: dt.date | None = None
    # The newest pass names another version and no pass for this one backs the evidence:
    # (that version, its date); the fresh-evidence gate says "evidence is for ...".
    outdated: tuple[str, dt.date] | None = None
    # The evidence rests on runs that name no version (the runner's console transcript
    # and JUnit XML carry none): counted, with a warning.
    unversioned: bool = False

    @property
    def verified_version(self) -> str | None:
        """The catalog's version when a passing smoke result names it."""
        return self.version if self.version_verified_on else None

    @property
    def badge(self) -> Lifecycle | None:
        """The badge pages show: none when the catalog claims nothing."""
        return None if self.claimed is None else self.shown

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.shown]

    @property
    def badge_label(self) -> str | None:
        return LEVEL_LABELS[self.badge] if self.badge else None

    @property
    def downgraded(self) -> bool:
        return self.claimed == "stable" and self.shown != "stable"

    @property
    def ready_to_promote(self) -> bool:
        return self.evidence_ok and self.claimed in ("beta", "preview", "alpha", None)

    def newest(self, suite: str) -> Evidence | None:
        return next((e for e in self.newest_by_suite if e.suite == suite), None)


def build_date(now: dt.datetime | None = None) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the current time, UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass  # reported by validate_build_date
    return now or dt.datetime.now(tz=dt.timezone.utc)


def validate_build_date() -> list[Diagnostic]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not (epoch.isascii() and epoch.isdigit()):
        return [warning("SOURCE_DATE_EPOCH", f"not a Unix timestamp ({epoch!r}); using the "
                        "current time", hint="set it to e.g. $(git log -1 --format=%ct)")]
    return []


def _history(runs: Sequence[SmokeRun]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for run in sorted(runs, key=lambda r: (r.ran_at, r.path)):
        versions = dict(run.connector_versions)  # once per run, not once per result
        for result in run.results:
            out.setdefault(result.app_id, []).append(Evidence(
                suite=run.suite, status=result.status, ran_at=run.ran_at, path=run.path,
                version=versions.get(result.app_id), messages=result.messages,
                duration_ms=result.duration_ms))
    return out


def suite_gap(history: Sequence[Evidence], suite: str) -> tuple[str, str] | None:
    """Why ``suite``'s smoke gate is not met (for the team, for readers), None when its
    newest result that ran (skips aside) passed."""
    name = {"qa": "QA"}.get(suite, suite)
    results = [e for e in history if e.suite == suite]
    ran = [e for e in results if e.status != "skipped"]
    if not ran:
        if results:
            return (f"only skipped {name} smoke results (newest {results[-1].date})",
                    f"its {name} smoke tests were skipped")
        return f"no {name} smoke result", f"{name} has not tested it yet"
    if ran[-1].status != "passed":
        return (f"newest {name} smoke result failed ({ran[-1].date})",
                f"the newest {name} smoke test failed on {ran[-1].date}")
    return None


def version_order(version: str) -> tuple[int, ...] | None:
    """A dotted version's numbers ("1.10.2" -> (1, 10, 2)); None when it is not one."""
    core = version.strip().lstrip("vV").split("-")[0].split("+")[0]
    parts = core.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def older_or_newer(tested: str, shipped: str) -> str:
    """"an older", "a newer" or "another": how ``tested`` stands to ``shipped``."""
    a, b = version_order(tested), version_order(shipped)
    if a is None or b is None or a == b:
        return "another"
    return "an older" if a < b else "a newer"


def counts_for(ev: Evidence, version: str | None) -> bool:
    """Whether a result is evidence for the catalog's ``version``: it names that version,
    or names none (unknown counts), or the catalog gives no version."""
    return version is None or ev.version is None or ev.version == version


def evidence_gaps(history: Sequence[Evidence], now: dt.datetime, max_age: int,
                  version: str | None = None) -> list[tuple[str, str]]:
    """Why the newest smoke evidence is not current (empty when the newest result that ran
    passed, at most ``max_age`` days ago, for the catalog's ``version``), each as (for the
    team, for readers)."""
    counted = [e for e in history if e.status != "skipped"]
    if not counted:
        return [("no smoke results", "no smoke test has run yet") if not history else
                ("only skipped smoke results", "its smoke tests were skipped")]
    reasons = []
    newest = counted[-1]
    if newest.status == "failed":
        reasons.append((f"newest smoke result failed ({newest.suite}, {newest.date})",
                        f"the newest smoke test failed on {newest.date}"))
    passes = [e for e in counted if e.status == "passed"]
    current = [e for e in passes if counts_for(e, version)]
    if passes and not current:
        other = passes[-1]
        reasons.append((f"evidence is for {older_or_newer(str(other.version), str(version))} "
                        f"version: verified on {other.date} for version {other.version}; "
                        f"the catalog ships {version}",
                        f"version {version} is not verified yet: the last passing smoke "
                        f"test, on {other.date}, was for version {other.version}"))
    elif current:
        age = (now - current[-1].ran_at).days
        if age > max_age:
            reasons.append((f"newest passing smoke result is {age} days old "
                            f"({current[-1].date}; limit {max_age})",
                            f"the last passing smoke test was on {current[-1].date}, more "
                            f"than {max_age} days ago"))
    return reasons


def _judge(history: list[Evidence], now: dt.datetime, max_age: int,
           version: str | None = None) -> list[tuple[str, str, str]]:
    """Reasons the evidence does not support Stable (empty when it does), each as (the
    readiness gate it misses, for the team, for readers of public pages): the gates
    ``fresh-evidence`` and ``qa-smoke`` of the readiness report, in the same words."""
    gaps = [("fresh-evidence", team, public)
            for team, public in evidence_gaps(history, now, max_age, version)]
    qa = suite_gap(history, "qa")
    if qa:
        # Readers are told once that the newest test failed, QA's or not.
        said = any(g[1].startswith("newest smoke result failed") for g in gaps)
        gaps.append(("qa-smoke", qa[0], "" if said and "failed" in qa[0] else qa[1]))
    return gaps


def decide_one(conn: Connector, history: list[Evidence], now: dt.datetime,
               max_age: int) -> Decision:
    reasons = _judge(history, now, max_age, conn.version)
    newest: dict[str, Evidence] = {}
    for ev in history:
        newest[ev.suite] = ev
    passes = [e for e in history if e.status == "passed"]
    # Claiming nothing is treated as beta for readiness and promotion; no badge says so.
    shown: Lifecycle = conn.lifecycle or "beta"
    downgraded = conn.lifecycle == "stable" and bool(reasons)
    if downgraded:
        shown = "beta"
    return Decision(
        connector_id=conn.id,
        claimed=conn.lifecycle,
        shown=shown,
        history=tuple(history),
        newest_by_suite=tuple(newest[s] for s in sorted(newest)),
        last_verified=passes[-1].date if passes else None,
        reasons=tuple(team for _, team, _ in reasons) if conn.lifecycle == "stable" else (),
        evidence_ok=not reasons,
        public_reasons=tuple(public for _, _, public in reasons if public)
        if downgraded else (),
        gaps=tuple((gate, team) for gate, team, _ in reasons),
        max_age_days=max_age,
        sunset=conn.sunset if shown == "deprecated" else None,
        version=conn.version,
        **_versions(conn.version, history, now, max_age),
    )


class _VersionFields(TypedDict):
    version_verified_on: dt.date | None
    outdated: tuple[str, dt.date] | None
    unversioned: bool


def _versions(version: str | None, history: Sequence[Evidence], now: dt.datetime,
              max_age: int) -> _VersionFields:
    """The Decision's version fields: which pass names the catalog's version, whether
    the evidence is for another one, whether it rests on runs that name none."""
    passes = [e for e in history if e.status == "passed"]
    named = [e for e in passes if version is not None and e.version == version]
    current = [e for e in passes if counts_for(e, version)]
    outdated = None
    if version is not None and passes and not current:
        outdated = (str(passes[-1].version), passes[-1].date)
    fresh_named = bool(named) and (now - named[-1].ran_at).days <= max_age
    return {
        "version_verified_on": named[-1].date if named else None,
        "outdated": outdated,
        "unversioned": version is not None and bool(current) and not fresh_named
        and current[-1].version is None,
    }


def decide(catalog: Catalog, runs: Iterable[SmokeRun], now: dt.datetime,
           max_age_days: int = 14) -> tuple[dict[str, Decision], list[Diagnostic]]:
    histories = _history(list(runs))
    decisions: dict[str, Decision] = {}
    diags: list[Diagnostic] = []
    for conn in catalog.connectors:
        decision = decide_one(conn, histories.get(conn.id, []), now, max_age_days)
        decisions[conn.id] = decision
        if decision.downgraded:
            diags.append(warning(conn.source.path, f"'{conn.id}' claims availability "
                                 f"'stable' but is shown as {decision.label}: "
                                 + "; ".join(decision.reasons), pointer="/availability",
                                 code="stable-downgraded",
                                 hint="run the smoke suites (engineering and QA) and add "
                                 "their results, or change availability"))
        elif decision.shown == "stable" and decision.unversioned:
            diags.append(warning(conn.source.path, f"'{conn.id}' is shown as Stable on smoke "
                                 f"results that name no version; the catalog ships "
                                 f"{decision.version}", pointer="/version",
                                 code="stable-unversioned",
                                 hint="run the smoke runner with JSON output (it records "
                                 "connectorVersions) so the evidence names the version"))
    return decisions, diags
