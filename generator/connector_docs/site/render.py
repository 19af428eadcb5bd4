"""Jinja2 -> Markdown. Templates ship in the package (``templates/``); a site overrides
any of them file by file from its own folder, and a single connector's guide with
``connectors/<id>.md.j2``. An override may extend a built-in template, which is also
reachable as ``builtin/<name>``, and replace one of its blocks. Undefined names are
errors (StrictUndefined), and every value a template prints is escaped by
``escape.inline`` unless a helper already made it Markdown."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, overload

import jinja2
import yaml

from connector_docs.decisions.policy import LEVEL_LABELS, Evidence
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, did_you_mean, error
from connector_docs.site import escape, inheritance
from connector_docs.site.escape import Markdown
from connector_docs.site.pages import MAX_LIST, PageSpec, ParamRow
from connector_docs.speedups import verbatim
from connector_docs.speedups.runtime import fork_map
from connector_docs.text import anchor

R = TypeVar("R")

# Static files every site needs: badge and catalog styles, the catalog filter script.
ASSETS = ("connector-docs.css", "connector-docs-catalog.js")
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


def builtin_templates() -> Path:
    package = Path(__file__).resolve().parents[1]  # connector_docs/
    packaged = package / "templates"  # in a wheel
    return packaged if packaged.is_dir() else package.parents[1] / "templates"  # in a checkout


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


def _json(value: Any) -> Markdown:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return escape.code(text)


def _param_cells(r: ParamRow) -> tuple[str, str, str, str, str, str]:
    """A parameter's cells (name, type, required, default, allowed values, description),
    each escaped as a template prints it."""
    default = _json(r.default) if r.default is not None else "&mdash;"
    allowed = ", ".join(_json(v) for v in r.enum) if r.enum else "&mdash;"
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


class _BlockText(jinja2.runtime.BlockReference):
    """``super()`` in a block: the parent block's text, which is Markdown the template
    wrote (as a plain string the environment's ``finalize`` would escape it)."""

    def __call__(self) -> Markdown:
        return Markdown(super().__call__())


class _Context(jinja2.runtime.Context):
    def super(self, name: str, current: Callable[[jinja2.runtime.Context], Iterator[str]]
              ) -> jinja2.runtime.BlockReference | jinja2.Undefined:
        parent = super().super(name, current)
        if isinstance(parent, jinja2.runtime.BlockReference):
            return _BlockText(name, self, parent._stack, parent._depth)
        return parent


@cache
def _env(override: str | None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(builtin_templates()))
    # The prefix first, so `builtin/...` is the built-in template even if the override
    # folder has a `builtin` subfolder.
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({inheritance.BUILTIN_PREFIX: builtin})]
    if override:
        loaders.append(jinja2.FileSystemLoader(override))
    loaders.append(builtin)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        finalize=escape.inline,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Compiled templates are kept: `mkdocs serve` compares templates_digest() before
        # each build and calls clear_cache() when a template changed (checking every
        # template's mtime on every page was 5% of rendering).
        auto_reload=False,
    )
    env.filters.update(
        cell=escape.cell, block=escape.block, code=escape.code, link=escape.link,
        anchor=anchor, meta=escape.meta_text, badge=badge, h=escape.html_text, date=datefmt,
        json=_json, history=history_svg, md=Markdown, param_rows=param_rows,
        param_table=param_table, codes=codes, texts=texts, op_links=op_links,
    )
    env.globals.update(level_label=LEVEL_LABELS)
    env.context_class = _Context
    return env


def template_files(override: str | None) -> list[Path]:
    """Every file of the template folders (templates may include files of any name)."""
    files: list[Path] = []
    for folder in (override, str(builtin_templates())):
        if folder and Path(folder).is_dir():
            files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return files


def templates_digest(override: str | None) -> str:
    """Every file of the template folders, the override and the built-in one (names and
    content): compiled templates, rendered pages and the page store are reused while it
    holds. Read on every build (a handful of small files)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in template_files(override):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def clear_cache() -> None:
    """Forget compiled templates (``mkdocs serve`` calls it when templates change)."""
    _env.cache_clear()
    _connector_overrides.cache_clear()
    _check_templates.cache_clear()


def check_templates(override: str | None) -> list[Diagnostic]:
    """Warnings about the override folder's templates that extend another template, for
    what Jinja ignores without a word: a block the parent does not have (a misspelt name,
    whose text is never shown) and text outside every block. Errors (a missing parent, a
    syntax error) are raised by :func:`render` of a page that uses the template."""
    return list(_check_templates(override))


@cache
def _check_templates(override: str | None) -> tuple[Diagnostic, ...]:
    if not override or not Path(override).is_dir():
        return ()
    return tuple(inheritance.problems(_env(override), Path(override)))


@cache
def _connector_overrides(override: str | None) -> frozenset[str]:
    """The per-connector templates (``connectors/<id>.md.j2``) of the override folder."""
    folder = Path(override) / "connectors" if override else None
    if folder is None or not folder.is_dir():
        return frozenset()
    return frozenset(f"connectors/{p.name}" for p in folder.glob("*.md.j2"))


def template_for(page: PageSpec, override: str | None) -> jinja2.Template:
    env = _env(override)
    own = f"connectors/{page.connector_id}.md.j2" if page.connector_id else None
    if own is not None and own in _connector_overrides(override):
        return env.get_template(own)
    return env.get_template(page.template)


# MkDocs' own front matter pattern and loader (mkdocs.utils.meta): when the YAML does not
# load, MkDocs keeps the front matter as Markdown text, silently, where attr_list and
# links in it come alive. So a generated page's front matter must load, or the build fails.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def front_matter_problem(text: str) -> str | None:
    """Why MkDocs would not read ``text``'s front matter (None: it would, or there is
    none)."""
    if not looks_like_front_matter(text):
        return None
    if not text.startswith("---"):
        return "it does not start on the page's first line"
    match = _FRONT_MATTER.match(text)
    if match is None:
        return "it is not closed by a `---` line"
    try:
        data = yaml.load(match.group(1), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        return f"it is not valid YAML ({_yaml_problem(exc)})"
    return None if isinstance(data, dict) else "it is not a mapping of keys to values"


def looks_like_front_matter(text: str) -> bool:
    """Whether the first line that is not blank is a `---` line (front matter meant, or
    a thematic break where a page must not start one)."""
    return re.match(r"\s*-{3}[ \t]*(?:\n|$)", text) is not None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """The YAML error without the snippet of the document PyYAML quotes (catalog text,
    which may hold a secret)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return f"{exc.problem or exc.context or 'not readable'}{where}"
    if isinstance(exc, yaml.reader.ReaderError):
        return f"character #x{exc.character:04x} at position {exc.position}: {exc.reason}"
    return type(exc).__name__


def render(page: PageSpec, override: str | None = None) -> str:
    try:
        template = template_for(page, override)
        text = template.render(page=page, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConnectorDocsError([error(exc.filename or exc.name or "template",
                                        f"template syntax error: {exc.message}",
                                        line=exc.lineno or 0, column=1)]) from None
    except jinja2.TemplateNotFound as exc:
        raise ConnectorDocsError([_located(exc, override, page, f"template not found: "
                                           f"{exc.name}", hint=_not_found_hint(exc, override))
                                  ]) from None
    except jinja2.UndefinedError as exc:
        raise ConnectorDocsError([_located(exc, override, page, f"template error while "
                                           f"rendering {page.path}: {exc.message}",
                                           hint="the page's context is listed in the header "
                                           "comment of the built-in template")]) from None
    except RecursionError as exc:
        raise ConnectorDocsError([_located(
            exc, override, page, "template extends or includes itself, directly or through "
            "others", hint=inheritance.extend_builtin(page.template))]) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise ConnectorDocsError([_located(exc, override, page, f"template error while "
                                           f"rendering {page.path}: {exc}")]) from None
    problem = front_matter_problem(text)
    if problem:
        raise ConnectorDocsError([error(
            _origin(override, page), f"the front matter of {page.path} would be published "
            f"as text: {problem}", hint="print every value of the front matter with the "
            "`meta` filter (`title: {{ connector.name|meta }}`)")])
    return text


# Below this many pages, forking costs more than it saves.
PARALLEL_MIN_PAGES = 64


def _render_or_report(job: tuple[PageSpec, str | None, Callable[[PageSpec, str], Any]]
                      ) -> Any:
    spec, override, finish = job
    try:
        return finish(spec, render(spec, override))
    except ConnectorDocsError as exc:  # a value, so it crosses back from a worker as data
        return _Failed(exc.diagnostics)


class _Failed(list[Diagnostic]):
    """Diagnostics of a page that could not be rendered (not a result of ``finish``)."""


def _text(_: PageSpec, text: str) -> str:
    return text


@overload
def render_many(specs: Sequence[PageSpec], override: str | None = None, *,
                processes: int | None = None) -> list[str]: ...


@overload
def render_many(specs: Sequence[PageSpec], override: str | None = None, *,
                finish: Callable[[PageSpec, str], R], processes: int | None = None
                ) -> list[R]: ...


def render_many(specs: Sequence[PageSpec], override: str | None = None, *,
                finish: Callable[[PageSpec, str], Any] = _text,
                processes: int | None = None) -> list[Any]:
    """Every page, in order: its Markdown, or what ``finish(spec, markdown)`` makes of
    it. Many pages are rendered in forked workers (``runtime.fork_map``): they inherit the
    specs, and only ``finish``'s results come back (so a caller that writes the pages in
    ``finish`` never holds all their text). Errors are :func:`render`'s, each once."""
    _env(override)  # the environment is made once, before any fork
    results = fork_map(_render_or_report, [(spec, override, finish) for spec in specs],
                       min_items=PARALLEL_MIN_PAGES, processes=processes)
    # One broken template fails every page it renders: report each problem once.
    problems = {d.format(): d for r in results if isinstance(r, _Failed) for d in r}
    if problems:
        raise ConnectorDocsError(list(problems.values()))
    return results


def _located(exc: BaseException, override: str | None, page: PageSpec, message: str,
             hint: str | None = None) -> Diagnostic:
    """An error raised while rendering, at the template line that raised it (Jinja
    rewrites a rendering error's traceback so that template code shows as frames of the
    template's file), or at the page's template when no template line is known."""
    where, line = None, 0
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            where, line = filename, lineno
    return error(where or _origin(override, page), message, line=line,
                 column=1 if line else 0, hint=hint)


def _not_found_hint(exc: jinja2.TemplateNotFound, override: str | None) -> str:
    names = [n for n in _env(override).list_templates() if n.endswith(".j2")]
    close = did_you_mean(str(exc.name), names)
    return (f"{close + ' ' if close else ''}templates may include or extend only files of "
            f"the template folders; the built-in ones are also named "
            f"{inheritance.BUILTIN_PREFIX}/<name>")


def _origin(override: str | None, page: PageSpec) -> str:
    env = _env(override)
    try:
        source = env.select_template([page.template]).filename
    except jinja2.TemplateNotFound:
        source = None
    return source or page.template
