"""The template filters that turn values into Markdown or raw HTML: badges, the smoke
history strip, parameter and output tables (columns empty in every row left out),
sample results, bounded lists of codes and texts, dates, JSON. Every piece of untrusted
text in them goes through ``escape``; they only compose what it made.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connector_docs.decisions import badges
from connector_docs.decisions.policy import LEVEL_LABELS, Decision, Evidence
from connector_docs.model import Connector
from connector_docs.site import escape, search
from connector_docs.site.escape import Markdown
from connector_docs.site.pages import MAX_LIST, ParamRow
from connector_docs.speedups import verbatim
from connector_docs.text import anchor, counted


def _explained(kind: str, label: str, said: str) -> Markdown:
    """A badge whose note is its tooltip (``title``) and, as screen readers do not read
    titles reliably, visually hidden text after the label. The note is escaped for
    Markdown as well as HTML (``escape.inline``: numeric character references, which HTML
    reads in attributes too): on a guide, Markdown reads inline HTML's text, and a pipe
    or a backtick even inside an attribute would end a table cell or open code."""
    return Markdown(
        f'<span class="{kind}" title="{escape.inline(f"{label}: {said}")}">'
        f'{escape.html_text(label)}<span class="cd-visually-hidden">'
        f"{escape.inline(': ' + said)}</span></span>")


def badge(value: Decision | str | None) -> Markdown:
    """A decision's badge, explaining itself (``badges.note``); nothing when there is no
    badge (the catalog claims no lifecycle). A level string gives the bare badge (the
    readiness table)."""
    level: str | None = value.badge if isinstance(value, Decision) else value
    said = badges.note(value) if isinstance(value, Decision) else None
    if not level:
        return Markdown("")
    label = LEVEL_LABELS.get(level, "Unknown")
    kind = f"cd-badge cd-badge--{anchor(level)}"
    if said:
        return _explained(kind, label, said)
    return Markdown(f'<span class="{kind}">{escape.html_text(label)}</span>')


def featured(conn: Connector) -> Markdown:
    """The "Featured" marker of a connector the manifest features; nothing otherwise."""
    return _explained("cd-featured", "Featured", badges.FEATURED) if conn.rollout.featured \
        else Markdown("")


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


EMPTY = "&mdash;"  # what a cell with nothing to say shows


def _param_cells(r: ParamRow) -> tuple[str, str, str, str, str, str]:
    """A parameter's cells (name, type, required, default, allowed values, description),
    each escaped as a template prints it."""
    default = to_json(r.default) if r.default is not None else EMPTY
    allowed = ", ".join(to_json(v) for v in r.enum) if r.enum else EMPTY
    return (escape.identifier(r.name), escape.cell(r.type), "yes" if r.required else "no",
            default, allowed, escape.cell(r.description))


def param_rows(rows: Iterable[ParamRow]) -> Markdown:
    """The body of a Markdown parameter table, a line per parameter (for a template that
    writes its own header lines): all six columns, empty ones too."""
    return Markdown("\n".join(f"| {' | '.join(_param_cells(r))} |" for r in rows))


PARAM_COLUMNS = ("Parameter", "Type", "Required", "Default", "Allowed values", "Description")
# The columns of an output table: those of the parameter table a result has.
OUTPUT_COLUMNS = ("Field", "Type", "Description")
# Kept even when empty in every row: the name says which row is which.
_ALWAYS = frozenset({"Parameter", "Field", "Scope"})


@dataclass(frozen=True)
class Table:
    """A table's header and escaped cells, without the columns empty in every row."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def markdown(self) -> Markdown:
        """The same table in Markdown table syntax (what :meth:`html` equals, converted)."""
        lines = [self.head, ("---",) * len(self.head), *self.rows]
        return Markdown("\n".join(f"| {' | '.join(line)} |" for line in lines))

    def html(self) -> Markdown:
        """The table as the HTML Python-Markdown makes of :meth:`markdown`, marked for
        the plugin to pass through (``verbatim.html_block``). Every cell is escaped text
        or inline HTML, which HTML reads as Markdown would (entities stay entities)."""
        head = "".join(f"<th>{c}</th>\n" for c in self.head)
        body = "".join("<tr>\n" + "".join(f"<td>{str.strip(c)}</td>\n" for c in row)
                       + "</tr>\n" for row in self.rows)
        return Markdown(verbatim.html_block(
            f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{body}</tbody>\n</table>"))


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """``rows`` (escaped cells) under ``head``, leaving out each column whose cells are
    all empty (blank or a dash), except a name column (:data:`_ALWAYS`)."""
    cells = [tuple(map(str, row)) for row in rows]
    keep = [i for i, name in enumerate(head)
            if name in _ALWAYS or any(str.strip(row[i]) not in ("", EMPTY) for row in cells)]
    return Table(tuple(head[i] for i in keep), tuple(tuple(row[i] for i in keep)
                                                      for row in cells))


def param_cells(rows: Iterable[ParamRow]) -> Table:
    """The parameter table of ``rows``, its empty columns left out."""
    return table(PARAM_COLUMNS, (_param_cells(r) for r in rows))


def output_cells(rows: Iterable[ParamRow]) -> Table:
    """The output table (field, type, description) of ``rows``, empty columns left out."""
    return table(OUTPUT_COLUMNS, ((escape.identifier(r.name), escape.cell(r.type),
                                   escape.cell(r.description)) for r in rows))


def param_table(rows: Iterable[ParamRow]) -> Markdown:
    """A parameter table (``_params.md.j2``) as the HTML Python-Markdown makes of the same
    table in Markdown, marked for the plugin to pass through: tables were four fifths of
    MkDocs converting the guides. Written here rather than as a template loop: a catalog
    prints tens of thousands of rows. Columns empty in every row are left out."""
    return param_cells(rows).html()


def param_markdown(rows: Iterable[ParamRow]) -> Markdown:
    """The table of ``param_table`` in Markdown table syntax (header lines included), for
    a template that wants Markdown to read it."""
    return param_cells(rows).markdown()


def output_table(rows: Sequence[ParamRow]) -> Markdown:
    """An output table (``_outputs.md.j2``), made and passed through as ``param_table``:
    the first :data:`MAX_LIST` fields (a result can be wide), then a line counting the
    others."""
    shown = output_cells(rows[:MAX_LIST]).html()
    more = len(rows) - MAX_LIST
    return Markdown(f"{shown}\n\n… and {more} more fields.") if more > 0 else shown


# A sample result is shown up to this many lines and characters of its JSON; a real one
# can be large, and a guide lists hundreds of operations.
MAX_SAMPLE_LINES = 60
MAX_SAMPLE_CHARS = 4096


def sample(value: Any) -> Markdown:
    """An example result as a collapsed, highlighted JSON block, marked for the plugin to
    pass through and to keep out of the site search (``verbatim.html_block``; Material's
    and Pagefind also skip it: ``search.excluded``). Raw HTML, so it renders the same with or
    without Markdown extensions; cut past the bounds above with a note."""
    shown, cut = escape.json_lines(value, MAX_SAMPLE_LINES, MAX_SAMPLE_CHARS)
    note = (f'\n<p class="cd-sample__more">Cut to its first '
            f'{counted(len(shown), "line")} to keep the page small.</p>' if cut else "")
    return Markdown(verbatim.html_block(
        f'<details class="cd-sample" {search.excluded("")}>\n<summary>Sample output</summary>\n'
        '<div class="highlight"><pre><code class="language-json">' + "\n".join(shown)
        + f"</code></pre></div>{note}\n</details>", search=False))


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
