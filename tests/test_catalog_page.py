"""Issue 19, the catalog page: results first, accessible filters. In a real headless
Chromium (Debian's /usr/bin/chromium through Playwright), on the real catalog
(../shared/real-catalog, 149 connectors; skipped without it) and on the synthetic 1,000
(bench/synth.py), each built once for the module and served from 127.0.0.1:

- the first card is in the first viewport at 1280x900 and at 390x844;
- facets: long ones collapsed behind a "Show all (N)" button, on a narrow screen behind a
  "Filters" button that counts the active filters; values without results cannot be
  ticked; a facet that cannot narrow is left out; active filters are chips that remove
  them;
- keyboard only: from the search box, a skip link and the filters, each control showing a
  focus ring (>= 2 px, >= 3:1 against the page in the light and the dark palette);
- axe-core (axe-playwright-python) finds no serious or critical violation but the
  Material theme's own, named in THEME_VIOLATIONS.

Figures (first card's y, Tab presses) are printed: run with -s to see them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from bench import shape, synth

from .browsers import CHROMIUM, chromium, served, unavailable
from .conftest import REAL_CATALOG
from .helpers import make_site, mkdocs_build
from .test_browser import FACETS, Site, _external

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SMOKE_CONFIG = Path("configs") / "connector-smoke.config.example.json"
# Violations axe reports in Material for MkDocs' own markup and styles, not in ours:
# (rule, CSS selector of the node). Each is excluded for that node only.
THEME_VIOLATIONS = {
    # The search overlay is a role="dialog" without a name (Material's header).
    ("aria-dialog-name", ".md-search"),
    # "Made with Material for MkDocs": the footer's light grey on black (light palette).
    ("color-contrast", ".md-copyright"),
}
SERIOUS = {"serious", "critical"}


def _theme() -> dict[str, Any]:
    # Light and dark palettes as a site offers them, picked by the browser's preference;
    # no Google Fonts request (the test allows none outside 127.0.0.1).
    return {"name": "material", "font": False, "palette": [
        {"media": "(prefers-color-scheme: light)", "scheme": "default",
         "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"}},
    ]}



@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1: (folder, base URL)."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("www")
    with served(folder) as base:
        yield folder, base


@pytest.fixture(scope="module")
def real(www: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real catalog, public, built once (as a new user would: its own smoke config)."""
    if not REAL_CATALOG.is_dir():
        pytest.skip("../shared/real-catalog is not present")
    folder, origin = www
    project = make_site(
        tmp_path_factory.mktemp("real"),
        plugin={"catalog": str(REAL_CATALOG), "smoke": None, "audience": "public",
                "smoke_config": str(REAL_CATALOG.parent / SMOKE_CONFIG)},
        extra={"theme": _theme(), "site_url": origin + "real/",
               "markdown_extensions": ["attr_list", "admonition", "tables"]})
    result = mkdocs_build(project, "-d", str(folder / "real"))
    assert result.returncode == 0, result.stdout[-3000:]
    return Site("real", origin + "real/", folder / "real")


@pytest.fixture(scope="module")
def synthetic(www: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Site:
    """bench/synth.py's 1,000 connectors (the built-in shape: no ../shared needed)."""
    folder, origin = www
    project = synth.make_project(tmp_path_factory.mktemp("synth"), 1000,
                                 profile=shape.FALLBACK)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(theme=_theme(), site_url=origin + "synth/")
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = mkdocs_build(project, "-d", str(folder / "synth"), epoch=synth.BUILD_EPOCH)
    assert result.returncode == 0, result.stdout[-3000:]
    return Site("synth", origin + "synth/", folder / "synth")


@pytest.fixture(params=["real", "synthetic"])
def site(request: pytest.FixtureRequest) -> Site:
    built: Site = request.getfixturevalue(request.param)
    return built


@pytest.fixture(scope="module")
def browser(www: tuple[Path, str]) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """A page at a viewport and colour scheme; no request leaves 127.0.0.1, no script
    error (checked after the test)."""
    contexts: list[Any] = []
    errors: list[str] = []
    requests: list[str] = []

    def open_(viewport: str = "desktop", scheme: str = "light", javascript: bool = True) -> Any:
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                      java_script_enabled=javascript)
        contexts.append(context)
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)"), lambda route: route.abort())
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, errors
    assert not _external(requests), _external(requests)


def goto(page: Any, site: Site, query: str = "") -> Any:
    page.goto(site.catalog_url + query)
    page.wait_for_selector("#cd-filters:not([hidden])")
    return page


def first_card_top(page: Any) -> float:
    return float(page.evaluate("""() => [...document.querySelectorAll(".cd-card")]
        .find(e => e.checkVisibility()).getBoundingClientRect().top"""))


def label_of(page: Any, facet: str, value: str) -> Any:
    return page.locator(f"#cd-filters input[name={json.dumps(facet)}]"
                        f"[value={json.dumps(value)}]").locator("xpath=..")


def offered(page: Any, facet: str) -> list[str]:
    """The values of a facet a user can see (and so tick)."""
    return list(page.eval_on_selector_all(
        f"#cd-filters input[name={json.dumps(facet)}]",
        "els => els.filter(e => e.checkVisibility()).map(e => e.value)"))


def shown(page: Any) -> set[str]:
    return set(page.eval_on_selector_all(
        ".cd-card", "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.id)"))


def facet_values(site: Site, facet: str) -> dict[str, int]:
    """Connectors per value of a facet (a connector without a pricing tier under "")."""
    found: dict[str, int] = {}
    for c in site.connectors:
        value = c[FACETS[facet]] or ""
        found[value] = found.get(value, 0) + 1
    return found


# Focus ring of the focused element: style, width, colour, and the page's background.
_FOCUS = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  // The ring is drawn outside the element: behind it, the nearest opaque background of
  // an ancestor.
  let bg = null;
  for (let n = e.parentElement; n && !bg; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c.startsWith("rgb(")) bg = c;
  }
  return {visible: e.matches(":focus-visible"), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor,
          background: bg || "rgb(255, 255, 255)",
          id: e.id, cls: e.className, name: e.name || "", value: e.value || ""};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(x) for x in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def _luminance(css: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def focus_ring(page: Any) -> dict[str, Any]:
    """The focused element's ring, asserted visible: :focus-visible, a solid outline of
    at least 2 px contrasting 3:1 with the background behind it (WCAG 2.4.7, 1.4.11)."""
    ring: dict[str, Any] = page.evaluate(_FOCUS)
    assert ring["visible"], ring
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["color"], ring["background"]) >= 3, ring
    return ring


def tab_to(page: Any, match: Callable[[dict[str, Any]], bool], limit: int = 80) -> int:
    """Tab until the focused element matches; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if match(page.evaluate(_FOCUS)):
            return presses
    raise AssertionError("never reached by Tab")


def axe_violations(page: Any) -> list[tuple[str, str, str]]:
    """(rule, impact, node) of every serious or critical axe violation on the page, the
    theme's own (THEME_VIOLATIONS) left out node by node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if (violation["id"], target) not in THEME_VIOLATIONS:
                found.append((violation["id"], violation["impact"], target))
    return found


# --- results first -----------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_first_card_in_the_first_viewport(open_page: Callable[..., Any], site: Site,
                                          viewport: str) -> None:
    page = goto(open_page(viewport), site)
    top = first_card_top(page)
    print(f"\n{site.name} {viewport}: first card at y={top:.0f} of {VIEWPORTS[viewport]}")
    assert top + 40 < VIEWPORTS[viewport]["height"]  # its name is on screen, not a border
    # The search box is above the results, on screen too.
    search = page.locator("#cd-q").bounding_box()
    assert search["y"] >= 0 and search["y"] + search["height"] <= top
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]


def test_phone_facets_behind_a_filters_button(open_page: Callable[..., Any], real: Site) -> None:
    page = goto(open_page("phone"), real, "?category=CRM+%26+Sales")
    toggle = page.get_by_role("button", name=re.compile(r"^Filters"))
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "cd-facets"
    assert not page.locator("#cd-facets").is_visible()
    # It says how many filters are active, to the eye and to a screen reader.
    assert toggle.evaluate("e => e.textContent.replace(/\\s+/g, ' ').trim()") == \
        "Filters 1 active"
    assert page.locator("#cd-active").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#cd-facets").is_visible()
    assert label_of(page, "category", "CRM & Sales").is_visible()
    label_of(page, "auth", "oauth2").click()
    assert toggle.evaluate("e => e.textContent.replace(/\\s+/g, ' ').trim()") == \
        "Filters 2 active"
    # Escape closes the panel and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.evaluate("e => e === document.activeElement")
    # The result line, the chips and the cards stay above the fold with the panel shut.
    assert page.locator(".cd-chip").count() == 2
    assert first_card_top(page) < VIEWPORTS["phone"]["height"]
    # "Show N results" at the foot of the panel shuts it and goes to the results.
    toggle.click()
    done = page.locator("#cd-done")
    matching = real.where(category=["CRM & Sales"], auth=["oauth2"])
    assert done.inner_text() == f"Show {len(matching)} results"
    done.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "cd-catalog"


def test_long_facets_collapse_behind_show_all(open_page: Callable[..., Any], site: Site) -> None:
    page = goto(open_page(), site)
    categories = facet_values(site, "category")
    assert len(categories) > 6  # else nothing to collapse
    more = page.locator('fieldset[data-facet="category"] .cd-facet__more')
    assert more.evaluate("e => e.tagName") == "BUTTON"
    assert more.get_attribute("aria-expanded") == "false"
    assert more.inner_text() == f"Show all ({len(categories)})"
    # Collapsed: the biggest categories.
    biggest = sorted(categories, key=lambda v: (-categories[v], v.casefold(), v))[:5]
    assert sorted(offered(page, "category")) == sorted(biggest)
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert more.inner_text() == "Show fewer"
    assert sorted(offered(page, "category")) == sorted(categories)
    more.click()
    assert len(offered(page, "category")) == 5


def test_values_without_results_cannot_be_ticked(open_page: Callable[..., Any],
                                                 real: Site) -> None:
    page = goto(open_page(), real)
    category = "Accounting & Finance"  # among the five values a facet shows folded
    assert category in facet_values(real, "category")
    page.locator('fieldset[data-facet="auth"] .cd-facet__more').click()
    label_of(page, "category", category).click()
    with_results = {c["auth"] for c in real.connectors if c["category"] == category}
    assert set(real.values("auth")) - with_results  # some auth types have none: not vacuous
    assert set(offered(page, "auth")) == with_results
    # A ticked value stays, even when it leaves nothing: it can be unticked.
    page.locator("#cd-q").fill("no-such-connector-xyz")
    assert shown(page) == set()
    assert offered(page, "category") == [category]
    assert offered(page, "auth") == []
    assert not page.locator('fieldset[data-facet="auth"]').is_visible()
    assert page.locator("#cd-empty").is_visible()
    # Unticked by keyboard, it goes (no result): the focus does not fall to the page top.
    page.locator(f'#cd-filters input[name="category"][value="{category}"]').focus()
    page.keyboard.press("Space")
    assert offered(page, "category") == []
    assert page.evaluate("document.activeElement.id") == "cd-catalog"
    # With results again, a value unticked by keyboard stays where it was, focused.
    page.locator("#cd-q").fill("")
    box = page.locator('#cd-filters input[name="auth"][value="oauth2"]')
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    page.keyboard.press("Space")
    assert not box.is_checked() and box.evaluate("e => e === document.activeElement")


def test_a_facet_that_cannot_narrow_is_left_out(open_page: Callable[..., Any],
                                                real: Site) -> None:
    page = goto(open_page(), real)
    total = len(real.connectors)
    for facet in FACETS:
        values = facet_values(real, facet)
        present = page.locator(f'fieldset[data-facet="{facet}"]').count() == 1
        narrows = len(values) > 1
        assert present == narrows, (facet, values)
    # The real catalog: one pricing tier on every connector ("starter (149)").
    assert facet_values(real, "tier") == {"starter": total}
    assert page.locator('fieldset[data-facet="category"]').count() == 1


def test_chips_remove_filters(open_page: Callable[..., Any], real: Site) -> None:
    page = goto(open_page(), real, "?category=CRM+%26+Sales&auth=oauth2")
    chips = page.locator("#cd-chips .cd-chip")
    names = [chip.evaluate("e => e.textContent.replace('\\u00d7', '').trim()")
             for chip in chips.all()]
    assert names == ["Remove filter: Category: CRM & Sales",
                     "Remove filter: Authentication: OAuth 2.0"]
    first = page.get_by_role("button", name="Remove filter: Category: CRM & Sales")
    assert first.count() == 1
    first.focus()
    page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query) == {"auth": ["oauth2"]}
    assert not page.locator('#cd-filters input[name="category"][value="CRM & Sales"]').is_checked()
    assert shown(page) == real.where(auth=["oauth2"])
    # The focus moved to the chip that took its place, not to the top of the page.
    assert page.evaluate("document.activeElement.textContent").startswith(
        "Remove filter: Authentication")
    page.keyboard.press("Space")
    assert shown(page) == real.ids
    assert not page.locator("#cd-chips").is_visible()
    assert page.evaluate("document.activeElement.id") == "cd-catalog"
    assert parse_qs(urlsplit(page.url).query) == {}


def test_without_javascript_the_full_list(open_page: Callable[..., Any], real: Site) -> None:
    page = open_page(javascript=False)
    page.goto(real.catalog_url)
    assert shown(page) == real.ids
    assert not page.locator("#cd-filters").is_visible()
    assert not page.locator(".cd-skip").is_visible()


# --- keyboard and focus ------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_only_filtering_with_a_visible_focus(open_page: Callable[..., Any],
                                                      real: Site, scheme: str) -> None:
    page = goto(open_page(scheme=scheme), real)
    page.wait_for_timeout(300)  # Material's colour transitions
    assert page.evaluate("document.body.dataset.mdColorScheme") == (
        "slate" if scheme == "dark" else "default")
    page.locator("#cd-q").focus()
    # The skip link comes first after the search box, and shows when focused.
    page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["id"] == "cd-skip"
    assert page.locator("#cd-skip").is_visible()
    assert page.locator("#cd-skip").inner_text() == "Skip to results"
    # Then the facets (Status first, when it can narrow): tick the first category by
    # Space.
    assert tab_to(page, lambda f: f["name"] == "category") <= 3
    ring = focus_ring(page)
    page.keyboard.press("Space")
    category = ring["value"]
    assert shown(page) == real.where(category=[category])
    assert parse_qs(urlsplit(page.url).query) == {"category": [category]}
    # "Show all" by Enter, then the newly shown values are reachable by Tab.
    presses = tab_to(page, lambda f: "cd-facet__more" in f["cls"])
    focus_ring(page)
    page.keyboard.press("Enter")
    more = page.locator('fieldset[data-facet="category"] .cd-facet__more')
    assert more.get_attribute("aria-expanded") == "true"
    assert presses <= 6
    # Every control on the way to the first card shows its ring.
    seen = 0
    while True:
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        seen += 1
        if "cd-card__name" in ring["cls"]:
            break
        assert seen < 80
    # The chip and "Clear filters" were on the way.
    page.locator("#cd-clear").focus()
    focus_ring(page)
    page.keyboard.press("Enter")
    assert shown(page) == real.ids


def test_skip_link_and_tab_presses_to_the_first_card(open_page: Callable[..., Any],
                                                     real: Site) -> None:
    for viewport in VIEWPORTS:
        page = goto(open_page(viewport), real)
        page.locator("#cd-q").focus()
        without = tab_to(page, lambda f: "cd-card__name" in f["cls"])
        page.locator("#cd-q").focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "cd-catalog"
        # Scrolled to the results, which are not under Material's sticky header.
        page.wait_for_timeout(200)
        header = page.locator(".md-header").bounding_box()
        assert header["y"] + header["height"] <= first_card_top(page) < 300
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.closest('.cd-card').dataset.id")
        assert first == page.locator(".cd-card").first.get_attribute("data-id")
        print(f"\n{viewport}: {without} Tab presses from the search box to the first card;"
              " with the skip link: Tab, Enter, Tab")
        assert without <= (20 if viewport == "desktop" else 4)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_guide_links_show_a_focus_ring(open_page: Callable[..., Any], real: Site,
                                       scheme: str) -> None:
    page = open_page(scheme=scheme)
    page.goto(f"{real.base}connectors/{sorted(real.ids)[0]}/")
    page.wait_for_timeout(300)
    page.locator("article h1").click()  # start in the page text
    checked = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('article')"):
            focus_ring(page)
            checked += 1
    assert checked >= 10


# --- axe ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(open_page: Callable[..., Any], real: Site,
                                        scheme: str) -> None:
    states: dict[str, list[tuple[str, str, str]]] = {}
    page = goto(open_page(scheme=scheme), real)
    page.wait_for_timeout(300)
    states["catalog"] = axe_violations(page)
    page = goto(open_page(scheme=scheme), real, "?category=CRM+%26+Sales&auth=oauth2")
    page.locator('fieldset[data-facet="category"] .cd-facet__more').click()
    page.locator("#cd-q").fill("contact")
    page.wait_for_timeout(300)
    states["filtered, chips, all categories"] = axe_violations(page)
    page = goto(open_page("phone", scheme=scheme), real, "?category=CRM+%26+Sales")
    page.locator("#cd-toggle").click()
    page.wait_for_timeout(300)
    states["phone, filters open"] = axe_violations(page)
    guide = open_page(scheme=scheme)
    slug = sorted(real.ids)[0] if "slack" not in real.ids else "slack"
    guide.goto(f"{real.base}connectors/{slug}/")
    guide.wait_for_timeout(300)
    states[f"guide {slug}"] = axe_violations(guide)
    assert states == {state: [] for state in states}


def test_axe_on_the_synthetic_catalog(open_page: Callable[..., Any], synthetic: Site) -> None:
    page = goto(open_page(), synthetic, "?auth=oauth2")
    assert axe_violations(page) == []
