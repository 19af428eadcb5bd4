"""Hostile input, second round (issue 16): regex backtracking in the readers, numbers and
dates that overflow, lone surrogates, and did-you-mean over thousands of unknown ids.
Each case is a located diagnostic for its file, never a traceback, in bounded time (the
guards are generous: they catch hangs, they do not assert speed)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from connector_docs import smoke
from connector_docs.inputs import catalog, jsonfile, lint, locate
from connector_docs.secrets.redact import Redactor
from connector_docs.smoke import common, console, naming, runner_json
from hypothesis import given, settings
from hypothesis import strategies as st

from ..helpers import make_site, mkdocs_build
from .hostile import bounded, good_connector, no_traceback, run_cli, write_catalog

# ----------------------------------------------------------------------- regexes


def _transcript(*lines: str) -> bytes:
    body = "\n".join(lines)
    return (
        "=== Connector Smoke Results ===\n" + body + "\n=== Summary ===\nPassed: 0\n"
    ).encode()


@pytest.mark.parametrize(
    "line",
    [
        "===" + " " * 20_000 + "x",
        "=== " + "=== " * 20_000,
        "✅ " + "a " * 20_000,
        "✅ x (" + "1" * 20_000 + "m",
        " " * 20_000 + "•",
    ],
    ids=["heading-blanks", "heading-repeats", "icon-words", "duration-digits", "bullet"],
)
def test_console_lines_of_a_hostile_shape_read_in_bounded_time(line: str) -> None:
    """'===' then blanks made the heading pattern backtrack cubically (4,000 blanks: 200 s)."""
    _, diags = bounded(10, smoke.parse_run, "2026-11-20-qa.log", _transcript(line), None)
    assert diags


def test_console_overlong_line_is_a_located_error() -> None:
    data = _transcript("✅ ledgerline (1ms)", "❌ " + "a" * (console.MAX_LINE + 1) + " (1ms)")
    _, diags = bounded(10, smoke.parse_run, "2026-11-20-qa.log", data, None)
    long = [d for d in diags if d.code == "smoke-line-too-long"]
    assert [(d.line, d.column) for d in long] == [(3, 1)]


def _reader_patterns() -> list[re.Pattern[str]]:
    found: list[re.Pattern[str]] = []
    for module in (console, naming, runner_json, locate, jsonfile, common):
        found += [v for v in vars(module).values() if isinstance(v, re.Pattern)]
    return found


PATTERNS = _reader_patterns()


def _literals(pattern: re.Pattern[str]) -> str:
    return "".join(sorted({c for c in pattern.pattern if not c.isalnum()} | set("ms1a.")))


def _piece(pattern: re.Pattern[str], picks: list[int]) -> str:
    chars = _literals(pattern) + "✅•=0123456789 \t"
    return "".join(chars[p % len(chars)] for p in picks)


_PICKS = st.lists(st.integers(0, 1000), min_size=0, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(0, len(PATTERNS) - 1),
    head=_PICKS,
    middle=_PICKS.filter(bool),
    tail=_PICKS,
)
def test_reader_patterns_scale_linearly(
    index: int, head: list[int], middle: list[int], tail: list[int]
) -> None:
    """Every compiled pattern of the readers, on a line made of a head, a repeated middle
    and a tail drawn from its own literal characters, blanks and digits ('===' + blanks +
    'x' made the old heading pattern cubic): 4x the text takes well under 10x the time."""
    pattern = PATTERNS[index]
    start_text, repeated, end_text = (_piece(pattern, p) for p in (head, middle, tail))

    def cost(n: int) -> float:
        text = start_text + repeated * (n // len(repeated) + 1) + end_text
        best = float("inf")
        for _ in range(3):  # the best of three: the machine is shared
            start = time.perf_counter()
            pattern.search(text)
            pattern.match(text)
            pattern.fullmatch(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(2_000), cost(8_000)
    assert large < 10 * small + 0.1, (pattern.pattern, start_text, repeated, end_text)
    assert large < 2.0


# ----------------------------------------------------------------------- numbers

BIG = "1" * 5_000


def test_a_huge_integer_in_a_connector_is_a_located_error(tmp_path: Path) -> None:
    text = json.dumps(good_connector("big"), indent=1).replace('"id": "big"', '"id": "big", '
                                                               f'"extra": {BIG}')
    (tmp_path / "big.json").write_text(text)
    (tmp_path / "good.json").write_text(json.dumps(good_connector("good")))
    cat, diags = bounded(60, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["good"]
    [bad] = [d for d in diags if d.is_error]
    assert (bad.code, bad.pointer, bad.line) == ("json-number", "/extra", 3)
    assert "5,000-character number" in bad.message


def test_an_infinite_float_in_a_connector_is_a_located_error() -> None:
    _, _, diags = jsonfile.parse_json("x.json", b'{"rateLimits": {"requestsPerMinute": 1e400}}')
    found = [(d.code, d.pointer) for d in diags]
    assert found == [("json-number", "/rateLimits/requestsPerMinute")]


def test_a_huge_integer_in_a_runner_file_is_a_located_error() -> None:
    text = (
        '{"suite": "qa", "ranAt": "2026-11-20T03:00:00Z",\n"results": [{"appId": "a", '
        f'"status": "passed", "durationMs": {BIG}}}]}}'
    )
    run, diags = bounded(10, smoke.parse_run, "2026-11-20-qa.json", text.encode(), None)
    assert run is None
    assert [(d.code, d.pointer, d.line) for d in diags] == [
        ("json-number", "/results/0/durationMs", 2)
    ]


def test_a_huge_integer_in_the_smoke_config_is_a_located_error(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(f'{{"a": {{"credentials": {{"token": {BIG}}}}}}}')
    _, diags = bounded(10, Redactor.from_config, config)
    assert [(d.code, d.pointer) for d in diags] == [("json-number", "/a/credentials/token")]


def test_an_infinite_junit_time_is_a_located_error() -> None:
    data = (
        b'<testsuite name="qa" timestamp="2026-11-20T03:00:00Z">\n'
        b'<testcase name="a" time="1e400"/></testsuite>'
    )
    _, diags = smoke.parse_run("2026-11-20-qa.xml", data, None)
    assert [(d.code, d.line) for d in diags] == [("smoke-bad-duration", 2)]


# ----------------------------------------------------------------------- dates

EDGES = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"]


@pytest.mark.parametrize("stamp", EDGES)
def test_a_run_date_off_the_calendar_in_utc_is_a_located_error(stamp: str) -> None:
    text = f'{{"suite": "qa",\n "ranAt": "{stamp}", "results": []}}'
    run, diags = smoke.parse_run("x-qa.json", text.encode(), None)
    assert run is None and [(d.code, d.pointer, d.line) for d in diags] == [
        ("smoke-bad-date", "/ranAt", 2)
    ]
    xml = f'<testsuite name="qa" timestamp="{stamp}"><testcase name="a"/></testsuite>'
    run, diags = smoke.parse_run("x-qa.xml", xml.encode(), None)
    assert run is None and [d.code for d in diags] == ["smoke-bad-date"]


@pytest.mark.parametrize("name", ["0001-01-01T0000+0500-qa.json", "9999-12-31T2300-0500-qa.json"])
def test_a_file_name_date_off_the_calendar_is_an_error(name: str) -> None:
    run, diags = smoke.parse_run(name, b'{"results": []}', None)
    assert run is None and [d.code for d in diags] == ["smoke-no-date"]


# ----------------------------------------------------------------------- surrogates


def test_a_lone_surrogate_is_a_located_error_everywhere(tmp_path: Path) -> None:
    _, _, diags = jsonfile.parse_json("x.json", b'{"id": "a",\n "name": "x\\ud800y"}')
    assert [(d.code, d.pointer, d.line) for d in diags] == [("json-surrogate", "/name", 2)]
    _, _, diags = jsonfile.parse_json("x.json", b'{"\\udfff": 1}')
    assert [d.code for d in diags] == ["json-surrogate"]
    diags[0].format().encode("utf-8")  # printable
    text = b'{"suite": "qa", "ranAt": "2026-11-20T03:00:00Z", "results": [{"appId": "a", ' \
        b'"status": "failed", "messages": ["\\ud83d"]}]}'
    run, diags = smoke.parse_run("x-qa.json", text, None)
    assert run is None and [(d.code, d.pointer) for d in diags] == [
        ("json-surrogate", "/results/0/messages/0")
    ]
    good, _, diags = jsonfile.parse_json("x.json", b'{"name": "\\ud83d\\ude00"}')
    assert good == {"name": "\U0001f600"} and not diags


# ----------------------------------------------------------------------- many unknown ids


def read_5000_results(result: dict[str, Any], known: set[str] | None, code: str) -> list[str]:
    """The messages of ``code`` for a runner file of 5,000 results shaped like ``result``
    (``{i}`` in its appId numbered), read in bounded time with nothing dropped."""
    results = [{**result, "appId": result["appId"].format(i=i)} for i in range(5_000)]
    text = json.dumps({"suite": "qa", "ranAt": "2026-11-20T03:00:00Z", "results": results})
    run, diags = bounded(20, smoke.parse_run, "x-qa.json", text.encode(), known)
    assert run is not None and len(run.results) == 5_000
    return [d.message for d in diags if d.code == code]


def test_many_unknown_app_ids_are_summarised_in_bounded_time() -> None:
    known = {f"connector-{i:05d}" for i in range(3_000)}
    unknown = read_5000_results({"appId": "unknown-app-{i:05d}", "status": "passed"}, known,
                                "smoke-unknown-connector")
    assert len(unknown) == common.MAX_UNKNOWN_REPORTED + 1
    assert "4,980 more" in unknown[-1]


# ----------------------------------------------------------------------- CLI and build


def _hostile_catalog(root: Path) -> Path:
    docs = {"good": good_connector("good")}
    cat = write_catalog(
        root,
        docs,
        smoke={
            "2026-11-20-qa.json": (
                '{"suite": "qa", "ranAt": "0001-01-01T00:00:00+05:00", "results": []}'
            ),
            "0001-01-01T0000+0500-qa.json": '{"results": []}',
            "2026-11-21-qa.log": "=== Connector Smoke Results ===\n===" + " " * 5000 + "x\n",
        },
    )
    text = json.dumps(good_connector("big"))
    (cat / "connectors" / "big.json").write_text(text.replace('"id": "big"',
                                                              f'"id": "big", "n": {BIG}'))
    text = json.dumps(good_connector("sur"))
    (cat / "connectors" / "sur.json").write_text(text.replace('"id": "sur"',
                                                              '"id": "sur", "name": "\\ud800"'))
    return cat


@pytest.mark.e2e
def test_cli_validate_reports_overflow_and_surrogates_without_a_traceback(tmp_path: Path) -> None:
    cat = _hostile_catalog(tmp_path / "catalog")
    result = run_cli(
        ["validate", "--catalog", str(cat / "connectors"), "--smoke", str(cat / "smoke")],
        tmp_path,
        timeout=120,
    )
    no_traceback(result.stdout)
    assert result.returncode == 1, result.stdout
    for expected in ("big.json:1:", "sur.json:1:", "ranAt", "0001-01-01T0000+0500-qa.json"):
        assert expected in result.stdout, result.stdout


@pytest.mark.e2e
def test_a_build_over_overflowing_input_builds_the_rest(tmp_path: Path) -> None:
    cat = _hostile_catalog(tmp_path / "catalog")
    root = make_site(
        tmp_path / "project", catalog=cat, plugin={"smoke_config": "catalog/smoke-config.json"}
    )
    result = mkdocs_build(root)
    no_traceback(result.stdout)
    assert (root / "site" / "connectors" / "good" / "index.html").is_file(), result.stdout[-3000:]
    assert not (root / "site" / "connectors" / "sur").exists()
    assert "sur.json" in result.stdout and "big.json" in result.stdout


# ----------------------------------------------------------------------- warning caps


def test_a_connector_with_100k_unknown_keys_gives_a_summary(tmp_path: Path) -> None:
    doc = good_connector("noisy")
    doc.update({f"unknownKey{i}": 1 for i in range(100_000)})
    (tmp_path / "noisy.json").write_text(json.dumps(doc, indent=1))
    cat, diags = bounded(60, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["noisy"]
    unknown = [d for d in diags if d.code == "unknown-key"]
    assert len(unknown) == lint.MAX_UNKNOWN_KEYS + 1 and unknown[0].line
    assert f"{100_000 - lint.MAX_UNKNOWN_KEYS:,} more" in unknown[-1].message


def test_a_manifest_with_many_unknown_keys_and_flags_gives_summaries(tmp_path: Path) -> None:
    folder = tmp_path / "noisy"
    folder.mkdir()
    (folder / "definition.json").write_text(json.dumps(good_connector("noisy")))
    manifest = {"id": "noisy", **{f"x/{i}": 1 for i in range(20_000)},
                "status": {f"flag{i}": True for i in range(20_000)}}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    cat, diags = bounded(60, catalog.load_catalog, tmp_path)
    assert [c.id for c in cat.connectors] == ["noisy"]
    unknown = [d for d in diags if d.code == "unknown-key"]
    assert len(unknown) == 2 * (lint.MAX_UNKNOWN_KEYS + 1)
    assert unknown[0].pointer == "/x~10" and unknown[0].line == 3  # the key's own line
    assert f"{20_000 - lint.MAX_UNKNOWN_KEYS:,} more unknown manifest keys" in \
        unknown[lint.MAX_UNKNOWN_KEYS].message
    assert f"{20_000 - lint.MAX_UNKNOWN_KEYS:,} more unknown rollout flags" in \
        unknown[-1].message


def test_a_runner_file_with_many_unknown_keys_gives_a_summary() -> None:
    unknown = read_5000_results({"appId": "a{i}", "status": "passed", "extra": 1}, None,
                                "smoke-unknown-key")
    assert len(unknown) == runner_json.MAX_UNKNOWN_KEYS + 1
    assert "4,950 more" in unknown[-1]


def test_smoke_input_has_a_total_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smoke, "MAX_TOTAL_SMOKE_BYTES", 1000)
    paths = []
    for day in range(20, 24):
        path = tmp_path / f"2026-11-{day}-qa.json"
        path.write_text(json.dumps({"results": [{"appId": "a", "status": "passed",
                                                 "messages": ["x" * 400]}]}))
        paths.append(path)
    runs, diags = smoke.load_runs(paths)
    assert len(runs) == 2
    assert [(Path(d.path).name, d.code) for d in diags] == [
        ("2026-11-22-qa.json", "smoke-budget"), ("2026-11-23-qa.json", "smoke-budget")
    ]


def test_every_integer_the_reader_accepts_converts_to_a_float() -> None:
    """normalize and the smoke readers call float() on numbers: an accepted integer must
    never raise OverflowError there."""
    largest = "9" * jsonfile.MAX_INT_DIGITS
    value, _, diags = jsonfile.parse_json("x.json", f'{{"n": {largest}}}'.encode())
    assert not diags and float(value["n"]) > 0
    _, _, diags = jsonfile.parse_json("x.json", f'{{"n": {largest}9}}'.encode())
    assert [d.code for d in diags] == ["json-number"]


def test_an_undeclared_scope_repeated_in_one_list_is_one_error(tmp_path: Path) -> None:
    doc = good_connector("repeats")
    doc["actions"][0]["requiredScopes"] = ["nowhere.write"] * 300 + ["elsewhere.read"]
    doc["actions"][1]["requiredScopes"] = ["nowhere.write"]
    (tmp_path / "repeats.json").write_text(json.dumps(doc, indent=1))
    _, diags = catalog.load_catalog(tmp_path)
    undeclared = [(d.pointer, d.message.split("'")[3]) for d in diags
                  if d.code == "undeclared-scope"]
    assert undeclared == [("/actions/0/requiredScopes/0", "nowhere.write"),
                          ("/actions/0/requiredScopes/300", "elsewhere.read"),
                          ("/actions/1/requiredScopes/0", "nowhere.write")]
