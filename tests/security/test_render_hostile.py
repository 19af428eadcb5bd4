"""Hostile input, second round, at the rendering layer (site/escape.py, render.py,
pages.py, troubleshoot.py): front matter that YAML would refuse, characters that hide
text, block syntax of Markdown extensions, anchors that collide, sort orders that depend
on the hash seed, and lines that make Markdown quadratic. Each class has named cases that
failed before its fix."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from connector_docs import text as plaintext
from connector_docs.site import escape, filters, render
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from ..conftest import ROOT
from ..helpers import make_site, mkdocs_build
from .hostile import (
    MARKER,
    bounded,
    good_connector,
    injected,
    no_traceback,
    normalize,
    parse,
    run_cli,
    write_catalog,
)
from .test_escape_properties import TOKENS

# ------------------------------------------------------------- 1. front matter (High)

# A front matter value holding a character YAML refuses made MkDocs drop the whole front
# matter and render it as Markdown, where attr_list made this title live attributes.
XSS_NAME = 'Evil\ufffe { onmouseover="alert(1)" .x-pwn } [x](javascript:alert(1))'
NON_YAML = ["\ufffe", "\uffff", "\ud800", "\udfff", "\x85", "\x7f", "\x9f", "\U0001fffe"]


def test_every_code_point_yaml_refuses_is_unsafe() -> None:
    everything = "".join(map(chr, range(0x110000)))
    refused = yaml.reader.Reader.NON_PRINTABLE  # what PyYAML's reader rejects
    assert refused.search(everything)  # the check below is not vacuous
    assert not refused.search(plaintext.clean(everything))


@pytest.mark.parametrize("start", range(0, 0x110000, 0x8000))
def test_meta_text_loads_in_mkdocs_for_every_code_point(start: int) -> None:
    """MkDocs' own front matter reader (libyaml when present) reads every value back."""
    for low in range(start, start + 0x8000, 0x1000):
        text = "".join(map(chr, range(low, low + 0x1000)))
        value = escape.meta_text(text, limit=10**6)
        body, meta = get_data(f"---\ntitle: {value}\n---\n\n# Page\n")
        assert body == "# Page\n", hex(low)
        assert meta["title"] == html.escape(" ".join(plaintext.clean(text).split())), hex(low)


@pytest.mark.parametrize("char", NON_YAML, ids=lambda c: f"U+{ord(c):04X}")
def test_meta_text_with_a_yaml_refused_character_loads(char: str) -> None:
    value = str(escape.meta_text(f"Name{char} {{ onclick=x }}"))
    _, meta = get_data(f"---\ntitle: {value}\n---\n\n# x\n")
    assert meta == {"title": "Name { onclick=x }"}


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("frontmatter")
    evil = good_connector("evil")
    evil["name"] = XSS_NAME
    evil["description"] = "Desc\uffff {: onmouseover=alert(1) } x-pwn"
    # (A lone surrogate is refused when the catalog is read: test_readers_hostile.)
    evil["actions"][0]["name"] = "Act\U000e0041ion"
    catalog = write_catalog(tmp / "catalog", {"evil": evil, "ledgerline": good_connector()})
    root = make_site(tmp / "project", catalog=catalog, plugin={"smoke_config": None})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-4000:]
    return root / "site"


@pytest.mark.e2e
def test_a_name_yaml_refuses_is_never_live_markup(xss_site: Path) -> None:
    page = (xss_site / "connectors" / "evil" / "index.html").read_text(encoding="utf-8")
    parsed = parse(page)
    assert not injected(parsed), injected(parsed)
    assert MARKER not in [e.tag for e in parsed.elements]
    assert "onmouseover" not in {name for e in parsed.elements for name, _ in e.attrs}
    heading = re.search(r'<h1 id="overview">(.*?)</h1>', page, re.DOTALL)
    assert heading is not None, "the guide lost its title heading"
    assert normalize(parse(heading.group(1)).visible) == normalize(XSS_NAME.replace("\ufffe", ""))
    assert "title: " not in parsed.visible  # the front matter was read, not printed


@pytest.mark.e2e
def test_a_template_writing_front_matter_yaml_refuses_fails_the_build(tmp_path: Path) -> None:
    templates = tmp_path / "project" / "templates"
    templates.mkdir(parents=True)
    builtin = (ROOT / "templates" / "connector.md.j2").read_text(encoding="utf-8")
    (templates / "connector.md.j2").write_text(
        builtin.replace("title: {{ connector.name|meta }}", "title: [{{ connector.name }}"),
        encoding="utf-8",
    )
    root = make_site(tmp_path / "project-site", plugin={"templates": str(templates)})
    result = mkdocs_build(root)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "front matter of connectors/" in result.stdout
    assert "would be published as text" in result.stdout
    no_traceback(result.stdout)
    assert not (root / "site" / "connectors").exists()
    out = run_cli(["generate", "--out", str(tmp_path / "out")], cwd=root)
    assert out.returncode == 1, out.stdout
    assert "front matter" in out.stdout
    no_traceback(out.stdout)


def test_front_matter_problem_names_what_mkdocs_would_do() -> None:
    assert render.front_matter_problem('---\ntitle: "x"\n---\n\n# x\n') is None
    assert render.front_matter_problem("# no front matter\n") is None
    assert "not valid YAML" in (render.front_matter_problem("---\ntitle: [x\n---\n") or "")
    assert "not closed" in (render.front_matter_problem("---\ntitle: x\n# x\n") or "")
    assert "mapping" in (render.front_matter_problem("---\n- a\n---\n") or "")
    # MkDocs reads front matter only from the first line: one blank line before it and
    # the whole block is Markdown.
    assert "first line" in (render.front_matter_problem('\n---\ntitle: "x"\n---\n') or "")
    assert "first line" in (render.front_matter_problem(' \n\n---\n') or "")


def test_front_matter_problem_does_not_quote_the_page() -> None:
    # PyYAML's messages quote the document around the error: catalog text, maybe a secret.
    for text in ('---\ntitle: "sk_live_abcdef [\n---\n', '---\ntitle: sk_live_abcdef: x: y\n---\n',
                 '---\ntitle: "sk_live_abcdef\ufffe"\n---\n'):
        problem = render.front_matter_problem(text)
        assert problem and "not valid YAML" in problem, text
        assert "sk_live" not in problem, problem


@pytest.mark.e2e
def test_a_template_with_a_blank_line_before_front_matter_fails_the_build(
        tmp_path: Path) -> None:
    templates = tmp_path / "project" / "templates"
    templates.mkdir(parents=True)
    builtin = (ROOT / "templates" / "connector.md.j2").read_text(encoding="utf-8")
    front = builtin.index("\n---\n") + 1
    (templates / "connector.md.j2").write_text(
        builtin[:front] + "\n" + builtin[front:], encoding="utf-8")
    root = make_site(tmp_path / "project-site", plugin={"templates": str(templates)})
    result = mkdocs_build(root)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "does not start on the page's first line" in result.stdout
    no_traceback(result.stdout)


# ------------------------------------------------- 10. invisible and confusable characters

ISSUE_LISTED = {
    "soft hyphen": "\u00ad",
    "tag latin small a": "\U000e0061",
    "tag cancel": "\U000e007f",
    "language tag": "\U000e0001",
    "hangul choseong filler": "\u115f",
    "hangul jungseong filler": "\u1160",
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
    "arabic letter mark": "\u061c",
    "mongolian vowel separator": "\u180e",
    "combining grapheme joiner": "\u034f",
    "variation selector 17": "\U000e0100",
    "khmer vowel inherent aq": "\u17b4",
    "invisible plus": "\u2064",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
}


@pytest.mark.parametrize("char", ISSUE_LISTED.values(), ids=list(ISSUE_LISTED))
def test_invisible_characters_are_dropped_by_every_helper(char: str) -> None:
    text = f"pay{char}pal"
    assert plaintext.clean(text) == "paypal"
    assert str(escape.inline(text)) == "paypal"
    assert str(escape.code(text)) == "<code>paypal</code>"
    assert str(escape.cell(text)) == "paypal"
    assert str(escape.meta_text(text)) == '"paypal"'
    assert str(escape.html_text(text)) == "paypal"
    assert plaintext.anchor(text) == "paypal"


def test_no_format_or_control_character_survives() -> None:
    """Every control, format (Cf), surrogate, unassigned-noncharacter code point is
    dropped, but the few format characters that are visible signs (Arabic number signs,
    Syriac abbreviation mark...)."""
    visible_formats = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F,
                       0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD}
    kept = [
        hex(cp) for cp in range(0x110000)
        if unicodedata.category(chr(cp)) in {"Cc", "Cf", "Cs"}
        and chr(cp) not in "\t\n\r" and cp not in visible_formats
        and not (0x13430 <= cp <= 0x1345F)  # Egyptian hieroglyph format controls: visible
        and plaintext.clean(chr(cp))
    ]  # fmt: skip
    assert kept == []


def test_the_tests_use_the_escapers_list() -> None:
    from . import hostile

    assert hostile.INVISIBLE is plaintext.INVISIBLE


# ------------------------------------------------------ 8. extensions' block syntax (Low)

MATERIAL = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc",
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.caret", "pymdownx.mark",
    "pymdownx.tilde", "pymdownx.critic", "pymdownx.details", "pymdownx.emoji",
    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.keys", "pymdownx.magiclink",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist",
    "pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.tab",
    "pymdownx.blocks.html",
]  # fmt: skip
MATERIAL_CONFIG: dict[str, Any] = {
    "pymdownx.magiclink": {"repo_url_shorthand": True, "social_url_shorthand": True,
                           "user": "owner", "repo": "repo", "provider": "github"},
}  # fmt: skip
COMMIT = "0123456789abcdef0123456789abcdef01234567"
ARABIC_COMMIT = "abcdef" + "\u0661" * 34  # magiclink's \d is Unicode: a commit to it
BLOCKS = [
    "/// details | Open me", "/// note", "/// html | div", "??? note", "???+ warning \"T\"",
    "!!! danger", "=== \"Tab\"", "www.evil.example", "WwW.evil.example/x", "a@evil.example",
    "@octocat", "#12", "!12", "?12", COMMIT, f"see {COMMIT} there", ARABIC_COMMIT, "user/repo#1",
    "user/repo@" + COMMIT[:7], "https://evil.example", "<https://evil.example>",
    "--8<-- \"secret.txt\"", ":smile:", "[[wiki]]", "++ctrl+alt++", "==mark==", "^^ins^^",
    "~~del~~", "{== crit ==}", "- [ ] task", "$$x$$", "*[HTML]: hyper",
]  # fmt: skip
EXTENSION_SETS = {"mkdocs-defaults": (["toc", "tables", "fenced_code"], {}),
                  "material": (MATERIAL, MATERIAL_CONFIG)}


def _convert(md: str, extensions: str) -> str:
    names, config = EXTENSION_SETS[extensions]
    return markdown.markdown(md, extensions=[*names, "attr_list"], extension_configs=config)


@pytest.mark.parametrize("extensions", EXTENSION_SETS)
@pytest.mark.parametrize("text", BLOCKS)
def test_extension_syntax_stays_text(text: str, extensions: str) -> None:
    """As a paragraph of its own (block), mid-line (inline), in a table cell and as code:
    one paragraph, no element or link, and the page after it is not folded into a block."""
    md = (
        "### Before { #before }\n\n"
        f"{escape.block(text)}\n\n"
        f"Value {escape.inline(text)} and {escape.code(text)}.\n\n"
        f"| A |\n| --- |\n| {escape.cell(text)} |\n\n"
        "### After { #after }\n\nThe rest of the guide.\n"
    )
    out = _convert(md, extensions)
    tags = [e.tag for e in parse(out).elements]
    assert tags == ["h3", "p", "p", "code", "table", "thead", "tr", "th", "tbody", "tr",
                    "td", "h3", "p"], out  # fmt: skip
    assert [a for e in parse(out).elements for a in e.attrs] == [("id", "before"),
                                                                 ("id", "after")], out
    assert normalize(text) in parse(out).visible


EXTENSION_TOKENS = [*TOKENS, "???", "???+", "///", "/// details", "@", "www.", "WWW.", "?1",
                    "#1", "!1", COMMIT, "a@b.example", " | ", "++", "==", "^^", "{=="]


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EXTENSION_TOKENS), max_size=20).map("".join))
def test_inline_under_material_extensions_is_plain_text(text: str) -> None:
    out = _convert(f"Start\n\n{escape.block(text)}\n\n{escape.code(text)}\n\nEnd\n",
                   "material")
    page = parse(out)
    assert {e.tag for e in page.elements} <= {"p", "code"}, out
    assert not [a for e in page.elements for a in e.attrs], out
    assert page.visible == normalize(f"Start {text} {normalize(text)} End")


@pytest.mark.e2e
def test_an_unclosed_block_in_a_description_folds_nothing_in_a_real_build(
    tmp_path: Path,
) -> None:
    conn = good_connector()
    conn["actions"][0]["description"] = "/// details\n\nEverything after this."
    conn["actions"][1]["description"] = "??? note"
    catalog = write_catalog(tmp_path / "catalog", {"ledgerline": conn})
    root = make_site(
        tmp_path / "project", catalog=catalog, plugin={"smoke_config": None},
        extra={"markdown_extensions": [*MATERIAL[:10], "pymdownx.details",
                                       "pymdownx.blocks.details", "pymdownx.magiclink"]},
    )
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-4000:]
    page = (root / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    parsed = parse(page)
    # The only <details> are the generator's own sample blocks (class cd-sample).
    assert not [e for e in parsed.elements if e.tag == "details"
                and dict(e.attrs).get("class") != "cd-sample"]
    assert "/// details" in parsed.visible and "??? note" in parsed.visible
    assert "Everything after this." in parsed.visible


# ----------------------------------------------------------------- 9. anchors collide

def _ids(html: str) -> list[str]:
    return [value or "" for e in parse(html).elements for name, value in e.attrs
            if name == "id"]


def test_unique_anchors_for_many_values_of_one_slug() -> None:
    # 20,000 spellings of one slug, and ids already taken in between: every id unique,
    # the own-slug value first, suffixes counted per slug (not searched from -2 each
    # time, which was quadratic).
    values = ["x!", "x", "X", *(["x?"] * 20_000)]
    taken = {"e-x-3", "e-x-7"}
    ids = plaintext.unique_anchors(values, "e-", taken)
    assert len(set(ids)) == len(ids) and not set(ids) & {"e-x-3", "e-x-7"}
    assert ids[1] == "e-x" and ids[0] == "e-x-2" and ids[2] == "e-x-4"
    assert all(re.fullmatch(r"e-x(-\d+)?", i) for i in ids)
    assert taken >= set(ids)


@pytest.fixture(scope="module")
def colliding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("anchors")
    conn = good_connector()
    first, second = conn["actions"][0], conn["actions"][1]
    first["id"], second["id"] = "send_message", "send-message"
    first["name"], second["name"] = "First", "Second"
    conn["actions"].append({**conn["actions"][2], "id": "error-429", "name": "error-429"})
    conn["errorCodes"] = {
        "RATE_LIMITED": {"summary": "vendor rate limit", "httpStatus": 429, "rank": 1},
        "429!": {"summary": "bang", "rank": 2},
        "429": {"summary": "the real 429", "rank": 3},
        "Error 429": {"summary": "spaced", "rank": 4},
        "error_429": {"summary": "snake", "rank": 5},
    }
    crm = good_connector("crm-two")
    crm["category"] = "crm"
    crm_upper = good_connector("crm-one")
    crm_upper["category"] = "CRM"
    catalog = write_catalog(tmp / "catalog", {"ledgerline": conn, "crm-two": crm,
                                              "crm-one": crm_upper})
    root = make_site(tmp / "project", catalog=catalog, plugin={"smoke_config": None})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-4000:]
    return root / "site"


@pytest.mark.e2e
def test_generated_anchors_are_unique_per_page(colliding: Path) -> None:
    for page in ("connectors/ledgerline", "catalog", "troubleshooting", "scopes"):
        ids = _ids((colliding / page / "index.html").read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), (page, sorted(i for i in ids if ids.count(i) > 1))


@pytest.mark.e2e
def test_error_429_lands_on_the_429_entry(colliding: Path) -> None:
    page = (colliding / "connectors" / "ledgerline" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r'<h3 id="error-429">(.*?)</h3>', page, re.DOTALL)
    assert heading is not None
    assert "the real 429" in parse(heading.group(1)).visible
    links = re.findall(r'href="#(action-send-message[^"]*)"', page)
    assert sorted(set(links)) == ["action-send-message", "action-send-message-2"]


@pytest.mark.e2e
def test_links_reach_their_own_heading(colliding: Path) -> None:
    """Every in-page link on the guide and every link into it from the indexes points
    at an id that exists, and the two colliding actions at their own headings."""
    guide = (colliding / "connectors" / "ledgerline" / "index.html").read_text(encoding="utf-8")
    ids = set(_ids(guide))
    targets = re.findall(r'href="#([^"]+)"', guide)
    for source in ("scopes", "troubleshooting"):
        html = (colliding / source / "index.html").read_text(encoding="utf-8")
        targets += re.findall(r'href="\.\./connectors/ledgerline/#([^"]+)"', html)
    assert targets
    assert [t for t in targets if t not in ids] == []
    # The id that is its own slug keeps its plain anchor; the other one is numbered.
    exact = re.search(r'<h3 id="action-send-message">(.*?)</h3>', guide, re.DOTALL)
    other = re.search(r'<h3 id="action-send-message-2">(.*?)</h3>', guide, re.DOTALL)
    assert exact and "Second" in exact.group(1) and other and "First" in other.group(1)


# --------------------------------------------------------- 11. total order of every sort

_PLAN = """
import json, sys
from connector_docs.site import pages
from connector_docs import project
from connector_docs.options import Options
proj = project.load(Options(catalog=sys.argv[1], smoke=None, audience="internal",
                            base_dir=sys.argv[1]))
specs = pages.plan(proj)
print(json.dumps([[s.path, sorted((k, repr(v)) for k, v in s.context.items()
                   if k in ("categories", "codes", "tiers", "auth_types"))]
                  for s in specs if s.connector_id is None]))
"""


@pytest.mark.e2e
def test_index_orders_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    conns = {}
    for i, category in enumerate(["Widgetry", "widgetry", "WIDGETRY", "wIdgetry",
                                            "Gizmos", "gizmos"]):
        doc = good_connector(f"conn-{i}")
        doc["category"] = category
        doc["pricingTier"] = ["Pro", "pro", "PRO"][i % 3]
        doc["errorCodes"] = {"E_X": {"summary": "x"}, "e_x": {"summary": "y"}}
        conns[f"conn-{i}"] = doc
    catalog = write_catalog(tmp_path / "catalog", conns) / "connectors"
    outputs = set()
    for seed in ("0", "1", "2", "3", "17", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", _PLAN, str(catalog)], capture_output=True, text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1795608000",
                 "PYTHONPATH": str(ROOT)}, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        outputs.add(result.stdout)
    assert len(outputs) == 1
    categories = json.loads(outputs.pop())
    assert categories  # the index pages were planned


# ------------------------------------------------ 4. one line's Markdown stays linear

LONG_SCOPE = ("https://api.example/{scope}|[x]*_" * 15)[:490]  # the schema allows 500


@pytest.mark.e2e
def test_a_scope_repeated_hundreds_of_times_is_one_bounded_line(tmp_path: Path) -> None:
    conn = good_connector()
    conn["authentication"]["scopes"] += [
        {"scope": f"{LONG_SCOPE}{i}", "description": "long"} for i in ["", *range(60)]
    ]
    conn["actions"][0]["requiredScopes"] = [LONG_SCOPE] * 240 + [
        f"{LONG_SCOPE}{i}" for i in range(60)
    ]
    catalog = write_catalog(tmp_path / "catalog", {"ledgerline": conn})
    root = tmp_path / "out"
    result = bounded(300, run_cli, ["generate", "--out", str(root), "--catalog",
                                    str(catalog / "connectors")], cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    guide = (root / "connectors" / "ledgerline.md").read_text(encoding="utf-8")
    longest = max(guide.splitlines(), key=len)
    assert len(longest) <= filters.MAX_LINE + 200, len(longest)
    scope_line = next(line for line in guide.splitlines() if line.startswith("Request:"))
    assert scope_line.count(str(escape.code(LONG_SCOPE))) == 1  # repeats shown once
    assert "more" in scope_line  # what was cut is said
    out = bounded(120, markdown.markdown, guide, extensions=["tables", "attr_list"])
    assert "<table>" in out


def test_lists_are_deduplicated_and_capped() -> None:
    assert str(filters.codes(["a", "b", "a"])) == "<code>a</code>, <code>b</code>"
    many = filters.codes(f"v{i}" for i in range(500))
    assert str(many).endswith("… and 400 more")
    long = filters.codes("x" * 4000 + str(i) for i in range(50))
    assert len(long) <= filters.MAX_LINE + 100 and str(long).endswith("more")
    assert str(filters.texts(["same", "same"])) == "same · same"  # messages keep repeats
