"""The real catalog (../shared/real-catalog, skipped when absent) built as a site, public
and internal: its guides' tables carry no column empty in every row, every action and
trigger shows its output fields and sample, and no sample reaches the search index."""

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

from .helpers import example_project, make_site, mkdocs_build

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


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_real_catalog_guides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             real_catalog: Path, audience: str) -> None:
    root = make_site(tmp_path, plugin={"catalog": str(real_catalog), "smoke": None,
                                       "smoke_config": None, "audience": audience},
                     extra={"theme": {"name": "material"}, "markdown_extensions": EXTENSIONS})
    started = time.monotonic()
    result = mkdocs_build(root)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stdout
    print(f"real catalog ({audience}) built in {took:.1f} s")
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
            if not _ours(head) or not rows:
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
