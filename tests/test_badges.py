"""Badges that mean something (issue 19): what a catalog entry claims, the badge each
claim and its evidence give (none when nothing is claimed), the words that explain it on
cards, guides and the catalog page, the Featured marker, and catalog.json."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from connector_docs.decisions import badges
from connector_docs.decisions.policy import decide
from connector_docs.inputs.catalog import load_catalog
from connector_docs.model import (
    Auth,
    Catalog,
    Connector,
    Rollout,
    SmokeResult,
    SmokeRun,
    Source,
)
from connector_docs.options import Options
from connector_docs.project import load
from connector_docs.site import export, filters, pages, render

from .conftest import EXAMPLE_EPOCH
from .test_policy import CASES

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
# The team's words: never on a public page, in a badge's note or a guide's sentence.
JARGON = re.compile(r"claim|evidence|freshness|window|availability|limit \d|catalog says",
                    re.IGNORECASE)


def doc(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": cid.title(), "description": "d", "category": "CRM",
            "authentication": {"type": "api_key"}, **extra}


def write(folder: Path, docs: dict[str, dict[str, Any]],
          manifests: dict[str, dict[str, Any]] | None = None) -> Path:
    """Platform layout: <id>/definition.json (+ manifest.json)."""
    for cid, body in docs.items():
        (folder / cid).mkdir(parents=True, exist_ok=True)
        (folder / cid / "definition.json").write_text(json.dumps(body, indent=2))
        if manifests and cid in manifests:
            (folder / cid / "manifest.json").write_text(json.dumps(manifests[cid]))
    return folder


FLAGS_OFF = {"beta": False, "privatePreview": False, "deprecated": False, "hidden": False,
             "featured": False}
REAL_RELEASE = {"semver": "1.0.0", "status": "stable", "isBeta": False}


# --------------------------------------------------------------------- what is claimed


@pytest.mark.parametrize(("definition", "manifest", "claimed"), [
    ({}, None, None),
    # The real catalog's shape: every flag off, every release "stable": no claim at all.
    ({"release": REAL_RELEASE}, {"status": FLAGS_OFF, "pricingTier": "starter"}, None),
    ({"availability": "stable", "release": REAL_RELEASE}, {"status": FLAGS_OFF}, "stable"),
    ({}, {"status": {**FLAGS_OFF, "beta": True}}, "beta"),
    ({"status": {"beta": True}}, None, "beta"),
    ({"release": {**REAL_RELEASE, "isBeta": True}}, None, "beta"),
    ({}, {"status": {**FLAGS_OFF, "privatePreview": True}}, "preview"),
    ({}, {"status": {**FLAGS_OFF, "deprecated": True}}, "deprecated"),
    ({"release": {**REAL_RELEASE, "status": "deprecated"}}, None, "deprecated"),
    ({"availability": "alpha"}, None, "alpha"),
    ({"availability": "stable"}, {"status": {**FLAGS_OFF, "beta": True}}, "beta"),
])
def test_what_the_catalog_claims(tmp_path: Path, definition: dict[str, Any],
                                 manifest: dict[str, Any] | None, claimed: str | None) -> None:
    folder = write(tmp_path, {"x": doc("x", **definition)},
                   {"x": manifest} if manifest else None)
    catalog, diags = load_catalog(folder)
    assert [d.format() for d in diags if d.is_error] == []
    assert catalog.by_id()["x"].lifecycle == claimed


# ------------------------------------------------------------------ which badge shows


def conn(lifecycle: str | None, cid: str = "acme", featured: bool = False) -> Connector:
    return Connector(id=cid, name=cid.title(), description="", category="CRM",
                     auth=Auth(type="api_key"), source=Source(f"{cid}.json", "file"),
                     lifecycle=lifecycle,  # type: ignore[arg-type]
                     rollout=Rollout(featured=featured))


def run(day: int, suite: str, status: str, app: str = "acme") -> SmokeRun:
    return SmokeRun(path=f"2026-11-{day:02d}-{suite}.json", suite=suite,
                    ran_at=dt.datetime(2026, 11, day, 3, tzinfo=dt.timezone.utc),
                    results=(SmokeResult(app, status),), format="json")  # type: ignore[arg-type]


PASSING = [run(18, "engineering", "passed"), run(20, "qa", "passed")]


def test_claiming_nothing_shows_no_badge_but_reads_as_beta_for_readiness() -> None:
    decisions, diags = decide(Catalog((conn(None),)), PASSING, NOW, 14)
    d = decisions["acme"]
    assert d.claimed is None and d.badge is None and d.badge_label is None
    assert d.shown == "beta"  # readiness and promotion treat it as beta
    assert d.ready_to_promote and not d.downgraded and diags == []
    assert badges.note(d) is None and badges.title(d) is None
    assert filters.badge(d) == ""
    assert badges.verification(d) == ("Verified by the engineering and QA smoke tests, "
                                       "most recently on 2026-11-20.")


def test_nothing_claimed_and_no_runs_says_so_in_plain_words() -> None:
    d = decide(Catalog((conn(None),)), [], NOW, 14)[0]["acme"]
    assert d.badge is None
    assert badges.verification(d) == "Not yet verified by smoke tests."
    skipped = decide(Catalog((conn(None),)), [run(18, "qa", "skipped")], NOW, 14)[0]["acme"]
    assert badges.verification(skipped) == "Not yet verified: its smoke tests were skipped."


@pytest.mark.parametrize(("claim", "runs", "badge", "note"), [
    ("stable", PASSING, "stable",
     "verified by the engineering and QA smoke tests, most recently on 2026-11-20"),
    ("stable", [run(20, "qa", "passed")], "stable",
     "verified on 2026-11-20 by the QA smoke tests"),
    ("stable", [], "beta", "not yet verified by smoke tests"),
    ("stable", [*PASSING, run(24, "nightly", "failed")], "beta",
     "not yet verified as stable (the newest smoke test failed on 2026-11-24)"),
    ("stable", [run(18, "engineering", "passed")], "beta",
     "not yet verified as stable (QA has not tested it yet)"),
    ("beta", PASSING, "beta", "ready to use; it may still change"),
    ("preview", [], "preview", "an early version to try out; it may change"),
    ("alpha", [], "alpha", "experimental; it may change or be removed"),
    ("deprecated", PASSING, "deprecated", "being retired; plan a migration"),
])
def test_each_badge_explains_itself(claim: str, runs: list[SmokeRun], badge: str,
                                    note: str) -> None:
    d = decide(Catalog((conn(claim),)), runs, NOW, 14)[0]["acme"]
    assert d.badge == badge
    assert badges.note(d) == note
    assert badges.title(d) == f"{d.badge_label}: {note}"
    html = filters.badge(d)
    assert f'class="cd-badge cd-badge--{badge}"' in html
    assert f'title="{d.badge_label}&#58; ' in html  # the tooltip
    assert '<span class="cd-visually-hidden">&#58; ' in html  # what screen readers read


@pytest.mark.parametrize(("claim", "runs", "shown", "reason", "ready"), CASES)
def test_public_words_never_use_the_teams_jargon(claim: str, runs: list[SmokeRun],
                                                shown: str, reason: str | None,
                                                ready: bool) -> None:
    for claimed in (claim, None):
        d = decide(Catalog((conn(claimed),)), runs, NOW, 14)[0]["acme"]
        for text in (badges.title(d) or "", badges.verification(d), *d.public_reasons):
            assert not JARGON.search(text), text
            assert "Not verified" not in text  # a filler phrase (issue 18)
        assert len(d.public_reasons) == len(d.reasons)


def test_stale_evidence_is_explained_with_the_date() -> None:
    runs = [run(1, "engineering", "passed"), run(2, "qa", "passed")]
    d = decide(Catalog((conn("stable"),)), runs, NOW, 14)[0]["acme"]
    assert badges.verification(d) == ("Not yet verified as stable: the last passing smoke "
                                       "test was on 2026-11-02, more than 14 days ago.")
    assert "days old" in d.reasons[0]  # the team keeps its own words


def test_a_hostile_suite_name_stays_text_in_badge_and_table() -> None:
    runs = [run(18, "qa", "passed"), run(19, "x|y`<b>*z*</b>", "passed")]
    d = decide(Catalog((conn("stable"),)), runs, NOW, 14)[0]["acme"]
    html = str(filters.badge(d))
    assert "<b>" not in html and "|" not in html and "`" not in html and "*z*" not in html
    assert "&#124;" in html and "&#96;" in html


def test_level_strings_give_the_bare_badge_and_none_gives_nothing() -> None:
    assert filters.badge("beta") == '<span class="cd-badge cd-badge--beta">Beta</span>'
    assert filters.badge(None) == ""


def test_featured_marker() -> None:
    html = filters.featured(conn("beta", featured=True))
    assert html.startswith('<span class="cd-featured" title="Featured&#58; highlighted')
    assert "cd-visually-hidden" in html
    assert filters.featured(conn("beta")) == ""


# ----------------------------------------------------- the catalog page and catalog.json


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A catalog where one connector claims nothing, one claims beta through its
    manifest, one is featured: the public project, as of the example's date."""
    folder = write(tmp_path / "connectors", {
        "quiet": doc("quiet", release=REAL_RELEASE),
        "flagged": doc("flagged"),
        "zeta": doc("zeta", availability="beta"),
        "alpha-star": doc("alpha-star", category="Marketing"),
    }, {"quiet": {"status": FLAGS_OFF}, "flagged": {"status": {**FLAGS_OFF, "beta": True}},
        "zeta": {"status": {**FLAGS_OFF, "featured": True}}})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    return load(Options(catalog=str(folder), smoke=None, audience="public"))


def test_catalog_page_badges_status_facet_and_featured_first(mixed: Any) -> None:
    spec = next(s for s in pages.plan(mixed) if s.kind == "catalog")
    assert spec.context["levels"] == ["beta"]  # no value for "no badge"
    order = [c.id for c in spec.context["connectors"] if c.category == "CRM & Sales"]
    assert order == ["zeta", "flagged", "quiet"]  # featured first, then by id
    text = render.render(spec)
    cards = dict(re.findall(r'<li class="cd-card" data-id="([^"]+)" data-status="([^"]*)"',
                            text))
    assert cards == {"zeta": "beta", "flagged": "beta", "quiet": "", "alpha-star": ""}
    quiet = text[text.index('data-id="quiet"'):]
    quiet = quiet[:quiet.index("</li>")]
    assert "cd-badge" not in quiet
    listing = text[text.index("<!-- connector-docs:verbatim -->"):]
    assert listing.count('class="cd-featured"') == 1
    assert 'name="status" value="beta"' in text and 'name="status" value=""' not in text
    intro = text[:text.index("<!-- connector-docs:verbatim -->")]
    legend = intro[intro.index('<summary>What the badges mean'):]
    assert '<li><span class="cd-badge cd-badge--beta">Beta</span> ready to use' in legend
    assert '<li><span class="cd-featured">Featured</span> highlighted by the platform ' \
           "team.</li>" in legend
    assert badges.NO_BADGE.replace("'", "&#x27;") in legend
    assert "cd-badge--stable" not in legend  # only the badges the page shows
    assert not JARGON.search(intro), intro


def test_guide_without_badge_has_the_sentence_and_no_badge(mixed: Any) -> None:
    spec = next(s for s in pages.plan(mixed) if s.path == "connectors/quiet.md")
    text = render.render(spec)
    overview = text[:text.index("## Before you begin")]
    assert "cd-badge" not in overview
    assert "**CRM &#38; Sales** · Auth: API key" in overview
    assert "\nNot yet verified by smoke tests.\n" in overview


def test_catalog_json_badge_fields(mixed: Any) -> None:
    items = {c["id"]: c for c in export.catalog_data(mixed)["connectors"]}
    assert (items["quiet"]["level"], items["quiet"]["badge"], items["quiet"]["badgeNote"]) \
        == ("beta", None, None)
    assert items["quiet"]["verification"] == "Not yet verified by smoke tests."
    assert (items["flagged"]["badge"], items["flagged"]["badgeNote"]) == (
        "beta", "Beta: ready to use; it may still change")
    assert items["zeta"]["featured"] is True and items["quiet"]["featured"] is False


@pytest.mark.parametrize(("window", "sunset"), [
    ({"startDate": "2026-09-01", "sunsetDate": "2027-03-31"}, dt.date(2027, 3, 31)),
    ({"sunsetDate": None}, None), ({"sunsetDate": "soon"}, None),
    ({"sunsetDate": "2027-02-30"}, None), ({"sunsetDate": "２０２７-03-31"}, None),
])
def test_deprecated_badge_names_the_sunset_date(tmp_path: Path, window: dict[str, Any],
                                                sunset: dt.date | None) -> None:
    release = {**REAL_RELEASE, "status": "deprecated", "deprecationWindow": window}
    catalog, _ = load_catalog(write(tmp_path, {"old": doc("old", release=release)}))
    old = catalog.by_id()["old"]
    assert old.sunset == sunset
    d = decide(catalog, [], NOW, 14)[0]["old"]
    assert badges.title(d) == (f"Deprecated: being retired on {sunset}; plan a migration"
                               if sunset else "Deprecated: being retired; plan a migration")
