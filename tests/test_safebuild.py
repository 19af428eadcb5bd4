"""`connector-docs build`: reproducible output, and a failed build keeps the old site."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_EPOCH
from .helpers import make_site

pytestmark = pytest.mark.e2e  # every test here builds a real site


def cli_build(root: Path, *args: str,
              epoch: str = EXAMPLE_EPOCH) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "connector_docs.cli", "build", *args], cwd=root,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    assert cli_build(root, "-d", "a").returncode == 0
    first = cli_build(root, "-d", "b")
    assert first.returncode == 0, first.stdout
    a, b = root / "a", root / "b"
    assert tree(a) == tree(b)
    for name in tree(a):
        if (a / name).is_file():
            assert filecmp.cmp(a / name, b / name, shallow=False), name


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    assert cli_build(root).returncode == 0
    site = root / "site"
    before = tree(site)
    guide = (site / "connectors" / "ledgerline" / "index.html").read_bytes()
    (root / "catalog" / "connectors" / "ledgerline.json").write_text('{"id": "ledgerline",')
    failed = cli_build(root)
    assert failed.returncode == 1
    assert "ledgerline.json:1:" in failed.stdout and "previous site is untouched" in failed.stdout
    assert "Traceback" not in failed.stdout
    assert tree(site) == before
    assert (site / "connectors" / "ledgerline" / "index.html").read_bytes() == guide
    assert not [p for p in root.iterdir() if p.name.startswith(".site.")]  # no leftovers


def test_strict_failure_also_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    assert cli_build(root).returncode == 0
    (root / "docs" / "index.md").write_text("# Home\n\n[broken](nowhere.md)\n")
    failed = cli_build(root, "--strict")
    assert failed.returncode == 1
    assert "Home" in (root / "site" / "index.html").read_text()
    assert "nowhere" not in (root / "site" / "index.html").read_text()
