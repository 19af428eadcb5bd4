"""The readiness grid in a real headless Chromium (Debian's /usr/bin/chromium through
Playwright, as tests/test_browser.py): complete without JavaScript; with it, sorted by
any column and filtered by tier, by a gate's state and by the audit's lists; catalog
text (a connector named in HTML) stays text."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from .browsers import CHROMIUM, chromium, unavailable
from .helpers import make_site, mkdocs_build
from .test_browser import TRICKY_NAME, _QuietHandler, _tricky_catalog
from .test_readiness_site import ReadinessPage

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReadinessPage]]:
    """The example catalog plus a connector named in HTML, internal, served locally:
    (URL of the readiness page, the page's HTML as built)."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("readiness")
    project = make_site(tmp / "project", catalog=_tricky_catalog(tmp),
                        extra={"theme": {"name": "material", "font": False}})
    out = tmp / "www"
    result = mkdocs_build(project, "-d", str(out))
    assert result.returncode == 0, result.stdout[-3000:]
    page = ReadinessPage()
    page.feed((out / "readiness" / "index.html").read_text(encoding="utf-8"))
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/readiness/", page
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(site: Any) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _open(browser: Any, url: str, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1:") else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.errors = errors
    return page


def visible(page: Any) -> list[str]:
    """Ids of the grid's rows a user can see, top to bottom."""
    return list(page.eval_on_selector_all(
        "#cd-readiness-grid tbody tr",
        "rows => rows.filter(r => r.checkVisibility()).map(r => r.dataset.id)"))


def test_without_javascript_the_grid_is_complete(browser: Any, site: Any) -> None:
    url, built = site
    page = _open(browser, url, javascript=False)
    assert visible(page) == list(built.rows)
    assert not page.is_visible("#cd-readiness-filters")
    cell = page.locator('tr[data-id="stackwise"] td[data-gate="qa-smoke"]')
    assert cell.get_attribute("title") == "QA smoke: missing (no QA smoke result)"
    assert cell.inner_text().startswith("✗")
    # The words are for screen readers (visually hidden), the symbol for the eye.
    words = cell.locator(".cd-visually-hidden")
    assert words.text_content() == "missing (no QA smoke result)"
    assert words.bounding_box()["width"] <= 1
    page.context.close()


def test_filters_by_tier_gate_state_and_audit_list(browser: Any, site: Any) -> None:
    url, built = site
    page = _open(browser, url)
    page.wait_for_selector("#cd-readiness-filters:not([hidden])")
    everyone = list(built.rows)
    total = f"{len(everyone)} of {len(everyone)} connectors"
    assert page.inner_text("#cd-readiness-count") == total
    page.select_option("select[name=tier]", "Gold")
    gold = [cid for cid, row in built.rows.items() if row["data-tier"] == "Gold"]
    assert gold and visible(page) == gold
    page.select_option("select[name=tier]", "")
    assert page.is_disabled("select[name=state]")  # no gate chosen: nothing to say
    page.select_option("select[name=gate]", "qa-smoke")
    missing_qa = [cid for cid, row in built.rows.items()
                  if row["cells"]["qa-smoke"]["data-state"] == "missing"]
    assert "stackwise" in missing_qa and visible(page) == missing_qa
    page.select_option("select[name=state]", "passed")
    assert visible(page) == [cid for cid in everyone if cid not in missing_qa]
    page.select_option("select[name=gate]", "")
    page.select_option("select[name=status]", "downgraded")
    assert visible(page) == ["acme-crm", "chatterbox", "stackwise"]
    page.select_option("select[name=status]", "ready")
    assert visible(page) == [cid for cid, row in built.rows.items()
                             if row["data-status"] == "ready"]
    assert page.inner_text("#cd-readiness-count").startswith(f"{len(visible(page))} of ")
    assert not page.errors
    page.context.close()


def test_sorts_by_any_column_both_ways(browser: Any, site: Any) -> None:
    url, built = site
    page = _open(browser, url)
    page.wait_for_selector("#cd-readiness-filters:not([hidden])")
    rank = {"Gold": 0, "Silver": 1, "Bronze": 2}
    order = list(built.rows)
    tier = page.locator("#cd-readiness-grid thead th", has_text="Tier")
    tier.locator("button").click()
    assert tier.get_attribute("aria-sort") == "ascending"
    # Stable: ties keep the report's order.
    assert visible(page) == sorted(order, key=lambda c: rank[built.rows[c]["data-tier"]])
    tier.locator("button").click()
    assert tier.get_attribute("aria-sort") == "descending"
    assert visible(page)[0] in [c for c in order if built.rows[c]["data-tier"] == "Bronze"]
    qa = page.locator('#cd-readiness-grid thead th[data-gate="qa-smoke"]')
    qa.locator("button").click()
    states = [built.rows[c]["cells"]["qa-smoke"]["data-state"] for c in visible(page)]
    assert states == sorted(states, key=["missing", "passed", "n/a"].index)
    assert tier.get_attribute("aria-sort") is None
    # Sorting keeps the filter.
    page.select_option("select[name=tier]", "Silver")
    page.locator("#cd-readiness-grid thead th", has_text="Connector").locator("button").click()
    names = page.eval_on_selector_all(
        "#cd-readiness-grid tbody tr", "rows => rows.filter(r => r.checkVisibility())"
        ".map(r => r.querySelector('th').textContent.trim().toLowerCase())")
    assert names == sorted(names) and len(names) == sum(
        1 for row in built.rows.values() if row["data-tier"] == "Silver")
    assert not page.errors
    page.context.close()


def test_catalog_text_stays_text(browser: Any, site: Any) -> None:
    url, _ = site
    page = _open(browser, url)
    page.wait_for_selector("#cd-readiness-filters:not([hidden])")
    page.locator("#cd-readiness-grid thead th", has_text="Connector").locator("button").click()
    row = page.locator('tr[data-id="tricky"] th')
    assert row.inner_text().strip() == TRICKY_NAME
    assert page.evaluate("window.__cdXss") is None
    assert not page.errors
    page.context.close()


def test_page_is_short(browser: Any, site: Any) -> None:
    """A row is a line or two (the tricky connector's long name wraps further)."""
    url, built = site
    page = _open(browser, url)
    rows = page.eval_on_selector_all(
        "#cd-readiness-grid tbody tr",
        "rows => rows.filter(r => r.dataset.id !== 'tricky')"
        ".map(r => r.getBoundingClientRect().height)")
    assert len(rows) == len(built.rows) - 1 and max(rows) < 50
    page.context.close()
