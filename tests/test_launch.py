"""Issue 22, launch tracking for release managers: evidence for the version that ships
(1), the triage report (2) and post-launch reviews (5), on the example catalog and on
small made-up histories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.decisions import badges, policy, reviews, triage
from connector_docs.model import Auth, Catalog, Connector, SmokeResult, SmokeRun, Source
from connector_docs.site import export, pages, render

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import example_project

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
TOKEN = "hnt_EXAMPLE_4d2c9a7e_fake"  # in the example QA transcript, a smoke-config value


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(ROOT)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    return invoke


def _conn(version: str | None = "1.1.0", lifecycle: str = "stable",
          stable_since: dt.date | None = None) -> Connector:
    return Connector(id="acme", name="Acme", description="", category="CRM",
                     auth=Auth(type="api_key"), source=Source("acme.json", "file"),
                     lifecycle=lifecycle, version=version,  # type: ignore[arg-type]
                     stable_since=stable_since)


def _run(day: int, suite: str, status: str, version: str | None = None,
         messages: tuple[str, ...] = (), app_id: str = "acme") -> SmokeRun:
    return SmokeRun(path=f"{day}-{suite}.json", suite=suite,
                    ran_at=dt.datetime(2026, 11, day, tzinfo=dt.timezone.utc),
                    results=(SmokeResult(app_id, status, messages=messages),),  # type: ignore[arg-type]
                    format="json",
                    connector_versions=((app_id, version),) if version else ())


def _decide(conn: Connector, *runs: SmokeRun) -> tuple[policy.Decision, list[str]]:
    decisions, diags = policy.decide(Catalog((conn,)), runs, NOW)
    return decisions[conn.id], [d.code for d in diags]


# ------------------------------------------------------------ 1. the version that ships


def test_a_pass_for_an_older_version_does_not_back_stable() -> None:
    decision, codes = _decide(_conn("1.1.0"), _run(20, "engineering", "passed", "1.0.0"),
                              _run(21, "qa", "passed", "1.0.0"))
    assert decision.shown == "beta" and codes == ["stable-downgraded"]
    assert decision.outdated == ("1.0.0", dt.date(2026, 11, 21))
    assert ("evidence is for an older version: verified on 2026-11-21 for version 1.0.0; "
            "the catalog ships 1.1.0") in decision.reasons
    assert decision.verified_version is None
    assert "version 1.1.0 is not verified yet" in badges.title(decision)  # type: ignore[operator]


def test_a_pass_for_the_current_version_backs_stable_and_is_named() -> None:
    decision, codes = _decide(_conn("1.1.0"), _run(20, "engineering", "passed", "1.0.0"),
                              _run(21, "qa", "passed", "1.1.0"))
    assert decision.shown == "stable" and codes == [] and decision.outdated is None
    assert decision.verified_version == "1.1.0"
    assert decision.version_verified_on == dt.date(2026, 11, 21)
    assert badges.verification(decision).endswith("; version 1.1.0 verified on 2026-11-21.")


def test_a_run_without_versions_counts_with_a_warning() -> None:
    decision, codes = _decide(_conn("1.1.0"), _run(20, "engineering", "passed", "1.0.0"),
                              _run(21, "qa", "passed"))
    assert decision.shown == "stable" and decision.unversioned
    assert codes == ["stable-unversioned"]
    # A fresh pass naming the current version: no warning, whatever else ran.
    decision, codes = _decide(_conn("1.1.0"), _run(20, "engineering", "passed", "1.1.0"),
                              _run(21, "qa", "passed"))
    assert decision.shown == "stable" and not decision.unversioned and codes == []


def test_no_catalog_version_keeps_the_old_rule() -> None:
    decision, codes = _decide(_conn(None), _run(21, "qa", "passed", "0.1.0"))
    assert decision.shown == "stable" and codes == [] and decision.outdated is None


def test_version_order() -> None:
    assert policy.older_or_newer("1.9.0", "1.10.0") == "an older"
    assert policy.older_or_newer("v2.0", "1.10.0") == "a newer"
    assert policy.older_or_newer("nightly-7", "1.0") == "another"


def test_example_stackwise_evidence_is_for_an_older_version(monkeypatch, run) -> None:  # type: ignore[no-untyped-def]
    project = example_project(monkeypatch)
    stackwise = project.decisions["stackwise"]
    assert stackwise.outdated == ("1.4.0", dt.date(2026, 11, 18))
    # Exactly one connector's evidence is outdated; the others keep their story.
    assert [cid for cid, d in project.decisions.items() if d.outdated] == ["stackwise"]
    assert project.decisions["ledgerline"].verified_version == "2.3.1"
    data = {c["id"]: c for c in export.catalog_data(project)["connectors"]}
    assert data["ledgerline"]["verifiedVersion"] == "2.3.1"
    assert data["ledgerline"]["versionVerifiedOn"] == "2026-11-18"
    assert data["stackwise"]["verifiedVersion"] is None
    result = run("audit")
    assert ("outdated: stackwise: evidence is for an older version: verified on 2026-11-18 "
            "for version 1.4.0; the catalog ships 1.5.0") in result.output
    doc = json.loads(run("audit", "--format", "json").output)
    assert doc["outdatedEvidence"] == [{"id": "stackwise", "verifiedVersion": "1.4.0",
                                        "verifiedOn": "2026-11-18", "catalogVersion": "1.5.0"}]


# ------------------------------------------------------------ 2. triage


def test_outcomes_read_action_and_connection_lines() -> None:
    found = triage.outcomes(["Connection test succeeded.", "Action a_b failed: 403 no",
                             "Unhandled error: boom", "Action c succeeded."])
    assert found == {"connection test": (True, "Connection test succeeded."),
                     "a_b": (False, "Action a_b failed: 403 no"),
                     "c": (True, "Action c succeeded.")}


def test_streak_first_seen_and_regression() -> None:
    ok = ("Action send succeeded.",)
    bad = ("Action send failed: 500 boom",)
    runs = [_run(10, "nightly", "passed", messages=ok), _run(11, "nightly", "failed",
            messages=bad), _run(12, "nightly", "skipped"), _run(13, "nightly", "failed",
            messages=bad), _run(14, "qa", "failed", messages=("Action other failed: x",))]
    report = triage.triage(Catalog((_conn(),)), runs, NOW.date())
    nightly = [f for f in report.failures if f.suite == "nightly"]
    assert [(f.action, f.streak, str(f.first_seen), str(f.last_seen), f.regression)
            for f in nightly] == [(None, 2, "2026-11-11", "2026-11-13", True),
                                  ("send", 2, "2026-11-11", "2026-11-13", True)]
    qa = [f for f in report.failures if f.suite == "qa"]
    assert [(f.action, f.regression) for f in qa] == [(None, True), ("other", False)]


def test_example_triage(monkeypatch: pytest.MonkeyPatch) -> None:
    report = example_project(monkeypatch).triage()
    rows = {(f.suite, f.connector_id, f.action): f for f in report.failures}
    post = rows[("nightly", "chatterbox", "post_message")]
    assert post.regression and post.streak == 1 and "missing_scope" in post.message
    assert not rows[("engineering", "sendwave", "send_campaign")].regression
    sendwave_qa = rows[("qa", "sendwave", None)]
    assert (sendwave_qa.streak, str(sendwave_qa.first_seen)) == (2, "2026-10-20")
    assert rows[("qa", "helpnest", "connection test")].regression
    assert TOKEN not in json.dumps(triage.to_json(report))
    assert "[REDACTED]" in " ".join(rows[("qa", "helpnest", None)].messages)


def test_triage_cli_text_json_and_errors(run) -> None:  # type: ignore[no-untyped-def]
    result = run("triage")
    assert result.exit_code == 0, result.output
    assert "nightly      chatterbox  post_message" in result.output
    assert "5 failing connector results, 5 failing actions, 4 regressions" in result.output
    doc = json.loads(run("triage", "--format", "json", "--connector", "helpnest").output)
    assert {f["id"] for f in doc["failures"]} == {"helpnest"}
    assert TOKEN not in json.dumps(doc)
    missing = run("triage", "--connector", "nope")
    assert missing.exit_code == 1
    assert "error: no connector 'nope' in the catalog" in missing.output
    assert "Traceback" not in missing.output


def test_triage_page_escapes_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch)
    hostile = _run(24, "nightly", "failed", messages=(
        "Action post_message failed: <script>alert(1)</script> [x](javascript:alert(1))",),
        app_id="chatterbox")
    project.runs.append(hostile)
    spec = next(s for s in pages.plan(project) if s.path == "triage/index.md")
    text = render.render(spec)
    assert "<script>" not in text and "](javascript:" not in text
    assert "post&#95;message" in text


# ------------------------------------------------------------ 5. post-launch reviews


def test_first_stable_needs_qa() -> None:
    decision, _ = _decide(_conn(None), _run(10, "engineering", "passed"),
                          _run(12, "qa", "failed"), _run(14, "nightly", "passed"),
                          _run(16, "qa", "passed"), _run(18, "nightly", "passed"))
    assert reviews.first_stable(decision.history) == dt.date(2026, 11, 16)


def test_review_states_and_the_catalog_date() -> None:
    conn = _conn(None, stable_since=dt.date(2026, 11, 1))
    decision, _ = _decide(conn, _run(16, "qa", "passed"))
    (review,) = reviews.reviews(Catalog((conn,)), {"acme": decision}, NOW.date())
    assert (review.source, str(review.due), review.state) == ("catalog", "2026-11-08",
                                                              "overdue")
    assert reviews.state_on(dt.date(2026, 11, 25), NOW.date()) == "due"
    assert reviews.state_on(dt.date(2026, 11, 26), NOW.date()) == "upcoming"
    beta = _conn(None, lifecycle="beta")
    assert reviews.reviews(Catalog((beta,)), {"acme": decision}, NOW.date()) == ()


def test_example_reviews(monkeypatch: pytest.MonkeyPatch, run) -> None:  # type: ignore[no-untyped-def]
    report = example_project(monkeypatch).readiness()
    states = {r.connector_id: (r.source, str(r.due), r.state) for r in report.reviews}
    assert states == {"acme-crm": ("evidence", "2026-10-27", "overdue"),
                      "chatterbox": ("evidence", "2026-10-27", "overdue"),
                      "ledgerline": ("catalog", "2026-11-25", "due"),
                      "parcelly": ("catalog", "2026-11-27", "upcoming")}
    text = run("audit").output
    assert ("review due: ledgerline: post-launch review due 2026-11-25 (Stable since "
            "2026-11-18, from the catalog)") in text
    assert "review overdue: acme-crm:" in text and "parcelly: post-launch" not in text
    doc = json.loads(run("audit", "--format", "json").output)
    assert [r["id"] for r in doc["reviewsDue"]] == ["acme-crm", "chatterbox", "ledgerline"]
    parcelly = next(c for c in doc["connectors"] if c["id"] == "parcelly")
    assert parcelly["review"]["state"] == "upcoming"


def test_stable_since_that_is_not_a_date_warns(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    src = json.loads((ROOT / "catalog/connectors/parcelly.json").read_text(encoding="utf-8"))
    src["release"] = {"stableSince": "last tuesday"}
    src.pop("$schema", None)
    (tmp_path / "parcelly.json").write_text(json.dumps(src, indent=2), encoding="utf-8")
    result = run("validate", "--catalog", str(tmp_path))
    assert result.exit_code == 0
    assert "stableSince is not a date (YYYY-MM-DD); ignored" in result.output
    assert "parcelly.json:" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------ the public site has none of it


def test_public_pages_carry_no_launch_tracking(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "public"
    result = run("generate", "--out", str(out), "--audience", "public")
    assert result.exit_code == 0, result.output
    assert not (out / "triage").exists() and not (out / "readiness").exists()
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for marker in ("Smoke test triage", "Post-launch", "post-launch", "regression",
                           "review due", "stableSince", TOKEN):
                assert marker not in text, (path, marker)



def test_triage_without_runs_says_there_are_none_rather_than_nothing_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch, smoke=None)
    assert project.runs == []
    assert triage.format_text(project.triage()) == "triage as of 2026-11-25: no smoke runs"
    spec = next(s for s in pages.plan(project) if s.path == "triage/index.md")
    text = render.render(spec)
    assert "No smoke results yet" in text and "Nothing fails" not in text
    project = example_project(monkeypatch)  # runs, and the example's failures
    assert "No smoke results yet" not in render.render(
        next(s for s in pages.plan(project) if s.path == "triage/index.md"))
