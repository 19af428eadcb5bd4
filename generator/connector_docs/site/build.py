"""The generated pages of one build, as the MkDocs plugin needs them: load the project,
plan its pages, render what changed into the cache folder, lint it. Plain functions and
one object of caches; the plugin only reports the result and edits MkDocs' file list.

Under `mkdocs serve` one :class:`Caches` lives across rebuilds, so an edit to one
connector renders and lints one guide. Every cache of guides compares the guide's
:class:`~connector_docs.site.guidekey.GuideKey` (see ``speedups/__init__.py`` for the
table of caches).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from connector_docs import project
from connector_docs.diagnostics import Diagnostic
from connector_docs.inputs.catalog import LoadCache
from connector_docs.options import Options
from connector_docs.project import Project
from connector_docs.site import docslint, escape, pages, render
from connector_docs.site.guidekey import GuideKey
from connector_docs.speedups import pagestore


@dataclass
class Caches:
    """What `mkdocs serve` keeps between rebuilds (a one-off build keeps none of it)."""

    load: LoadCache = field(default_factory=dict)  # parsed connectors by file stamp
    contexts: pages.ContextCache = field(default_factory=dict)  # template contexts
    rendered: dict[str, tuple[GuideKey, str]] = field(default_factory=dict)  # guide texts
    lint: docslint.LintCache = field(default_factory=docslint.LintCache)
    templates: str = ""  # render.templates_digest of the last build


@dataclass
class Generated:
    """One build's generated pages: ``written`` maps each page (src_uri) to its file in the
    cache folder and its outline; ``diagnostics`` are the load's and docs lint's, redacted
    and ready to show."""

    project: Project
    specs: list[pages.PageSpec]
    written: dict[str, tuple[str, docslint.Outline]]
    diagnostics: list[Diagnostic]
    # Preview only (with caches: `mkdocs serve`): a notice page in place of each guide
    # whose definition is broken (src_uri -> its file), so the browser shows the error
    # rather than the last good page. A one-off build leaves such connectors out.
    notices: dict[str, str] = field(default_factory=dict)


def load(options: Options, caches: Caches | None = None) -> Project:
    """The project (its redactor is what a failed build scans the cache folder with)."""
    return project.load(options, cache=caches.load if caches else None)


def generate(proj: Project, cache_dir: Path, other_files: Iterable[str] = (),
             caches: Caches | None = None) -> Generated:
    """Plan, render into ``cache_dir`` (only what changed) and lint. ``other_files``: the
    site's own pages (links to them are not broken). Raises ``ConnectorDocsError``."""
    options = proj.options
    override = options.template_folder()
    templates = render.templates_digest(override)
    # Compiled templates live as long as the process: a build without serve caches may
    # follow another in the same process (tests, a tool calling MkDocs twice) after an edit.
    if caches is None or templates != caches.templates:
        render.clear_cache()
    if caches is not None:
        caches.templates = templates
    specs = pages.plan(proj, caches.contexts if caches else None,
                       build=pagestore.code_digest() + templates)
    # Guides (and their docs-lint findings) kept from an earlier build or process.
    store = pagestore.PageStore(cache_dir)
    digests = {spec.path: spec.key.digest() if spec.key else None for spec in specs}
    writer = _Writer(cache_dir, caches)
    done: dict[str, tuple[str, docslint.Outline]] = {}
    for spec in specs:
        kept = caches.rendered.get(spec.path) if caches and spec.key else None
        if kept is not None and spec.key is not None and spec.key.same(kept[0]):
            done[spec.path] = writer.finish(spec, kept[1])
        elif (outline := store.get(spec.path, digests[spec.path],
                                   cache_dir / spec.path)) is not None:
            done[spec.path] = (str(cache_dir / spec.path), outline)
    todo = [spec for spec in specs if spec.path not in done]
    store.forget([spec.path for spec in todo])
    if caches is not None:  # the caches live here: pages come back (workers only at startup)
        texts = render.render_many(todo, override)
        results = [writer.finish(spec, text) for spec, text in zip(todo, texts, strict=True)]
    else:  # large catalogs render in forked workers that write the pages themselves
        results = render.render_many(todo, override, finish=writer.finish)
    for spec, result in zip(todo, results, strict=True):
        done[spec.path] = result
        store.put(spec.path, digests[spec.path], result[1])
    written = {spec.path: done[spec.path] for spec in specs}
    # Docs lint: connectors whose findings the store kept are not checked again.
    guides = {spec.connector_id: spec for spec in specs if spec.connector_id and spec.key}
    known = {cid: found for cid, spec in guides.items()
             if (found := store.gaps(spec.path, digests[spec.path])) is not None}
    gaps = docslint.content_gaps(proj, caches.lint if caches else None, known,
                                 keys={cid: spec.key for cid, spec in guides.items()
                                       if spec.key is not None})
    for cid, spec in guides.items():
        store.put_gaps(spec.path, digests[spec.path], gaps.get(cid, []))
    store.save(keep=set(written))
    outlines = {path: outline for path, (_, outline) in written.items()}
    others = [path for path in other_files if path not in written]
    # Lint quotes catalog text (which is scanned, not redacted): it is shown redacted,
    # like every diagnostic of the load.
    found = [d for diags in gaps.values() for d in diags] + docslint.check_links(outlines,
                                                                                 others)
    notices = {pages.connector_path(cid): write(cache_dir, pages.connector_path(cid),
                                                 broken_notice(cid, path, proj.diagnostics))
               for cid, path in proj.catalog.broken} if caches is not None else {}
    return Generated(proj, specs, written, proj.diagnostics + render.check_templates(override)
                     + project.redacted(found, proj.redactor), notices)


def broken_notice(conn_id: str, path: str, diags: Iterable[Diagnostic]) -> str:
    """The preview page of a connector whose definition cannot be loaded: its errors
    (redacted, as every diagnostic; escaped here: they quote the file)."""
    errors = "\n".join(d.format() for d in diags if d.is_error and d.path == path)
    return (f"# {escape.inline(conn_id)}\n\n"
            '!!! failure "This guide could not be built"\n\n'
            f"    The definition {escape.code(path)} has errors, so the connector is left "
            "out of the site until they are fixed. Fix them and save: this page updates. "
            "(Only a preview shows this page.)\n\n"
            f'<pre class="cd-broken">{escape.html_text(errors or "(see the build log)")}'
            "</pre>\n")


class _Writer:
    """Writes a rendered page into the cache folder (only when its text changed, keeping
    the old mtime otherwise so MkDocs' dirty rebuilds skip it) and outlines it; in the
    render workers of a one-off build. With caches, the text is kept for the next build."""

    def __init__(self, cache_dir: Path, caches: Caches | None):
        self.cache_dir = cache_dir
        self.caches = caches

    def finish(self, spec: pages.PageSpec, text: str) -> tuple[str, docslint.Outline]:
        if self.caches is None:
            return write(self.cache_dir, spec.path, text), docslint.outline(text)
        if spec.key is not None:
            self.caches.rendered[spec.path] = (spec.key, text)
        return (write(self.cache_dir, spec.path, text),
                self.caches.lint.page(spec.path, text))


def write(cache_dir: Path, src_uri: str, text: str) -> str:
    """Write ``text`` to ``cache_dir/src_uri`` unless it holds it already; the file's path."""
    target = cache_dir / src_uri
    data = text.encode("utf-8")
    try:
        if target.read_bytes() == data:
            return str(target)
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(target)
