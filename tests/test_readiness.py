"""The one readiness model behind `connector-docs audit` and the readiness page: gates
that agree with the Stable decision, lists that agree with the rows, and the gates a
team enforces (audit_gates)."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.decisions import audit
from connector_docs.decisions.policy import decide
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.model import GATE_NAMES, Catalog
from connector_docs.options import from_mapping

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import example_project
from .test_policy import NOW, conn, run

SUITE_RUNS = [(suite, status) for suite in ("engineering", "qa", "nightly")
              for status in ("passed", "failed", "skipped")]


def _report(lifecycle: str | None, runs: list[Any], enforced: tuple[str, ...] | None = None
            ) -> audit.Readiness:
    catalog = Catalog((conn(lifecycle),))  # type: ignore[arg-type]
    decisions, _ = decide(catalog, runs, NOW)
    return audit.audit(catalog, decisions, enforced=enforced).rows[0]


def _histories() -> list[list[Any]]:
    """Every history of up to three results (day 10, 18, 24) over the suites and
    statuses, plus none."""
    found: list[list[Any]] = [[]]
    for size in (1, 2, 3):
        for combo in itertools.product(SUITE_RUNS, repeat=size):
            found.append([run(day, suite, status) for day, (suite, status)
                          in zip((10, 18, 24), combo, strict=False)])
    return found


@pytest.mark.parametrize("lifecycle", ["stable", "beta", None])
def test_gates_and_lists_never_contradict_the_stable_decision(lifecycle: str | None) -> None:
    for runs in _histories():
        r = _report(lifecycle, runs)
        gates = {g.key: g for g in r.gates}
        evidence = all(gates[k].state == "passed" for k in audit.EVIDENCE_GATES)
        assert evidence == r.decision.evidence_ok, runs
        if r.decision.downgraded:
            # Every reason of the downgrade is a missing gate's reason, in its words.
            assert r.downgraded and r.status == "downgraded"
            said = "; ".join(g.reason for g in r.downgraded)
            assert all(reason in said for reason in r.decision.reasons), runs
            assert r.tier != "Gold"
        else:
            assert not r.downgraded
        if r.ready_to_promote:
            assert not r.missing and r.claimed != "stable" and r.tier == "Gold"
        if r.shown == "stable":
            assert evidence
        for gate in r.gates:
            assert gate.state in ("passed", "missing", "n/a") and "\n" not in gate.reason


def test_a_skipped_qa_run_reads_the_same_in_the_gate_and_the_downgrade() -> None:
    r = _report("stable", [run(20, "engineering", "passed"), run(22, "qa", "skipped")])
    qa = next(g for g in r.gates if g.key == "qa-smoke")
    assert qa.state == "missing"
    assert qa.reason == "only skipped QA smoke results (newest 2026-11-22)"
    assert qa in r.downgraded and r.decision.reasons == (qa.reason,)


def test_a_failure_after_a_pass_is_missing_fresh_evidence_not_gold() -> None:
    r = _report("stable", [run(18, "engineering", "passed"), run(20, "qa", "passed"),
                           run(24, "nightly", "failed")])
    assert r.shown == "beta" and r.tier != "Gold"
    assert [g.said for g in r.downgraded] == [
        "Fresh: newest smoke result failed (nightly, 2026-11-24)"]


def test_ready_to_promote_needs_every_enforced_gate() -> None:
    runs = [run(18, "engineering", "passed"), run(20, "qa", "passed")]
    r = _report("beta", runs)  # the test connector has no auth test, no limits
    assert r.decision.ready_to_promote and not r.ready_to_promote
    assert {g.key for g in r.missing} == {"auth-test"}
    relaxed = _report("beta", runs, ("engineering-smoke", "qa-smoke", "fresh-evidence"))
    assert relaxed.ready_to_promote and relaxed.status == "ready"
    assert all(not g.enforced for g in relaxed.missing)


def test_example_lists() -> None:
    mp = pytest.MonkeyPatch()
    try:
        report = example_project(mp).readiness()
    finally:
        mp.undo()
    assert [r.connector_id for r in report.failures] == []
    assert [r.connector_id for r in report.downgrades] == ["acme-crm", "chatterbox",
                                                           "stackwise"]
    assert [r.connector_id for r in report.ready] == ["tasklane"]
    chatterbox = next(r for r in report.rows if r.connector_id == "chatterbox")
    assert chatterbox.tier != "Gold"  # once "Gold, Missing: —" and downgraded


# ------------------------------------------------------------------ audit_gates option


def test_unknown_gate_is_a_located_error_with_a_did_you_mean() -> None:
    with pytest.raises(ConnectorDocsError) as exc:
        from_mapping({"audit_gates": ["scopes", "auth_test"]}, "mkdocs.yml", str(ROOT))
    text = str(exc.value)
    assert "mkdocs.yml" in text and "unknown gate 'auth_test'" in text
    assert "did you mean 'auth-test'?" in text
    with pytest.raises(ConnectorDocsError, match="list of gate names"):
        from_mapping({"audit_gates": "scopes"}, "mkdocs.yml", str(ROOT))
    assert from_mapping({"audit_gates": list(GATE_NAMES)}, "m", str(ROOT)).audit_gates \
        == GATE_NAMES


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The audit on a copy of the example catalog where Ledgerline (shown Stable) lacks
    its auth test."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    catalog = tmp_path / "connectors"
    shutil.copytree(ROOT / "catalog" / "connectors", catalog)
    path = catalog / "ledgerline.json"
    data = json.loads(path.read_text())
    del data["testConnection"]
    path.write_text(json.dumps(data))
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, config: str = ""):  # type: ignore[no-untyped-def]
        (tmp_path / "mkdocs.yml").write_text(
            "site_name: t\nplugins:\n  - connector-docs:\n      catalog: connectors\n"
            f"      smoke: {ROOT / 'catalog' / 'smoke'}\n{config}")
        return CliRunner().invoke(main, ["audit", *args], catch_exceptions=False)
    return invoke


def test_audit_fails_on_an_enforced_gate_only(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli()
    assert result.exit_code == 1
    assert "failing: ledgerline: shown Stable but missing Auth test: no testConnection" \
        in result.output
    assert "error: ledgerline is shown as Stable but misses: Auth test defined" in result.output
    relaxed = cli(config="      audit_gates: [scopes, qa-smoke, fresh-evidence]\n")
    assert relaxed.exit_code == 0, relaxed.output
    assert "Auth test* " in relaxed.output  # still shown, marked not enforced
    assert "Auth test = Auth test defined (not enforced)" in relaxed.output
    data = json.loads(cli("--format", "json",
                          config="      audit_gates: [scopes]\n").output)
    assert data["failing"] == []
    ledgerline = next(c for c in data["connectors"] if c["id"] == "ledgerline")
    assert ledgerline["gates"]["auth-test"] == {
        "state": "missing", "words": "missing", "reason": "no testConnection",
        "enforced": False}
    # The flag replaces the list in mkdocs.yml.
    flagged = cli("--audit-gates", "auth-test", config="      audit_gates: [scopes]\n")
    assert flagged.exit_code == 1
    wrong = cli("--audit-gates", "auth_test")
    assert wrong.exit_code == 1 and "did you mean 'auth-test'?" in wrong.output
