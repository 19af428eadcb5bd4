"""The benchmark harness (bench/): synthetic catalogs are deterministic and valid, and
``bench/run.py --quick`` completes and reports every measure. No timing assertions: the
figures are for people, and the machine is shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from connector_docs.inputs.catalog import load_catalog
from connector_docs.options import from_mkdocs_yml
from connector_docs.project import load

from bench import shape, synth

from .conftest import ROOT

MEASURES = (
    "overhead: plugin / plain build, real catalog",
    "overhead: plugin / plain build, synthetic",
    "linear: build time",
    "linear: site bytes per connector",
    "scale: full build peak RSS",
    "scale: our stages in-process",
    "preview: README serve, overlay edit to page, real",
    "preview: README serve, definition edit to guide + catalog, real",
    "preview: every page rendered per rebuild (before), real",
    "preview: README serve, overlay edit to page,",
    "preview: README serve, definition edit to guide + catalog,",
    "preview: every page rendered per rebuild (before),",
    "validate: load_catalog in-process, real catalog",
    "validate: connector-docs validate CLI wall, real catalog",
)


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = synth.make_project(tmp_path / "a", 12, seed=7, profile=shape.FALLBACK)
    b = synth.make_project(tmp_path / "b", 12, seed=7, profile=shape.FALLBACK)
    c = synth.make_project(tmp_path / "c", 12, seed=8, profile=shape.FALLBACK)
    assert files(a) == files(b)
    assert files(a) != files(c)
    names = sorted(files(a))
    assert "catalog/connectors/synth-00011.json" in names
    assert [n for n in names if n.startswith("catalog/smoke/")] == [
        "catalog/smoke/2026-11-18-engineering.json",
        "catalog/smoke/2026-11-20-qa.log",
        "catalog/smoke/2026-11-24-nightly.xml",
    ]


def test_connector_does_not_depend_on_catalog_size(tmp_path: Path) -> None:
    small = synth.make_project(tmp_path / "small", 3, profile=shape.FALLBACK)
    large = synth.make_project(tmp_path / "large", 6, profile=shape.FALLBACK)
    for i in range(3):
        name = f"catalog/connectors/synth-{i:05d}.json"
        assert (small / name).read_bytes() == (large / name).read_bytes()


def test_synthetic_catalog_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = synth.make_project(tmp_path / "site", 40, seed=1, profile=shape.FALLBACK)
    catalog, diags = load_catalog(root / "catalog" / "connectors")
    assert [d.format() for d in diags if d.is_error] == []
    assert len(catalog.connectors) == 40
    # The smoke runs parse in all three formats and the whole project loads clean.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", synth.BUILD_EPOCH)
    project = load(from_mkdocs_yml(root / "mkdocs.yml"))
    assert [d.format() for d in project.diagnostics if d.is_error] == []
    assert sorted(run.suite for run in project.runs) == ["engineering", "nightly", "qa"]
    assert {run.format for run in project.runs} == {"json", "console", "junit"}


def test_fallback_matches_the_real_catalog(real_catalog: Path) -> None:
    """The built-in statistics are what measuring the real catalog gives, so synthetic
    catalogs are the same with and without ../shared."""
    assert shape.measure(real_catalog) == shape.FALLBACK


def test_shape_keeps_no_text_of_the_real_catalog(real_catalog: Path) -> None:
    text = json.dumps(shape.FALLBACK)
    for path in real_catalog.glob("*/definition.json"):
        definition = json.loads(path.read_text(encoding="utf-8"))
        for key in ("id", "name", "description", "baseUrl"):
            if key in definition:
                assert json.dumps(definition[key]) not in text, (path, key)


@pytest.mark.e2e
def test_quick_run_reports_every_measure(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    table = result.stdout[result.stdout.index("measure ") :]
    assert "value" in table and "target" in table and "met?" in table
    for measure in MEASURES:
        assert measure in table, f"missing row {measure!r}:\n{table}"
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["mode"] == "quick"
    measured = {row["key"] for row in saved["rows"]}
    assert {"overhead_synth", "linear_time", "linear_bytes", "huge_stages"} <= measured
    sites = [v for k, v in saved["figures"].items() if k.startswith("site ")]
    assert sites and all(site["search_index_bytes"] > 0 for site in sites)


@pytest.mark.e2e
@pytest.mark.browser
def test_search_bench_measures_both_backends(tmp_path: Path) -> None:
    """bench/search.py at a tiny size: both backends built, queried in Chromium, tabled."""
    from bench import search as search_bench

    if not search_bench.CHROMIUM.exists():
        pytest.skip(f"{search_bench.CHROMIUM} is not installed")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--sizes", "12", "--no-real",
         "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    table = result.stdout[result.stdout.index("connectors |"):]
    assert "Material index" in table and "Pagefind bytes/query" in table
    figures = json.loads((tmp_path / "search.json").read_text())["12"]
    assert figures["connectors"] == 12
    assert figures["builtin_index_bytes"] > 0 and figures["pagefind_bundle_bytes"] > 0
    for backend in ("builtin", "pagefind"):
        runs = figures[f"{backend}_queries"]
        assert len(runs) == 2 and all(r["bytes"] > 0 and r["results"] > 0 for r in runs), runs
