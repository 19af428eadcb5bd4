"""Random hostile text in every text field of a generated connector (and in its smoke
messages), through the real pipeline: ``project.load`` -> ``pages.plan`` ->
``render.render`` -> Python-Markdown. No page gains an element or attribute the templates
do not write themselves."""

from __future__ import annotations

import json
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import pytest
from connector_docs.options import Options
from connector_docs.project import load
from connector_docs.site import pages, render
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from ..conftest import EXAMPLE_EPOCH
from ..helpers import example_options
from .hostile import INJECTION, injected, parse, smoke_json
from .test_escape_properties import TOKENS

# MkDocs' defaults plus what the plugin adds.
EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition"]
FIELDS = 40  # random strings per example, spread over the connector's fields

text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=20).map("".join),
    st.sampled_from(INJECTION),
)


def to_html(page_markdown: str) -> tuple[str, dict[str, Any]]:
    body, meta = get_data(page_markdown)
    return markdown.markdown(body, extensions=EXTENSIONS), meta


@cache
def baseline() -> tuple[frozenset[str], frozenset[str]]:
    """Element and attribute names the templates write for the example catalog."""
    import os

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EXAMPLE_EPOCH
    try:
        project = load(example_options())
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    elements: set[str] = set()
    attrs: set[str] = set()
    for spec in pages.plan(project):
        page = parse(to_html(render.render(spec))[0])
        elements |= {e.tag for e in page.elements}
        attrs |= {name for e in page.elements for name, _ in e.attrs}
    return frozenset(elements), frozenset(attrs)


def url(value: str, scheme: str) -> str:
    return scheme + re.sub(r"[\s{}\x00-\x1f\x7f-\x9f]", "", value)[:200]


def connector(texts: list[str], schemes: list[str]) -> dict[str, Any]:
    t = iter(texts * 3)

    def nxt(limit: int = 500, nonempty: bool = False) -> str:
        value = next(t)[:limit]
        return value if value.strip() or not nonempty else "x"

    scopes = [nxt(200, True) for _ in range(3)]
    actions = []
    for i in range(3):
        prop = nxt(60, True)
        actions.append(
            {
                "id": f"a{i}",
                "name": nxt(200, True),
                "description": nxt(),
                "method": "GET",
                "endpoint": nxt(),
                "requiredScopes": [scopes[i]],
                "rateLimits": {"requests": 5, "period": "1m", "scope": nxt()},
                "parameters": {
                    "type": "object",
                    "required": [prop],
                    "properties": {
                        prop: {
                            "type": "string",
                            "description": nxt(),
                            "enum": [nxt(), nxt()],
                            "default": nxt(),
                        },
                        "obj": {
                            "type": "object",
                            "description": nxt(),
                            "properties": {nxt(60, True): {"description": nxt()}},
                        },
                    },
                },
                "errorCodes": {nxt(100, True): nxt()},
            }
        )
    return {
        "id": "fuzz",
        "name": nxt(200, True),
        "description": nxt(5000),
        "category": nxt(100, True),
        "availability": "stable",
        "pricingTier": nxt(50),
        "version": nxt(50),
        "supportContact": nxt(),
        "documentation": url(nxt(), schemes[0] + "docs.example/"),
        "baseUrl": url(nxt(), schemes[1] + "api.example/"),
        "authentication": {
            "type": "oauth2",
            "authUrl": url(nxt(), schemes[2] + "auth.example/"),
            "tokenUrl": url(nxt(), "https://auth.example/"),
            "scopes": [{"scope": s, "description": nxt()} for s in scopes],
            "fields": [
                {
                    "key": nxt(100, True),
                    "label": nxt(),
                    "helpText": nxt(),
                    "placeholder": nxt(),
                    "type": "password",
                }
            ],
            "additionalParams": {nxt(60, True): nxt()},
        },
        "rateLimits": {"requestsPerMinute": 60, "notes": nxt()},
        "testConnection": {"method": "GET", "endpoint": nxt()},
        "errorCodes": {
            nxt(100, True): {
                "summary": nxt(),
                "cause": nxt(),
                "resolution": nxt(),
                "httpStatus": 429,
            },
            nxt(100, True): nxt(),
        },
        "actions": actions,
        "triggers": [
            {
                "id": "t0",
                "name": nxt(200, True),
                "description": nxt(),
                "type": "webhook",
                "metadata": {
                    "events": [nxt(), nxt()],
                    "signatureVerification": {
                        "required": True,
                        "header": nxt(),
                        "algorithm": nxt(),
                    },
                },
            }
        ],
    }


schemes = st.lists(
    st.sampled_from(
        ["https://", "http://", "javascript://", "data://", "vbscript://", "mailto://"]
    ),
    min_size=3,
    max_size=3,
)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(text, min_size=FIELDS, max_size=FIELDS),
    schemes,
    st.lists(text, min_size=1, max_size=5),
)
def test_generated_pages_hold_no_markup_from_the_data(
    texts: list[str], url_schemes: list[str], messages: list[str]
) -> None:
    known_elements, known_attrs = baseline()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "connectors").mkdir()
        (root / "smoke").mkdir()
        doc = connector(texts, url_schemes)
        (root / "connectors" / "fuzz.json").write_text(json.dumps(doc), encoding="utf-8")
        (root / "smoke" / "2026-11-20-qa.json").write_text(
            smoke_json("fuzz", messages, status="passed"), encoding="utf-8"
        )
        project = load(
            Options(catalog="connectors", smoke="smoke", audience="internal", base_dir=str(root))
        )
        problems = [d.format() for d in project.diagnostics if d.is_error]
        assert [c.id for c in project.catalog.connectors] == ["fuzz"], problems
        for spec in pages.plan(project):
            body, meta = to_html(render.render(spec))
            page = parse(body)
            assert not injected(page, known_elements), (spec.path, injected(page))
            unknown = {n for e in page.elements for n, _ in e.attrs} - known_attrs
            assert not unknown, (spec.path, unknown)
            assert set(meta) <= {"title", "description", "hide"}, meta
            # The catalog hides Material's (empty) table of contents; data adds nothing.
            assert meta.get("hide", ["toc"]) == ["toc"], meta
            assert all("<" not in str(v) and "\n" not in str(v) for v in meta.values()), meta


@pytest.mark.parametrize("text", ["---", "- - -", "***", "1. x", "> q", "# h", "|a|b|", "<p>"])
def test_template_output_of_markdown_syntax_stays_text(text: str) -> None:
    """Through the real template environment: `block` keeps paragraphs, a bare print
    (the finalize hook) makes one line; neither lets line-start syntax through."""
    template = render._env(None).from_string("{{ value|block }}\n\n{{ value }}\n")
    out = markdown.markdown(template.render(value=f"{text}\n\n{text}"), extensions=EXTENSIONS)
    assert [e.tag for e in parse(out).elements] == ["p", "p", "p"], out
    assert parse(out).visible == " ".join([text] * 4)
