"""Issue 19's badges and categories in a real `mkdocs build` of the example catalog
(public), with one connector added that claims no lifecycle: the HTML a visitor gets
(badges with their notes, the guide's sentence, the catalog intro, the Status facet) and
catalog.json; and a broken taxonomy file stopping the build with located errors."""

from __future__ import annotations

import html as html_mod
import json
import re
import shutil
from pathlib import Path

import pytest
from connector_docs.inputs.validators import format_checker
from jsonschema import Draft202012Validator

from .conftest import ROOT
from .helpers import make_site, mkdocs_build

pytestmark = pytest.mark.e2e

SCHEMA = ROOT / "generator" / "connector_docs" / "inputs" / "schema" / "catalog.schema.json"


def _quiet_catalog(tmp: Path) -> Path:
    """The example catalog plus 'quietly', which claims nothing (no availability, every
    status flag off, a release that says "stable" as every real one does)."""
    src = tmp / "catalog-src"
    shutil.copytree(ROOT / "catalog", src)
    data = json.loads((src / "connectors" / "tasklane.json").read_text())
    data.pop("availability", None)
    data.update(id="quietly", name="Quietly", category="task management",
                status={k: False for k in ("beta", "privatePreview", "deprecated", "hidden",
                                           "featured")},
                release={"semver": "1.2.0", "status": "stable", "isBeta": False})
    (src / "connectors" / "quietly.json").write_text(json.dumps(data, indent=2))
    return src


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("badges")
    root = make_site(tmp / "site-src", catalog=_quiet_catalog(tmp),
                     plugin={"audience": "public"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    return root / "site", result.stdout


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def card(page: str, cid: str) -> str:
    start = page.index(f'data-id="{cid}"')
    return page[start:page.index("</li>", start)]


def test_cards_badges_explain_themselves(public: tuple[Path, str]) -> None:
    site, _ = public
    page = read(site, "catalog/index.html")
    ledger = card(page, "ledgerline")
    assert 'data-status="stable"' in ledger
    assert ('title="Stable: verified by the engineering, QA and nightly smoke tests, most '
            'recently on 2026-11-24"') in html_mod.unescape(ledger).replace("&#58;", ":")
    hidden = re.search(r'<span class="cd-visually-hidden">(.*?)</span>', ledger)
    assert hidden and "verified by the engineering, QA and nightly smoke tests" in \
        html_mod.unescape(hidden.group(1))
    assert 'class="cd-featured"' in ledger
    chatter = card(page, "chatterbox")
    assert "not yet verified as stable (the newest smoke test failed on 2026-11-24)" in \
        html_mod.unescape(chatter)
    quiet = card(page, "quietly")
    assert 'data-status=""' in quiet and "cd-badge" not in quiet
    assert 'data-category="Project Management"' in quiet  # "task management", curated
    # The Status facet offers the badges that exist, and no empty value.
    statuses = re.findall(r'name="status" value="([^"]*)"', page)
    assert statuses == ["stable", "beta", "deprecated"]
    assert ".cd-visually-hidden {" in read(site, "assets/connector-docs.css")


def test_catalog_intro_says_what_the_badges_mean(public: tuple[Path, str]) -> None:
    site, _ = public
    page = read(site, "catalog/index.html")
    intro = html_mod.unescape(re.sub(r"<[^>]+>", "", page[:page.index('id="cd-filters"')]))
    assert "What the badges mean" in intro
    assert "Stable passes our smoke tests for the version it lists, QA's included; the last " \
           "pass is at most 14 " \
           "days old." in intro
    assert "Featured highlighted by the platform team." in intro
    assert ('<details class="cd-legend" data-search-exclude data-pagefind-ignore>'
            "<summary>What the badges mean</summary>") in page
    assert "A connector without a badge has not announced a release stage." in intro
    assert "freshness window" not in page and "catalog calls" not in page


def test_guides_say_when_and_by_what_they_were_verified(public: tuple[Path, str]) -> None:
    site, _ = public

    def overview(cid: str) -> str:
        page = read(site, f"connectors/{cid}/index.html")
        return page[page.index('id="overview"'):page.index('id="before-you-begin"')]

    ledger = html_mod.unescape(overview("ledgerline"))
    assert "cd-badge--stable" in ledger
    assert "Verified by the engineering, QA and nightly smoke tests, most recently on " \
           "2026-11-24; version 2.3.1 verified on 2026-11-18." in ledger
    chatter = html_mod.unescape(overview("chatterbox"))
    assert "cd-badge--beta" in chatter
    assert "Not yet verified as stable: the newest smoke test failed on 2026-11-24." in chatter
    assert "claims" not in chatter and "although the catalog says" not in chatter
    quiet = html_mod.unescape(overview("quietly"))
    assert "cd-badge" not in quiet
    assert "Project Management" in quiet


def test_catalog_json_has_categories_and_badges(public: tuple[Path, str]) -> None:
    site, _ = public
    data = json.loads(read(site, "catalog/catalog.json"))
    schema = json.loads(SCHEMA.read_text())
    Draft202012Validator(schema, format_checker=format_checker()).validate(data)
    items = {c["id"]: c for c in data["connectors"]}
    assert (items["quietly"]["category"], items["quietly"]["categoryRaw"]) == (
        "Project Management", "task management")
    assert (items["quietly"]["badge"], items["quietly"]["badgeNote"]) == (None, None)
    assert items["quietly"]["level"] == "beta"  # what readiness reads it as
    assert items["ledgerline"]["badge"] == "stable"
    assert items["ledgerline"]["badgeNote"].startswith("Stable: verified by the engineering")
    assert items["chatterbox"]["verification"] == (
        "Not yet verified as stable: the newest smoke test failed on 2026-11-24.")
    assert (items["driftbox"]["category"], items["driftbox"]["categoryRaw"]) == (
        "Storage & Files", "File Storage")


def test_build_log_has_no_new_category_warning(public: tuple[Path, str]) -> None:
    _, log = public
    assert "category-unmapped" not in log and "maps to no curated category" not in log


def test_a_broken_taxonomy_stops_the_build_with_located_errors(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"taxonomy": "categories.json"})
    (root / "categories.json").write_text('{\n  "categories": {\n    "Files": "Storage"\n  }\n}\n')
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "categories.json:3:14: error: category 'Files' takes a list of spellings" in \
        result.stdout
    assert "Traceback" not in result.stdout
