"""The end of every run: findings by kind, what blocks a release, a log of a few
warnings per rule, and what fails a run (errors always; fail_on; strict)."""

from __future__ import annotations

import pytest
from connector_docs import summary
from connector_docs.diagnostics import error, warning
from connector_docs.options import Options

DOWNGRADE = warning("a.json", "'a' claims availability 'stable' but is shown as Beta",
                    line=3, column=1, code="stable-downgraded")
LINK = warning("(generated) scopes/index.md", "link to missing page 'x.md'",
               code="broken-link")
PARAMS = [warning("b.json", f"parameter without a description: p{i}", line=i,
                  code="doc-parameter") for i in range(1, 8)]
UNKNOWN = warning("c.json", "unknown key 'colour'", line=2, code="unknown-key")
ERROR = error("d.json", "not JSON", line=1, column=1, code="json-syntax")
ALL = [DOWNGRADE, LINK, *PARAMS, UNKNOWN, ERROR]


@pytest.mark.parametrize(("diag", "kind"), [
    (DOWNGRADE, "evidence"), (LINK, "links"), (PARAMS[0], "docs"), (UNKNOWN, "input"),
    (ERROR, "errors"), (warning("s", "short", code="secret-too-short"), "secrets"),
    (warning("o.md", "again", code="overlay-repeated-section"), "docs"),
])
def test_each_finding_has_a_kind(diag: object, kind: str) -> None:
    assert summary.kind(diag) == kind  # type: ignore[arg-type]


def test_what_fails_a_run() -> None:
    assert summary.failing(ALL, ()) == [ERROR]  # errors, always
    assert summary.failing(ALL, ("evidence",)) == [DOWNGRADE, ERROR]
    assert summary.failing(ALL, ("doc-parameter",)) == sorted([*PARAMS, ERROR])
    assert len(summary.failing(ALL, (), strict=True)) == len(ALL)


def test_unset_fail_on_means_release_blockers_only_when_publishing() -> None:
    assert Options().failing() == ()
    assert Options().failing(publishing=True) == ("evidence", "secrets", "links")
    assert Options(fail_on=("none",)).failing(publishing=True) == ()
    assert Options(fail_on=("docs",)).failing(publishing=True) == ("docs",)


def test_the_log_keeps_a_few_per_rule_and_every_blocker() -> None:
    shown, left = summary.for_log(ALL, per_rule=2)
    assert ERROR in shown and DOWNGRADE in shown and LINK in shown and UNKNOWN in shown
    assert [d for d in shown if d.code == "doc-parameter"] == PARAMS[:2]
    assert left == 5
    assert summary.for_log(ALL, per_rule=0) == (sorted(ALL, key=summary.sort_key), 0)


def test_the_summary_counts_right_and_lists_blockers_first() -> None:
    lines = summary.lines(ALL, fail_on=None, strict=False, left_out=5, connectors=12)
    text = "\n".join(lines)
    assert lines[0] == "connector-docs summary (12 connectors):"
    assert lines[1] == "  blocking a release: 3"
    assert text.index("a.json:3:1: 'a' claims") < text.index("  errors: 1")
    assert "  documentation lint: 7 (doc-parameter 7)" in lines
    assert "  catalog and smoke warnings: 1 (unknown-key 1)" in lines
    assert "  Stable claims without evidence: 1" in lines  # not failing: nothing set
    assert "5 warnings not printed above" in text
    failing = summary.lines(ALL, fail_on=("evidence",), strict=False)
    assert "  Stable claims without evidence: 1: fails this run" in failing


def test_fail_on_values_are_checked() -> None:
    assert summary.check_fail_on(["evidence", "doc-parameter", "none"]) == []
    assert len(summary.check_fail_on(["Broken Links", 3])) == 2
