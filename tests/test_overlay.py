"""Writers' overlays without traps: a repeated section is merged in order and reported
(with its line), a marked section replaces the generated one, and both reach the built
guide and `connector-docs validate --docs`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.inputs import overlay

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import make_site, mkdocs_build

REPEATED = """# Sendwave

Intro text.

## Notes

First note.

## Before you begin

Have a key.

```markdown
## Notes
inside a fence: not a heading
```

## Notes

Second note.

## Troubleshooting

### forgotten_email

First entry.

## Troubleshooting

### campaign_not_ready

Second entry.
"""

REPLACING = """## Authentication

<!-- connector-docs: replace -->
Ask the Sendwave admin team for a key through the access portal.

## Notes

<!-- connector-docs: replace -->
A marker where there is nothing to replace.
"""


def test_repeated_sections_are_merged_in_file_order() -> None:
    parsed = overlay.parse("connectors/sendwave.md", REPEATED)
    notes = parsed.section("notes")
    assert notes.index("First note.") < notes.index("Second note.")
    assert "inside a fence" in parsed.section("before you begin")  # a fenced ## is text
    assert [t for t, _ in parsed.sections] == ["Notes", "Before you begin", "Troubleshooting"]
    assert [code for code, _ in parsed.troubleshooting] == ["forgotten_email",
                                                            "campaign_not_ready"]
    assert parsed.repeated == (("Notes", 5, 18), ("Troubleshooting", 22, 28))


def test_repeated_sections_are_reported_with_their_line() -> None:
    parsed = overlay.parse("connectors/sendwave.md", REPEATED)
    diags = overlay.problems(parsed, "docs/connectors/sendwave.md")
    assert [(d.code, d.line) for d in diags] == [("overlay-repeated-section", 18),
                                                 ("overlay-repeated-section", 28)]
    assert "first at line 5" in diags[0].message and "merge" in (diags[0].hint or "")


def test_replace_marker_replaces_only_where_it_can() -> None:
    parsed = overlay.parse("connectors/sendwave.md", REPLACING)
    assert parsed.replaces("authentication") and not parsed.replaces("notes")
    assert overlay.REPLACE_MARKER not in parsed.section("authentication")
    assert parsed.section("notes") == "A marker where there is nothing to replace."
    diags = overlay.problems(parsed, "docs/connectors/sendwave.md")
    assert [(d.code, d.line) for d in diags] == [("overlay-replace-marker", 8)]


def test_a_section_without_marker_extends() -> None:
    parsed = overlay.parse("connectors/sendwave.md", "## Authentication\n\nMore.\n")
    assert not parsed.replaces("authentication") and parsed.section("authentication") == \
        "More."
    assert overlay.problems(parsed, "x") == []


def test_validate_docs_reports_the_repeated_section(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("catalog", "docs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    (tmp_path / "docs" / "connectors" / "sendwave.md").write_text(REPEATED)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--docs", "--format", "json"],
                                catch_exceptions=False)
    found = [d for d in json.loads(result.output)["diagnostics"]
             if d.get("code") == "overlay-repeated-section"]
    assert [(d["path"], d["line"]) for d in found] == [
        ("docs/connectors/sendwave.md", 18), ("docs/connectors/sendwave.md", 28)]


@pytest.mark.e2e
def test_built_guide_replaces_and_merges(tmp_path: Path) -> None:
    project = make_site(tmp_path, docs={"connectors/sendwave.md": REPLACING + "\n" + REPEATED})
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stdout
    page = (project / "site" / "connectors" / "sendwave" / "index.html").read_text()
    auth = page[page.index('id="authentication"'):page.index('id="permission-scopes"')
                if 'id="permission-scopes"' in page else page.index('id="troubleshooting"')]
    assert "access portal" in auth
    assert "Paste it into the connection form" not in auth  # the generated steps are gone
    assert page.index("First note.") < page.index("Second note.")
    assert "First entry." in page and "Second entry." in page
    assert "appears again (first at line" in result.stdout


@pytest.mark.e2e
def test_a_broken_definition_publishes_neither_guide_nor_raw_overlay(tmp_path: Path) -> None:
    project = make_site(tmp_path, docs={"connectors/coinrail.md": "## Notes\n\nCOIN-NOTE\n"})
    path = project / "catalog" / "connectors" / "coinrail.json"
    path.write_text(path.read_text().replace('"name":', '"name" "x",', 1))
    result = mkdocs_build(project)
    assert "coinrail.json" in result.stdout and "left out of the site" in result.stdout
    assert "overlay for unknown connector" not in result.stdout
    assert not (project / "site" / "connectors" / "coinrail").exists()
    assert "could not be built" not in "".join(
        p.read_text() for p in (project / "site").rglob("*.html"))
