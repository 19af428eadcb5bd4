"""Ownership (issue 22, point 6): a RACI per launch area and an owner per connector,
validated with located errors, shown on internal sites only."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.inputs import ownership

from .conftest import ROOT
from .helpers import make_site, mkdocs_build

EXAMPLE = ROOT / "catalog" / "ownership.json"
IDS = sorted(p.stem for p in (ROOT / "catalog" / "connectors").glob("*.json"))


def parse(text: str) -> tuple[ownership.Ownership | None, list[str]]:
    found, diags = ownership.parse(text.encode(), "own.json", IDS)
    return found, [d.format() for d in diags]


def test_the_example_file_reads_with_no_problem() -> None:
    found, problems = ownership.load(EXAMPLE, "catalog/ownership.json", IDS)
    assert problems == []
    docs = next(a for a in found.areas if a.name == "Documentation")
    assert docs.accountable == "Dana Ruiz"
    assert docs.consulted == ("Integrations team", "Support")
    assert docs.informed == ("Marketing",)  # one name or a list, read alike
    assert found.owner_of("ledgerline") == ownership.Owner("Maya Chen", "Finance integrations")
    assert found.owner_of("stackwise") == ownership.Owner("Jo Park", None)
    assert found.owner_of("driftbox") is None


def test_every_problem_is_located_with_what_to_do() -> None:
    found, problems = parse('{\n  "areas": {\n    "Docs": {"responsible": "A",\n'
                            '             "acountable": "B"}\n  },\n'
                            '  "connectors": {"ledgerline": {"owner": 3}},\n'
                            '  "owners": {}\n}')
    assert found is None
    assert "own.json:4:14: error: unknown key 'acountable' (at /areas/Docs/acountable)\n" \
           "  hint: did you mean 'accountable'?" in problems
    assert any(p.startswith("own.json:3:13: error: missing required key 'accountable' "
                            "(at /areas/Docs)") for p in problems), problems
    assert any(p.startswith("own.json:6:42: error: expected string, got number 3 "
                            "(at /connectors/ledgerline/owner)") for p in problems), problems
    assert "own.json:7:3: error: unknown key 'owners' (at /owners)\n" \
           "  hint: did you mean 'connectors'?" in problems
    assert len(problems) == 4  # and nothing else


@pytest.mark.parametrize("text,expected", [
    ('{"areas": {"Docs": {"responsible": "A", "accountable": ["B", "C"]}}}',
     "expected string, got array"),
    ('{"areas": {"Docs": {"responsible": [], "accountable": "B"}}}', "/areas/Docs/responsible"),
    ('{"connectors": {"ledgerline": {"owner": "  "}}}', "/connectors/ledgerline/owner"),
    ('[]', "expected object, got array"),
    ('{"areas": ', "own.json:1:"),
])
def test_what_the_schema_refuses(text: str, expected: str) -> None:
    found, problems = parse(text)
    assert found is None
    assert any(expected in p for p in problems), problems


def test_an_unknown_connector_is_a_warning_naming_the_nearest() -> None:
    found, problems = parse('{"connectors": {\n "ledgerlin": {"owner": "Maya"}}}')
    assert found is not None and found.owner_of("ledgerlin") is not None
    assert problems == ["own.json:2:2: warning: owner given for 'ledgerlin', which the catalog "
                        "does not have (at /connectors/ledgerlin)\n"
                        "  hint: did you mean 'ledgerline'?"]


def test_an_unreadable_file_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConnectorDocsError) as err:
        ownership.load(tmp_path / "missing.json", "missing.json", IDS)
    assert "missing.json: error: cannot read the ownership file" in str(err.value)
    assert "set the `ownership` option" in str(err.value)


def test_validate_reports_the_ownership_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    root = make_site(tmp_path, plugin={"ownership": "own.json"})
    (root / "own.json").write_text('{"connectors": {"ledgerline": {"ownr": "x"}}}')
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "own.json:1:32: error: unknown key 'ownr' (at /connectors/ledgerline/ownr)" \
        in result.output
    assert "Traceback" not in result.output


def text_of(page: str) -> str:
    article = page[page.index("<article"):page.index("</article>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)))


@pytest.mark.e2e
def test_internal_sites_show_the_ownership_page_and_owner_column(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"ownership": "catalog/ownership.json"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    page = (root / "site" / "ownership" / "index.html").read_text()
    text = text_of(page)
    assert "Documentation Docs team Dana Ruiz Integrations team, Support Marketing" in text
    assert "2 of 10 connectors have no owner yet" in text
    assert "Ledgerline Maya Chen Finance integrations Stable" in text
    assert "Driftbox Classic no owner — Deprecated" in text
    readiness = (root / "site" / "readiness" / "index.html").read_text()
    assert '<th scope="col" data-sort="text">Owner</th>' in readiness
    assert '<td class="cd-owner" title="Finance integrations">Maya Chen</td>' in readiness
    rows = re.findall(r'<tr data-id="([^"]+)".*?</tr>', readiness, re.S)
    assert len(re.findall(r'<td class="cd-owner"', readiness)) == len(rows) == len(IDS)


@pytest.mark.e2e
def test_public_sites_carry_none_of_it(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"ownership": "catalog/ownership.json",
                                       "audience": "public"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    assert not (root / "site" / "ownership").exists()
    names = {"Priya Raman", "Maya Chen", "Tomás Herrera", "Finance integrations"}
    leaked = [str(p.relative_to(root / "site")) for p in (root / "site").rglob("*")
              if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js")
              and any(n in p.read_text(errors="replace") for n in names)]
    assert leaked == []
    assert json.loads(EXAMPLE.read_text())["connectors"]  # the names were there to leak
