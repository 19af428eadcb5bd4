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


# The example's Stable claims without evidence (there to show the downgrade) would fail
# `connector-docs build`; these tests are about the swap, not the gates.
PASSING = {"fail_on": ["none"]}


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin=PASSING)
    assert cli_build(root, "-d", "a").returncode == 0
    first = cli_build(root, "-d", "b")
    assert first.returncode == 0, first.stdout
    a, b = root / "a", root / "b"
    assert tree(a) == tree(b)
    for name in tree(a):
        if (a / name).is_file():
            assert filecmp.cmp(a / name, b / name, shallow=False), name


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin=PASSING)
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
    root = make_site(tmp_path, plugin=PASSING)
    assert cli_build(root).returncode == 0
    (root / "docs" / "index.md").write_text("# Home\n\n[broken](nowhere.md)\n")
    failed = cli_build(root, "--strict")
    assert failed.returncode == 1
    assert "Home" in (root / "site" / "index.html").read_text()
    assert "nowhere" not in (root / "site" / "index.html").read_text()


def _claims_nothing_unbacked(root: Path) -> None:
    """The example with its unbacked Stable claims (acme-crm, chatterbox, stackwise)
    turned into beta: every Stable it claims is backed by fresh evidence."""
    for name in ("acme-crm", "chatterbox", "stackwise"):
        path = root / "catalog" / "connectors" / f"{name}.json"
        path.write_text(path.read_text().replace('"availability": "stable"',
                                                 '"availability": "beta"', 1))


def test_the_ci_recipe_fails_on_a_stable_claim_without_evidence(tmp_path: Path) -> None:
    """The README's recipe (`connector-docs build`, no flags) on the example: its three
    unbacked Stable claims block the release; the summary names them first; the old
    site stays."""
    root = make_site(tmp_path)
    _claims_nothing_unbacked(root)
    passed = cli_build(root)
    assert passed.returncode == 0, passed.stdout
    assert "connector-docs summary (10 connectors):" in passed.stdout
    assert "Stable claims without evidence: 0" in passed.stdout
    before = tree(root / "site")
    path = root / "catalog" / "connectors" / "chatterbox.json"
    path.write_text(path.read_text().replace('"availability": "beta"',
                                             '"availability": "stable"', 1))
    failed = cli_build(root)
    assert failed.returncode == 1
    out = failed.stdout
    summary = out[out.index("connector-docs summary"):]
    blocking = summary[summary.index("blocking a release: 1"):summary.index("  errors: 0")]
    assert "chatterbox.json:10:3: 'chatterbox' claims availability 'stable'" in blocking
    assert "Stable claims without evidence: 1: fails this run" in summary
    assert "documentation lint:" in summary and "doc-error-code" in summary
    assert "Traceback" not in out and tree(root / "site") == before


def test_fail_on_chooses_what_fails_and_the_log_keeps_to_a_few_per_rule(
        tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"fail_on": ["doc-error-code"],
                                       "warnings_per_rule": 1})
    _claims_nothing_unbacked(root)
    failed = cli_build(root)
    assert failed.returncode == 1
    printed = [line for line in failed.stdout.splitlines()
               if line.startswith("WARNING") and "has no troubleshooting entry" in line]
    assert len(printed) == 1  # one per rule in the log; the summary counts the rest
    assert "warnings not printed above" in failed.stdout
    assert "fail_on: doc-error-code" in failed.stdout
