"""No injection, proven on a real `mkdocs build`: a connector carrying a hostile payload in
every catalog field, and smoke runs (JSON, console, JUnit) carrying them in every message,
render as the same visible text and never as elements, attributes or links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from .hostile import (
    INJECTION,
    INVISIBLE,
    MARKER,
    PageParser,
    build_with_config,
    good_connector,
    hostile_connector,
    injected,
    normalize,
    one_line,
    parse,
    smoke_console,
    smoke_json,
    smoke_junit,
    split_title,
    write_catalog,
)

pytestmark = pytest.mark.e2e  # every test here builds a real site

HOSTILE_SUITE = '<x-pwn data-pwn=suite>"suite'
HOSTILE_VERSION = "<x-pwn data-pwn=version>|v"
# A name whose heading id would be the theme's own `#__config` (Material reads its
# settings from the first element with that id).
CLOBBER_NAME = "__config"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("injection")
    pwn, _ = hostile_connector("pwn", INJECTION)
    clobber = good_connector("clobber")
    clobber["name"] = CLOBBER_NAME
    catalog = write_catalog(
        tmp / "catalog",
        {"pwn": pwn, "clobber": clobber, "ledgerline": good_connector()},
        smoke={
            "2026-11-20-qa.json": smoke_json("pwn", INJECTION, version=HOSTILE_VERSION),
            "2026-11-18-engineering.log": smoke_console(
                "pwn", [f"console-{i} {p}" for i, p in enumerate(INJECTION)]
            ),
            "2026-11-19-nightly.xml": smoke_junit(
                "pwn", [f"junit-{i} {p}" for i, p in enumerate(INJECTION)], "2026-11-19T03:00:00Z"
            ),
            "2026-11-21.json": smoke_json(
                "pwn", ["after"], suite=HOSTILE_SUITE, ran_at="2026-11-21T03:00:00Z"
            ),
        },
    )
    root, log = build_with_config(tmp, catalog)
    (root / "build.log").write_text(log, encoding="utf-8")
    return root / "site"


def page(site: Path, path: str) -> PageParser:
    """The page without its <title> line (checked on its own)."""
    return parse(split_title((site / path).read_text(encoding="utf-8"))[0])


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_element_attribute_or_link_comes_from_untrusted_text(site: Path) -> None:
    found = {}
    for path in html_pages(site):
        problems = injected(page(site, str(path.relative_to(site))))
        if problems:
            found[str(path.relative_to(site))] = problems[:10]
    assert not found


def test_the_planted_markers_are_really_on_the_pages(site: Path) -> None:
    """The check above is not vacuous: the markers are there, as text."""
    text = (site / "connectors/pwn/index.html").read_text(encoding="utf-8")
    assert MARKER in text and "&#60;x-pwn" in text
    assert f"<{MARKER}" not in text.split("</head>", 1)[1]


def test_every_payload_reads_as_written_on_the_guide(site: Path) -> None:
    visible = page(site, "connectors/pwn/index.html").visible
    missing = [p for p in INJECTION if normalize(p) not in visible]
    assert not missing


@pytest.mark.parametrize("prefix", ["console-", "junit-"])
def test_every_smoke_message_reads_as_written(site: Path, prefix: str) -> None:
    visible = page(site, "connectors/pwn/index.html").visible
    carried = one_line if prefix == "console-" else str  # JUnit keeps line breaks
    missing = [
        i for i, p in enumerate(INJECTION) if normalize(carried(f"{prefix}{i} {p}")) not in visible
    ]
    assert not missing


def test_hostile_smoke_metadata_reads_as_written(site: Path) -> None:
    visible = page(site, "connectors/pwn/index.html").visible
    assert normalize(HOSTILE_SUITE) in visible
    assert normalize(HOSTILE_VERSION) in visible


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("catalog/index.html", "name and description"),
        ("scopes/index.html", "scope descriptions"),
        ("troubleshooting/index.html", "error summaries"),
        ("readiness/index.html", "name"),
        ("rate-limits/index.html", "name"),
    ],
)
def test_index_pages_show_the_text(site: Path, path: str, what: str) -> None:
    visible = page(site, path).visible
    assert normalize(INJECTION[0]) in visible
    if what in ("name and description", "scope descriptions"):
        assert not [p for p in INJECTION if normalize(p) not in visible]
    if what == "error summaries":
        assert not [p for p in INJECTION[3:] if normalize(p) not in visible]


def test_meta_description_is_the_text_escaped(site: Path) -> None:
    parsed = page(site, "connectors/pwn/index.html")
    description = normalize("\n\n".join(INJECTION)[:5000])
    expected = description[:299] + "…"
    assert parsed.meta("description") == [expected]
    assert not injected(parsed, where=("head",))


def test_title_is_plain_text(site: Path) -> None:
    _, line = split_title((site / "connectors/pwn/index.html").read_text(encoding="utf-8"))
    parsed = parse(line)
    assert [e.tag for e in parsed.elements] == ["title"]
    assert "".join(parsed.title).strip() == f"{normalize(INJECTION[0])} - Test"


def test_script_urls_are_not_links(site: Path) -> None:
    parsed = page(site, "connectors/pwn/index.html")
    hrefs = [dict(e.attrs).get("href") or "" for e in parsed.elements if e.tag == "a"]
    assert not [h for h in hrefs if "docs.example" in h or "javascript" in h.lower()]
    # The unsafe documentation URL leaves the label as text; the URLs are shown as code.
    assert "The vendor's API reference: API documentation." in parsed.visible
    assert "javascript://auth.example/%0Aalert(1)//x-pwn-token" in parsed.visible


def test_template_and_include_syntax_stays_literal(site: Path) -> None:
    html = (site / "connectors/pwn/index.html").read_text(encoding="utf-8")
    visible = parse(html).visible
    assert "{{ 7*7 }} {{ config }} {% raw %}x-pwn-jinja{% endraw %} {# comment #}" in visible
    assert '--8<-- "/etc/passwd"' in visible
    assert ';--8<-- "../../mkdocs.yml"' in visible
    assert "root:x:0:0" not in html and "site_name" not in html
    assert "---" in visible and "title: x-pwn-front-matter" in visible
    assert "x-pwn-front-matter" not in split_title(html)[1]


def test_tables_keep_their_columns(site: Path) -> None:
    """Pipes and newlines in cells neither add columns nor end the table."""
    broken = {}
    for path in html_pages(site):
        for table in parse(path.read_text(encoding="utf-8")).tables:
            if len(set(table)) > 1:
                broken[str(path.relative_to(site))] = table
    assert not broken


def test_headings_come_from_the_templates_only(site: Path) -> None:
    parsed = page(site, "connectors/pwn/index.html")
    h1 = [e for e in parsed.elements if e.tag == "h1" and e.where == "body"]
    h2 = [dict(e.attrs).get("id") for e in parsed.elements if e.tag == "h2"]
    assert len(h1) == 1
    assert set(h2) <= {
        "before-you-begin",
        "authentication",
        "permission-scopes",
        "rate-limits",
        "actions",
        "triggers",
        "webhooks",
        "troubleshooting",
        "smoke-results",
        "notes",
        "support",
        "__comments",
    }


def test_no_invisible_or_bidi_characters_reach_the_site(site: Path) -> None:
    for path in [*html_pages(site), site / "search" / "search_index.json"]:
        text = path.read_text(encoding="utf-8")
        for escaped in ("\\u202e", "\\u200b", "\\u2060", "\\ufeff"):
            text = text.replace(escaped, escaped.encode().decode("unicode_escape"))
        assert not INVISIBLE.search(text), path.relative_to(site)


def test_ids_are_unique_on_every_page(site: Path) -> None:
    duplicated = {}
    for path in html_pages(site):
        ids = [
            i for i in parse(path.read_text(encoding="utf-8")).ids if not i.startswith("__")
        ]  # the theme's own: see the next test
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            duplicated[str(path.relative_to(site))] = dupes
    assert not duplicated


def test_connector_names_cannot_take_the_themes_ids(site: Path) -> None:
    ids = parse((site / "connectors/clobber/index.html").read_text(encoding="utf-8")).ids
    assert ids.count("__config") == 1


def test_search_index_holds_text_not_markup(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {}
    for doc in index["docs"]:
        for key in ("title", "text"):
            problems = injected(parse(doc[key]))
            if problems:
                found[f"{doc['location']} {key}"] = problems[:5]
    assert not found


def test_catalog_json_keeps_the_text_as_data(site: Path) -> None:
    data = json.loads((site / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    (pwn,) = [c for c in data["connectors"] if c["id"] == "pwn"]
    assert pwn["name"] == INJECTION[0]
    assert pwn["url"] == "../connectors/pwn/"


def test_sitemap_lists_only_our_pages(site: Path) -> None:
    root = fromstring((site / "sitemap.xml").read_bytes())
    locations = [el.text or "" for el in root.iter() if el.tag.endswith("loc")]
    assert locations
    assert not [loc for loc in locations if MARKER in loc or "<" in loc or '"' in loc]
