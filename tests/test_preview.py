"""Fast previews by default (issue 20, point 6): the README's plain `mkdocs serve`
rebuilds only the pages that changed when it can, and serves what a full build writes.

- liveness: with the README's serve command an overlay edit and a definition edit show
  on the guide *and* on the catalog page (no stale card); no timing is asserted;
- byte identity: after each kind of edit, the site the fast rebuilds left is the one a
  fresh `mkdocs build` of the same inputs writes (search index and sitemap included);
- the pieces: the search index put back together, the frame that decides.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from connector_docs.speedups import preview

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import make_site
from .test_serve import fetch, overlay_note_shows, serving, wait_for

ENV = {**os.environ, "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
CARD = 'class="cd-card__name" href="../connectors/parcelly/">{}</a>'


def readme_serve_args() -> list[str]:
    """The arguments of `mkdocs serve` in the README's quick start."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"mkdocs serve([^\n`]*)", readme.split("## Quick start", 1)[1])
    assert found, "the README's quick start has no `mkdocs serve` command"
    return shlex.split(found.group(1))


def test_the_readme_serves_without_dirty() -> None:
    """The quick start's command is the fast one now: no --dirty and its stale pages."""
    args = readme_serve_args()
    assert "--dirty" not in args and "-a" in args


@pytest.fixture(scope="module")
def readme_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = make_site(tmp_path_factory.mktemp("preview"))
    args = readme_serve_args()
    del args[args.index("-a"):args.index("-a") + 2]  # serving() picks a free port
    with serving(root, *args) as base:
        yield root, base


@pytest.mark.e2e
def test_readme_serve_shows_an_overlay_edit(readme_served: tuple[Path, str]) -> None:
    root, base = readme_served
    assert overlay_note_shows(root, base, "PREVIEW-NOTE-1")
    assert overlay_note_shows(root, base, "PREVIEW-NOTE-2")
    assert "PREVIEW-NOTE-1" not in fetch(base + "connectors/tasklane/")


@pytest.mark.e2e
def test_readme_serve_shows_a_renamed_connector_on_its_guide_and_the_catalog(
        readme_served: tuple[Path, str]) -> None:
    root, base = readme_served
    assert CARD.format("Parcelly") in fetch(base + "catalog/")
    path = root / "catalog" / "connectors" / "parcelly.json"
    path.write_text(path.read_text().replace('"name": "Parcelly"', '"name": "Shipnest"', 1))
    assert wait_for(base + "connectors/parcelly/", "Shipnest")
    assert wait_for(base + "catalog/", CARD.format("Shipnest"))
    assert CARD.format("Parcelly") not in fetch(base + "catalog/")  # no stale card
    log = (root / "serve.log").read_text()
    assert "only the pages that changed" in log  # the fast path was taken
    assert "A 'dirty' build is being performed" not in log


@pytest.mark.e2e
def test_readme_serve_shows_a_broken_definition_then_the_guide_again(
        readme_served: tuple[Path, str]) -> None:
    """The notice page of a broken definition (site/build.py broken_notice) under the
    fast path too: never the last good page."""
    root, base = readme_served
    url = base + "connectors/coinrail/"
    path = root / "catalog" / "connectors" / "coinrail.json"
    good = path.read_text()
    path.write_text(good.replace('"name":', '"name" "x",', 1))
    assert wait_for(url, "This guide could not be built")
    path.write_text(good)
    assert wait_for(url, "Coinrail")
    assert "could not be built" not in fetch(url)


# --- byte identity ----------------------------------------------------------------------

STEPS: list[tuple[str, list[list[str | None]], bool]] = [
    ("overlay edit", [["docs/connectors/tasklane.md", "NOTE-ONE", "NOTE-TWO"]], True),
    ("name", [["catalog/connectors/parcelly.json", '"name": "Parcelly"',
               '"name": "Shipnest"']], True),
    ("category", [["catalog/connectors/parcelly.json", '"category": "E-commerce"',
                   '"category": "CRM"']], True),
    ("smoke run", [["catalog/smoke/2026-11-25-nightly.json", None,
                    '{"suite": "nightly", "ranAt": "2026-11-25T01:00:00Z", "results": '
                    '[{"appId": "ledgerline", "status": "failed", "durationMs": 5, '
                    '"messages": ["503"]}]}']], True),
    ("connector removed", [["catalog/connectors/stackwise.json", None, None]], False),
    ("page title", [["docs/index.md", "# Home", "# Start here"]], False),
    ("page added", [["docs/extra.md", None, "# Extra\n\nHello.\n"]], False),
    ("overlay again", [["docs/connectors/tasklane.md", "NOTE-TWO", "NOTE-THREE"]], True),
]


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.e2e
def test_fast_rebuilds_write_what_a_full_build_writes(tmp_path: Path) -> None:
    """The rebuilds of `mkdocs serve` (driven in one process as its server drives them)
    leave, after every step, the site a fresh `mkdocs build` of the same inputs writes;
    edits of the frame (a page's title, a page added or removed) rebuild every page."""
    project = make_site(tmp_path / "project", extra={"site_url": "http://127.0.0.1:8000/"})
    (project / "docs" / "connectors").mkdir()
    (project / "docs" / "connectors" / "tasklane.md").write_text("## Notes\n\nNOTE-ONE\n")
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([edits for _, edits, _ in STEPS]))
    site = tmp_path / "site"
    env = {**ENV, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "generator"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    driven = subprocess.run([sys.executable, str(ROOT / "tests" / "preview_driver.py"),
                             str(project), str(site), str(steps)], env=env,
                            capture_output=True, text=True, timeout=600)
    assert driven.returncode == 0, driven.stderr[-3000:]
    fast = json.loads(driven.stdout.strip().splitlines()[-1])
    assert fast == [expected for _, _, expected in STEPS], driven.stderr[-3000:]
    assert "A 'dirty' build is being performed" not in driven.stderr
    for k, (name, _, _) in enumerate(STEPS):
        fresh = tmp_path / f"fresh-{k}"
        built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                                str(fresh)], cwd=f"{project}-{k}", env=env,
                               capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stderr[-3000:]
        got, want = site_files(Path(f"{site}-{k}")), site_files(fresh)
        assert sorted(got) == sorted(want), name
        assert [f for f in want if got[f] != want[f]] == [], name
    assert "Shipnest" in (Path(f"{site}-1") / "catalog" / "index.html").read_text()


# --- the pieces -------------------------------------------------------------------------


def _index(docs: list[dict[str, str]]) -> bytes:
    return json.dumps({"config": {"lang": ["en"]}, "docs": docs},
                      separators=(",", ":")).encode()


def test_search_index_is_put_back_together_in_build_order(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_bytes(_index([
        {"location": "", "title": "Home", "text": "a"},
        {"location": "connectors/x/", "title": "X", "text": "old"},
        {"location": "connectors/x/#setup", "title": "Setup", "text": "old"},
        {"location": "catalog/", "title": "Catalog", "text": "old"},
    ]))
    memory = preview.SearchMemory()
    memory.remember(index)
    # A rebuild that rendered X (one section fewer) and the catalog only.
    index.write_bytes(_index([
        {"location": "connectors/x/", "title": "X", "text": "new"},
        {"location": "catalog/", "title": "Catalog", "text": "new"},
    ]))
    assert memory.merge(index, ["./", "connectors/x/", "catalog/"],
                        {"connectors/x/", "catalog/"})
    assert json.loads(index.read_bytes())["docs"] == [
        {"location": "", "title": "Home", "text": "a"},
        {"location": "connectors/x/", "title": "X", "text": "new"},
        {"location": "catalog/", "title": "Catalog", "text": "new"},
    ]


def test_an_index_it_does_not_know_is_not_merged(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_text('{"docs": [], "config": {}}\n')  # not Material's compact form
    memory = preview.SearchMemory()
    memory.remember(index)
    assert not memory.merge(index, ["./"], set())
    fresh = preview.SearchMemory()  # nothing remembered: nothing to merge with
    index.write_bytes(_index([]))
    assert not fresh.merge(index, ["./"], set())


def test_the_frame_leaves_out_overlays_only(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "connectors").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    overlay = docs / "connectors" / "x.md"
    overlay.write_text("## Notes\n")
    frame = preview.Frame()
    assert not frame.unchanged(preview.stamps([docs], docs))  # nothing seen yet
    overlay.write_text("## Notes\n\nMore.\n")
    assert frame.unchanged(preview.stamps([docs], docs))
    (docs / "connectors" / "deep").mkdir()
    (docs / "connectors" / "deep" / "page.md").write_text("# Page\n")  # not an overlay
    assert not frame.unchanged(preview.stamps([docs], docs))
    frame.forget()
    assert not frame.unchanged(preview.stamps([docs], docs))
    assert preview.is_overlay("connectors/x.md") and not preview.is_overlay("index.md")


def test_the_fast_path_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(preview.ENV, "full")
    assert not preview.enabled()
    monkeypatch.delenv(preview.ENV)
    assert preview.enabled()
