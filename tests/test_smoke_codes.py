"""Issue 19 (5): an error code that only a smoke message names ("rejected (invalid_token)")
is shown, and so found by the site search, on the troubleshooting entry it belongs to:
read from redacted messages only, in one strict shape, never the message itself, on
public sites too."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from connector_docs.decisions import troubleshoot
from connector_docs.decisions.policy import Evidence
from connector_docs.model import Auth, Connector, ErrorCode, Operation, Source
from connector_docs.site import pages, render

from .conftest import EXAMPLE_SMOKE
from .helpers import example_project

WHEN = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)


def run(status: str, *messages: str) -> Evidence:
    return Evidence("qa", status, WHEN, "qa.log", messages=messages)


def conn(*codes: ErrorCode) -> Connector:
    return Connector(id="x", name="Xample", description="", category="CRM",
                     auth=Auth(type="api_key"), source=Source("x.json", "file"),
                     error_codes=codes,
                     actions=(Operation("action", "add_subscriber", "Add Subscriber"),))


def test_codes_are_read_after_a_status_or_alone_in_parentheses() -> None:
    found = troubleshoot.codes_from_smoke([
        run("failed", "Action post_message failed: 403 Forbidden: missing_scope (needed: "
                      "messages:write.public; granted: messages:write)"),
        run("failed", "Connection test failed: 401 Unauthorized",
            "Unhandled error: request with token [REDACTED] rejected (invalid_token)"),
        run("failed", "Connection test failed: 401 Unauthorized",
            "request rejected (invalid_token)"),
    ])
    assert found == {"missing_scope": (403, 1), "invalid_token": (401, 2)}


def test_only_code_shaped_words_of_failed_results_are_read() -> None:
    found = troubleshoot.codes_from_smoke([
        run("passed", "Retried after (rate_limited)."),
        run("failed", "Action failed (add_subscriber)", "token (sk_live_4eC39HqLyjW)",
            "(sk_test_abc123)", "(Mixed_Case)", "(plain)", "(a_" + "b" * 40 + ")",
            "key leaked (abcdefgh_ijklmnop_qrstuvwx_yzabcdef_ghijkl)",
            "503 Service Unavailable: upstream_down"),
    ], exclude={"add_subscriber"})
    # No status in a result with one status of its own: none to pair it with.
    assert found == {"upstream_down": (503, 1)}


def test_a_code_of_a_result_with_several_statuses_keeps_none() -> None:
    found = troubleshoot.codes_from_smoke([
        run("failed", "401 Unauthorized", "429 Too Many Requests", "gave up (quota_gone)")])
    assert found == {"quota_gone": (None, 1)}


def test_entries_carry_the_codes_they_were_seen_as() -> None:
    declared = ErrorCode(code="missing_scope", summary="Scope missing", http_status=403)
    history = [
        run("failed", "Connection test failed: 401 Unauthorized",
            "rejected (invalid_token)"),
        run("failed", "403 Forbidden: missing_scope"),
        run("failed", "401 Unauthorized", "429 Too Many Requests", "gave up (quota_gone)"),
        run("failed", "gave up (quota_gone)"),
    ]
    entries = troubleshoot.expected(conn(declared), history)
    by_code = {e.error.code: e for e in entries}
    assert by_code["401"].smoke_codes == ("invalid_token",)
    assert by_code["401"].seen_in_smoke == 2
    # A declared code is its own entry; the status is not repeated as "seen as".
    assert by_code["missing_scope"].smoke_codes == () and "403" not in by_code
    assert by_code["missing_scope"].seen_in_smoke == 1
    # Seen with no single status: an entry of its own, ranked by how often it was seen.
    quota = by_code["quota_gone"]
    assert quota.error.source == "smoke" and quota.seen_in_smoke == 2
    assert quota.anchor == "error-quota-gone"
    assert {e.error.code for e in entries[:2]} == {"401", "quota_gone"}


def test_the_guide_names_the_code_and_never_the_message(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    project = example_project(monkeypatch)  # internal: smoke messages are shown
    specs = {s.path: s for s in pages.plan(project)}
    text = render.render(specs["connectors/helpnest.md"])
    assert "seen in 1 smoke run as <code>invalid&#95;token</code>" in text
    assert "hnt_EXAMPLE" not in text and "hnt&#95;EXAMPLE" not in text
    assert "Unhandled error" in text  # the redacted message, in the smoke results table
    index = render.render(specs["troubleshooting/index.md"])
    assert "(seen as <code>invalid&#95;token</code>)" in index


def test_a_public_guide_names_the_code_but_shows_no_message(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    smoke = tmp_path / "smoke"
    shutil.copytree(EXAMPLE_SMOKE, smoke)
    (smoke / "2026-11-23-qa.log").write_text(
        "=== Connector Smoke Results ===\n"
        "❌ tasklane (12ms)\n"
        "   • Action create_task failed: 409 Conflict: duplicate_task\n"
        "   • Retried with token llat_EXAMPLE_3b9e61f0c2_fake (stale_token_reused)\n"
        "=== Summary ===\nPassed: 0\nFailed: 1\nSkipped: 0\n", encoding="utf-8")
    project = example_project(monkeypatch, audience="public", smoke=str(smoke))
    specs = {s.path: s for s in pages.plan(project)}
    text = render.render(specs["connectors/tasklane.md"])
    assert "seen in 1 smoke run as <code>duplicate&#95;task</code>" in text
    # No status in its message, and the result has one: 409 it is.
    assert "<code>duplicate&#95;task</code>, <code>stale&#95;token&#95;reused</code>" in text
    assert "llat" not in text and "Retried with" not in text and "Smoke results" not in text


@pytest.mark.parametrize("piece", ["403 Forbidden Forbidden", "(a_b_c_d_e_f", "403 A: a_",
                                   "(" + "ab_" * 5, "429 " + "Aa " * 20 + ": "])
def test_hostile_messages_are_read_in_linear_time(piece: str) -> None:
    """Smoke messages are untrusted and unbounded: 4x the text takes well under 10x the
    time (the best of three: the machine is shared)."""
    import time

    def cost(n: int) -> float:
        history = [run("failed", piece * n)]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            troubleshoot.codes_from_smoke(history)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(2_000), cost(8_000)
    assert large < 10 * small + 0.1 and large < 2.0
