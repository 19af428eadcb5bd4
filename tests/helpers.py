"""Test helpers: load the example project as of its build date; build a site for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from connector_docs.options import Options
from connector_docs.project import Project, load

from .conftest import EXAMPLE_EPOCH, ROOT


def example_options(**overrides: Any) -> Options:
    base = {
        "catalog": "catalog/connectors",
        "smoke": "catalog/smoke",
        "smoke_config": "catalog/smoke-config.example.json",
        "audience": "internal",
        "base_dir": str(ROOT),
    }
    base.update(overrides)
    return Options(**base)


def example_project(monkeypatch: Any, **overrides: Any) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    return load(example_options(**overrides))


def make_site(
    tmp: Path,
    *,
    plugin: dict[str, Any] | None = None,
    catalog: Path | None = None,
    docs: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """A throwaway MkDocs project in ``tmp`` using the example catalog (copied, so tests
    may edit it) and smoke runs."""
    shutil.copytree(catalog or ROOT / "catalog", tmp / "catalog")
    (tmp / "docs").mkdir()
    (tmp / "docs" / "index.md").write_text("# Home\n\n[Catalog](catalog/index.md)\n")
    for name, text in (docs or {}).items():
        path = tmp / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    options = {
        "catalog": "catalog/connectors",
        "smoke": "catalog/smoke",
        "smoke_config": "catalog/smoke-config.example.json",
        "audience": "internal",
    }
    options.update(plugin or {})
    config: dict[str, Any] = {
        "site_name": "Test",
        "theme": {"name": "material", "features": ["content.action.edit"]},
        "plugins": ["search", {"connector-docs": options}],
        "validation": {"links": {"anchors": "warn", "unrecognized_links": "warn"}},
    }
    config.update(extra or {})
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return tmp


def mkdocs_build(
    project: Path, *args: str, epoch: str = EXAMPLE_EPOCH, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=project,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
