"""The `connector-docs` command line: exit codes, output formats, options from
mkdocs.yml, and that generate/export produce what the plugin builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.inputs.validators import format_checker
from jsonschema import Draft202012Validator

from .conftest import EXAMPLE_EPOCH, ROOT


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)

    def invoke(*args: str, cwd: Path = ROOT):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    return invoke


def test_validate_example_is_clean_enough(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "  errors: 0" in result.output
    assert "connector-docs summary (10 connectors):" in result.output


def test_validate_strict_fails_on_warnings(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--strict")
    assert result.exit_code == 1
    assert "claims availability 'stable'" in result.output


def test_validate_broken_catalog_reports_everything(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.json").write_text('{"id": "a",}')
    (tmp_path / "b.json").write_text('{"id": "b", "name": "B", "description": "", '
                                     '"category": "CRM", "authentication": {"type": 3}}')
    result = run("validate", "--catalog", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 2
    paths = sorted(Path(d["path"]).name for d in data["diagnostics"]
                   if d["severity"] == "error")
    assert paths == ["a.json", "b.json"]
    b = next(d for d in data["diagnostics"] if d["path"].endswith("b.json"))
    assert b["pointer"] == "/authentication/type" and b["line"] == 1 and b["column"] > 1


def test_usage_error_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    assert run("validate", "--format", "yaml").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_bad_plugin_option_in_mkdocs_yml(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - connector-docs:\n      audiance: public\n")
    result = run("validate", cwd=tmp_path)
    assert result.exit_code == 1
    assert "unknown plugin option 'audiance'" in result.output
    assert "did you mean 'audience'?" in result.output
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - connector-docs:\n      search_parameters: maybe\n")
    result = run("validate", cwd=tmp_path)
    assert result.exit_code == 1
    assert "search_parameters must be true or false" in result.output


def test_validate_real_catalog_exits_0_with_located_warnings(run, real_catalog: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--catalog", str(real_catalog))
    assert result.exit_code == 0, result.output[-2000:]
    assert "connector-docs summary (149 connectors):" in result.output
    assert "typeform/definition.json:" in result.output and "actions_append" in result.output


def test_audit_example(run) -> None:  # type: ignore[no-untyped-def]
    result = run("audit")
    assert result.exit_code == 0, result.output
    assert "ready to promote: tasklane" in result.output
    assert ("downgraded: chatterbox: claims Stable, shown Beta: Fresh: newest smoke result "
            "failed (nightly, 2026-11-24)") in result.output
    data = json.loads(run("audit", "--format", "json", "--connector", "ledgerline").output)
    row = data["connectors"][0]
    assert row["shown"] == "stable" and row["tier"] == "Gold"
    assert row["lastVerified"] == "2026-11-24"


def test_audit_exits_1_when_a_stable_connector_fails_a_gate(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = tmp_path / "connectors"
    shutil.copytree(ROOT / "catalog" / "connectors", catalog)
    path = catalog / "ledgerline.json"
    data = json.loads(path.read_text())
    del data["testConnection"]
    path.write_text(json.dumps(data))
    result = run("audit", "--catalog", str(catalog), "--smoke", str(ROOT / "catalog" / "smoke"))
    assert result.exit_code == 1
    assert "ledgerline is shown as Stable but misses: Auth test defined" in result.output


def test_generate_writes_pages_and_export_matches_schema(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "md"
    result = run("generate", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "connectors" / "ledgerline.md").is_file()
    assert (out / "catalog" / "index.md").is_file()
    assert (out / "catalog" / "catalog.json").is_file()
    target = tmp_path / "catalog.json"
    assert run("export", "--out", str(target), "--audience", "public").exit_code == 0
    data = json.loads(target.read_text())
    schema_dir = ROOT / "generator" / "connector_docs" / "inputs" / "schema"
    schema = json.loads((schema_dir / "catalog.schema.json").read_text())
    Draft202012Validator(schema, format_checker=format_checker()).validate(data)
    ids = {c["id"] for c in data["connectors"]}
    assert "coinrail" not in ids and "helpnest" not in ids and "ledgerline" in ids
    levels = {c["id"]: c["level"] for c in data["connectors"]}
    assert levels["ledgerline"] == "stable" and levels["chatterbox"] == "beta"


def test_build_leaves_the_collector_on_for_mkdocs(run, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    """The stages pause the garbage collector; MkDocs' pages make reference cycles, so
    `build` must run MkDocs with it on (the plugin pauses it around its own stages)."""
    import gc

    from connector_docs import safebuild
    from connector_docs.inputs import catalog as catalog_mod

    seen: dict[str, bool] = {}

    def fake_build(config: Path, site_dir: str | None, strict: bool) -> Path:
        seen["build"] = gc.isenabled()
        return tmp_path

    monkeypatch.setattr(safebuild, "build", fake_build)
    assert run("build").exit_code == 0
    real_load = catalog_mod.load_catalog

    def spying_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["validate"] = gc.isenabled()
        return real_load(*args, **kwargs)

    monkeypatch.setattr(catalog_mod, "load_catalog", spying_load)
    run("validate")
    assert seen == {"build": True, "validate": False}
