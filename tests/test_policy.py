"""The Stable decision, as a table: claim x evidence -> shown level and reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from connector_docs.decisions.policy import build_date, decide
from connector_docs.model import Auth, Catalog, Connector, SmokeResult, SmokeRun, Source

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)


def conn(lifecycle: str = "stable", cid: str = "acme") -> Connector:
    return Connector(id=cid, name=cid.title(), description="", category="CRM",
                     auth=Auth(type="api_key"), source=Source(f"{cid}.json", "file"),
                     lifecycle=lifecycle)  # type: ignore[arg-type]


def run(day: int, suite: str, status: str, app: str = "acme", month: int = 11) -> SmokeRun:
    return SmokeRun(path=f"2026-{month:02d}-{day:02d}-{suite}.json", suite=suite,
                    ran_at=dt.datetime(2026, month, day, 3, tzinfo=dt.timezone.utc),
                    results=(SmokeResult(app, status),), format="json")  # type: ignore[arg-type]


CASES = [
    # (claim, runs, shown, reason fragment or None, ready to promote)
    ("stable", [run(18, "engineering", "passed"), run(20, "qa", "passed")], "stable", None,
     False),
    ("stable", [run(1, "engineering", "passed", month=10), run(2, "qa", "passed", month=10)],
     "beta", "days old", False),
    ("stable", [run(18, "engineering", "passed"), run(20, "qa", "passed"),
                run(24, "nightly", "failed")], "beta", "newest smoke result failed", False),
    ("stable", [run(18, "engineering", "passed")], "beta", "no QA smoke result", False),
    ("stable", [run(18, "engineering", "skipped"), run(20, "qa", "skipped")], "beta",
     "only skipped", False),
    ("stable", [], "beta", "no smoke results", False),
    ("stable", [run(18, "qa", "failed"), run(20, "engineering", "passed")], "beta",
     "newest QA smoke result failed", False),
    # a failure followed by a newer pass recovers
    ("stable", [run(18, "nightly", "failed"), run(20, "qa", "passed")], "stable", None, False),
    # skipped results neither help nor hurt
    ("stable", [run(18, "engineering", "passed"), run(20, "qa", "passed"),
                run(24, "nightly", "skipped")], "stable", None, False),
    ("beta", [run(18, "engineering", "passed"), run(20, "qa", "passed")], "beta", None, True),
    ("beta", [run(18, "engineering", "passed")], "beta", None, False),
    ("deprecated", [run(18, "engineering", "passed"), run(20, "qa", "passed")], "deprecated",
     None, False),
    ("preview", [run(18, "engineering", "passed"), run(20, "qa", "passed")], "preview", None,
     True),
]


@pytest.mark.parametrize(("claim", "runs", "shown", "reason", "ready"), CASES)
def test_decision_table(claim: str, runs: list[SmokeRun], shown: str, reason: str | None,
                        ready: bool) -> None:
    decisions, diags = decide(Catalog((conn(claim),)), runs, NOW, 14)
    d = decisions["acme"]
    assert d.shown == shown
    assert d.ready_to_promote is ready
    if reason:
        assert any(reason in r for r in d.reasons), d.reasons
        assert [x.code for x in diags] == ["stable-downgraded"]
        assert reason in diags[0].message
    else:
        assert d.reasons == ()
        assert diags == []


def test_freshness_window_is_configurable() -> None:
    runs = [run(1, "engineering", "passed"), run(2, "qa", "passed")]
    assert decide(Catalog((conn(),)), runs, NOW, 30)[0]["acme"].shown == "stable"
    assert decide(Catalog((conn(),)), runs, NOW, 14)[0]["acme"].shown == "beta"


def test_evidence_for_unknown_connector_is_ignored_by_policy() -> None:
    runs = [run(18, "qa", "passed", app="ghost")]
    decisions, _ = decide(Catalog((conn(),)), runs, NOW, 14)
    assert set(decisions) == {"acme"}
    assert decisions["acme"].history == ()


def test_evidence_records_last_verified_and_versions() -> None:
    r = SmokeRun(path="x.json", suite="qa", ran_at=NOW - dt.timedelta(days=2),
                 results=(SmokeResult("acme", "passed"),), format="json",
                 connector_versions=(("acme", "1.4.0"),))
    d = decide(Catalog((conn(),)), [run(18, "engineering", "passed"), r], NOW, 14)[0]["acme"]
    assert d.last_verified == dt.date(2026, 11, 23)
    assert d.newest("qa") is not None and d.newest("qa").version == "1.4.0"  # type: ignore[union-attr]
    assert d.newest("engineering").date == dt.date(2026, 11, 18)  # type: ignore[union-attr]


def test_build_date_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795608000")
    assert build_date() == NOW
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date().year >= 2026
