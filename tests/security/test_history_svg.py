"""The smoke history strip (`filters.history_svg`) is raw HTML written by hand from smoke
runs: its suite and status are text of the runs, escaped by `escape.html_text` only.
Hostile text (quotes, markup, entities, invisible characters) stays text of the
tooltip, in the strip's own structure."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import markdown
import pytest
from connector_docs.decisions.policy import Evidence
from connector_docs.site import escape, filters

from .hostile import INJECTION

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    'qa"><script>alert(1)</script>',
    "qa' onload='alert(1)",
    "a &amp; b &lt;i&gt; & < >",
    "pay\u200bpal\u202e\ufeffevil\u2066",
    "night\nly\n\nnew paragraph <b>x</b>",
    "--></svg><img src=x onerror=alert(1)>",
    *INJECTION,
]


def _evidence(suite: str, status: str, day: int = 1) -> Evidence:
    return Evidence(suite=suite, status=status, path="runs/x.json",
                    ran_at=dt.datetime(2026, 11, day, tzinfo=dt.timezone.utc))


def _shown(text: str) -> str:
    """What a tooltip must read: the text without invisible characters, one line."""
    return " ".join(escape.clean(text).split())


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_suite_and_status_stay_text_of_the_tooltip(text: str) -> None:
    runs = [_evidence(text, "passed", 1), _evidence("qa", text, 2), _evidence(text, text, 3)]
    out = str(filters.history_svg(runs))
    assert "\n" not in out  # a line break could end the raw HTML block
    root = ET.fromstring(out)  # well-formed: nothing opened or closed by the text
    assert root.tag == "div" and root.attrib == {"class": "cd-history"}
    svg, span = list(root)
    assert svg.tag == f"{SVG}svg" and span.tag == "span"
    assert set(svg.attrib) == {"role", "aria-label", "width", "height", "viewBox"}
    bars = list(svg)
    assert [bar.tag for bar in bars] == [f"{SVG}rect"] * 3
    for bar, ev in zip(bars, runs, strict=True):
        assert set(bar.attrib) == {"x", "y", "width", "height", "rx", "fill"}
        assert bar.attrib["fill"] in {"#2e7d32", "#9e9e9e"}  # passed, or the neutral grey
        (title,) = list(bar)
        assert title.tag == f"{SVG}title" and list(title) == []
        assert title.text == _shown(f"{ev.date} {ev.suite}: {ev.status}")
    assert span.text == svg.attrib["aria-label"] == (
        f"Last 3 smoke results: {1 + (text == 'passed')} passed, 0 failed, 0 skipped")


def test_the_strip_passes_markdown_as_one_raw_html_block() -> None:
    """Python-Markdown hands the strip through as it is: the escaped text is not read as
    Markdown or HTML a second time."""
    runs = [_evidence(text, "failed", 1 + i % 28) for i, text in enumerate(HOSTILE[:6])]
    strip = str(filters.history_svg(runs))
    html = markdown.markdown(f"Before.\n\n{strip}\n\nAfter.", extensions=["attr_list"])
    assert strip in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "\u200b" not in html and "\u202e" not in html


def test_no_history_draws_nothing() -> None:
    assert filters.history_svg([]) == ""
