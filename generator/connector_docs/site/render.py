"""Jinja2 -> Markdown. Templates ship in the package (``templates/``); a site overrides
any of them file by file from its own folder, and a single connector's guide with
``connectors/<id>.md.j2``. An override may extend a built-in template, which is also
reachable as ``builtin/<name>``, and replace one of its blocks. Undefined names are
errors (StrictUndefined), and every value a template prints is escaped by
``escape.inline`` unless a helper already made it Markdown."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, overload

import jinja2
import yaml

from connector_docs.decisions import wording
from connector_docs.decisions.policy import LEVEL_LABELS
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, did_you_mean, error
from connector_docs.site import escape, filters, inheritance, search
from connector_docs.site.escape import Markdown
from connector_docs.site.pages import PageSpec
from connector_docs.speedups.runtime import fork_map
from connector_docs.text import anchor

R = TypeVar("R")

# Static files every site needs: badge and catalog styles, the catalog filter script.
ASSETS = ("connector-docs.css", "connector-docs-catalog.js", "connector-docs-readiness.js",
          "connector-docs-search.js")
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


def builtin_templates() -> Path:
    package = Path(__file__).resolve().parents[1]  # connector_docs/
    packaged = package / "templates"  # in a wheel
    return packaged if packaged.is_dir() else package.parents[1] / "templates"  # in a checkout


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
        ident=escape.identifier,
        anchor=anchor, meta=escape.meta_text, badge=filters.badge, h=escape.html_text,
        featured=filters.featured,
        date=filters.datefmt, json=filters.to_json, history=filters.history_svg, md=Markdown,
        param_rows=filters.param_rows, param_table=filters.param_table,
        param_markdown=filters.param_markdown,
        output_table=filters.output_table, sample=filters.sample, codes=filters.codes,
        texts=filters.texts, op_links=filters.op_links,
        # Wording (decisions/wording.py): "{{ n|counted("run") }}" -> "1 run" / "2 runs".
        plural=wording.plural, counted=wording.counted, auth_label=wording.auth_label,
        tier_label=wording.tier_label,
    )
    # search_exclude: the attributes keeping an element out of every site search.
    env.globals.update(level_label=LEVEL_LABELS, search_exclude=Markdown(search.excluded()))
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
                                           hint=_undefined_hint(exc.message))]) from None
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
        return _Failed(_without_page(d, spec.path) for d in exc.diagnostics)


class _Failed(list[Diagnostic]):
    """Diagnostics of a page that could not be rendered (not a result of ``finish``), with
    the page's name left out so that one broken template line is one problem."""


_PAGE_MARK = " while rendering {page}"


def _without_page(diag: Diagnostic, page: str) -> Diagnostic:
    return dataclasses.replace(diag, message=diag.message.replace(
        _PAGE_MARK.format(page=page), _PAGE_MARK))


def _on_pages(diag: Diagnostic, pages: list[str]) -> Diagnostic:
    """The problem once, saying which pages it hit (the first few, and how many)."""
    if len(pages) == 1:
        where = _PAGE_MARK.format(page=pages[0])
    else:
        shown = ", ".join(pages[:3]) + (", ..." if len(pages) > 3 else "")
        where = f" on {len(pages)} pages ({shown})"
    return dataclasses.replace(diag, message=diag.message.replace(_PAGE_MARK, where))


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
    # One broken template fails every page it renders: report each problem once, with
    # the pages it hit.
    problems: dict[str, tuple[Diagnostic, list[str]]] = {}
    for spec, result in zip(specs, results, strict=True):
        if isinstance(result, _Failed):
            for diag in result:
                problems.setdefault(diag.format(), (diag, []))[1].append(spec.path)
    if problems:
        raise ConnectorDocsError([_on_pages(d, pages) for d, pages in problems.values()])
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


_NO_ATTRIBUTE = re.compile(r"'([\w.]+) object' has no attribute '(\w+)'")


def _undefined_hint(message: str | None) -> str:
    """A close name when a template asks an object for a name it does not have."""
    context = "the page's context is listed in the header comment of the built-in template"
    match = _NO_ATTRIBUTE.search(message or "")
    if match:
        module, _, cls = match.group(1).rpartition(".")
        found = getattr(sys.modules.get(module), cls, None)
        names = [n for n in dir(found) if not n.startswith("_")] if found else []
        if dataclasses.is_dataclass(found):
            names += [f.name for f in dataclasses.fields(found)]
        close = did_you_mean(match.group(2), names)
        if close:
            return f"{close} {context[0].upper()}{context[1:]}"
    return context


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
