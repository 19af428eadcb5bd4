"""Issue 21 (3): search that scales. ``search_backend: pagefind`` indexes the finished site
with Pagefind (offline, from Python) and puts Pagefind's box in Material's header; every
search exclusion is written for both engines (``data-search-exclude`` and
``data-pagefind-ignore``), and ``search_parameters: false`` holds for both.

Unit tests first; then the example catalog built with Pagefind (what its index holds is
read from its fragments, gzipped JSON, one per page); then a real headless Chromium
typing into the search box over a local HTTP server (skipped without /usr/bin/chromium,
except in CI)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from connector_docs.options import Options, from_mapping
from connector_docs.site import filters, search
from connector_docs.speedups.verbatim import html_block

from .browsers import chromium, served
from .helpers import make_site, mkdocs_build

BOTH = ("data-search-exclude", "data-pagefind-ignore")
THEME = {"theme": {"name": "material", "font": False},
         "markdown_extensions": ["attr_list", "admonition", "tables"]}


def _both(tag: str) -> bool:
    return all(attr in tag for attr in BOTH)


# --- attributes -----------------------------------------------------------------------


def test_one_helper_writes_both_attributes() -> None:
    assert search.excluded() == "data-search-exclude data-pagefind-ignore"
    assert search.excluded("true") == 'data-search-exclude="true" data-pagefind-ignore'


def test_table_noise_and_regions_carry_both() -> None:
    html = "<table>\n<thead>\n<tr><th>Parameter</th></tr>\n</thead>\n<tbody><tr><td>x</td>" \
        "<td>&mdash;</td></tr></tbody></table>"
    quiet = search.quiet_tables(html)
    assert _both(quiet.split("<thead")[1].split(">")[0])
    assert _both(quiet.split("&mdash;")[0].rsplit("<td", 1)[1])
    region = search.exclude_regions(f"{search.EXCLUDE_START}<p>rows</p>{search.EXCLUDE_END}")
    assert region.startswith("<div ") and _both(region.split(">")[0])


def test_samples_carry_both() -> None:
    assert _both(str(filters.sample({"id": "C024BE91L"})).split("<details")[1].split(">")[0])


def test_unsearched_tables_for_search_parameters_false() -> None:
    block = "<table>\n<thead>\n<tr>\n<th>Parameter</th>\n</tr>\n</thead>\n</table>"
    marked = search.unsearched_table(block)
    assert marked.startswith("<table ") and _both(marked.split(">")[0])
    assert search.unsearched_table("<p>not a table</p>") == "<p>not a table</p>"
    # In generated Markdown (`generate`, engines without the plugin): only our blocks.
    page = f"Intro\n\n<table>\n</table>\n\n{html_block(block)}\n"
    out = search.unsearched_tables(page)
    assert out.count("data-pagefind-ignore") == 1 and "Intro\n\n<table>\n" in out


def test_generate_marks_tables_for_engines_without_the_plugin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """search_parameters: false reaches Zensical and Pagefind through `generate`."""
    from click.testing import CliRunner
    from connector_docs.cli import main

    from .conftest import EXAMPLE_EPOCH, ROOT

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    pages = {}
    for params in (True, False):
        config = tmp_path / f"mkdocs-{params}.yml"
        config.write_text(f"site_name: x\nplugins:\n  - connector-docs:\n      catalog: "
                          f"{ROOT / 'catalog' / 'connectors'}\n      search_parameters: "
                          f"{str(params).lower()}\n")
        out = tmp_path / f"out-{params}"
        result = CliRunner().invoke(main, ["-f", str(config), "generate", "--out", str(out)])
        assert result.exit_code == 0, result.output
        pages[params] = (out / "connectors" / "chatterbox.md").read_text()
    marked = "<table data-search-exclude data-pagefind-ignore>"
    assert marked not in pages[True] and "\n<table>\n" in pages[True]
    assert pages[False].count(marked) == pages[True].count("\n<table>\n") > 2


def test_option_declared_once() -> None:
    assert Options().search_backend == "builtin"
    assert from_mapping({"search_backend": "pagefind"}, "mkdocs.yml", ".").search_backend \
        == "pagefind"
    with pytest.raises(Exception, match="search_backend must be one of builtin, pagefind"):
        from_mapping({"search_backend": "lunr"}, "mkdocs.yml", ".")


# --- the example site built with Pagefind ---------------------------------------------


def fragments(site: Path) -> dict[str, str]:
    """URL -> the text Pagefind indexed for that page."""
    found = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])
        found[data["url"]] = data["content"]
    return found


def _build(tmp: Path, site: Path, **plugin: Any) -> str:
    project = make_site(tmp, plugin={"audience": "public", "search_backend": "pagefind",
                                     **plugin}, extra=THEME)
    result = mkdocs_build(project, "-d", str(site))
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("www")
    with served(root) as base:
        yield root, base



@pytest.fixture(scope="module")
def built(www: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, tuple[Path, str]]:
    """Two sites under one server (each in a sub-path): default and search_parameters off."""
    out = {}
    for name, plugin in (("pf", {}), ("pf-noparams", {"search_parameters": False})):
        site = www[0] / name
        log = _build(tmp_path_factory.mktemp(name), site, **plugin)
        out[name] = (site, log)
    return out


@pytest.mark.e2e
def test_pagefind_index_replaces_material_index(built: dict[str, tuple[Path, str]]) -> None:
    site, log = built["pf"]
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (site / "search" / "search_index.json").exists()
    assert "'material/search' plugin in mkdocs.yml is switched off" in log
    assert "Pagefind indexed" in log
    page = (site / "index.html").read_text()
    assert "assets/connector-docs-search.js" in page
    assert 'name="search"' not in page  # no Material search form: no index download


@pytest.mark.e2e
def test_pagefind_indexes_articles_not_excluded_regions(
        built: dict[str, tuple[Path, str]]) -> None:
    site, _ = built["pf"]
    indexed = fragments(site)
    assert "/404.html" not in indexed
    guide = indexed["/connectors/chatterbox/"]
    assert "messages:write" in guide and "Post Message" in guide
    assert "side-bar attachments" in guide  # parameter tables: indexed by default
    assert "C024BE91L" not in guide  # samples never
    assert "Parameter Type" not in guide  # a table's header row never
    assert "Chatterbox" not in indexed["/catalog/"]  # cards and legend: the guides instead
    catalog = (site / "catalog" / "index.html").read_text()
    assert _both(catalog.split('id="cd-browse"')[1].split(">")[0])
    assert all("navigation" not in text.lower()[:40] for text in indexed.values())


@pytest.mark.e2e
def test_search_parameters_false_holds_for_pagefind(
        built: dict[str, tuple[Path, str]]) -> None:
    site, _ = built["pf-noparams"]
    guide = fragments(site)["/connectors/chatterbox/"]
    assert "messages:write" in guide
    assert "side-bar attachments" not in guide and "unfurlLinks" not in guide
    page = (site / "connectors" / "chatterbox" / "index.html").read_text()
    assert "side-bar attachments" in page  # still on the page, just not in the index
    assert page.count("<table data-search-exclude data-pagefind-ignore>") >= 2


# --- a real browser -------------------------------------------------------------------



@pytest.fixture(scope="module")
def browser(built: dict[str, tuple[Path, str]]) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


# The panel is drawn: results, or the "No results" status.
DONE = """() => document.querySelector('.cd-pagefind__result') ||
    /No results/.test((document.querySelector('.cd-pagefind__status') || {}).textContent)"""


def results(browser: Any, url: str, query: str) -> tuple[list[str], list[str], list[str]]:
    """Result links (site-relative as shown), every request made, page errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1:") else route.abort())
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url)
        box = page.locator(".md-header .cd-pagefind input")
        box.wait_for(timeout=15_000)
        box.fill(query)
        page.wait_for_function(DONE, timeout=15_000)
        links = page.eval_on_selector_all(
            ".cd-pagefind__title", "els => els.map(e => e.getAttribute('href'))")
    finally:
        context.close()
    return links, requests, errors


@pytest.mark.e2e
@pytest.mark.browser
def test_browser_finds_a_guide_by_name_and_scope(
        browser: Any, www: tuple[Path, str], built: dict[str, tuple[Path, str]]) -> None:
    base = f"{www[1]}pf/"
    links, requests, errors = results(browser, base, "chatterbox")
    assert not errors, errors
    assert links and links[0].startswith("/pf/connectors/chatterbox/"), links
    assert not [u for u in requests if "search_index" in u]
    assert any("/pf/pagefind/" in u for u in requests)
    links, _, _ = results(browser, f"{base}connectors/parcelly/", "messages:write")
    assert any(link.startswith("/pf/connectors/chatterbox/") for link in links), links
    links, _, _ = results(browser, base, "scopes")
    assert links  # a word of every guide: results, not an error


@pytest.mark.e2e
@pytest.mark.browser
def test_browser_does_not_find_excluded_text(
        browser: Any, www: tuple[Path, str], built: dict[str, tuple[Path, str]]) -> None:
    links, _, _ = results(browser, f"{www[1]}pf-noparams/", "unfurlLinks")
    assert links == []
    links, _, _ = results(browser, f"{www[1]}pf/", "unfurlLinks")
    assert any("/connectors/chatterbox/" in link for link in links), links


@pytest.mark.e2e
@pytest.mark.browser
def test_browser_from_file_says_a_server_is_needed(
        browser: Any, built: dict[str, tuple[Path, str]]) -> None:
    site, _ = built["pf"]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        note = page.locator(".md-header .cd-pagefind--off")
        note.wait_for(timeout=15_000)
        assert "served over HTTP" in note.text_content()
    finally:
        context.close()
