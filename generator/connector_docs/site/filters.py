"""The template filters that turn values into Markdown or raw HTML: badges, the smoke
history strip, parameter tables, bounded lists of codes and texts, dates, JSON. Every
piece of untrusted text in them goes through ``escape``; they only compose what it made.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from connector_docs.decisions.policy import LEVEL_LABELS, Evidence
from connector_docs.site import escape
from connector_docs.site.escape import Markdown
from connector_docs.site.pages import MAX_LIST, ParamRow
from connector_docs.speedups import verbatim
from connector_docs.text import anchor


def badge(level: str) -> Markdown:
    label = escape.html_text(LEVEL_LABELS.get(level, "Unknown"))
    return Markdown(f'<span class="cd-badge cd-badge--{anchor(level)}">{label}</span>')


_COLORS = {"passed": "#2e7d32", "failed": "#c62828", "skipped": "#9e9e9e"}


def history_svg(history: Iterable[Evidence]) -> Markdown:
    """A pass/fail strip drawn at build time; each bar has a <title> tooltip, and the
    figure an aria-label summary, so it reads without JavaScript or colour. Composed of
    numbers, the colours above and text escaped by ``escape.html_text`` (the suite and
    status come from smoke runs)."""
    items = list(history)
    if not items:
        return Markdown("")
    width, gap = 12, 3
    bars = []
    for i, ev in enumerate(items):
        title = escape.html_text(f"{ev.date} {ev.suite}: {ev.status}")
        fill = _COLORS.get(ev.status, _COLORS["skipped"])
        bars.append(f'<rect x="{i * (width + gap)}" y="0" width="{width}" height="20" rx="2" '
                    f'fill="{fill}"><title>{title}</title></rect>')
    counts = {s: sum(1 for e in items if e.status == s) for s in _COLORS}
    summary = escape.html_text(f"Last {len(items)} smoke results: {counts['passed']} passed, "
                               f"{counts['failed']} failed, {counts['skipped']} skipped")
    total = len(items) * (width + gap)
    return Markdown(
        f'<div class="cd-history"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{summary}" width="{total}" height="20" viewBox="0 0 {total} 20">'
        + "".join(bars) + f'</svg> <span class="cd-history__text">{summary}</span></div>')


def datefmt(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "never"


def to_json(value: Any) -> Markdown:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return escape.code(text)


def _param_cells(r: ParamRow) -> tuple[str, str, str, str, str, str]:
    """A parameter's cells (name, type, required, default, allowed values, description),
    each escaped as a template prints it."""
    default = to_json(r.default) if r.default is not None else "&mdash;"
    allowed = ", ".join(to_json(v) for v in r.enum) if r.enum else "&mdash;"
    return (escape.code(r.name), escape.cell(r.type), "yes" if r.required else "no",
            default, allowed, escape.cell(r.description))


def param_rows(rows: Iterable[ParamRow]) -> Markdown:
    """The body of a Markdown parameter table, a line per parameter (for a template that
    writes its own header lines)."""
    return Markdown("\n".join(f"| {' | '.join(_param_cells(r))} |" for r in rows))


PARAM_COLUMNS = ("Parameter", "Type", "Required", "Default", "Allowed values", "Description")
_PARAM_HEAD = ("<table>\n<thead>\n<tr>\n" + "".join(f"<th>{c}</th>\n" for c in PARAM_COLUMNS)
               + "</tr>\n</thead>\n<tbody>\n")


def param_table(rows: Iterable[ParamRow]) -> Markdown:
    """A parameter table (``_params.md.j2``) as the HTML Python-Markdown makes of the same
    table in Markdown, marked for the plugin to pass through (``verbatim.html_block``):
    tables were four fifths of MkDocs converting the guides. Written here rather than as
    a template loop: a catalog prints tens of thousands of rows. Every cell is escaped
    text or ``<code>``, which HTML reads as Markdown would (entities stay entities)."""
    body = "".join("<tr>\n" + "".join(f"<td>{str.strip(c)}</td>\n" for c in _param_cells(r))
                   + "</tr>\n" for r in rows)
    return Markdown(verbatim.html_block(f"{_PARAM_HEAD}{body}</tbody>\n</table>"))


# The longest list one line holds (characters of Markdown): Python-Markdown's inline pass
# is quadratic in one line's character references, so a line's length is bounded, not
# only each value's (an action requiring one long scope 240 times took 66 s).
MAX_LINE = 20_000


def _listing(parts: Iterable[str], sep: str) -> Markdown:
    shown: list[str] = []
    size = more = 0
    for part in parts:
        if shown and (len(shown) >= MAX_LIST or size + len(part) > MAX_LINE):
            more += 1
            continue
        shown.append(part)
        size += len(part) + len(sep)
    tail = f"{sep}… and {more} more" if more else ""
    return Markdown(sep.join(shown) + tail)


def codes(values: Iterable[object], sep: str = ", ") -> Markdown:
    """Values as inline code, repeats shown once, one bounded line."""
    return _listing((escape.code(v) for v in dict.fromkeys(map(str, values))), sep)


def texts(values: Iterable[object], sep: str = " · ") -> Markdown:
    """Values as text (repeats kept: each smoke message counts), one bounded line."""
    return _listing((escape.inline(v) for v in values), sep)


def op_links(ops: Iterable[Any], anchors: Mapping[tuple[str, str], str],
             page: str = "") -> Markdown:
    """Links to operations' headings on a guide (``page`` empty: this page)."""
    return _listing((f"[{escape.inline(op.name)}]({page}#{anchors[(op.kind, op.id)]})"
                     for op in ops), ", ")
