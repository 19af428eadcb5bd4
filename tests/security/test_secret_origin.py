"""Issue 18, item 1, on the real catalog: with its own smoke config it builds (public
and internal; its Tableau ``serverUrl`` is also the connector's public ``baseUrl``), and a
credential of that config planted in a catalog description or a writer's overlay still
fails the build, with a log naming the input file and the config pointer and never the
value; one planted in a smoke message is redacted. An endpoint value listed under
``secret`` fails the build where the catalog publishes it."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..helpers import mkdocs_build
from .hostile import run_cli, smoke_json

pytestmark = pytest.mark.e2e

CONFIG = "connector-smoke.config.example.json"
SLACK_TOKEN = "xoxb-your-token"  # /slack/credentials/botToken (no token shape: no digit)
CLIENT_SECRET = "YOUR_CLIENT_SECRET"  # /quickbooks/credentials/clientSecret
SERVER_URL = "https://example.online.tableau.com"  # /tableau/credentials/serverUrl


def site(tmp: Path, catalog: Path, config: Path, audience: str = "public",
         smoke: Path | None = None, **extra: Any) -> Path:
    (tmp / "docs").mkdir(parents=True, exist_ok=True)
    (tmp / "docs" / "index.md").write_text("# Home\n")
    options: dict[str, Any] = {"catalog": str(catalog), "smoke_config": str(config),
                               "audience": audience, **extra}
    if smoke is not None:
        options["smoke"] = str(smoke)
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Real", "theme": {"name": "material"},
        "plugins": ["search", {"connector-docs": options}]}, sort_keys=False))
    return tmp


# The real catalog built with its example config: tests/test_real_site.py.


@pytest.fixture
def few(tmp_path: Path, real_catalog: Path) -> tuple[Path, Path]:
    """A copy of four real connectors and of the example config."""
    catalog = tmp_path / "catalog"
    for name in ("tableau", "slack", "salesforce", "quickbooks"):
        shutil.copytree(real_catalog / name, catalog / name)
    config = tmp_path / CONFIG
    shutil.copy(real_catalog.parent / "configs" / CONFIG, config)
    return catalog, config


def plant_description(catalog: Path, conn: str, value: str) -> Path:
    path = catalog / conn / "definition.json"
    doc = json.loads(path.read_text())
    doc["description"] += f" Staging token: {value}."
    path.write_text(json.dumps(doc, indent=2))
    return path


def failed(root: Path, *values: str) -> str:
    result = mkdocs_build(root)
    assert result.returncode != 0, result.stdout[-3000:]
    assert "secret scan" in result.stdout
    for value in values:
        assert value not in result.stdout
    assert not (root / "site").exists()
    return result.stdout


def test_a_credential_in_a_catalog_description_fails_and_is_traced(
        tmp_path: Path, few: tuple[Path, Path]) -> None:
    catalog, config = few
    planted = plant_description(catalog, "salesforce", SLACK_TOKEN)
    log = failed(site(tmp_path / "p", catalog, config), SLACK_TOKEN)
    assert "smoke-config value /slack/credentials/botToken" in log
    assert f"catalog file {planted}:" in log and "(at /description)" in log
    assert "`not_secret:`" in log


def test_a_credential_in_an_overlay_fails_and_is_traced(
        tmp_path: Path, few: tuple[Path, Path]) -> None:
    catalog, config = few
    root = site(tmp_path / "p", catalog, config, "internal")
    overlay = root / "docs" / "connectors" / "quickbooks.md"
    overlay.parent.mkdir(parents=True)
    overlay.write_text(f"## Notes\n\nOur sandbox app uses `{CLIENT_SECRET}`.\n")
    log = failed(root, CLIENT_SECRET)
    assert "smoke-config value /quickbooks/credentials/clientSecret" in log
    assert f"docs file {overlay}:3:" in log


def test_a_credential_in_a_smoke_message_is_redacted(
        tmp_path: Path, few: tuple[Path, Path]) -> None:
    catalog, config = few
    smoke = tmp_path / "smoke"
    smoke.mkdir()
    (smoke / "2026-11-20-qa.json").write_text(smoke_json(
        "quickbooks", [f"token refresh failed: client_secret={CLIENT_SECRET}"]))
    root = site(tmp_path / "p", catalog, config, "internal", smoke)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert CLIENT_SECRET not in result.stdout
    page = html.unescape((root / "site" / "connectors" / "quickbooks" / "index.html")
                         .read_text())
    assert CLIENT_SECRET not in page and "client_secret=[REDACTED]" in page


def test_an_endpoint_listed_as_secret_fails_where_the_catalog_has_it(
        tmp_path: Path, few: tuple[Path, Path]) -> None:
    catalog, config = few
    root = site(tmp_path / "p", catalog, config,
                secret=["/tableau/credentials/serverUrl", "/tableau/credentials/hots"])
    log = failed(root)
    assert "smoke-config value /tableau/credentials/serverUrl" in log
    assert f"catalog file {catalog / 'tableau' / 'definition.json'}:" in log
    assert "(at /baseUrl)" in log and "listed under `secret:`" in log
    assert "secret lists '/tableau/credentials/hots'" in log


def test_the_cli_traces_a_credential_it_refuses_to_write(
        tmp_path: Path, few: tuple[Path, Path]) -> None:
    catalog, config = few
    planted = plant_description(catalog, "tableau", CLIENT_SECRET)
    root = site(tmp_path / "p", catalog, config)
    result = run_cli(["generate", "--out", str(tmp_path / "out")], root)
    assert result.returncode == 1, result.stdout[-3000:]
    assert CLIENT_SECRET not in result.stdout
    assert "smoke-config value /quickbooks/credentials/clientSecret" in result.stdout
    assert f"catalog file {planted}:" in result.stdout
    assert not (tmp_path / "out").exists()
    # the serverUrl under --not-secret changes nothing (it is public already); listed as
    # secret it fails generate too
    result = run_cli(["generate", "--out", str(tmp_path / "out2"), "--secret",
                      "/tableau/credentials/serverUrl"], root)
    assert result.returncode == 1 and "(at /baseUrl)" in result.stdout
