"""Raw HTML of generated pages reaches the site without MkDocs reading it
(speedups/verbatim.py): the app catalog's cards (the same page, a search index without
them) and the guides' parameter tables (the same pages and search index as from Markdown
tables), and nothing a page's own text can forge."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from connector_docs.site import filters, render
from connector_docs.site.pages import ParamRow
from connector_docs.speedups.verbatim import END, HTML_END, START, Verbatim, html_block
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import make_site, mkdocs_build

NOTES = f"""# Notes

{START}
Some **bold** prose between the markers of a writer's own page.
{END}

[The list](catalog/index.md#cd-catalog) and [a missing anchor](catalog/index.md#cd-nope).
"""
# A writer's overlay may show the markers in a code block: guides are never cut.
OVERLAY = f"""# Ledgerline

To keep a block out of Markdown, a template writes:

```html
{START}
<p>raw</p>
{END}
```
"""


def _search_docs(root: Path) -> list[dict[str, str]]:
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    docs: list[dict[str, str]] = index["docs"]
    return docs


@pytest.mark.e2e
def test_catalog_page_is_the_page_markdown_would_make_and_search_skips_the_cards(
        tmp_path: Path) -> None:
    # The same site twice: once as shipped, once with a catalog template whose marker
    # lines are removed (MkDocs converts the block like any raw HTML).
    docs = {"notes.md": NOTES, "connectors/ledgerline.md": OVERLAY}
    fast = make_site(tmp_path / "fast", docs=docs)
    plain = make_site(tmp_path / "plain", docs=docs, plugin={"templates": "overrides"})
    builtin = (render.builtin_templates() / "catalog.md.j2").read_text()
    assert START in builtin and END in builtin
    (plain / "overrides").mkdir()
    (plain / "overrides" / "catalog.md.j2").write_text(
        "".join(line for line in builtin.splitlines(keepends=True)
                if line.strip() not in (START, END)))
    logs = {}
    for root in (fast, plain):
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stdout
        logs[root] = result.stdout
    # MkDocs' link validation still knows the ids inside the block.
    assert logs[fast].count("does not contain an anchor") == 1, logs[fast]
    assert "#cd-nope" in logs[fast] and "#cd-catalog" not in logs[fast]
    page = (fast / "site" / "catalog" / "index.html").read_text()
    assert page == (plain / "site" / "catalog" / "index.html").read_text()
    assert 'data-id="ledgerline"' in page and 'id="cd-filters"' in page
    assert "data-connector-docs-verbatim" not in page

    # A writer's page keeps its markers as comments and is converted as usual.
    notes = (fast / "site" / "notes" / "index.html").read_text()
    assert "<strong>bold</strong>" in notes and "data-connector-docs-verbatim" not in notes
    guide = (fast / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    assert "connector-docs:verbatim --&gt;" in guide and "&lt;p&gt;raw&lt;/p&gt;" in guide
    assert "data-connector-docs-verbatim" not in guide

    # Search: the catalog page is indexed by its own text, the connectors by their guides.
    card_text = "Chatterbox"  # a connector name, printed on its card
    fast_docs, plain_docs = _search_docs(fast), _search_docs(plain)
    assert any(card_text in d["text"] for d in plain_docs if d["location"].startswith("catalog/"))
    catalog_docs = [d for d in fast_docs if d["location"].startswith("catalog/")]
    assert [d["location"] for d in catalog_docs] == ["catalog/"]
    assert "connectors" in catalog_docs[0]["text"] and card_text not in catalog_docs[0]["text"]
    assert any(d["location"].startswith("connectors/chatterbox/") for d in fast_docs)


def test_regions_come_back_in_order_and_placeholders_cannot_be_forged() -> None:
    verbatim = Verbatim()
    markdown = (f"# Page\n\n{START}\n<p>one</p>\n{END}\n\ntext\n\n{START}\n<p>two</p>\n"
                f"<p>more</p>\n{END}\n")
    cut = verbatim.cut("page.md", markdown, index_page=True)
    assert "<p>one</p>" not in cut and "<p>two</p>" not in cut and START not in cut
    # What MkDocs would make of it, with a forged placeholder (another nonce) beside.
    forged = Verbatim()._placeholder(Verbatim()._name("p", "page.md"), 0)
    html = cut.replace("# Page", "<h1>Page</h1>" + forged)
    restored, missing = verbatim.restore("page.md", html)
    assert missing == 0
    assert restored.index("<p>one</p>") < restored.index("text") < restored.index("<p>two</p>")
    assert "<p>two</p>\n<p>more</p>\n" in restored
    assert forged in restored  # left as it was: only this build's nonce is replaced
    # Once restored, the regions are gone: a later page of that name starts afresh, and
    # placeholders no region fills are counted (2 here).
    assert verbatim.restore("page.md", cut) == (cut, 2)


def test_a_dropped_placeholder_is_counted_and_unmarked_pages_pass_through() -> None:
    verbatim = Verbatim()
    cut = verbatim.cut("catalog/index.md",
                       f'{START}\n<p id="a&amp;b">cards</p><a name="n"></a>\n{END}\n',
                       index_page=True)
    assert verbatim.anchors("catalog/index.md") == {"a&b", "n"}
    twice = verbatim.restore("catalog/index.md", cut + cut)  # content printed twice
    assert twice[0].count("<p id=") == 2 and twice[1] == 0
    verbatim.cut("catalog/index.md", f"{START}\n<p>cards</p>\n{END}\n", index_page=True)
    assert verbatim.restore("catalog/index.md", "<html>no content</html>") == (
        "<html>no content</html>", 1)
    text = f"{START}\nnot closed\n"
    assert verbatim.cut("other.md", text, index_page=True) == text
    assert "other.md" not in verbatim.regions


# The parameter table as a Markdown table: what the guides were before param_table.
MARKDOWN_PARAMS = """{% macro params_table(rows) -%}
{% if rows %}
{{ rows|param_markdown }}
{% else %}
This operation takes no parameters.
{% endif %}
{%- endmacro %}
"""
# An overlay showing a marked block in a code block: its digest does not match (edited).
SHOWN = html_block("<table><tr><td>shown</td></tr></table>").replace("shown", "edited")
SHOWING = f"# Ledgerline\n\nA marked block looks like this:\n\n```html\n{SHOWN}\n```\n"


@pytest.mark.e2e
def test_guide_tables_are_the_html_markdown_would_make_and_stay_searchable(
        tmp_path: Path) -> None:
    docs = {"connectors/ledgerline.md": SHOWING}
    fast = make_site(tmp_path / "fast", docs=docs)
    plain = make_site(tmp_path / "plain", docs=docs, plugin={"templates": "overrides"})
    (plain / "overrides").mkdir()
    (plain / "overrides" / "_params.md.j2").write_text(MARKDOWN_PARAMS)
    for root in (fast, plain):
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stdout
    guides = sorted(p.relative_to(fast / "site")
                    for p in (fast / "site" / "connectors").rglob("index.html"))
    assert len(guides) >= 5
    tables = 0
    for rel in guides:
        page = (fast / "site" / rel).read_text()
        assert page == (plain / "site" / rel).read_text(), rel
        assert "data-connector-docs-verbatim" not in page and "<!-- connector-docs" not in page
        tables += page.count("<th>Allowed values</th>")
    assert tables >= 10
    # The tables are indexed as before: a parameter's description is found.
    assert _search_docs(fast) == _search_docs(plain)
    assert any("ID of the customer the invoice is addressed to" in d["text"]
               for d in _search_docs(fast) if d["location"].startswith("connectors/ledgerline/"))
    # The overlay's shown block stays a code block (its digest does not match).
    shown = (fast / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    assert "&lt;td&gt;edited&lt;/td&gt;" in shown


def test_marked_html_is_cut_only_when_its_digest_matches() -> None:
    verbatim = Verbatim()
    block = html_block('<table>\n<tr><td id="t">x</td></tr>\n</table>')
    edited = block.replace(">x<", ">y<")
    cut = verbatim.cut("connectors/a.md", f"# A\n\n{block}\n\n{edited}\n\nend\n",
                       index_page=False)
    assert cut.count("data-connector-docs-verbatim") == 1 and ">y<" in cut
    assert verbatim.anchors("connectors/a.md") == {"t"}
    # Put back into the content, without the blank line Markdown gives a raw block.
    html = markdown.markdown(cut)
    restored, missing = verbatim.restore_content("connectors/a.md", html)
    assert missing == 0 and '<td id="t">x</td></tr>\n</table>\n<!--' in restored
    assert HTML_END not in restored.split(">y<")[0]
    # A placeholder this instance made but no region fills is counted.
    again = verbatim.cut("connectors/a.md", block, index_page=False)
    assert verbatim.restore_content("connectors/b.md", again) == (again, 1)
    assert verbatim.missing_content("connectors/a.md", "<p>no placeholder</p>") == 1
    assert verbatim.missing_content("connectors/a.md", again) == 0
    # A page printing another page's content gets only its own regions put back.
    mine = verbatim.cut("connectors/b.md", html_block("<p>b</p>"), index_page=False)
    restored, missing = verbatim.restore_content("connectors/b.md", mine + again)
    assert "<p>b</p>" in restored and "<table>" not in restored and missing == 1
    # The plain markers are not cut on a guide.
    text = f"{START}\n<p>raw</p>\n{END}\n"
    assert verbatim.cut("connectors/a.md", text, index_page=False) == text


def test_a_block_shown_in_a_code_block_is_left_alone() -> None:
    verbatim = Verbatim()
    block = html_block("<table>\n<tr><td>x</td></tr>\n</table>")
    opening = block.splitlines()[0]
    # An unedited copy in a fence (its digest matches), then a lone opening line in a
    # fence before a real block: only the real block is cut.
    text = (f"```html\n{block}\n```\n\n~~~\n{opening}\n~~~\n\nText.\n\n{block}\n")
    cut = verbatim.cut("connectors/a.md", text, index_page=False)
    assert cut.count("data-connector-docs-verbatim") == 1
    assert cut.startswith(f"```html\n{block}\n```\n\n~~~\n{opening}\n~~~\n\nText.\n\n<div ")


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_VALUE = st.none() | st.booleans() | st.integers() | _TEXT | st.lists(_TEXT, max_size=2)
_ROWS = st.lists(st.builds(ParamRow, name=_TEXT, type=_TEXT, required=st.booleans(),
                           default=_VALUE, enum=st.lists(_VALUE, max_size=3).map(tuple),
                           description=_TEXT, depth=st.just(0)), min_size=1, max_size=4)
_EMPTY_ROWS = st.lists(st.builds(ParamRow, name=_TEXT, type=st.just(""), required=st.booleans(),
                                 default=st.none(), enum=st.just(()), description=_TEXT,
                                 depth=st.just(0)), min_size=1, max_size=4)
_EXTENSIONS = [
    ["toc", "tables", "fenced_code"],  # MkDocs' own
    ["toc", "tables", "attr_list", "md_in_html", "admonition", "pymdownx.superfences",
     "pymdownx.details", "pymdownx.tabbed"],
]


def _same_as_markdown(table: filters.Table, extensions: list[str]) -> None:
    around = "Request: <code>GET /x</code>\n\n{}\n\nAfter.\n"
    expected = markdown.markdown(around.format(table.markdown()), extensions=extensions)
    verbatim = Verbatim()
    cut = verbatim.cut("connectors/x.md", around.format(table.html()), index_page=False)
    assert "<table>" not in cut
    got, missing = verbatim.restore_content(
        "connectors/x.md", markdown.markdown(cut, extensions=extensions))
    assert missing == 0 and got == expected


@pytest.mark.parametrize("extensions", _EXTENSIONS)
@settings(max_examples=60, deadline=None)
@given(rows=_ROWS | _EMPTY_ROWS)
def test_param_table_is_the_html_of_the_markdown_table(extensions: list[str],
                                                       rows: list[ParamRow]) -> None:
    """Any parameter values: the table passed through is what Markdown makes of the
    Markdown table of the same rows and the columns kept; the six columns' cells are
    those of ``param_rows``."""
    table = filters.param_cells(rows)
    _same_as_markdown(table, extensions)
    assert filters.param_table(rows) == table.html()
    if len(table.head) == len(filters.PARAM_COLUMNS):
        assert table.markdown().splitlines()[2:] == filters.param_rows(rows).splitlines()


@pytest.mark.parametrize("extensions", _EXTENSIONS)
@settings(max_examples=30, deadline=None)
@given(rows=_ROWS | _EMPTY_ROWS)
def test_output_table_is_the_html_of_the_markdown_table(extensions: list[str],
                                                        rows: list[ParamRow]) -> None:
    _same_as_markdown(filters.output_cells(rows), extensions)


INDENTED = MARKDOWN_PARAMS.replace(
    "{{ rows|param_markdown }}",
    "!!! note\n\n{{ rows|param_table|indent(4, first=True) }}")


@pytest.mark.e2e
def test_an_indented_table_is_reported(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", plugin={"templates": "overrides"},
                     extra={"markdown_extensions": ["admonition"]})
    (root / "overrides").mkdir()
    (root / "overrides" / "_params.md.j2").write_text(INDENTED)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout
    assert "a parameter table was converted by Markdown" in result.stdout
    assert "connectors/ledgerline.md: a parameter table" in result.stdout


@pytest.mark.e2e
def test_parameter_tables_can_stay_out_of_the_search(tmp_path: Path) -> None:
    """search_parameters: false puts the tables back after the search indexer: the same
    pages, an index without the parameters."""
    shown = make_site(tmp_path / "shown")
    hidden = make_site(tmp_path / "hidden", plugin={"search_parameters": False})
    for root in (shown, hidden):
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stdout
        assert "lost" not in result.stdout and "not reach" not in result.stdout
    pages = sorted(p.relative_to(shown) for p in (shown / "site").rglob("*.html"))
    assert len(pages) > 10
    marks = re.compile(r' data-(?:search-exclude|pagefind-ignore)')
    for page in pages:  # the same but for the marks that keep the tables out of Pagefind
        assert marks.sub("", (hidden / page).read_text()) == \
            marks.sub("", (shown / page).read_text()), page
    guide = Path("site/connectors/ledgerline/index.html")
    assert "<table data-search-exclude data-pagefind-ignore>" in (hidden / guide).read_text()
    assert "<table data-search-exclude" not in (shown / guide).read_text()
    assert "<th>Allowed values</th>" in (hidden / guide).read_text()
    parameter = "ID of the customer the invoice is addressed to"
    heading = "Create Invoice"  # the action's own heading stays searchable
    for root, found in ((shown, True), (hidden, False)):
        docs = [d for d in _search_docs(root)
                if d["location"].startswith("connectors/ledgerline/")]
        assert any(parameter in d["text"] for d in docs) is found
        assert any(heading in d["title"] for d in docs)
    sizes = [(root / "site/search/search_index.json").stat().st_size for root in (shown, hidden)]
    assert sizes[1] < sizes[0]


def test_an_unsearched_block_goes_back_into_the_finished_page() -> None:
    """``html_block(search=False)`` (a sample output): cut like any marked block, but put
    back with the cards, after the search indexed the page content."""
    verbatim = Verbatim()
    table = html_block("<table>\n<tr><td>t</td></tr>\n</table>")
    sample = html_block('<details id="s">\n<pre>x</pre>\n</details>', search=False)
    assert sample.splitlines()[0].endswith(" unsearched -->")
    cut = verbatim.cut("connectors/a.md", f"{table}\n\n{sample}\n", index_page=False)
    assert cut.count("data-connector-docs-verbatim") == 2 and "<details" not in cut
    assert verbatim.anchors("connectors/a.md") == {"s"}
    content, missing = verbatim.restore_content("connectors/a.md", markdown.markdown(cut))
    assert missing == 0 and "<td>t</td>" in content and "<details" not in content
    page, missing = verbatim.restore("connectors/a.md", f"<html>{content}</html>")
    assert missing == 0 and '<details id="s">\n<pre>x</pre>\n</details>' in page
    # Edited (digest no longer matches): left to Markdown like any other block.
    edited = sample.replace(">x<", ">y<")
    assert verbatim.cut("connectors/b.md", edited, index_page=False) == edited
