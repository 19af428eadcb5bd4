"""A build that fails while rendering pages (a broken template) after other guides were
written to the cache folder: the cache, which CI keeps between runs, must not keep a
guide that prints a configured secret. The plugin knows the secrets (its redactor) from
the moment the project is loaded, before any page is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import make_site, mkdocs_build
from .hostile import good_connector, write_catalog
from .test_secret_forms import API_KEY, CONFIG, files_holding_a_secret


@pytest.mark.e2e
def test_a_build_failing_in_a_template_leaves_no_secret_in_the_cache(tmp_path: Path) -> None:
    vault, other = good_connector("vault"), good_connector("other")
    vault["description"] = f"Use the key {API_KEY} to connect."
    catalog = write_catalog(tmp_path / "catalog", {"vault": vault, "other": other},
                            config=CONFIG)
    root = make_site(tmp_path / "project", catalog=catalog,
                     plugin={"smoke_config": "catalog/smoke-config.json",
                             "templates": "overrides"})
    (root / "overrides" / "connectors").mkdir(parents=True)
    (root / "overrides" / "connectors" / "other.md.j2").write_text("{{ no_such_name }}\n")
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "no_such_name" in result.stdout  # it failed where we broke it, not in the scan
    assert not files_holding_a_secret(root / ".cache")
