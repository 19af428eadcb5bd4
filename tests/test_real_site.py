"""Issue 18's acceptance: the real catalog (../shared/real-catalog, skipped when absent)
built as a new user would, with its own example smoke config, public and internal. The
first build works; every guide answers #error-401/403/429 and has no filler; its tables
carry no column empty in every row; every action and trigger shows its output fields and
sample; no sample reaches the search index."""

from __future__ import annotations

import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from connector_docs.site import filters, pages

from .conftest import REAL_CATALOG
from .helpers import FILLER, example_project, make_site, mkdocs_build

pytestmark = pytest.mark.e2e

EXTENSIONS = ["attr_list", "admonition", "tables", {"toc": {"permalink": True}}]
# The tables this project writes from catalog data with columns that can be empty.
PARAM_HEAD = set(filters.PARAM_COLUMNS)
OUTPUT_HEAD = set(filters.OUTPUT_COLUMNS)
SCOPE_HEAD = {"Scope", "What it grants", "Needed by"}
_SAMPLE = re.compile(r'<details class="cd-sample".*?</details>', re.S)


class _Tables(HTMLParser):
    """Every table of a page: header cells and the text of each row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr" and self.tables:
            self._row, self._head = [], False
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._head = [], tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            head, rows = self.tables[-1]
            (head.extend if self._head else rows.append)(self._row)  # type: ignore[operator]
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _ours(head: list[str]) -> bool:
    names = set(head)
    return bool(head) and (
        (head[0] == "Parameter" and names <= PARAM_HEAD)
        or (head[0] == "Field" and names <= OUTPUT_HEAD)
        or (head[0] == "Scope" and names <= SCOPE_HEAD))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


CONFIG = Path("configs") / "connector-smoke.config.example.json"


@pytest.fixture(scope="module", params=["public", "internal"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, str, str]:
    """The real catalog built as a new user would: with its own example smoke config."""
    catalog = REAL_CATALOG
    if not catalog.is_dir():
        pytest.skip("../shared/real-catalog is not present")
    audience = request.param
    root = make_site(tmp_path_factory.mktemp(f"real-{audience}"),
                     plugin={"catalog": str(catalog), "smoke": None,
                             "smoke_config": str(catalog.parent / CONFIG),
                             "audience": audience},
                     extra={"theme": {"name": "material"}, "markdown_extensions": EXTENSIONS})
    started = time.monotonic()
    result = mkdocs_build(root)
    print(f"real catalog ({audience}) built in {time.monotonic() - started:.1f} s")
    return root, audience, result.stdout + f"\nexit {result.returncode}"


def test_the_first_build_works(built: tuple[Path, str, str]) -> None:
    root, _, log = built
    assert log.endswith("exit 0"), log[-3000:]
    assert "secret scan" not in log
    page = (root / "site" / "connectors" / "tableau" / "index.html").read_text()
    assert "example.online.tableau.com" in page  # the public baseUrl, as the catalog says


def test_every_guide_answers_the_support_links_without_filler(
        built: tuple[Path, str, str]) -> None:
    root, _, _ = built
    sources = {json.loads(p.read_text())["id"]: p.read_text()
               for p in REAL_CATALOG.glob("*/definition.json")}
    guides = sorted((root / "site" / "connectors").glob("*/index.html"))
    markdown = {p.stem: p.read_text() for p in
                (root / ".cache" / "connector-docs").glob("*/connectors/*.md")}
    assert len(guides) >= 100 and len(markdown) == len(guides)
    for path in guides:
        text = path.read_text()
        for anchor in ("error-401", "error-403", "error-429"):
            assert f'id="{anchor}"' in text, (path.parent.name, anchor)
    for cid, text in markdown.items():
        for phrase in FILLER:
            assert phrase not in text, (cid, phrase)
        # "(s)" only where the catalog itself wrote it ("recipient(s)" in a description).
        for word in re.findall(r"\w+\(s\)", text):
            assert word in sources[cid], (cid, word)


def test_real_catalog_guides(built: tuple[Path, str, str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    root, audience, _ = built
    real_catalog = REAL_CATALOG
    project = example_project(monkeypatch, catalog=str(real_catalog), smoke=None,
                              smoke_config=None, audience=audience)
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    search: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        search[page] = search.get(page, "") + doc["title"] + "\n" + doc["text"] + "\n"
    guides = pages.visible(project)
    assert len(guides) > 100 if audience == "internal" else len(guides) > 50
    checked = outputs = samples = 0
    for conn in guides:
        text = (root / "site" / "connectors" / conn.id / "index.html").read_text()
        parser = _Tables()
        parser.feed(text)
        for head, rows in parser.tables:
            if not head or not rows:
                continue
            checked += 1
            for i, name in enumerate(head[1:], 1):
                assert any(row[i] not in ("", "—") for row in rows), (conn.id, name, head)
        # Every action and trigger with an outputSchema shows its fields, and its sample.
        anchors = pages.op_anchors(conn)
        for op in conn.operations:
            if pages.is_connection_check(op):  # described with the authentication
                continue
            start = text.index(f'id="{anchors[(op.kind, op.id)]}"')
            end = text.find("<h3 ", start)
            section = text[start:end if end > 0 else len(text)]
            if pages.parameter_rows(op.output_schema):
                assert "<th>Field</th>" in section, (conn.id, op.id)
                outputs += 1
            if op.sample is not None:
                assert section.count('<details class="cd-sample"') == 1, (conn.id, op.id)
                samples += 1
        # No sample in the search index: none of its longer strings that the page shows
        # only in samples is found in the guide's search text.
        found = search.get(f"connectors/{conn.id}/", "")
        assert found and "Sample output" not in found
        outside = html.unescape(re.sub(r"<[^>]+>", "", _SAMPLE.sub("", text)))
        only_in_samples = {s for op in conn.operations for s in _strings(op.sample)
                           if len(s) >= 12 and s not in outside}
        leaked = sorted(s for s in only_in_samples if s in found)
        assert not leaked, (conn.id, leaked[:3])
    assert checked > 1000 and outputs > 1000 and samples > 1000


def test_index_tables_have_no_empty_column(built: tuple[Path, str, str]) -> None:
    root, _, _ = built
    for page in ("scopes", "rate-limits", "troubleshooting", "catalog"):
        parser = _Tables()
        parser.feed((root / "site" / page / "index.html").read_text())
        for head, rows in parser.tables:
            for i, name in enumerate(head[1:], 1):
                assert not rows or any(row[i] not in ("", "—") for row in rows if len(row) > i), \
                    (page, name)


def _claims(definition: dict[str, Any], manifest: dict[str, Any]) -> bool:
    """Whether a real catalog entry claims a lifecycle: availability, a beta, preview or
    deprecated flag, a beta or deprecated release (release.status "stable" is the
    version's release, not a claim)."""
    flags = {**(definition.get("status") or {}), **(manifest.get("status") or {})}
    release = definition.get("release") or {}
    return bool(definition.get("availability") or flags.get("beta")
                or flags.get("privatePreview") or flags.get("deprecated")
                or release.get("isBeta") or release.get("status") == "deprecated")


def test_badges_state_something_and_categories_are_curated(
        built: tuple[Path, str, str]) -> None:
    """Issue 19: no lifecycle badge where the catalog claims nothing, Stable only with
    evidence (there is none here: no smoke results), at most 20 categories."""
    root, audience, _ = built
    claims = {}
    for path in REAL_CATALOG.glob("*/definition.json"):
        manifest = path.with_name("manifest.json")
        claims[path.parent.name] = _claims(
            json.loads(path.read_text()),
            json.loads(manifest.read_text()) if manifest.is_file() else {})
    page = (root / "site" / "catalog" / "index.html").read_text()
    cards = re.findall(r'<li class="cd-card" data-id="([^"]+)" data-status="([^"]*)"', page)
    assert len(cards) > 100
    for cid, status in cards:
        start = page.index(f'data-id="{cid}"')
        body = page[start:page.index("</li>", start)]
        assert status != "stable", cid  # no evidence at all: nothing is Stable
        if claims[cid]:
            assert status and f"cd-badge--{status}" in body, cid
        else:
            assert status == "" and "cd-badge" not in body, cid
    assert sum(1 for cid, _ in cards if claims[cid]) == 8  # the eight "stable" claims
    assert re.findall(r'name="status" value="([^"]*)"', page) == ["beta"]
    assert len(set(re.findall(r'data-category="([^"]*)"', page))) <= 20
    data = json.loads((root / "site" / "catalog" / "catalog.json").read_text())
    badges = {c["id"]: c["badge"] for c in data["connectors"]}
    assert {cid for cid, badge in badges.items() if badge} == {
        cid for cid, _ in cards if claims[cid]}
    slack = (root / "site" / "connectors" / "slack" / "index.html").read_text()
    overview = slack[slack.index('id="overview"'):slack.index('id="before-you-begin"')]
    assert "cd-badge--beta" in overview  # claims stable, no smoke evidence
    assert "Not yet verified as stable" in overview
    quiet = next(cid for cid, claimed in sorted(claims.items()) if not claimed)
    guide = (root / "site" / "connectors" / quiet / "index.html").read_text()
    assert "cd-badge" not in guide[:guide.index('id="before-you-begin"')], (quiet, audience)
