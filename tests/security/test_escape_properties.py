"""Properties of the one escaping layer (connector_docs/site/escape.py): whatever the text, the
Markdown it produces renders through Python-Markdown as the same visible text inside the
wrapper the template chose, and never as any other element or attribute."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from connector_docs import text as plaintext
from connector_docs.site import escape
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from .hostile import INJECTION, normalize, parse

EXTENSIONS = ["attr_list", "tables", "admonition", "toc", "fenced_code"]
SETTINGS = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Pieces that mean something to Markdown, its extensions, HTML, Jinja or YAML; joined at
# random they make far more hostile text than uniform random characters do.
TOKENS = [
    "<", ">", "</", "/>", "x-pwn", " data-pwn=1", " onerror=alert(1)", "{", "}", "{:", "{ #",
    " .cls", ":", "#", "##", "|", "\n", "\n\n", "\r\n", "    ", "\t", "`", "```", "~~~", "[",
    "](", ")", "](javascript:alert(1))", "![", "*", "**", "_", "__", "-", "---", "- ", "+ ",
    "1. ", "2) ", "> ", "=", "===", '"', "'", "&", "&amp;", "&#60;", "&lt;", ";", "!!! note",
    "--8<--", "{{", "}}", "{%", "%}", "{#", "#}", "<!--", "-->", "\\", "$", "$$", "^", "~",
    "\u202e", "\u200b", "\u2028", "\x00", "\x85", "\ufeff", "a", "b", " ", "http://x.example",
    "javascript:", "data:text/html,", "mailto:", "<https://x.example>", "[^1]", "*[abbr]:",
]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    st.sampled_from(INJECTION),
)


def render(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS)


def tags(out: str) -> list[str]:
    return [e.tag for e in parse(out).elements]


def attributes(out: str) -> list[tuple[str, str | None]]:
    return [a for e in parse(out).elements for a in e.attrs]


@SETTINGS
@given(hostile_text)
@example("---")
@example("- - -")
@example("***")
@example("___")
@example("===")
@example("1. x")
@example("    indented code")
@example("x\n===")
def test_inline_is_one_paragraph_of_the_same_text(text: str) -> None:
    out = render(str(escape.inline(text)))
    assert set(tags(out)) <= {"p"}, out
    assert not attributes(out), out
    assert parse(out).visible == normalize(text)


@SETTINGS
@given(hostile_text, hostile_text)
def test_inline_inside_template_lines(text: str, other: str) -> None:
    """Mid-line, in a list item and in a heading with an explicit anchor, as the templates
    use it: the template's own structure survives and nothing is added."""
    assume(normalize(text))  # an empty heading leaves its { #id } as text (names never are)
    value, more = escape.inline(text), escape.inline(other)
    out = render(f"Before {value} after {more}.\n\n- {value}\n\n### {value} {{ #fixed }}\n")
    assert tags(out) == ["p", "ul", "li", "h3"], out
    assert attributes(out) == [("id", "fixed")], out
    page = parse(out)
    assert page.visible == normalize(f"Before {text} after {other}. {text} {text}")


@SETTINGS
@given(hostile_text)
def test_cell_stays_in_its_cell(text: str) -> None:
    out = render(f"| A | B |\n| --- | --- |\n| {escape.cell(text)} | end |\n")
    page = parse(out)
    assert page.tables == [[2, 2]], out
    assert set(tags(out)) <= {"table", "thead", "tbody", "tr", "th", "td"}, out
    assert page.visible == normalize(f"A B {normalize(text) or '—'} end")


@SETTINGS
@given(hostile_text)
def test_block_is_paragraphs_of_the_same_text(text: str) -> None:
    out = render(str(escape.block(text)))
    assert set(tags(out)) <= {"p"}, out
    assert not attributes(out), out
    assert parse(out).visible == normalize(text)


@SETTINGS
@given(hostile_text)
def test_code_is_one_code_element(text: str) -> None:
    out = render(f"Value: {escape.code(text)}.")
    assert tags(out) == ["p", "code"], out
    assert not attributes(out), out
    assert parse(out).visible == normalize(f"Value: {normalize(text)}.")


urls = st.one_of(
    hostile_text,
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(
            [
                "https://",
                "http://",
                "mailto:",
                "javascript:",
                "JaVaScRiPt:",
                " javascript:",
                "data:",
                "vbscript:",
                "//",
                "https:",
                "ftp://",
                "\u202ehttps://",
                "https\t://",
            ]
        ),
        hostile_text,
    ),
)


@SETTINGS
@given(hostile_text, urls)
@example("docs", "javascript://x.example/%0Aalert(1)")
@example("docs", "https://x.example/a)[b](javascript:alert(1))")
@example("docs", 'https://x.example/" onmouseover="alert(1)')
def test_link_is_a_safe_link_or_plain_text(label: str, url: str) -> None:
    out = render(f"See {escape.link(label, url)}.")
    page = parse(out)
    assert set(tags(out)) <= {"p", "a"}, out
    links = [e for e in page.elements if e.tag == "a"]
    assert page.visible == normalize(f"See {label}.")
    if links:
        (link,) = links
        assert [name for name, _ in link.attrs] == ["href"]
        href = dict(link.attrs)["href"] or ""  # as the browser reads it
        assert urlsplit(href).scheme in escape.SAFE_SCHEMES
        assert href == escape.safe_url(url)
    else:
        assert escape.safe_url(url) is None or not normalize(label)


@SETTINGS
@given(hostile_text)
def test_meta_text_is_one_yaml_string(text: str) -> None:
    """The front matter value cannot end the front matter or add keys, and reads back as
    the text, HTML-escaped (Material prints it unescaped)."""
    value = str(escape.meta_text(text))
    assert "\n" not in value
    data = yaml.safe_load(f"---\ndescription: {value}\n")
    assert list(data) == ["description"]
    expected = normalize(text)
    if len(expected) > 300:
        expected = expected[:299] + "…"
    assert html.unescape(data["description"]) == expected
    assert "<" not in data["description"] and '"' not in data["description"]


@SETTINGS
@given(hostile_text)
def test_anchor_is_a_slug(text: str) -> None:
    assert plaintext.anchor(text).replace("-", "").isalnum()
    assert plaintext.anchor(text).isascii()


@pytest.mark.parametrize("text", INJECTION)
def test_corpus_through_every_helper(text: str) -> None:
    for helper in (escape.inline, escape.cell, escape.block):
        out = render(str(helper(text)))
        assert set(tags(out)) <= {"p"}, (helper.__name__, out)
        assert not attributes(out)
