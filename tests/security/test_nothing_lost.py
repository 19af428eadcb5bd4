"""Nothing lost: a catalog with several broken connectors (and broken smoke files) reports
every problem at once; without `strict` the good connectors still build and the bad ones
are listed in the log; a failing build (`strict`, `--strict`, bad options) ends with a
message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from connector_docs.options import Options
from connector_docs.project import load

from ..helpers import make_site, mkdocs_build
from .hostile import good_connector, no_traceback, run_cli, smoke_json, write_catalog


def doc(conn_id: str, **changes: Any) -> bytes:
    data = good_connector(conn_id)
    data.update(changes)
    return json.dumps(data, indent=1).encode()


def undeclared_scope() -> bytes:
    data = good_connector("undeclared-scope")
    data["actions"][0]["requiredScopes"] = ["nowhere.write"]
    return json.dumps(data, indent=1).encode()


BROKEN: dict[str, bytes] = {
    "invalid-json.json": b'{"id": "invalid-json", "name": "X",\n}',
    "duplicate-key.json": doc("duplicate-key").replace(
        b'"id": "duplicate-key",', b'"id": "duplicate-key", "id": "x",'
    ),
    "nan.json": doc("nan").replace(b'"requestsPerSecond": 5', b'"requestsPerSecond": NaN'),
    "non-utf8.json": doc("non-utf8").replace(b"Ledgerline", b"Ledg\xe9rline", 1),
    "empty.json": b"",
    "top-level-array.json": b"[]",
    "schema-errors.json": doc("schema-errors", name="", availability="stabel"),
    "Bad_Id.json": doc("Bad_Id"),
    "mismatch.json": doc("other"),
    "undeclared-scope.json": undeclared_scope(),
    "deep.json": b'{"id": "deep", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}
GOOD = ("ledgerline", "second")
BROKEN_SMOKE = {
    "2026-11-19-qa.log": "=== Connector Smoke Results ===\n✅ ledgerline (5ms)\n\n"
    "=== Summary ===\nPassed: 2\nFailed: 0\nSkipped: 0\n",
    "2026-11-18-nightly.xml": "<testsuite><testcase name='ledgerline'>",
}


def broken_catalog(root: Path) -> Path:
    cat = write_catalog(
        root,
        {name: good_connector(name) for name in GOOD},
        smoke={
            "2026-11-20-qa.json": smoke_json("ledgerline", ["ok"], status="passed"),
            **BROKEN_SMOKE,
        },
    )
    for name, data in BROKEN.items():
        (cat / "connectors" / name).write_bytes(data)
    return cat


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    cat = broken_catalog(tmp_path / "catalog")
    project = load(Options(catalog="connectors", smoke="smoke", base_dir=str(cat)))
    assert sorted(c.id for c in project.catalog.connectors) == sorted(GOOD)
    files = {Path(d.path).name for d in project.diagnostics if d.is_error}
    assert files >= {*BROKEN, *BROKEN_SMOKE}


@pytest.mark.e2e
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_validate_lists_every_broken_file(tmp_path: Path, fmt: str) -> None:
    cat = broken_catalog(tmp_path / "catalog")
    result = run_cli(
        [
            "validate",
            "--catalog",
            str(cat / "connectors"),
            "--smoke",
            str(cat / "smoke"),
            "--format",
            fmt,
        ],
        tmp_path,
    )
    no_traceback(result.stdout)
    assert result.returncode == 1
    if fmt == "json":
        report = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
        named = {Path(d["path"]).name for d in report["diagnostics"] if d["severity"] == "error"}
        assert named >= {*BROKEN, *BROKEN_SMOKE}
        assert all(d["message"] for d in report["diagnostics"])
    else:
        for name in [*BROKEN, *BROKEN_SMOKE]:
            assert f"{name}:" in result.stdout, name
        assert f"connector-docs summary ({len(GOOD)} connectors):" in result.stdout


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    tmp = tmp_path_factory.mktemp("lenient")
    cat = broken_catalog(tmp / "catalog")
    root = make_site(
        tmp / "project", catalog=cat, plugin={"smoke_config": "catalog/smoke-config.json"}
    )
    result = mkdocs_build(root)
    return root, result.stdout, result.returncode


@pytest.mark.e2e
def test_without_strict_the_good_connectors_build(lenient: tuple[Path, str, int]) -> None:
    root, log, code = lenient
    no_traceback(log)
    assert code == 0, log[-3000:]
    pages = {p.name for p in (root / "site" / "connectors").iterdir()}
    assert pages == set(GOOD)
    catalog = json.loads((root / "site" / "catalog" / "catalog.json").read_text())
    assert sorted(c["id"] for c in catalog["connectors"]) == sorted(GOOD)


@pytest.mark.e2e
def test_without_strict_the_bad_ones_are_listed_in_the_log(
    lenient: tuple[Path, str, int],
) -> None:
    _, log, _ = lenient
    for name in [*BROKEN, *BROKEN_SMOKE]:
        assert name in log, name
    assert "left out of the site" in log


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    tmp = tmp_path_factory.mktemp("strict")
    cat = broken_catalog(tmp / "catalog")
    root = make_site(
        tmp / "project",
        catalog=cat,
        plugin={"smoke_config": "catalog/smoke-config.json", "strict": True},
    )
    result = mkdocs_build(root)
    return root, result.stdout, result.returncode


@pytest.mark.e2e
def test_strict_fails_with_every_problem_and_no_traceback(
    strict: tuple[Path, str, int],
) -> None:
    root, log, code = strict
    no_traceback(log)
    assert code == 1
    assert "Aborted with a BuildError" in log
    for name in [*BROKEN, *BROKEN_SMOKE]:
        assert name in log, name
    site = root / "site"
    assert not site.exists() or not list(site.rglob("*.html"))


@pytest.mark.e2e
def test_mkdocs_strict_on_warnings_fails_without_a_traceback(tmp_path: Path) -> None:
    cat = write_catalog(tmp_path / "catalog", {"ledgerline": good_connector()})
    root = make_site(
        tmp_path / "project", catalog=cat, plugin={"smoke_config": "catalog/smoke-config.json"}
    )
    result = mkdocs_build(root, "--strict")
    no_traceback(result.stdout)
    assert result.returncode == 1
    assert "claims availability 'stable'" in result.stdout  # the warning that failed it
    assert "Aborted with" in result.stdout


@pytest.mark.parametrize(
    ("plugin", "words"),
    [
        ({"audience": "everyone"}, "audience"),
        ({"catlog": "catalog/connectors"}, "catlog"),
        ({"stable_max_age_days": "two weeks"}, "stable_max_age_days"),
        ({"catalog": "nowhere/connectors"}, "catalog path does not exist"),
    ],
)
@pytest.mark.e2e
def test_bad_options_fail_with_a_message(
    tmp_path: Path, plugin: dict[str, Any], words: str
) -> None:
    cat = write_catalog(tmp_path / "catalog", {"ledgerline": good_connector()})
    root = make_site(
        tmp_path / "project",
        catalog=cat,
        plugin={"smoke_config": "catalog/smoke-config.json", **plugin},
    )
    result = mkdocs_build(root)
    no_traceback(result.stdout)
    assert result.returncode == 1
    assert words in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "--catalog", "nowhere"], 1),
        (["validate", "--format", "yaml"], 2),
        (["generate"], 2),
        (["frobnicate"], 2),
        (["-f", "broken.yml", "validate"], 1),
    ],
)
@pytest.mark.e2e
def test_cli_errors_exit_with_their_code_and_no_traceback(
    tmp_path: Path, args: list[str], code: int
) -> None:
    (tmp_path / "broken.yml").write_text("plugins: [connector-docs: {catalog: [unclosed}\n")
    result = run_cli(args, tmp_path)
    no_traceback(result.stdout)
    assert result.returncode == code, result.stdout


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0c", "\x1e"])
def test_a_console_message_with_a_unicode_line_separator_is_kept(separator: str) -> None:
    from connector_docs.smoke import parse_run

    message = f"vendor said: a{separator}b"
    text = (
        "=== Connector Smoke Results ===\n❌ ledgerline (5ms)\n"
        f"   • {message}\n\n=== Summary ===\nPassed: 0\nFailed: 1\nSkipped: 0\n"
    )
    run, diags = parse_run("2026-11-20-qa.log", text.encode(), {"ledgerline"})
    assert not [d for d in diags if d.is_error]
    assert run is not None and run.results[0].messages == (message,)
