"""One key per guide: change each input of a connector guide in turn and check that every
cache of guides misses (the serve-time template contexts, rendered pages and docs-lint
findings, and the page store on disk), and that with nothing changed every one hits."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from connector_docs.options import Options
from connector_docs.site import build, docslint, render
from connector_docs.site.build import Caches, Generated

from .conftest import EXAMPLE_EPOCH, ROOT

GUIDE = "connectors/ledgerline.md"
DAY = 86400


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("catalog", "docs", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    return tmp_path


def options(site: Path, **changes: Any) -> Options:
    values: dict[str, Any] = {
        "catalog": "catalog/connectors", "smoke": "catalog/smoke",
        "smoke_config": "catalog/smoke-config.example.json", "audience": "internal",
        "templates": "templates", "base_dir": str(site), "docs_dir": str(site / "docs")}
    return Options(**{**values, **changes})


class Observed:
    """What one build did for the guide: rendered it, linted its connector."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.rendered: list[str] = []
        self.linted: list[str] = []
        render_many, gaps_of = render.render_many, docslint._gaps_of

        def counting_render(specs: Any, *args: Any, **kwargs: Any) -> Any:
            self.rendered += [spec.path for spec in specs]
            return render_many(specs, *args, **kwargs)

        def counting_gaps(project: Any, conn: Any) -> Any:
            self.linted.append(conn.id)
            return gaps_of(project, conn)

        monkeypatch.setattr(render, "render_many", counting_render)
        monkeypatch.setattr(docslint, "_gaps_of", counting_gaps)

    def reset(self) -> None:
        self.rendered.clear()
        self.linted.clear()


def run(opts: Options, out: Path, caches: Caches | None = None) -> Generated:
    """What the plugin does in on_files."""
    return build.generate(build.load(opts, caches), out, caches=caches)


def assert_same_as_from_scratch(made: Generated, site: Path, tmp_path: Path,
                                **changes: Any) -> None:
    """What the caches gave is byte for byte what a build without any cache writes."""
    fresh = run(options(site, **changes), tmp_path / "from-scratch")
    assert made.written.keys() == fresh.written.keys()
    for path, (file, _) in made.written.items():
        assert Path(file).read_bytes() == Path(fresh.written[path][0]).read_bytes(), path
    assert made.diagnostics == fresh.diagnostics


def guides(paths: list[str]) -> list[str]:
    return [path for path in paths if path.startswith("connectors/")]


def guide_of(made: Generated) -> Any:
    return next(spec for spec in made.specs if spec.path == GUIDE)


def edit_connector(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    path = site / "catalog/connectors/ledgerline.json"
    data = json.loads(path.read_text())
    data["description"] += " Now with more ledgers."
    path.write_text(json.dumps(data, indent=2))
    return {}


def edit_evidence(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # A month later the same smoke results are stale: the decision (badge, reasons) moves.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EXAMPLE_EPOCH) + 30 * DAY))
    return {}


def edit_overlay(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    path = site / "docs/connectors/ledgerline.md"
    path.write_text(path.read_text() + "\n## Migrating from v1\n\nA section from the writer.\n")
    return {}


def edit_audience(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    return {"audience": "public"}


def edit_platform(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    return {"support_url": "https://support.example.com/other"}


def edit_template(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    path = site / "templates/connector.md.j2"
    path.write_text(path.read_text() + "\n<!-- edited -->\n")
    return {}


def edit_taxonomy(site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # The files stay as they are; the category ledgerline's "Accounting" maps to moves.
    (site / "categories.json").write_text(json.dumps(
        {"extends": "builtin", "categories": {"Bookkeeping": ["Accounting"]}}))
    return {"taxonomy": "categories.json"}


EDITS: dict[str, Callable[[Path, pytest.MonkeyPatch], dict[str, Any]]] = {
    "connector": edit_connector, "evidence": edit_evidence, "overlay": edit_overlay,
    "audience": edit_audience, "template": edit_template, "platform": edit_platform,
    "taxonomy": edit_taxonomy,
}


def test_nothing_changed_every_cache_hits(site: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Observed(monkeypatch)
    caches, out = Caches(), tmp_path / "cache"
    first = run(options(site), out, caches)
    assert GUIDE in seen.rendered and "ledgerline" in seen.linted  # it did the work once
    seen.reset()
    again = run(options(site), out, caches)
    assert guides(seen.rendered) == [] and seen.linted == []  # index pages always render
    assert guide_of(again).context is guide_of(first).context
    # A new process (no serve caches) takes the guide and its findings from the store.
    seen.reset()
    cold = run(options(site), out)
    assert guides(seen.rendered) == [] and seen.linted == []
    assert guide_of(cold).key.digest() == guide_of(first).key.digest()
    assert cold.diagnostics == first.diagnostics
    assert_same_as_from_scratch(again, site, tmp_path)
    assert_same_as_from_scratch(cold, site, tmp_path)


@pytest.mark.parametrize("what", sorted(EDITS))
def test_each_input_of_a_guide_misses_every_cache(what: str, site: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Observed(monkeypatch)
    caches, out = Caches(), tmp_path / "cache"
    before = run(options(site), out, caches)
    old_text = (out / GUIDE).read_text()
    changes = EDITS[what](site, monkeypatch)
    seen.reset()
    after = run(options(site, **changes), out, caches)
    old, new = guide_of(before), guide_of(after)
    assert not new.key.same(old.key)
    assert GUIDE in seen.rendered, "rendered page reused"
    if what == "template":  # shapes the page, not its context nor its docs-lint findings
        assert new.context is old.context and seen.linted == []
    else:
        assert new.context is not old.context, "template context reused"
        assert "ledgerline" in seen.linted, "docs-lint findings reused"
    if what in ("connector", "overlay"):  # the others are every guide's inputs
        assert guides(seen.rendered) == [GUIDE] and seen.linted == ["ledgerline"]
    assert new.key.digest() != old.key.digest(), "page store would reuse the page"
    assert (out / GUIDE).read_text() != old_text
    # And the store on disk, read by a new process, does not hand back the old page.
    seen.reset()
    run(options(site, **changes), out)
    assert GUIDE not in seen.rendered  # the page written just now is the one kept
    assert_same_as_from_scratch(after, site, tmp_path, **changes)


def test_a_template_edited_between_two_builds_of_one_process_is_used(
        site: Path, tmp_path: Path) -> None:
    """Compiled templates live as long as the process: a second build without serve
    caches (a tool running MkDocs twice) must still see the edit, and the page store
    must not keep the page rendered from the old template under the new key."""
    out = tmp_path / "cache"
    run(options(site), out)
    edit_template(site, pytest.MonkeyPatch())
    run(options(site), out)
    assert (out / GUIDE).read_text().endswith("<!-- edited -->\n")
