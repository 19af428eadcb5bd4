"""Golden Markdown for each page kind, rendered from the example catalog as of its build
date. `pytest --update-goldens` rewrites them; review the diff."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from connector_docs.site import pages, render

from .conftest import ROOT
from .helpers import example_project

GOLDEN = ROOT / "tests" / "golden" / "pages"
KINDS = ["connectors/ledgerline.md", "connectors/chatterbox.md", "connectors/helpnest.md",
         "catalog/index.md", "scopes/index.md", "rate-limits/index.md",
         "troubleshooting/index.md", "readiness/index.md", "triage/index.md"]


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
    assert "readiness/index.md" not in paths and "triage/index.md" not in paths
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


def test_template_overrides_by_file_and_by_connector(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "connectors").mkdir()
    (tmp_path / "scopes.md.j2").write_text("# Our scopes\n\n{{ rows|length }} rows\n")
    (tmp_path / "connectors" / "parcelly.md.j2").write_text(
        "# {{ connector.name }} special\n\n{{ connector.description }}\n")
    project = example_project(monkeypatch, templates=str(tmp_path))
    specs = {s.path: s for s in pages.plan(project)}
    assert render.render(specs["scopes/index.md"], str(tmp_path)).startswith("# Our scopes")
    assert render.render(specs["connectors/parcelly.md"], str(tmp_path)) \
        .startswith("# Parcelly special")
    # Other connectors keep the built-in template.
    assert "## Permission scopes" in render.render(specs["connectors/ledgerline.md"],
                                                   str(tmp_path))


def test_template_errors_are_reported_not_raised(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path) -> None:  # type: ignore[no-untyped-def]
    from connector_docs.diagnostics import ConnectorDocsError

    (tmp_path / "scopes.md.j2").write_text("# x\n{{ no_such_name }}\n")
    (tmp_path / "rate-limits.md.j2").write_text("# x\n{% for %}\n")
    project = example_project(monkeypatch, templates=str(tmp_path))
    specs = {s.path: s for s in pages.plan(project)}
    with pytest.raises(ConnectorDocsError, match="no_such_name"):
        render.render(specs["scopes/index.md"], str(tmp_path))
    with pytest.raises(ConnectorDocsError, match=r"rate-limits.md.j2:2:1: error: template"):
        render.render(specs["rate-limits/index.md"], str(tmp_path))


def test_whole_real_catalog_renders(monkeypatch: pytest.MonkeyPatch, real_catalog) -> None:  # type: ignore[no-untyped-def]
    project = example_project(monkeypatch, catalog=str(real_catalog), smoke=None,
                              smoke_config=None)
    assert not [d for d in project.diagnostics if d.is_error]
    specs = pages.plan(project)
    texts = {s.path: render.render(s) for s in specs}
    assert len([p for p in texts if p.startswith("connectors/")]) == 149
    slack = texts["connectors/slack.md"]
    assert "<code>chat&#58;write</code>" in slack and "## Permission scopes" in slack
    from connector_docs.site.docslint import check_links, outline

    # generated pages pass their own link lint
    assert check_links({path: outline(text) for path, text in texts.items()}) == []


def test_example_pages_pass_their_own_docs_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    from connector_docs.site import docslint

    project = example_project(monkeypatch)
    diags = docslint.lint(project)
    assert [d.format() for d in diags if d.code in ("broken-link", "broken-anchor")] == []
    # Only the deliberately incomplete connector has documentation gaps.
    assert {d.path for d in diags} == {"catalog/connectors/acme-crm.json"} or \
        {Path(d.path).name for d in diags} == {"acme-crm.json"}


def test_parallel_rendering_matches_serial_and_reports_errors(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """render_many forks workers for large catalogs; the pages (and their order) must be
    exactly the serial ones, and a template error in a worker's share is reported like a
    serial one (not as a pickling failure or a hang)."""
    from connector_docs.diagnostics import ConnectorDocsError

    project = example_project(monkeypatch)
    specs = pages.plan(project) * 30  # enough pages for three workers' shares
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 10)
    serial = [render.render(s) for s in specs]
    assert render.render_many(specs, processes=3) == serial
    assert render.render_many(specs, processes=1) == serial

    (tmp_path / "troubleshooting.md.j2").write_text("# x\n{{ no_such_name }}\n")
    project = example_project(monkeypatch, templates=str(tmp_path))
    specs = pages.plan(project) * 30  # the index is in every worker's share
    with pytest.raises(ConnectorDocsError, match="no_such_name") as failed:
        render.render_many(specs, str(tmp_path), processes=3)
    assert len(failed.value.diagnostics) == 1  # once, not once per page


def test_a_broken_guide_template_is_one_error_naming_its_line_and_pages(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A template line that fails on every guide is reported once, at the template's file
    and line, with how many pages it hit and a close name for a misspelt attribute."""
    from connector_docs.diagnostics import ConnectorDocsError

    (tmp_path / "connector.md.j2").write_text(
        '{% extends "builtin/connector.md.j2" %}\n{% block notes %}\n\n'
        "{{ connector.descripton }}\n{% endblock notes %}\n")
    project = example_project(monkeypatch, templates=str(tmp_path))
    specs = pages.plan(project)
    guides = [s.path for s in specs if s.connector_id]
    with pytest.raises(ConnectorDocsError) as failed:
        render.render_many(specs, str(tmp_path), processes=1)
    [diag] = failed.value.diagnostics
    assert (Path(diag.path).name, diag.line) == ("connector.md.j2", 4)
    assert f"on {len(guides)} pages ({', '.join(guides[:3])}, ...)" in diag.message
    assert "did you mean 'description'?" in (diag.hint or "")

    one = [s for s in specs if s.path == guides[0]]
    with pytest.raises(ConnectorDocsError) as failed:
        render.render_many(one, str(tmp_path), processes=1)
    assert f"while rendering {guides[0]}:" in failed.value.diagnostics[0].message


def test_docs_lint_reports_broken_links_and_anchors(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    from connector_docs.site import docslint

    (tmp_path / "scopes.md.j2").write_text(
        "# Scopes\n\n[gone](../connectors/nosuch.md) [bad](../connectors/ledgerline.md#nope)"
        " [good](../connectors/ledgerline.md#permission-scopes) [own](#scopes)\n")
    project = example_project(monkeypatch, templates=str(tmp_path))
    found = sorted(d.format() for d in docslint.lint(project)
                   if d.code in ("broken-link", "broken-anchor"))
    assert found == [
        "(generated) scopes/index.md: warning: link to missing anchor "
        "'../connectors/ledgerline.md#nope'",
        "(generated) scopes/index.md: warning: link to missing page "
        "'../connectors/nosuch.md'",
    ]


def test_operation_context_reads_like_a_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parameter rows are computed lazily, but a template reading the context as a dict
    (``item.get``, ``in``, ``items()``) must see them like any other key."""
    project = example_project(monkeypatch)
    spec = next(s for s in pages.plan(project) if s.path == "connectors/ledgerline.md")
    item = spec.context["actions"][0]
    assert "params" in item and item.get("params")
    fresh = next(s for s in pages.plan(project) if s.path == "connectors/ledgerline.md")
    other = fresh.context["actions"][0]
    assert dict(other.items())["params"] == item["params"]
    assert sorted(other) == ["anchor", "limits", "op", "outputs", "params"]
    assert len(other) == 5 and "outputs" in item and item.get("outputs") == item["outputs"]
    # ... and as attributes (how templates read them: `item.op`, `row.scope`).
    third = next(s for s in pages.plan(project) if s.path == "connectors/ledgerline.md")
    lazy = third.context["actions"][0]
    assert lazy.params == item["params"] and lazy.op is lazy["op"]
    assert lazy.outputs == item["outputs"]
    assert lazy.limits == lazy["limits"]
    row = third.context["scopes"][0]
    assert row.scope is row["scope"] and row.used_by == row["used_by"]
    with pytest.raises(ValueError, match="hide dict methods"):
        pages.Row(items=[1])


def test_catalog_leaves_out_a_facet_that_cannot_narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """A facet is offered when choosing one of its values can narrow the list: it has two
    values, or its one value is missing on some connector (issue 19: "Pricing tier:
    starter (149)")."""
    project = example_project(monkeypatch, audience="public")
    catalog = next(s for s in pages.plan(project) if s.kind == "catalog")
    total = len(catalog.context["connectors"])
    counts = catalog.context["facet_counts"]
    assert sum(counts["category"].values()) == total  # keyed as the cards' data-* values
    assert 'data-facet="tier"' in render.render(catalog)

    def render_with(tiers: list[str], tier_counts: dict[str, int]) -> str:
        context = {**catalog.context, "tiers": tiers,
                   "facet_counts": {**counts, "tier": tier_counts}}
        return render.render(dataclasses.replace(catalog, context=context))

    assert 'data-facet="tier"' not in render_with(["starter"], {"starter": total})
    # One tier, but some connectors have none: "starter" narrows the list.
    assert 'data-facet="tier"' in render_with(["starter"], {"starter": total - 1, "": 1})
    text = render_with(["starter"], {"starter": total})
    assert 'data-facet="category"' in text and 'data-tier="' in text  # the cards keep it
