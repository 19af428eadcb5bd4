"""Golden Markdown for each page kind, rendered from the example catalog as of its build
date. `pytest --update-goldens` rewrites them; review the diff."""

from __future__ import annotations

import pytest

from generator import pages, render

from .conftest import ROOT
from .helpers import example_project

GOLDEN = ROOT / "tests" / "golden" / "pages"
KINDS = ["connectors/ledgerline.md", "connectors/chatterbox.md", "connectors/helpnest.md",
         "catalog/index.md", "scopes/index.md", "rate-limits/index.md",
         "troubleshooting/index.md", "readiness/index.md"]


@pytest.mark.parametrize("path", KINDS)
def test_golden_page(path: str, golden, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    project = example_project(monkeypatch)
    spec = next(s for s in pages.plan(project) if s.path == path)
    golden(GOLDEN / path.replace("/", "__"), render.render(spec))


def test_public_audience_omits_hidden_preview_and_readiness(
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch, audience="public")
    paths = {s.path for s in pages.plan(project)}
    assert "connectors/ledgerline.md" in paths
    assert "connectors/coinrail.md" not in paths  # hidden
    assert "connectors/helpnest.md" not in paths  # private preview
    assert "readiness/index.md" not in paths
    catalog = next(s for s in pages.plan(project) if s.kind == "catalog")
    text = render.render(catalog)
    assert "coinrail" not in text and "helpnest" not in text.lower()
    guide = next(s for s in pages.plan(project) if s.path == "connectors/chatterbox.md")
    assert "## Smoke results" not in render.render(guide)  # raw messages are internal


def test_example_decisions(monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch)
    shown = {cid: d.shown for cid, d in project.decisions.items()}
    assert shown["ledgerline"] == shown["parcelly"] == "stable"
    for cid in ("chatterbox", "acme-crm", "stackwise"):
        assert shown[cid] == "beta" and project.decisions[cid].downgraded
    assert project.decisions["tasklane"].ready_to_promote
    assert shown["driftbox"] == "deprecated"


def test_no_secret_from_smoke_config_reaches_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch)
    text = "".join(render.render(s) for s in pages.plan(project))
    assert "hnt_EXAMPLE_4d2c9a7e_fake" not in text
    assert project.redactor.find(text) == []
