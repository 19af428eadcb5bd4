"""The readiness page agrees with `connector-docs audit --format json`, connector by
connector and gate by gate, on the example catalog and on the real one (skipped when
absent): both are built for real (`mkdocs build`, audience internal) and the page's HTML
is read back."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_EPOCH, REAL_CATALOG
from .helpers import make_site, mkdocs_build

pytestmark = pytest.mark.e2e

LISTS = ("failing", "downgraded", "ready-to-promote")


class ReadinessPage(HTMLParser):
    """The grid (head: gate name -> title attribute; rows: id -> attributes and cells)
    and the three lists (heading id -> [(connector id, item text)])."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: dict[str, str] = {}
        self.rows: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, list[tuple[str, str]]] = {name: [] for name in LISTS}
        self._section = ""
        self._row: dict[str, Any] | None = None
        self._item: list[str] | None = None
        self._cell: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "h2":
            self._section = a.get("id", "")
        elif tag == "th" and "data-gate" in a:
            self.heads[a["data-gate"]] = a.get("title", "")
        elif tag == "tr" and "data-id" in a:
            self._row = {**a, "cells": {}, "texts": []}
            self.rows[a["data-id"]] = self._row
        elif tag == "td" and self._row is not None:
            self._cell = {**a, "text": []}
            if "data-gate" in a:
                self._row["cells"][a["data-gate"]] = self._cell
        elif tag == "li" and self._section in LISTS:
            self._item = []
        elif tag == "a" and self._item is not None and not self._item:
            target = a.get("href", "").rstrip("/").split("/")[-1]
            self.lists[self._section].append((target.removesuffix(".html"), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row["texts"].append("".join(self._cell["text"]).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "li" and self._item is not None:
            cid, _ = self.lists[self._section][-1]
            self.lists[self._section][-1] = (cid, "".join(self._item).strip())
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"].append(data)
        if self._item is not None:
            self._item.append(data)


def _audit(root: Path) -> dict[str, Any]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH}
    result = subprocess.run([sys.executable, "-m", "connector_docs.cli", "-f",
                             str(root / "mkdocs.yml"), "audit", "--format", "json"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def check_page_against_audit(root: Path) -> dict[str, Any]:
    built = mkdocs_build(root)
    assert built.returncode == 0, built.stdout[-3000:]
    page = ReadinessPage()
    page.feed((root / "site" / "readiness" / "index.html").read_text(encoding="utf-8"))
    data = _audit(root)
    gates = {g["name"]: g for g in data["gates"]}
    # Every gate a column, its full title (and whether it is enforced) in the tooltip.
    assert list(page.heads) == list(gates)
    for name, gate in gates.items():
        title = html.unescape(page.heads[name])
        assert title.startswith(gate["title"])
        assert title.endswith("(not enforced)") != gate["enforced"], name
    # Every connector a row, in the audit's order, saying what the audit says.
    assert list(page.rows) == [c["id"] for c in data["connectors"]]
    for conn in data["connectors"]:
        row = page.rows[conn["id"]]
        assert row["data-tier"] == conn["tier"], conn["id"]
        assert row["data-status"] == (conn["status"] or ""), conn["id"]
        assert list(row["cells"]) == list(gates)
        for name, gate in conn["gates"].items():
            cell = row["cells"][name]
            said = f" ({gate['reason']})" if gate["reason"] else ""
            assert cell["data-state"] == gate["state"], (conn["id"], name)
            assert html.unescape(cell["title"]) == \
                f"{gates[name]['short']}: {gate['words']}{said}", (conn["id"], name)
            # The text a screen reader reads (the symbol itself is aria-hidden).
            assert "".join(cell["text"]).strip().endswith(gate["words"] + said)
    # The lists: the same connectors as the audit's, with the same gates and reasons.
    by_id = {c["id"]: c for c in data["connectors"]}

    def said(cid: str, names: list[str]) -> list[str]:
        return [f"{gates[n]['short']}: {by_id[cid]['gates'][n]['reason']}"
                if by_id[cid]["gates"][n]["reason"] else gates[n]["short"] for n in names]

    assert [cid for cid, _ in page.lists["failing"]] == [f["id"] for f in data["failing"]]
    for (cid, text), failing in zip(page.lists["failing"], data["failing"], strict=True):
        assert all(s in text for s in said(cid, failing["gates"])), text
    assert [cid for cid, _ in page.lists["downgraded"]] == [
        d["id"] for d in data["downgraded"]]
    for (cid, text), down in zip(page.lists["downgraded"], data["downgraded"], strict=True):
        assert all(s in text for s in said(cid, down["gates"])), text
        assert not by_id[cid]["readyToPromote"] and by_id[cid]["tier"] != "Gold"
    assert [cid for cid, _ in page.lists["ready-to-promote"]] == data["readyToPromote"]
    for cid in data["readyToPromote"]:
        assert all(g["state"] != "missing" or not g["enforced"]
                   for g in by_id[cid]["gates"].values()), cid
    return data


def test_example_readiness_page_matches_the_audit(tmp_path: Path) -> None:
    data = check_page_against_audit(make_site(tmp_path))
    assert data["readyToPromote"] == ["tasklane"]
    assert [d["id"] for d in data["downgraded"]] == ["acme-crm", "chatterbox", "stackwise"]


def test_example_with_enforced_gates_and_a_failure_matches_the_audit(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"audit_gates": ["auth-test", "scopes", "qa-smoke",
                                                        "fresh-evidence"]})
    path = root / "catalog" / "connectors" / "ledgerline.json"
    definition = json.loads(path.read_text())
    del definition["testConnection"]
    path.write_text(json.dumps(definition))
    data = check_page_against_audit(root)
    assert data["failing"] == [{"id": "ledgerline", "gates": ["auth-test"]}]


def test_real_catalog_readiness_page_matches_the_audit(tmp_path: Path) -> None:
    if not REAL_CATALOG.is_dir():
        pytest.skip("../shared/real-catalog is not present")
    root = make_site(tmp_path, plugin={
        "catalog": str(REAL_CATALOG), "smoke": None,
        "smoke_config": str(REAL_CATALOG.parent / "configs"
                            / "connector-smoke.config.example.json")})
    data = check_page_against_audit(root)
    assert len(data["connectors"]) > 100
