"""Issue 19 (5), the site search: the word separator the plugin gives Material's search
(unless the site sets its own), and the generated index pages' rows kept out of the
index. Real ``mkdocs build``s of the example catalog, read through
``search/search_index.json``; the browser side is in test_search_browser.py."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from connector_docs.site import search

from .conftest import ROOT
from .helpers import make_site, mkdocs_build

# Index pages whose rows only repeat the guides: the page's own entry keeps its intro, its
# headings stay (troubleshooting's codes), and no entry holds a connector's row.
ROWS_EXCLUDED = ("rate-limits/", "troubleshooting/", "readiness/")


def _index(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "search" / "search_index.json").read_text())
    return data


def _words(text: str, separator: str) -> set[str]:
    """The words Material's worker indexes from ``text``: markup dropped, cut at the
    separator (Python's re reads this pattern as JavaScript does), lower-cased."""
    return {w.lower() for w in re.split(separator, re.sub(r"<[^>]+>", " ", text)) if w}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site as its mkdocs.yml has it, a site that only adds the plugin (public
    audience), and one whose search plugin sets its own separator."""
    sites = {}
    out = tmp_path_factory.mktemp("example-site")
    result = mkdocs_build(ROOT, "-d", str(out))
    assert result.returncode == 0, result.stdout[-3000:]
    sites["example"] = out
    for name, plugins in (
        ("plugin-only", ["search", {"connector-docs": {"audience": "public"}}]),
        ("own-separator", [{"search": {"separator": r"[\s\-]+"}},
                           {"connector-docs": {"audience": "public"}}]),
    ):
        root = make_site(tmp_path_factory.mktemp(name), extra={"plugins": plugins})
        result = mkdocs_build(root)
        assert result.returncode == 0, result.stdout[-3000:]
        sites[name] = root / "site"
    return sites


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["example", "plugin-only"])
def test_the_separator_cuts_scopes_and_urls(built: dict[str, Path], name: str) -> None:
    index = _index(built[name])
    separator = index["config"]["separator"]
    assert separator == search.SEPARATOR
    docs = index["docs"]
    guide = [d for d in docs if d["location"].startswith("connectors/chatterbox/")]
    words = set().union(*(_words(d["title"] + " " + d["text"], separator) for d in guide))
    # channels:read is one of Chatterbox's scopes: indexed as its two parts, which is what
    # Material makes of the query "channels:read"; snake_case codes stay whole.
    assert "channels:read" in " ".join(d["text"] for d in guide)
    assert {"channels", "read"} <= words and "channels:read" not in words
    assert "not_in_channel" in words
    assert _words("https://www.googleapis.com/auth/drive (invalid_token) v1.2", separator) \
        == {"https", "www", "googleapis", "com", "auth", "drive", "invalid_token", "v1.2"}


@pytest.mark.e2e
def test_a_separator_the_site_sets_is_kept(built: dict[str, Path]) -> None:
    assert _index(built["own-separator"])["config"]["separator"] == r"[\s\-]+"


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["example", "plugin-only"])
def test_index_pages_keep_their_rows_out_of_the_search(built: dict[str, Path],
                                                       name: str) -> None:
    docs = _index(built[name])["docs"]
    connectors = json.loads((built[name] / "catalog" / "catalog.json").read_text())
    names = [c["name"] for c in connectors["connectors"]]
    pages = {d["location"].split("#")[0] for d in docs}
    assert {"scopes/", "rate-limits/", "troubleshooting/"} <= pages
    for doc in docs:
        page = doc["location"].split("#")[0]
        if page in ROWS_EXCLUDED or page == "scopes/":
            assert "—" not in doc["text"] and "&mdash;" not in doc["text"], doc
            assert doc["title"].strip(), doc
        if page in ROWS_EXCLUDED:
            assert not any(n in doc["text"] for n in names), doc
    titles = {d["title"] for d in docs if d["location"].startswith("troubleshooting/#")}
    assert "429 Too Many Requests" in titles and "not_in_channel" in titles
    # The rows are still on the pages, just not in the index.
    page = html.unescape((built[name] / "rate-limits" / "index.html").read_text())
    assert "<div data-search-exclude data-pagefind-ignore>" in page and "Chatterbox" in page
    assert "connector-docs:search-exclude" not in page


@pytest.mark.e2e
def test_each_scope_is_a_search_result_of_its_own(built: dict[str, Path]) -> None:
    docs = _index(built["example"])["docs"]
    scopes = {d["title"]: d["text"] for d in docs if d["location"].startswith("scopes/#")}
    # One section per scope, titled with it, naming the connectors that request it.
    assert scopes["<code>channels:read</code>"].startswith("<ul> <li>Chatterbox: List")
    contacts = scopes["<code>contacts.read</code>"]
    assert "Acme CRM" in contacts and "Ledgerline" in contacts
    assert all(text.startswith("<ul>") for text in scopes.values())
    page = (built["example"] / "scopes" / "index.html").read_text()
    assert 'id="scope-channels-read"' in page and "data-search-exclude" not in page


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["example", "plugin-only"])
def test_table_headers_and_empty_cells_stay_out(built: dict[str, Path], name: str) -> None:
    site = built[name]
    guides = [d for d in _index(site)["docs"] if d["location"].startswith("connectors/")]
    text = "\n".join(d["text"] for d in guides)
    assert "<code>" in text and " yes " in text  # parameter rows are there
    assert "Parameter Type" not in text and "Allowed values" not in text
    assert not re.search(r"(?:^|\s)—(?:\s|$)", text)  # no empty cell's dash
    # The pages still show them; Material took its mark away, Pagefind's stays (one
    # helper writes both: search_backend: pagefind reads the finished page).
    page = (site / "connectors" / "chatterbox" / "index.html").read_text()
    assert "<th>Parameter</th>" in page and "<td data-pagefind-ignore>&mdash;</td>" in page
    assert 'data-search-exclude="true"' not in page


@pytest.mark.e2e
def test_samples_and_the_catalog_cards_stay_out(built: dict[str, Path]) -> None:
    site = built["example"]
    docs = _index(site)["docs"]
    text = "\n".join(d["text"] for d in docs if d["location"].startswith("connectors/"))
    assert "Sample output" not in text and "cd-sample" not in text
    assert any("cd-sample" in p.read_text() for p in site.glob("connectors/*/index.html"))
    catalog = [d for d in docs if d["location"].startswith("catalog/")]
    assert len(catalog) == 1 and len(catalog[0]["text"]) < 600
    assert (site / "readiness" / "index.html").is_file()
    readiness = [d for d in docs if d["location"].startswith("readiness/")]
    assert readiness and all(d["text"] == "" for d in readiness[1:])


def test_a_separator_set_in_mkdocs_yml_wins() -> None:
    from material.plugins.search.plugin import SearchPlugin

    plugin = SearchPlugin()
    plugin.load_config({})
    assert search.set_default_separator({"material/search": plugin})
    assert plugin.config.separator == search.SEPARATOR
    own = SearchPlugin()
    own.load_config({"separator": "[ ]+"})
    assert not search.set_default_separator({"material/search": own})
    assert own.config.separator == "[ ]+"
    assert not search.set_default_separator({})


def test_excluded_regions_become_an_element_the_search_skips() -> None:
    html = (f"<p>intro</p>\n{search.EXCLUDE_START}\n<table><tr><td>Slack</td></tr></table>\n"
            f"{search.EXCLUDE_END}\n<h2 id=x>x</h2>{search.EXCLUDE_START}<p>y</p>"
            f"{search.EXCLUDE_END}")
    out = search.exclude_regions(html)
    div = "<div data-search-exclude data-pagefind-ignore>"  # for Material and Pagefind
    assert out.count(div) == 2 and "connector-docs:" not in out
    assert f"<p>intro</p>\n{div}\n<table>" in out
    assert search.exclude_regions("<p>none</p>") == "<p>none</p>"


def test_table_headers_and_empty_cells_are_marked_for_the_search_to_skip() -> None:
    html = ("<table>\n<thead>\n<tr>\n<th>Parameter</th>\n</tr>\n</thead>\n<tbody>\n"
            "<tr>\n<td>&mdash;</td>\n<td>x &mdash; y</td>\n</tr>\n</tbody>\n</table>")
    out = search.quiet_tables(html)
    skip = 'data-search-exclude="true" data-pagefind-ignore'  # for Material and Pagefind
    assert f'<thead {skip}>' in out
    assert f'<td {skip}>&mdash;</td>' in out and "<td>x &mdash; y</td>" in out
    assert search.quiet_tables("<p>&mdash;</p>") == "<p>&mdash;</p>"


@pytest.mark.parametrize("first", ["search", "connector-docs"])
@pytest.mark.parametrize("own", [None, "[ ]+"])
def test_the_separator_default_does_not_depend_on_plugin_order(
        tmp_path: Path, first: str, own: str | None) -> None:
    from mkdocs.config import load_config

    search_entry: Any = {"search": {"separator": own}} if own else "search"
    entries = [search_entry, {"connector-docs": {"catalog": str(ROOT / "catalog")}}]
    if first == "connector-docs":
        entries.reverse()
    (tmp_path / "docs").mkdir()
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(json.dumps({"site_name": "T", "theme": {"name": "material"},
                                       "plugins": entries}))
    config = load_config(str(config_file))
    config = config.plugins.on_config(config)
    assert config.plugins["material/search"].config.separator == (own or search.SEPARATOR)
