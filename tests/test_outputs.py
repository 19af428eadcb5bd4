"""A guide's tables and outputs: columns empty in every row left out, output fields
flattened as parameters are, samples bounded and escaped, names that wrap only after
their separators."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from connector_docs.site import escape, filters, pages, render
from connector_docs.site.pages import ParamRow

from .conftest import EXAMPLE_CATALOG
from .helpers import example_project


def _row(name: str, **values: Any) -> ParamRow:
    base: dict[str, Any] = {"type": "string", "required": False, "default": None, "enum": (),
                            "description": "", "depth": 0}
    base.update(values)
    return ParamRow(name=name, **base)


def test_columns_empty_in_every_row_are_left_out() -> None:
    rows = [_row("a", description="First."), _row("b")]
    table = filters.param_cells(rows)
    assert table.head == ("Parameter", "Type", "Required", "Description")
    assert [len(r) for r in table.rows] == [4, 4]
    # One value is enough to keep a column; the Parameter column stays even when blank.
    table = filters.param_cells([_row(""), _row("b", default=0, type="")])
    assert table.head == ("Parameter", "Type", "Required", "Default")
    assert table.rows[0][3] == filters.EMPTY and table.rows[1][3] == "<code>0</code>"
    # The HTML and the Markdown carry the same columns.
    assert filters.param_table(rows).count("<th>") == 4
    assert filters.param_markdown(rows).splitlines()[0] == (
        "| Parameter | Type | Required | Description |")
    assert filters.output_cells([_row("x", type="")]).head == ("Field",)


def test_output_fields_are_flattened_as_parameters_are() -> None:
    schema = {"type": "object", "properties": {
        "id": {"type": "string", "description": "The id."},
        "contact": {"type": "object", "properties": {"name": {"type": "string"}}},
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "amount": {"type": "number"}}}},
    }}
    assert [r.name for r in pages.parameter_rows(schema)] == [
        "id", "contact", "contact.name", "lines", "lines[].amount"]
    table = filters.output_cells(pages.parameter_rows(schema))
    assert table.head == ("Field", "Type", "Description")
    assert table.rows[4][0] == '<code class="cd-id">lines&#91;&#93;.<wbr>amount</code>'
    # A wide result: the first MAX_LIST fields, then a line counting the others.
    wide = {"type": "object", "properties": {f"f{i}": {"type": "string"}
                                             for i in range(pages.MAX_LIST + 7)}}
    out = filters.output_table(pages.parameter_rows(wide))
    assert out.count("<tr>") == pages.MAX_LIST + 1 and out.endswith("… and 7 more fields.")


def test_the_example_guides_show_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    project = example_project(monkeypatch)
    spec = next(s for s in pages.plan(project) if s.path == "connectors/ledgerline.md")
    text = render.render(spec)
    ops = json.loads((EXAMPLE_CATALOG / "ledgerline.json").read_text())
    with_outputs = [op for op in ops["actions"] + ops["triggers"] if "outputSchema" in op]
    assert len(with_outputs) >= 5
    assert text.count("**Output**") == len(with_outputs)
    assert text.count('<details class="cd-sample"') == len(with_outputs)
    assert "connector-docs:html" in text and " unsearched -->" in text
    assert "<th>Field</th>" in text and '<span class="nt">&quot;' not in text


def test_identifiers_wrap_only_after_separators() -> None:
    assert escape.identifier("invoices.read") == '<code class="cd-id">invoices.<wbr>read</code>'
    assert escape.identifier("lineItems[].unitAmount") == (
        '<code class="cd-id">line<wbr>Items&#91;&#93;.<wbr>unit<wbr>Amount</code>')
    # Runs of separators and a trailing one give no empty piece; text is still escaped.
    assert escape.identifier("a__b.") == '<code class="cd-id">a&#95;&#95;<wbr>b.</code>'
    assert escape.identifier("<b>x</b>") == '<code class="cd-id">&lt;b&gt;x&lt;/<wbr>b&gt;</code>'
    plain = re.sub(r"<[^>]+>", "", escape.identifier("ab_c-d/e:f.g[].h"))
    assert html.unescape(plain) == "ab_c-d/e:f.g[].h"


HOSTILE = {
    "</code></pre><script>alert(1)</script>": "</details><img src=x onerror=alert(2)>",
    "quote\"'&amp;": ["<!-- connector-docs:end-html -->", "\u202egnp.exe", "{{ x }}"],
    "n": -1.5e10,
}


def test_samples_are_escaped_highlighted_and_bounded() -> None:
    out = str(filters.sample(HOSTILE))
    body = out.split("\n", 1)[1].rsplit("\n", 1)[0]  # between the marker comment lines
    for bad in ("<script", "<img", "</details><", "<!--", "\u202e"):
        assert bad not in body.replace("<details class", "").replace("</details>\n", ""), bad
    assert body.count("<details") == 1 and body.endswith("</details>")
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;" in body
    assert '<span class="mi">-15000000000.0</span>' in body
    assert 'data-search-exclude=""' in out and " unsearched -->" in out.splitlines()[0]
    # Text inside <pre> reads back as the JSON it shows.
    code = re.search(r'<code class="language-json">(.*)</code></pre>', body, re.S)
    assert code is not None
    shown = html.unescape(re.sub(r"<[^>]+>", "", code.group(1)))
    assert json.loads(shown) == {**HOSTILE, "quote\"'&amp;": [
        "<!-- connector-docs:end-html -->", "gnp.exe", "{{ x }}"]}
    # No line of the block may be blank or start a comment (verbatim's block format).
    assert all(line.strip() and not line.startswith("<!--") for line in body.splitlines())


def test_a_large_sample_is_cut_with_a_note() -> None:
    big = {f"key{i}": "v" * 30 for i in range(200)}
    out = str(filters.sample(big))
    lines = re.search(r'language-json">(.*)</code>', out, re.S)
    assert lines is not None
    kept = lines.group(1).count("\n") + 1
    assert 10 < kept <= filters.MAX_SAMPLE_LINES
    assert f"Cut to its first {kept} lines" in out
    wide = ["x" * 3000, "y" * 3000, "z"]
    shown, cut = escape.json_lines(wide, filters.MAX_SAMPLE_LINES, filters.MAX_SAMPLE_CHARS)
    assert len(shown) == 2 and cut  # "[", the first string; then the rest
    # One line longer than the bound (a big string) is cut inside.
    shown, cut = escape.json_lines("q" * 90_000, 60, 4096)
    assert len(shown) == 1 and cut and len(shown[0]) < 4200 and shown[0].endswith("…")
    assert "Cut to its first 1 line to" in str(filters.sample("q" * 90_000))
    small = str(filters.sample({"ok": True}))
    assert "Cut to" not in small and escape.json_lines({"ok": True}, 60, 4096)[1] is False


def _connector(tmp_path: Path, scopes: list[dict[str, Any]],
               required: list[str] | None = None) -> Path:
    data = json.loads((EXAMPLE_CATALOG / "chatterbox.json").read_text())
    data["authentication"]["scopes"] = scopes
    for op in data["actions"] + data["triggers"]:
        op["requiredScopes"] = required or []
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "chatterbox.json").write_text(json.dumps(data))
    return folder


@pytest.mark.parametrize(("described", "needed", "head"), [
    (True, True, "| Scope | What it grants | Needed by |"),
    (False, True, "| Scope | Needed by |"),
    (True, False, "| Scope | What it grants |"),
    (False, False, None),
])
def test_scope_table_leaves_out_empty_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              described: bool, needed: bool,
                                              head: str | None) -> None:
    scopes = [{"scope": s, **({"description": f"Grants {s}."} if described else {})}
              for s in ("chat:write", "channels.read")]
    catalog = _connector(tmp_path, scopes, ["chat:write"] if needed else None)
    project = example_project(monkeypatch, catalog=str(catalog), smoke=None,
                              smoke_config=None)
    spec = next(s for s in pages.plan(project) if s.path == "connectors/chatterbox.md")
    text = render.render(spec)
    section = text.split("## Permission scopes", 1)[1].split("\n## ", 1)[0]
    if head is None:
        assert "|" not in section and "&mdash;" not in section
        assert "Grant these scopes when you connect: <code>chat&#58;write</code>" in section
    else:
        lines = [line for line in section.splitlines() if line.startswith("|")]
        assert lines[0] == head and len(lines) == 4
        assert all(line.count("|") == head.count("|") for line in lines)


def test_line_separators_in_a_sample_never_start_a_line() -> None:
    """U+2028/U+2029 are raw in JSON strings; split as lines they let sample text start a
    line of the page: a fence pairing with later blocks, a blank line ending the block."""
    hostile = {"a": "x\u2028```\u2029\u2029~~~ { onclick=alert(1) }\u2028y"}
    lines, _ = escape.json_lines(hostile, 60, 4096)
    assert len(lines) == 3
    out = str(filters.sample(hostile))
    assert "\u2028" not in out and "\u2029" not in out
    assert not [line for line in out.split("\n") if line.lstrip().startswith(("```", "~~~"))]
