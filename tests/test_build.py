"""Real `mkdocs build` runs in a temp dir, checking the produced HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import ROOT
from .helpers import make_site, mkdocs_build

pytestmark = pytest.mark.e2e  # every test here builds a real site

OVERLAY = """\
# Ignored title

Writers' intro paragraph.

## Before you begin

You need a **Ledgerline admin** account.

## Troubleshooting

### rate_limited

Our bulk importer pauses automatically; see the runbook.

### 999

No such code.

## Migration from v1

Old tokens stop working on 2027-01-01.
"""


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("internal"),
                     docs={"connectors/ledgerline.md": OVERLAY,
                           "connectors/nosuch.md": "# Unknown\n"},
                     extra={"repo_url": "https://example.com/acme/docs",
                            "edit_uri": "edit/main/docs/"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout
    (root / "build.log").write_text(result.stdout)
    return root


def html(root: Path, path: str) -> str:
    return (root / "site" / path).read_text(encoding="utf-8")


def test_setup_guide_has_badge_scopes_and_anchors(internal_site: Path) -> None:
    page = html(internal_site, "connectors/ledgerline/index.html")
    assert '<span class="cd-badge cd-badge--stable" title="Stable&#58; verified by' in page
    assert 'id="permission-scopes"' in page
    assert "<code>invoices.write</code>" in page
    for anchor in ("error-429", "error-rate-limited", "action-create-invoice",
                   "trigger-invoice-paid", "before-you-begin", "rate-limits"):
        assert f'id="{anchor}"' in page, anchor
    assert "<svg" in page and "smoke results" in page  # history strip


def test_downgraded_connector_shows_beta_and_build_warns(internal_site: Path) -> None:
    page = html(internal_site, "connectors/chatterbox/index.html")
    assert "cd-badge--beta" in page and "cd-badge--stable" not in page
    log = (internal_site / "build.log").read_text()
    assert "'chatterbox' claims availability 'stable' but is shown as Beta" in log


def test_overlay_is_merged_and_edit_link_opens_it(internal_site: Path) -> None:
    page = html(internal_site, "connectors/ledgerline/index.html")
    assert "Writers&#39; intro paragraph." in page or "Writers' intro paragraph." in page
    assert "<strong>Ledgerline admin</strong>" in page
    assert "Our bulk importer pauses automatically" in page
    assert "Migration from v1" in page
    assert "Ignored title" not in page
    assert "https://example.com/acme/docs/edit/main/docs/connectors/ledgerline.md" in page
    # Writer's before-you-begin text precedes the generated checklist.
    assert page.index("Ledgerline admin") < page.index("permission to authorize")
    log = (internal_site / "build.log").read_text()
    assert "overlay for unknown connector 'nosuch'" in log
    assert "troubleshooting entry '999' is not an error code of 'ledgerline'" in log


def test_nav_does_not_list_connector_pages(internal_site: Path) -> None:
    page = html(internal_site, "index.html")
    nav = page[page.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[: nav.index("</nav>")]
    assert "connectors/ledgerline" not in nav
    assert "catalog/" in nav


def test_indexes_and_catalog_json(internal_site: Path) -> None:
    for path in ("catalog/index.html", "scopes/index.html", "rate-limits/index.html",
                 "troubleshooting/index.html", "readiness/index.html",
                 "triage/index.html"):
        assert (internal_site / "site" / path).is_file(), path
    data = json.loads(html(internal_site, "catalog/catalog.json"))
    ids = {c["id"] for c in data["connectors"]}
    assert "coinrail" in ids  # internal audience shows hidden connectors
    trouble = html(internal_site, "troubleshooting/index.html")
    assert 'href="../connectors/ledgerline/#error-rate-limited"' in trouble


def test_public_build_omits_hidden_everywhere(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"audience": "public"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout
    site = root / "site"
    assert not (site / "connectors" / "coinrail").exists()
    assert not (site / "connectors" / "helpnest").exists()
    assert not (site / "readiness").exists()
    assert not (site / "triage").exists()  # issue 22: launch tracking is internal
    for path in ("catalog/catalog.json", "search/search_index.json", "sitemap.xml",
                 "catalog/index.html"):
        text = (site / path).read_text(encoding="utf-8")
        assert "coinrail" not in text.lower() and "helpnest" not in text.lower(), path
        assert "triage" not in text.lower() and "post-launch" not in text.lower(), path
    chatter = (site / "connectors" / "chatterbox" / "index.html").read_text()
    assert "Smoke results" not in chatter


def test_strict_option_turns_downgrades_into_errors(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"strict": True})
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "Aborted" in result.stdout or "Error" in result.stdout
    for cid in ("chatterbox", "acme-crm", "stackwise"):
        assert f"'{cid}' claims availability 'stable'" in result.stdout
    assert "Traceback" not in result.stdout


def test_mkdocs_strict_passes_when_evidence_agrees(tmp_path: Path) -> None:
    """With link and anchor validation on, the only warnings of the example site are the
    deliberate ones: three evidence downgrades and acme-crm's documentation gaps. With
    those corrected, --strict passes: generated pages pass their own lint."""
    overlays = {f"connectors/{p.name}": p.read_text()
                for p in (ROOT / "docs" / "connectors").glob("*.md")}
    root = make_site(tmp_path, docs=overlays)
    for cid in ("chatterbox", "stackwise"):
        path = root / "catalog" / "connectors" / f"{cid}.json"
        path.write_text(re.sub(r'"availability":\s*"stable"', '"availability": "beta"',
                               path.read_text()))
    path = root / "catalog" / "connectors" / "acme-crm.json"
    acme = json.loads(path.read_text())
    acme["availability"] = "beta"
    auth = acme["authentication"].get("config", acme["authentication"])
    auth["scopes"] = [{"scope": s, "description": f"Access to {s}"} for s in auth["scopes"]]
    for action in acme["actions"]:
        for prop in action.get("parameters", {}).get("properties", {}).values():
            prop.setdefault("description", "A parameter.")
        action["errorCodes"] = {code: {"summary": str(text), "resolution": "Retry later."}
                                for code, text in action.get("errorCodes", {}).items()}
    path.write_text(json.dumps(acme))
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout


def test_bad_connectors_are_listed_and_good_ones_still_build(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    (root / "catalog" / "connectors" / "broken.json").write_text('{"id": "broken",,}')
    (root / "catalog" / "connectors" / "worse.json").write_text('[]')
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout
    assert "broken.json:1:17: error: invalid JSON" in result.stdout
    assert "worse.json:1:1: error: top level is an array" in result.stdout
    assert "2 files with errors were left out of the site" in result.stdout
    assert (root / "site" / "connectors" / "ledgerline" / "index.html").is_file()
    assert "Traceback" not in result.stdout


def test_bad_connectors_fail_the_build_under_strict(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"strict": True})
    (root / "catalog" / "connectors" / "broken.json").write_text('{"id": "broken",,}')
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "broken.json:1:17: error: invalid JSON" in result.stdout
    assert "Traceback" not in result.stdout


def test_missing_catalog_is_a_plugin_error(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"catalog": "no/such/folder"})
    result = mkdocs_build(root)
    assert result.returncode == 1
    assert "catalog path does not exist" in result.stdout
    assert "Traceback" not in result.stdout


def test_catalog_links_follow_use_directory_urls(tmp_path: Path) -> None:
    root = make_site(tmp_path, extra={"use_directory_urls": False})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout
    catalog = html(root, "catalog/index.html")
    assert 'href="../connectors/ledgerline.html"' in catalog
    assert (root / "site" / "connectors" / "ledgerline.html").is_file()
    data = json.loads(html(root, "catalog/catalog.json"))
    assert data["connectors"][0]["url"].endswith(".html")


def test_explicit_nav_build_does_not_list_every_guide(tmp_path: Path) -> None:
    """With a hand-written nav, MkDocs reports docs pages missing from it; generated
    guides are reached through the catalog and must not flood that report (10,000 lines
    at 10,000 connectors), yet still be built and searchable."""
    root = make_site(tmp_path, docs={"notes.md": "# Notes\n"},
                     extra={"nav": [{"Home": "index.md"}, {"Catalog": "catalog/index.md"}]})
    result = mkdocs_build(root, "-v")
    assert result.returncode == 0, result.stdout
    report = result.stdout[result.stdout.index('not included in the "nav"'):]
    assert "notes.md" in report  # the writer's own page is still reported
    assert "connectors/" not in report.split("\nINFO", 1)[0].split("\nDEBUG", 1)[0]
    assert (root / "site" / "connectors" / "ledgerline" / "index.html").is_file()
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    assert any(doc["location"].startswith("connectors/ledgerline/") for doc in index["docs"])


def _cached_page(root: Path, name: str) -> Path:
    (page,) = (root / ".cache" / "connector-docs").glob(f"*/connectors/{name}.md")
    return page


def test_guides_from_unchanged_inputs_are_not_rendered_again(tmp_path: Path) -> None:
    """The page store: a second build reuses each guide written by the first while its
    inputs (definition, evidence, overlay, templates, audience) are the same, and renders
    it again as soon as one of them changes."""
    root = make_site(tmp_path, plugin={"templates": "overrides"})
    (root / "overrides").mkdir()
    cold = mkdocs_build(root)
    assert cold.returncode == 0
    first = html(root, "connectors/ledgerline/index.html")
    # Mark what is kept: a guide that is not rendered (nor linted) again keeps the mark.
    (store,) = (root / ".cache" / "connector-docs").glob("*/pages.json")
    kept = json.loads(store.read_text())
    kept["pages"]["connectors/chatterbox.md"][3][0]["message"] += " KEPT-FINDING"
    store.write_text(json.dumps(kept))
    for name in ("ledgerline", "parcelly", "tasklane", "chatterbox"):
        page = _cached_page(root, name)
        page.write_text(page.read_text() + "\nKEPT-FROM-LAST-BUILD\n")
    warm = mkdocs_build(root)
    assert warm.returncode == 0
    for name in ("ledgerline", "parcelly", "tasklane", "chatterbox"):
        assert "KEPT-FROM-LAST-BUILD" in html(root, f"connectors/{name}/index.html"), name

    # The docs-lint findings of kept guides are kept with them, and still reported.
    def findings(output: str) -> list[str]:
        return sorted(line for line in output.splitlines()
                      if "WARNING" in line and "catalog/connectors/" in line)

    assert [line.replace(" KEPT-FINDING", "") for line in findings(warm.stdout)] \
        == findings(cold.stdout)
    assert any("KEPT-FINDING" in line for line in findings(warm.stdout))
    again = html(root, "connectors/ledgerline/index.html").replace(
        "<p>KEPT-FROM-LAST-BUILD</p>", "")
    assert re.sub(r"\s+", "", again) == re.sub(r"\s+", "", first)

    # Each kind of input renders its guide again.
    (root / "catalog" / "connectors" / "parcelly.json").write_text(
        (root / "catalog" / "connectors" / "parcelly.json").read_text().replace(
            '"name": "Parcelly"', '"name": "Parcelly Two"', 1))
    (root / "docs" / "connectors").mkdir()
    (root / "docs" / "connectors" / "tasklane.md").write_text("## Notes\n\nFRESH-NOTE\n")
    (root / "catalog" / "smoke" / "2026-11-25-nightly.json").write_text(
        '{"suite": "nightly", "ranAt": "2026-11-25T01:00:00Z", "results": '
        '[{"appId": "ledgerline", "status": "failed", "durationMs": 5, '
        '"messages": ["Connection test failed: 503 Service Unavailable"]}]}')
    assert mkdocs_build(root).returncode == 0
    assert "Parcelly Two" in html(root, "connectors/parcelly/index.html")
    assert "FRESH-NOTE" in html(root, "connectors/tasklane/index.html")
    assert "cd-badge--beta" in html(root, "connectors/ledgerline/index.html")
    for name in ("ledgerline", "parcelly", "tasklane"):
        assert "KEPT-FROM-LAST-BUILD" not in html(root, f"connectors/{name}/index.html")
    assert "KEPT-FROM-LAST-BUILD" in html(root, "connectors/chatterbox/index.html")

    # A template change renders every guide; a damaged store is simply rebuilt.
    (root / "overrides" / "connectors").mkdir()
    (root / "overrides" / "connectors" / "unrelated.md.j2").write_text("# x\n")
    assert mkdocs_build(root).returncode == 0
    assert "KEPT-FROM-LAST-BUILD" not in html(root, "connectors/chatterbox/index.html")
    store.write_text("{not json")
    page = _cached_page(root, "driftbox")
    page.write_text(page.read_text() + "\nKEPT-FROM-LAST-BUILD\n")
    assert mkdocs_build(root).returncode == 0
    assert "KEPT-FROM-LAST-BUILD" not in html(root, "connectors/driftbox/index.html")
    assert json.loads(store.read_text())["pages"]


def test_page_store_never_vouches_for_a_page_a_failed_build_rewrote(tmp_path: Path) -> None:
    """A build that fails after rewriting guides (here: a broken index template) must not
    leave the store claiming the new files for the old inputs: after reverting, the next
    build renders them again instead of publishing what the failed build wrote."""
    root = make_site(tmp_path, plugin={"templates": "overrides"})
    (root / "overrides").mkdir()
    assert mkdocs_build(root).returncode == 0
    definition = root / "catalog" / "connectors" / "parcelly.json"
    original = definition.read_text()
    definition.write_text(original.replace('"name": "Parcelly"', '"name": "Parcelly Two"', 1))
    (root / "overrides" / "scopes.md.j2").write_text("# Scopes\n{{ no_such_name }}\n")
    failed = mkdocs_build(root)
    assert failed.returncode != 0 and "no_such_name" in failed.stdout
    definition.write_text(original)
    (root / "overrides" / "scopes.md.j2").unlink()
    assert mkdocs_build(root).returncode == 0
    assert "Parcelly Two" not in html(root, "connectors/parcelly/index.html")


def test_page_store_follows_included_files_and_survives_odd_stores(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"templates": "overrides"})
    (root / "overrides" / "connectors").mkdir(parents=True)
    (root / "overrides" / "connectors" / "parcelly.md.j2").write_text(
        "# {{ connector.name }}\n\n{% include 'note.txt' %}\n")
    (root / "overrides" / "note.txt").write_text("FIRST-NOTE\n")
    assert mkdocs_build(root).returncode == 0
    assert "FIRST-NOTE" in html(root, "connectors/parcelly/index.html")
    (root / "overrides" / "note.txt").write_text("SECOND-NOTE\n")  # not a .j2 file
    assert mkdocs_build(root).returncode == 0
    assert "SECOND-NOTE" in html(root, "connectors/parcelly/index.html")
    (store,) = (root / ".cache" / "connector-docs").glob("*/pages.json")
    for odd in ('{"format": 1, "pages": []}',
                '{"format": 1, "pages": {"connectors/parcelly.md": ["x"]}}', "[]", "null"):
        store.write_text(odd)
        assert mkdocs_build(root).returncode == 0, odd
        assert "SECOND-NOTE" in html(root, "connectors/parcelly/index.html")
