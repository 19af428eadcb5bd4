"""Smoke evidence: the runner's JSON, console transcript and JUnit XML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from connector_docs import smoke
from connector_docs.diagnostics import Diagnostic
from connector_docs.model import SmokeRun
from connector_docs.smoke import discover, load_runs, parse_run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).parent / "fixtures" / "smoke"
RUNS = FIXTURES / "runs"
BROKEN = FIXTURES / "broken"
UTC = dt.timezone.utc

CONSOLE = """\
[connector-smoke] Using config: /srv/configs/connector-smoke.config.json

=== Connector Smoke Results ===
✅ slack (532ms)
   • Connection test succeeded.
   • Action send_message succeeded.
❌ stripe (1204ms)
   • Connection test failed: 401 Unauthorized
⏭️ github (0ms)
   • No credentials provided in smoke config.

=== Summary ===
Passed: 1
Failed: 1
Skipped: 1
"""


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.is_error]


def warnings(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if not d.is_error]


def parse_ok(name: str, data: bytes | str, **kw: object) -> tuple[SmokeRun, list[Diagnostic]]:
    raw = data.encode() if isinstance(data, str) else data
    run, diags = parse_run(name, raw, **kw)  # type: ignore[arg-type]
    assert run is not None, [d.format() for d in diags]
    return run, diags


def envelope(results: object, **extra: object) -> str:
    doc = {"suite": "qa", "ranAt": "2026-11-20T03:00:00Z", **extra, "results": results}
    return json.dumps(doc, indent=2)


# ------------------------------------------------------------------- realistic runs


def test_console_transcript() -> None:
    run, diags = parse_ok("smoke/2026-11-20-qa.log", CONSOLE)
    assert diags == []
    assert run.format == "console"
    assert run.suite == "qa"
    assert run.ran_at == dt.datetime(2026, 11, 20, tzinfo=UTC)
    assert [(r.app_id, r.status, r.duration_ms, r.line) for r in run.results] == [
        ("slack", "passed", 532.0, 4),
        ("stripe", "failed", 1204.0, 7),
        ("github", "skipped", 0.0, 9),
    ]
    assert run.results[0].messages == (
        "Connection test succeeded.",
        "Action send_message succeeded.",
    )


def test_console_skip_icon_without_variation_selector() -> None:
    text = CONSOLE.replace("⏭️", "⏭")
    run, diags = parse_ok("2026-11-20-qa.log", text)
    assert diags == []
    assert run.results[2].status == "skipped"


def test_console_fixture_with_crlf_line_endings() -> None:
    data = (RUNS / "2026-11-20-qa.log").read_bytes().replace(b"\n", b"\r\n")
    run, diags = parse_ok("2026-11-20-qa.log", data)
    assert diags == []
    assert len(run.results) == 3


def test_json_envelope_fixture() -> None:
    path = RUNS / "2026-11-20T0300Z-nightly.json"
    run, diags = parse_ok(str(path), path.read_bytes())
    assert diags == []
    assert (run.format, run.suite) == ("json", "nightly")
    assert run.ran_at == dt.datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert run.version_of("slack") == "1.2.0"
    assert [r.line for r in run.results] == [6, 7, 8]
    assert run.results[0].duration_ms == 532.4
    assert run.results[1].messages == ("Connection test failed: 401 Unauthorized",)


def test_json_bare_array_takes_date_and_suite_from_name() -> None:
    items = [{"appId": "slack", "status": "passed", "durationMs": 5, "messages": []}]
    run, diags = parse_ok("engineering-2026-11-20.json", json.dumps(items))
    assert diags == []
    assert (run.suite, run.ran_at.date()) == ("engineering", dt.date(2026, 11, 20))


def test_junit_fixture() -> None:
    path = RUNS / "engineering-2026-11-19.xml"
    run, diags = parse_ok(str(path), path.read_bytes())
    assert diags == []
    assert (run.format, run.suite) == ("junit", "engineering")
    assert run.ran_at == dt.datetime(2026, 11, 19, 22, 15, tzinfo=UTC)  # naive -> UTC
    by_id = {r.app_id: r for r in run.results}
    assert by_id["slack"].status == "passed"
    assert by_id["slack"].duration_ms == pytest.approx(532.0)
    assert by_id["slack"].messages == (
        "Connection test succeeded.",
        "Action send_message succeeded.",
    )
    assert by_id["stripe"].status == "failed"
    assert by_id["stripe"].messages[0] == "Connection test failed: 401 Unauthorized"
    assert by_id["hubspot"].status == "failed"  # <error>
    assert by_id["github"].status == "skipped"
    assert by_id["github"].messages == ("No credentials provided in smoke config.",)
    assert by_id["stripe"].line == 11


def test_junit_suite_property_and_timezone() -> None:
    xml = """<testsuites>
  <testsuite name="connector-smoke" timestamp="2026-11-20T05:00:00+02:00">
    <properties><property name="suite" value="nightly"/></properties>
    <testcase name="slack" time="1.5"/>
  </testsuite>
</testsuites>"""
    run, diags = parse_ok("results.xml", xml)
    assert diags == []
    assert run.suite == "nightly"
    assert run.ran_at == dt.datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert run.results[0].duration_ms == 1500.0


def test_discover_and_load_runs_sorted(tmp_path: Path) -> None:
    found, diags = discover(RUNS)
    assert diags == []
    assert [p.name for p in found] == [
        "2026-11-20-qa.log",
        "2026-11-20T0300Z-nightly.json",
        "engineering-2026-11-19.xml",
    ]
    runs, diags = load_runs(found, known_ids={"slack", "stripe", "github", "hubspot"})
    assert diags == []
    assert [r.suite for r in runs] == ["engineering", "qa", "nightly"]  # by ran_at


def test_discover_skips_hidden_and_readme(tmp_path: Path) -> None:
    (tmp_path / ".hidden.json").write_text("[]")
    (tmp_path / "README.txt").write_text("notes")
    (tmp_path / "notes.md").write_text("notes")
    (tmp_path / "qa").mkdir()
    (tmp_path / "qa" / "2026-11-20.log").write_text(CONSOLE)
    found, diags = discover(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["qa/2026-11-20.log"]
    runs, diags = load_runs(found)
    assert diags == [] and runs[0].suite == "qa"  # suite from the parent folder


def test_discover_missing_and_empty(tmp_path: Path) -> None:
    found, diags = discover(tmp_path / "nope")
    assert found == [] and diags[0].is_error and "not found" in diags[0].message
    found, diags = discover(tmp_path)
    assert found == [] and not diags[0].is_error


def test_load_runs_reports_unreadable_and_oversized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "2026-11-20-qa.log"
    big.write_text(CONSOLE)
    monkeypatch.setattr(smoke, "MAX_SMOKE_BYTES", 100)
    runs, diags = load_runs([big, tmp_path / "missing-2026-11-20-qa.log"])
    assert runs == []
    assert len(errors(diags)) == 2
    assert "larger than" in diags[0].message


# ------------------------------------------------------------------------- console


def test_console_broken_fixture_reports_every_line() -> None:
    path = BROKEN / "2026-11-21-qa.log"
    run, diags = parse_ok(str(path), path.read_bytes())
    assert [r.app_id for r in run.results] == ["slack", "github"]  # the good ones
    located = [(d.line, d.column, d.code) for d in errors(diags)]
    assert located == [
        (6, 1, "smoke-console-syntax"),  # '❌ stripe 1204ms': no parentheses
        (8, 1, "smoke-console-syntax"),  # a stray line
        (14, 9, "smoke-summary-mismatch"),  # Failed: 2, but one ❌ line
    ]
    assert any(d.line == 14 and "Failed: 2" in d.message for d in diags)


def test_console_summary_disagreement_is_an_error_at_the_summary_line() -> None:
    text = CONSOLE.replace("Passed: 1", "Passed: 2")
    run, diags = parse_ok("2026-11-20-qa.log", text)
    (diag,) = errors(diags)
    assert (diag.line, diag.column) == (13, 9)
    assert "Passed: 2" in diag.message and "1 passed" in diag.message
    assert len(run.results) == 3


def test_console_message_before_any_result() -> None:
    text = CONSOLE.replace("✅ slack (532ms)\n", "")
    _run, diags = parse_ok("2026-11-20-qa.log", text)
    assert any(d.line == 4 and "before any result" in d.message for d in errors(diags))


def test_console_bad_duration_is_located() -> None:
    text = CONSOLE.replace("(532ms)", "(fast)")
    run, diags = parse_ok("2026-11-20-qa.log", text)
    (diag,) = errors(diags)
    assert (diag.line, diag.column) == (4, 10)
    assert [r.app_id for r in run.results] == ["stripe", "github"]


def test_console_without_heading_is_rejected() -> None:
    run, diags = parse_run("2026-11-20-qa.log", b"npm ERR! missing script: smoke\n")
    assert run is None
    assert "Connector Smoke Results" in errors(diags)[0].message


def test_console_missing_summary_warns() -> None:
    text = CONSOLE.split("=== Summary ===")[0]
    _run, diags = parse_ok("2026-11-20-qa.log", text)
    assert [d.code for d in diags] == ["smoke-no-summary"]
    assert not diags[0].is_error


def test_console_runner_that_evaluated_nothing_gives_an_empty_run() -> None:
    text = (
        "[connector-smoke] Using config: /srv/x.json\n"
        "No connectors were evaluated. Provide credentials via the smoke config file.\n"
    )
    run, diags = parse_ok("2026-11-20-qa.log", text)
    assert run.results == ()
    assert [(d.code, d.is_error) for d in diags] == [("smoke-empty", False)]


def test_console_unknown_section_and_partial_summary_warn() -> None:
    text = CONSOLE.replace("=== Summary ===", "=== Timings ===\nslow: stripe\n\n=== Summary ===")
    text = text.replace("Skipped: 1\n", "")
    run, diags = parse_ok("2026-11-20-qa.log", text)
    assert [(d.line, d.code, d.is_error) for d in diags] == [
        (12, "smoke-console-section", False),
        (16, "smoke-no-summary", False),
    ]
    assert "Skipped" in diags[1].message
    assert len(run.results) == 3


# ---------------------------------------------------------------------------- JSON


def test_json_unknown_status_keeps_the_good_results() -> None:
    items = [
        {"appId": "slack", "status": "passed", "durationMs": 1, "messages": []},
        {"appId": "stripe", "status": "passd", "durationMs": 1, "messages": []},
    ]
    run, diags = parse_ok("x.json", envelope(items))
    (diag,) = errors(diags)
    assert diag.pointer == "/results/1/status"
    assert diag.hint == "did you mean 'passed'?"
    assert (diag.line, diag.column) == (13, 17)
    assert [r.app_id for r in run.results] == ["slack"]


@pytest.mark.parametrize(
    ("item", "pointer", "words"),
    [
        ({"status": "passed"}, "/results/0", "'appId' is missing"),
        ({"appId": "", "status": "passed"}, "/results/0", "appId"),
        ({"appId": "a", "status": "passed", "durationMs": -3}, "/results/0/durationMs", "non-neg"),
        ({"appId": "a", "status": "passed", "durationMs": "5"}, "/results/0/durationMs", "number"),
        ({"appId": "a", "status": "passed", "durationMs": True}, "/results/0/durationMs", "number"),
        ({"appId": "a", "status": "passed", "messages": "ok"}, "/results/0/messages", "array"),
        ({"appId": "a", "status": "passed", "messages": ["ok", 3]}, "/results/0/messages/1", "str"),
        ({"appId": "a"}, "/results/0", "'status' is missing"),
        ("slack", "/results/0", "object"),
    ],
)
def test_json_result_errors_have_pointers(item: object, pointer: str, words: str) -> None:
    run, diags = parse_ok("x.json", envelope([item]))
    (diag,) = errors(diags)
    assert diag.pointer == pointer
    assert words in diag.message
    assert diag.line > 0
    assert run.results == ()


def test_json_unknown_key_warns_with_did_you_mean() -> None:
    items = [{"appId": "a", "status": "passed", "durationMS": 3}]
    _run, diags = parse_ok("x.json", envelope(items))
    (diag,) = diags
    assert not diag.is_error
    assert diag.pointer == "/results/0/durationMS"
    assert diag.hint == "did you mean 'durationMs'?"


def test_json_duplicate_keys_are_rejected_with_location() -> None:
    text = (
        '{\n  "suite": "qa",\n  "ranAt": "2026-11-20",\n  "suite": "nightly",\n  "results": []\n}'
    )
    run, diags = parse_run("x.json", text.encode())
    assert run is None
    (diag,) = diags
    assert (diag.line, diag.column, diag.pointer) == (4, 3, "/suite")
    assert "duplicate key 'suite'" in diag.message


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_numbers_are_rejected(token: str) -> None:
    text = '[\n {"appId": "a", "status": "passed", "durationMs": ' + token + "}\n]"
    run, diags = parse_run("2026-11-20-qa.json", text.encode())
    assert run is None
    (diag,) = diags
    assert (diag.line, diag.pointer) == (2, "/0/durationMs")
    assert token in diag.message


def test_json_huge_number_is_not_finite() -> None:
    text = envelope([{"appId": "a", "status": "passed", "durationMs": 1}]).replace(
        ": 1\n", ": 1e999\n"
    )
    _run, diags = parse_ok("x.json", text)
    assert errors(diags)[0].pointer == "/results/0/durationMs"


def test_json_syntax_error_is_located() -> None:
    run, diags = parse_run("x.json", b'{\n  "suite": "qa",\n  "results": [,]\n}')
    assert run is None
    assert (diags[0].line, diags[0].column) == (3, 15)


def test_json_bom_is_tolerated() -> None:
    run, diags = parse_ok("x.json", b"\xef\xbb\xbf" + envelope([]).encode())
    assert diags == [] and run.results == ()


def test_json_not_utf8_is_an_error() -> None:
    data = envelope([{"appId": "cafe", "status": "passed"}]).replace("cafe", "caf\u00e9")
    data = data.encode("latin-1")
    run, diags = parse_run("x.json", data)
    assert run is None
    assert "UTF-8" in diags[0].message
    assert (diags[0].line, diags[0].column) == (6, 20)


def test_json_utf16_gets_a_useful_hint() -> None:
    run, diags = parse_run("x.json", envelope([]).encode("utf-16"))
    assert run is None and "UTF-16" in diags[0].message


def test_json_results_missing_is_fatal() -> None:
    run, diags = parse_run("x.json", b'{"suite": "qa", "ranAt": "2026-11-20"}')
    assert run is None and "'results' is missing" in diags[0].message


def test_json_bad_ran_at() -> None:
    run, diags = parse_run("x.json", envelope([], ranAt="last tuesday").encode())
    assert run is None
    assert [d.pointer for d in errors(diags)] == ["/ranAt"]


# ---------------------------------------------------------------------------- JUnit


def test_xml_billion_laughs_is_a_clean_error() -> None:
    path = BROKEN / "billion-laughs-2026-11-20-qa.xml"
    run, diags = parse_run(str(path), path.read_bytes())
    assert run is None
    (diag,) = diags
    assert diag.code == "smoke-xml-unsafe" and diag.line == 3
    assert "entity 'lol'" in diag.message


def test_xml_external_entity_is_a_clean_error() -> None:
    path = BROKEN / "external-entity-2026-11-20-qa.xml"
    run, diags = parse_run(str(path), path.read_bytes())
    assert run is None
    (diag,) = diags
    assert diag.code == "smoke-xml-unsafe"
    assert "file:///etc/passwd" in diag.message


def test_xml_syntax_error_is_located() -> None:
    run, diags = parse_run("2026-11-20-qa.xml", b"<testsuite>\n<testcase name='a'>\n</testsuite>")
    assert run is None
    assert (diags[0].line, diags[0].code) == (3, "smoke-xml")


def test_xml_wrong_root_and_bad_cases() -> None:
    run, diags = parse_run("2026-11-20-qa.xml", b"<html/>")
    assert run is None and "<testsuites>" in diags[0].message
    xml = b"""<testsuite name="qa" timestamp="2026-11-20T03:00:00Z">
<testcase time="1"/>
<testcase name="slack" time="-1"/>
<testcase name="stripe" time="soon"/>
<testcase name="github" time="0.25"/>
</testsuite>"""
    run, diags = parse_ok("x.xml", xml)
    assert [(d.line, d.code) for d in diags] == [
        (2, "smoke-no-app-id"),
        (3, "smoke-bad-duration"),
        (4, "smoke-bad-duration"),
    ]
    assert [(r.app_id, r.duration_ms) for r in run.results] == [("github", 250.0)]


# ------------------------------------------------------------- date, suite, checks


@pytest.mark.parametrize(
    ("name", "when", "suite"),
    [
        ("2026-11-20-qa.log", dt.datetime(2026, 11, 20, tzinfo=UTC), "qa"),
        ("2026-11-20T0300Z-nightly.json", dt.datetime(2026, 11, 20, 3, tzinfo=UTC), "nightly"),
        ("engineering-2026-11-20.xml", dt.datetime(2026, 11, 20, tzinfo=UTC), "engineering"),
        ("smoke/QA_2026-11-20T03:15:30.log",
         dt.datetime(2026, 11, 20, 3, 15, 30, tzinfo=UTC), "qa"),
        ("run-2026-11-20T0500+0200-qa.log", dt.datetime(2026, 11, 20, 3, tzinfo=UTC), "qa"),
        ("https://ci.example.com/artifacts/nightly/2026-11-20.json?raw=1",
         dt.datetime(2026, 11, 20, tzinfo=UTC), "nightly"),
    ],
)  # fmt: skip
def test_date_and_suite_from_name(name: str, when: dt.datetime, suite: str) -> None:
    assert smoke.date_from_name(name) == when
    assert smoke.suites_from_name(name) == [suite]


@pytest.mark.parametrize("name", ["qa.log", "2026-13-45-qa.log", "20261120-qa.log", "v2026-11-201"])
def test_no_date_in_name(name: str) -> None:
    assert smoke.date_from_name(name) is None


def test_words_not_substrings_name_the_suite() -> None:
    assert smoke.suites_from_name("aqua-2026-11-20.log") == []
    assert smoke.suites_from_name("nightly-qa-2026-11-20.log") == ["qa", "nightly"]


def test_missing_date_is_an_error_with_a_renaming_hint() -> None:
    run, diags = parse_run("smoke/qa-results.log", CONSOLE.encode())
    assert run is None
    (diag,) = diags
    assert diag.message == "cannot tell when this run happened"
    assert diag.hint is not None and "2026-11-20-qa-results.log" in diag.hint


def test_missing_suite_is_an_error_with_a_hint() -> None:
    run, diags = parse_run("smoke/2026-11-20.log", CONSOLE.encode())
    assert run is None
    (diag,) = diags
    assert diag.code == "smoke-no-suite"
    assert diag.hint is not None and "2026-11-20-qa.log" in diag.hint


def test_several_suites_in_name_is_an_error() -> None:
    run, diags = parse_run("2026-11-20-qa-nightly.log", CONSOLE.encode())
    assert run is None and "several suites" in diags[0].message


def test_envelope_suite_disagreeing_with_name_warns_and_wins() -> None:
    run, diags = parse_ok("2026-11-20-nightly.json", envelope([]))
    assert run.suite == "qa"
    assert [(d.code, d.is_error) for d in diags] == [("smoke-suite-mismatch", False)]


def test_envelope_date_far_from_name_warns_and_wins() -> None:
    run, diags = parse_ok("2026-10-01-qa.json", envelope([]))
    assert run.ran_at.date() == dt.date(2026, 11, 20)
    assert [d.code for d in diags] == ["smoke-date-mismatch"]


def test_unknown_connector_warns_with_did_you_mean() -> None:
    run, diags = parse_ok("2026-11-20-qa.log", CONSOLE, known_ids={"slack", "stripe", "github-app"})
    (diag,) = diags
    assert not diag.is_error
    assert diag.message == "smoke result for unknown connector 'github'"
    assert diag.hint == "did you mean 'github-app'?"
    assert diag.line == 9
    assert len(run.results) == 3  # still kept


def test_duplicate_app_id_warns_and_the_later_result_wins() -> None:
    items = [
        {"appId": "slack", "status": "failed", "durationMs": 1, "messages": ["boom"]},
        {"appId": "stripe", "status": "passed", "durationMs": 1, "messages": []},
        {"appId": "slack", "status": "passed", "durationMs": 2, "messages": ["retry ok"]},
    ]
    run, diags = parse_ok("x.json", envelope(items))
    (diag,) = diags
    assert diag.code == "smoke-duplicate" and diag.pointer == "/results/2"
    assert [(r.app_id, r.status) for r in run.results] == [
        ("stripe", "passed"),
        ("slack", "passed"),
    ]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (CONSOLE.encode(), "console"),
        (envelope([]).encode(), "json"),
        (b'<testsuite name="qa"/>', "junit"),
        (b"\xef\xbb\xbf" + envelope([]).encode(), "json"),
    ],
)
def test_format_sniffed_without_suffix(data: bytes, fmt: str) -> None:
    run, _diags = parse_ok("https://ci.example.com/runs/2026-11-20-qa", data)
    assert run.format == fmt


def test_unknown_format_is_an_error() -> None:
    run, diags = parse_run("2026-11-20-qa", b"hello")
    assert run is None and "format" in diags[0].message


CONSOLE_LINES = [
    *CONSOLE.splitlines(keepends=True),
    "No connectors were evaluated.\n",
    "=== Timings ===\n",
    "❌ stripe\n",
    "⏭️ github (12.5 ms)\n",
    "Passed: 7\n",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from([".json", ".log", ".xml", ""]),
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.lists(st.sampled_from(CONSOLE_LINES), max_size=20).map(
            lambda lines: "".join(lines).encode()
        ),
    ),
)
def test_parse_run_never_raises(suffix: str, data: bytes) -> None:
    run, diags = parse_run("2026-11-20-qa" + suffix, data)
    assert run is not None or any(d.is_error for d in diags)
