"""The app catalog page in a real headless Chromium (Playwright, Debian's /usr/bin/chromium).

The example site is built once per module (public and internal audiences, plus a public
site with a connector full of HTML metacharacters), served from a local ``http.server``
on 127.0.0.1, and driven through the facets, the search box, shared URLs, a browser
without JavaScript and Material's instant navigation. Expected connectors come from the
built ``catalog/catalog.json``; the example's known facts are asserted as well.

Without /usr/bin/chromium these tests are skipped, except in CI (env ``CI`` set), where
they fail: CI must run them. No browser is ever downloaded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .browsers import CHROMIUM, chromium, unavailable
from .conftest import EXAMPLE_CATALOG
from .helpers import make_site, mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Facet name in the page (form field, data-* attribute) -> key in catalog.json.
FACETS = {"status": "badge", "category": "category", "auth": "auth", "tier": "pricingTier"}
# A connector whose texts are HTML/attribute/URL metacharacters: must show as text.
TRICKY_NAME = 'Tricky <img src=x onerror="window.__cdXss=1"> & "Co"'
TRICKY_CATEGORY = 'R&D "Labs" <b>=1'
TRICKY_SCOPE = "x:<script>&amp;"




# --- site and server ---------------------------------------------------------------------


@dataclass
class Site:
    name: str
    base: str  # URL of the site root, ends with "/"
    root: Path  # the built site folder

    @property
    def catalog_url(self) -> str:
        return self.base + "catalog/"

    @functools.cached_property
    def connectors(self) -> list[dict[str, Any]]:
        data = json.loads((self.root / "catalog" / "catalog.json").read_text(encoding="utf-8"))
        return list(data["connectors"])

    @property
    def ids(self) -> set[str]:
        return {c["id"] for c in self.connectors}

    def where(self, **facets: list[str]) -> set[str]:
        """Ids matching every given facet (AND), any of its values (OR)."""
        return {
            c["id"]
            for c in self.connectors
            if all(c[FACETS[f]] in values for f, values in facets.items())
        }

    def values(self, facet: str) -> list[str]:
        return sorted({c[FACETS[facet]] for c in self.connectors if c[FACETS[facet]]})


def _theme() -> dict[str, Any]:
    # Material loads Roboto from Google Fonts unless told not to; the site under test must
    # make no third-party request, so the test site turns that off (see the report).
    return {"name": "material", "features": ["navigation.instant"], "font": False}


HOME = """# Home

[Catalog](catalog/index.md)

[Stable connectors](catalog/index.md?status=stable)
"""
NAV = [
    {"Home": "index.md"},
    {"App catalog": "catalog/index.md"},
    {"Permission scopes": "scopes/index.md"},
]


def _tricky_catalog(tmp: Path) -> Path:
    """The example catalog plus one connector named and described in HTML."""
    src = EXAMPLE_CATALOG.parent
    dst = tmp / "catalog-src"
    shutil.copytree(src, dst)
    data = json.loads((dst / "connectors" / "tasklane.json").read_text(encoding="utf-8"))
    data.update(
        id="tricky",
        name=TRICKY_NAME,
        description="<script>window.__cdXss=2</script> Описание ünïcode & <i>more</i>",
        category=TRICKY_CATEGORY,
        pricingTier='gold "plus"',
    )
    data["authentication"]["scopes"][0]["scope"] = TRICKY_SCOPE
    for action in data["actions"]:
        action["requiredScopes"] = [
            TRICKY_SCOPE if s == "projects:read" else s for s in action.get("requiredScopes", [])
        ]
    (dst / "connectors" / "tricky.json").write_text(json.dumps(data), encoding="utf-8")
    return dst


def _build(tmp: Path, out: Path, url: str, *, audience: str, catalog: Path | None = None) -> None:
    project = make_site(
        tmp,
        plugin={"audience": audience},
        catalog=catalog,
        docs={"index.md": HOME},
        # Material's instant navigation only takes over links to pages listed in the
        # sitemap, whose URLs come from site_url (it swaps in the scheme and host name,
        # not the port or path): site_url must be where the site is really served.
        extra={"theme": _theme(), "nav": NAV, "site_url": url},
    )
    result = mkdocs_build(project, "-d", str(out))
    assert result.returncode == 0, result.stdout
    assert (out / "catalog" / "index.html").is_file(), result.stdout


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    www = tmp_path_factory.mktemp("www")
    handler = functools.partial(_QuietHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        built = {}
        for name, audience in (
            ("public", "public"),
            ("internal", "internal"),
            ("tricky", "public"),
        ):
            tmp = tmp_path_factory.mktemp(name)
            catalog = _tricky_catalog(tmp) if name == "tricky" else None
            _build(
                tmp / "project", www / name, f"{origin}{name}/", audience=audience, catalog=catalog
            )
            built[name] = Site(name, f"{origin}{name}/", www / name)
        yield built
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def public(sites: dict[str, Site]) -> Site:
    return sites["public"]


# --- browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(sites: dict[str, Site]) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@dataclass
class Tab:
    """A page plus what it did: every request URL, script errors, console errors."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_tab(browser: Any) -> Iterator[Callable[..., Tab]]:
    contexts: list[Any] = []
    tabs: list[Tab] = []

    def open_(*, javascript: bool = True, viewport: dict[str, int] | None = None) -> Tab:
        context = browser.new_context(
            java_script_enabled=javascript, viewport=viewport or {"width": 1280, "height": 900}
        )
        contexts.append(context)
        # Anything not local is recorded (the assertion below fails the test) and never
        # actually sent, so a stray CDN reference cannot hang or leak from a test run.
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)"), lambda route: route.abort())
        tab = Tab(context.new_page())
        context.on("request", lambda request: tab.requests.append(request.url))
        tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.page.on(
            "console",
            lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None,
        )
        tabs.append(tab)
        return tab

    yield open_
    for context in contexts:
        context.close()
    for tab in tabs:
        assert not tab.errors, f"errors in the page: {tab.errors}"
        assert not _external(tab.requests), f"requests left 127.0.0.1: {_external(tab.requests)}"


@pytest.fixture
def tab(open_tab: Callable[..., Tab]) -> Tab:
    return open_tab()


def _external(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")]


# --- page helpers ------------------------------------------------------------------------


def goto_catalog(tab: Tab, site: Site, query: str = "") -> Any:
    page = tab.page
    page.goto(site.catalog_url + query)
    page.wait_for_selector("#cd-filters:not([hidden])")
    return page


def shown(page: Any) -> set[str]:
    """Ids of the connector cards a user can see."""
    return set(
        page.eval_on_selector_all(
            ".cd-card", "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.id)"
        )
    )


def shown_after_navigation(page: Any, expected: set[str], timeout_ms: int = 10_000) -> set[str]:
    """``shown`` once it equals ``expected`` (or the timeout passed): after an instant
    navigation, Material swaps the content in and the script restores the state
    asynchronously, so the cards settle a moment after the URL changed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # On a timeout the caller's assert shows what is there instead.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """want => {
                const ids = [...document.querySelectorAll(".cd-card")]
                    .filter(e => e.checkVisibility()).map(e => e.dataset.id).sort();
                return JSON.stringify(ids) === JSON.stringify(want);
            }""",
            arg=sorted(expected), timeout=timeout_ms)
    return shown(page)


def box(page: Any, facet: str, value: str) -> Any:
    """A facet value's checkbox, revealed as a user would: the "Filters" panel opened
    on a narrow screen, "Show all" pressed when the facet shows its biggest values only."""
    found = page.locator(f"#cd-filters input[name={json.dumps(facet)}][value={json.dumps(value)}]")
    if found.count() and not found.is_visible() and visible(page, "#cd-filters"):
        toggle = page.locator("#cd-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
        more = page.locator(f"fieldset[data-facet={json.dumps(facet)}] .cd-facet__more")
        if not found.is_visible() and more.is_visible() and \
                more.get_attribute("aria-expanded") == "false":
            more.click()
    return found


def count(page: Any, facet: str, value: str) -> int:
    text = page.locator(f"[data-count-for={json.dumps(f'{facet}={value}')}]").text_content()
    found = re.search(r"\d+", text or "")
    assert found, f"no count shown for {facet}={value}: {text!r}"
    return int(found.group())


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def search(page: Any, text: str) -> None:
    """Type like a user (key by key), so keyboard shortcuts get their chance to interfere."""
    field_ = page.locator("#cd-q")
    field_.fill("")
    field_.press_sequentially(text)


def visible(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).first.is_visible())


# --- tests -------------------------------------------------------------------------------


def test_example_facts(public: Site, sites: dict[str, Site]) -> None:
    """The known example catalog as of SOURCE_DATE_EPOCH=1795608000, so the derived
    expectations below cannot all be vacuous."""
    assert public.where(status=["stable"]) == {"ledgerline", "parcelly"}
    assert "coinrail" not in public.ids  # hidden: internal only
    assert "coinrail" in sites["internal"].ids
    assert len(public.ids) >= 5


def test_unfiltered_page_lists_everything_with_counts(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    assert shown(page) == public.ids
    total = len(public.ids)
    assert page.locator("#cd-result-count").text_content() == f"{total} of {total} connectors"
    assert not visible(page, "#cd-empty")
    for facet in FACETS:
        for value in public.values(facet):
            assert count(page, facet, value) == len(public.where(**{facet: [value]})), (
                facet,
                value,
            )
    assert query(page) == {}


def test_filter_by_status_stable(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    box(page, "status", "stable").check()
    expected = public.where(status=["stable"])
    assert shown(page) == expected == {"ledgerline", "parcelly"}
    assert page.locator("#cd-result-count").text_content() == (
        f"{len(expected)} of {len(public.ids)} connectors"
    )
    # Counts: other facets count within Stable; the status facet's own counts do not
    # shrink (choosing Beta too would add Beta's connectors: OR within a facet).
    for value in public.values("category"):
        assert count(page, "category", value) == len(
            public.where(status=["stable"], category=[value])
        )
    for value in public.values("status"):
        assert count(page, "status", value) == len(public.where(status=[value]))
    # Category headings without a visible connector are hidden too.
    headings = page.eval_on_selector_all(
        ".cd-group h2", "els => els.filter(e => e.checkVisibility()).map(e => e.textContent)"
    )
    assert sorted(headings) == _categories(public, expected)


def _categories(site: Site, ids: set[str]) -> list[str]:
    return sorted({c["category"] for c in site.connectors if c["id"] in ids})


def test_filter_by_category(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    biggest = max(public.values("category"), key=lambda v: len(public.where(category=[v])))
    box(page, "category", biggest).check()
    assert shown(page) == public.where(category=[biggest])
    assert query(page) == {"category": [biggest]}


def test_filter_by_auth(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    box(page, "auth", "oauth2").check()
    expected = public.where(auth=["oauth2"])
    assert "ledgerline" in expected
    assert shown(page) == expected
    box(page, "auth", "oauth2").uncheck()
    assert shown(page) == public.ids
    assert query(page) == {}


def test_filter_by_tier(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    for tier in public.values("tier"):
        box(page, "tier", tier).check()
        assert shown(page) == public.where(tier=[tier])
        box(page, "tier", tier).uncheck()


def test_combined_facets_and_across_or_within(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    box(page, "status", "stable").check()
    box(page, "status", "beta").check()
    box(page, "auth", "oauth2").check()
    expected = public.where(status=["stable", "beta"], auth=["oauth2"])
    # Not vacuous on the example: OR within status gives both levels, AND with auth
    # takes some away.
    assert expected & public.where(status=["stable"])
    assert expected & public.where(status=["beta"])
    assert expected < public.where(status=["stable", "beta"])
    assert shown(page) == expected
    assert query(page) == {"status": ["stable", "beta"], "auth": ["oauth2"]}
    for value in public.values("auth"):
        assert count(page, "auth", value) == len(
            public.where(status=["stable", "beta"], auth=[value])
        )


def _definitions(site: Site) -> dict[str, dict[str, Any]]:
    """The source definitions (catalog/connectors/*.json) of the connectors on ``site``."""
    folder = EXAMPLE_CATALOG
    found = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["id"] in site.ids:
            found[data["id"]] = data
    return found


def test_search_matches_action_and_scope_names(tab: Tab, public: Site) -> None:
    definitions = _definitions(public)
    action = next(
        a["id"] for a in definitions["acme-crm"]["actions"] if a["id"] == "update_deal_stage"
    )
    scope = next(
        s["scope"]
        for s in definitions["tasklane"]["authentication"]["scopes"]
        if s["scope"] == "comments:write"
    )
    page = goto_catalog(tab, public)

    search(page, action)
    assert shown(page) == {c["id"] for c in public.connectors if action in c["actions"]}
    assert shown(page) == {"acme-crm"}
    assert query(page) == {"search": [action]}
    assert page.locator("#cd-q").evaluate("e => e === document.activeElement")

    search(page, scope.upper())  # case does not matter
    assert shown(page) == {c["id"] for c in public.connectors if scope in c["scopes"]}
    assert shown(page) == {"tasklane"}

    # An action's display name, several words: all of them must match (AND).
    name = next(
        a["name"] for a in definitions["ledgerline"]["actions"] if a["id"] == "create_invoice"
    )
    search(page, name)
    assert "ledgerline" in shown(page)
    search(page, f"{name} tasklane")
    assert shown(page) == set()

    # Search and facets combine.
    search(page, "contact")
    with_contact = shown(page)
    assert len(with_contact) >= 2
    box(page, "status", "stable").check()
    assert shown(page) == with_contact & public.where(status=["stable"])


def test_no_match_message(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    search(page, "no-such-connector-xyz")
    assert shown(page) == set()
    assert visible(page, "#cd-empty")
    assert "No connector matches" in (page.locator("#cd-empty").text_content() or "")
    assert page.locator("#cd-result-count").text_content() == f"0 of {len(public.ids)} connectors"
    assert not page.locator(".cd-group").first.is_visible()
    # The message offers a way out.
    page.locator("#cd-empty button").click()
    assert shown(page) == public.ids
    assert not visible(page, "#cd-empty")
    assert page.locator("#cd-q").input_value() == ""
    assert query(page) == {}


def test_clear_filters_button(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    clear = page.locator("#cd-clear")
    assert not clear.is_visible()  # nothing to clear
    box(page, "status", "beta").check()
    search(page, "a")
    assert clear.is_visible()
    clear.click()
    assert shown(page) == public.ids
    assert not box(page, "status", "beta").is_checked()
    assert query(page) == {}
    assert not clear.is_visible()


def test_enter_in_search_box_does_not_reload(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    page.evaluate("window.__cdSamePage = true")
    search(page, "invoice")
    page.locator("#cd-q").press("Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__cdSamePage") is True
    assert query(page) == {"search": ["invoice"]}


def test_state_in_url_is_shareable(open_tab: Callable[..., Tab], public: Site) -> None:
    page = goto_catalog(open_tab(), public)
    box(page, "status", "stable").check()
    box(page, "status", "beta").check()
    box(page, "tier", "starter").check()
    search(page, "label")
    expected = shown(page)
    assert expected == public.where(status=["stable", "beta"], tier=["starter"]) & {
        c["id"] for c in public.connectors if any("label" in a for a in c["actions"])
    }
    url = page.url
    assert query(page) == {"status": ["stable", "beta"], "tier": ["starter"], "search": ["label"]}

    # A new browser context (no shared state): the same view.
    other = goto_catalog(open_tab(), public, "?" + urlsplit(url).query)
    assert shown(other) == expected
    assert box(other, "status", "stable").is_checked()
    assert box(other, "status", "beta").is_checked()
    assert box(other, "tier", "starter").is_checked()
    assert not box(other, "status", "deprecated").is_checked()
    assert other.locator("#cd-q").input_value() == "label"
    # Material reads ?q= (opens its own search dialog) and ?h= (highlights): the catalog
    # must use other names, or a shared link would open Material's search instead.
    assert not other.locator("#__search").is_checked()
    assert not {"q", "h"} & set(query(other))

    # Reload keeps it too.
    page.reload()
    page.wait_for_selector("#cd-filters:not([hidden])")
    assert shown(page) == expected
    assert box(page, "tier", "starter").is_checked()


def test_hand_written_url(tab: Tab, public: Site) -> None:
    """Links written by people: encoded spaces, unknown values and keys are tolerated."""
    category = next(v for v in public.values("category") if " " in v)
    by_hand = category.replace(" ", "+").replace("&", "%26")  # "Accounting & Finance"
    page = goto_catalog(tab, public, f"?category={by_hand}&status=bogus&x=1")
    # An unknown value selects nothing: it neither hides everything nor is kept.
    assert shown(page) == public.where(category=[category])
    assert box(page, "category", category).is_checked()


def test_without_javascript_everything_is_listed(
    open_tab: Callable[..., Tab], public: Site
) -> None:
    page = open_tab(javascript=False).page
    page.goto(public.catalog_url)
    assert shown(page) == public.ids
    for c in public.connectors:
        link = page.locator(f'.cd-card[data-id="{c["id"]}"] a.cd-card__name')
        assert link.text_content() == c["name"]
        assert link.get_attribute("href") == f"../connectors/{c['id']}/"
    # Controls that would do nothing without the script are not offered.
    assert not visible(page, "#cd-filters")
    assert not visible(page, "#cd-empty")
    assert not visible(page, "#cd-clear")


# Material's instant navigation swaps pages asynchronously. In about one full-suite run
# in three, one of these failed once; it never failed alone, in this module, or under CPU
# load, and the failing assertion was not captured. So they get two more attempts (a real
# regression fails all three); the rerun's report says where it failed.
_INSTANT_NAVIGATION = pytest.mark.flaky(reruns=2)


@_INSTANT_NAVIGATION
def test_instant_navigation_wires_up_the_filters(tab: Tab, public: Site) -> None:
    page = tab.page
    page.goto(public.base)
    page.evaluate("window.__cdNoReload = true")
    page.locator(".md-sidebar--primary .md-nav__link", has_text="App catalog").first.click()
    page.wait_for_url(public.catalog_url)
    page.wait_for_selector("#cd-filters:not([hidden])")
    # Material swapped the content in place: no full page load happened.
    assert page.evaluate("window.__cdNoReload") is True
    box(page, "status", "stable").check()
    assert shown(page) == {"ledgerline", "parcelly"}
    assert query(page) == {"status": ["stable"]}
    assert count(page, "status", "stable") == 2

    # Away and back again (instant both ways): a fresh, working catalog.
    page.locator(".md-sidebar--primary .md-nav__link", has_text="Permission scopes").first.click()
    page.wait_for_url(public.base + "scopes/")
    page.locator(".md-sidebar--primary .md-nav__link", has_text="App catalog").first.click()
    page.wait_for_url(public.catalog_url)
    page.wait_for_selector("#cd-filters:not([hidden])")
    assert page.evaluate("window.__cdNoReload") is True
    assert shown_after_navigation(page, public.ids) == public.ids
    box(page, "auth", "oauth2").check()
    assert shown(page) == public.where(auth=["oauth2"])
    assert page.locator("#cd-result-count").text_content() == (
        f"{len(public.where(auth=['oauth2']))} of {len(public.ids)} connectors"
    )


@_INSTANT_NAVIGATION
def test_instant_navigation_to_a_filtered_view(tab: Tab, public: Site) -> None:
    """A link in the docs to a filtered catalog view, followed without a reload."""
    page = tab.page
    page.goto(public.base)
    page.evaluate("window.__cdNoReload = true")
    page.get_by_role("link", name="Stable connectors").click()
    page.wait_for_url(public.catalog_url + "?status=stable")
    page.wait_for_selector("#cd-filters:not([hidden])")
    assert shown_after_navigation(page, {"ledgerline", "parcelly"}) == {"ledgerline", "parcelly"}
    assert page.evaluate("window.__cdNoReload") is True
    assert box(page, "status", "stable").is_checked()


@_INSTANT_NAVIGATION
def test_back_from_a_guide_restores_the_filtered_view(tab: Tab, public: Site) -> None:
    page = goto_catalog(tab, public)
    page.evaluate("window.__cdNoReload = true")
    box(page, "status", "stable").check()
    page.locator('.cd-card[data-id="ledgerline"] a.cd-card__name').click()
    page.wait_for_url(public.base + "connectors/ledgerline/")
    page.go_back()
    page.wait_for_url(re.compile(r"/catalog/\?status=stable$"))
    page.wait_for_selector("#cd-filters:not([hidden])")
    assert shown_after_navigation(page, {"ledgerline", "parcelly"}) == {"ledgerline", "parcelly"}
    assert box(page, "status", "stable").is_checked()
    page.go_forward()
    page.wait_for_url(public.base + "connectors/ledgerline/")
    assert page.evaluate("window.__cdNoReload") is True


def test_internal_site_has_every_level(tab: Tab, sites: dict[str, Site]) -> None:
    internal = sites["internal"]
    page = goto_catalog(tab, internal)
    assert shown(page) == internal.ids
    assert internal.ids > sites["public"].ids
    for level in internal.values("status"):
        box(page, "status", level).check()
        assert shown(page) == internal.where(status=[level]), level
        assert count(page, "status", level) == len(internal.where(status=[level]))
        box(page, "status", level).uncheck()
    box(page, "status", "alpha").check()
    assert "coinrail" in shown(page)


def test_no_request_leaves_localhost(tab: Tab, public: Site) -> None:
    page = tab.page
    page.goto(public.base)
    page.locator(".md-sidebar--primary .md-nav__link", has_text="App catalog").first.click()
    page.wait_for_selector("#cd-filters:not([hidden])")
    search(page, "invoice")
    page.locator('.cd-card[data-id="ledgerline"] a.cd-card__name').click()
    page.wait_for_url(public.base + "connectors/ledgerline/")
    page.wait_for_load_state("networkidle")
    assert any(u.endswith("/assets/connector-docs-catalog.js") for u in tab.requests)
    assert any(u.endswith("/assets/connector-docs.css") for u in tab.requests)
    assert _external(tab.requests) == []


def test_html_in_catalog_data_stays_text(tab: Tab, sites: dict[str, Site]) -> None:
    tricky = sites["tricky"]
    page = goto_catalog(tab, tricky)
    assert page.evaluate("window.__cdXss") is None
    assert page.locator('.cd-card[data-id="tricky"] a.cd-card__name').text_content() == TRICKY_NAME
    assert box(page, "category", TRICKY_CATEGORY).count() == 1
    box(page, "category", TRICKY_CATEGORY).check()
    assert shown(page) == {"tricky"}
    assert count(page, "category", TRICKY_CATEGORY) == 1
    chip = page.get_by_role("button", name=f"Remove filter: Category: {TRICKY_CATEGORY}")
    assert chip.count() == 1  # the chip shows the value as text
    # ... and the URL carries the value through a reload.
    page.reload()
    page.wait_for_selector("#cd-filters:not([hidden])")
    assert shown(page) == {"tricky"}
    assert query(page)["category"] == [TRICKY_CATEGORY]
    box(page, "category", TRICKY_CATEGORY).uncheck()
    search(page, TRICKY_SCOPE)
    assert shown(page) == {"tricky"}
    search(page, "ünïcode")
    assert shown(page) == {"tricky"}
    box(page, "tier", 'gold "plus"').check()
    assert shown(page) == {"tricky"}
    assert page.evaluate("window.__cdXss") is None


def test_narrow_screen_screenshot(
    open_tab: Callable[..., Tab], public: Site, tmp_path: Path
) -> None:
    """Phone width: the page lays out without horizontal scrolling."""
    page = goto_catalog(open_tab(viewport={"width": 390, "height": 844}), public)
    box(page, "status", "beta").check()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(tmp_path / "catalog-narrow.png"), full_page=True)


# For each guide table of names (parameters, outputs, scopes): the table's width, whether
# its first Description cell ends inside the viewport, the nearest ancestor that scrolls
# sideways (its width), and names whose code may break mid-word.
_GUIDE_TABLES = """() => [...document.querySelectorAll("article table")]
  .filter(t => t.querySelector("code.cd-id"))
  .map(t => {
    const heads = [...t.querySelectorAll("thead th")].map(th => th.textContent.trim());
    const i = heads.indexOf("Description");
    const cell = i < 0 ? null : t.querySelector(`tbody tr td:nth-child(${i + 1})`);
    let box = t.parentElement;
    while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
      box = box.parentElement;
    }
    const names = [...t.querySelectorAll("code.cd-id")].map(c => getComputedStyle(c));
    return {
      heads, width: t.scrollWidth,
      described: cell ? cell.getBoundingClientRect().right <= innerWidth + 0.5 : null,
      scrollBox: box && box !== document.documentElement && box !== document.body
        ? box.getBoundingClientRect().right <= innerWidth + 0.5 : false,
      breaksMidWord: names.filter(s => s.wordBreak !== "normal"
                                       || s.overflowWrap !== "normal").length,
    };
  })"""


def test_guide_tables_fit_a_phone(
    open_tab: Callable[..., Tab], public: Site, tmp_path: Path
) -> None:
    """390 px: the page never scrolls sideways; each parameter or output table's
    Description column is on screen or inside a box of its own that scrolls; names
    wrap only where the generator put a <wbr> (after separators), not mid-word; the
    samples are collapsed."""
    tab = open_tab(viewport={"width": 390, "height": 844})
    page = tab.page
    page.goto(public.base + "connectors/ledgerline/")
    page.wait_for_selector("article table")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")
    tables = page.evaluate(_GUIDE_TABLES)
    assert any(len(t["heads"]) == 6 for t in tables), tables  # a wide parameter table
    assert any(t["heads"][0] == "Field" for t in tables), tables  # an output table
    for t in tables:
        if t["described"] is not None:
            assert t["described"] or t["scrollBox"], t
        assert t["breaksMidWord"] == 0, t
    # Narrower than the Material default (min-width 5rem a column: six were 600 px).
    assert max(t["width"] for t in tables) < 500, tables
    samples = page.locator("details.cd-sample")
    assert samples.count() >= 5 and not samples.first.evaluate("d => d.open")
    samples.first.locator("summary").click()
    assert samples.first.locator("code.language-json .nt").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")
    page.screenshot(path=str(tmp_path / "guide-narrow.png"), full_page=True)
