"""Documentation lint (``validate --docs``, also run by the plugin): gaps a reader would
hit, and broken links or anchors in the generated pages. Warnings by default, errors
under ``strict``. The generated output must always pass its own lint (tested)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import partial

from connector_docs.decisions.wording import plural
from connector_docs.diagnostics import Diagnostic, warning
from connector_docs.inputs.locate import FileLocator
from connector_docs.inputs.overlay import Overlay
from connector_docs.model import Connector
from connector_docs.project import Project
from connector_docs.site import pages, render
from connector_docs.site.guidekey import GuideKey, guide_key
from connector_docs.speedups.runtime import fork_map

_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ATTR_ID = re.compile(r"\{\s*#([A-Za-z0-9_-]+)\s*\}")
_HTML_ID = re.compile(r'\bid="([^"]+)"')
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def _heading_slug(text: str) -> str:
    # What the toc extension derives for a heading without an explicit id.
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"&#?\w+;", "", text)
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors_of(markdown: str) -> set[str]:
    found = set(_ATTR_ID.findall(markdown)) | set(_HTML_ID.findall(markdown))
    for title in _HEADING.findall(markdown):
        if not _ATTR_ID.search(title):
            found.add(_heading_slug(title))
    return found


# What link checking needs of a page: the anchors it defines and the links it holds.
Outline = tuple[set[str], list[str]]


def outline(text: str) -> Outline:
    return anchors_of(text), _LINK.findall(text)


class LintCache:
    """What docs lint found per page text and per connector, kept across the rebuilds of
    `mkdocs serve` so one edit re-lints one page, not all of them."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, Outline]] = {}
        self.connectors: dict[str, tuple[GuideKey, list[Diagnostic]]] = {}

    def page(self, path: str, text: str) -> Outline:
        hit = self.pages.get(path)
        if hit is None or (hit[0] is not text and hit[0] != text):
            hit = self.pages[path] = (text, outline(text))
        return hit[1]


def check_links(outlines: dict[str, Outline],
                known_files: Iterable[str] = ()) -> list[Diagnostic]:
    """Every relative link between generated pages points at a page and an anchor that
    exist. ``outlines``: each generated page's :func:`outline`; ``known_files``: other
    files of the site (the writer's own pages)."""
    anchors = {path: found for path, (found, _) in outlines.items()}
    others = set(known_files)
    diags = []
    for path, (_, links) in outlines.items():
        for target in links:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # external (its scheme was checked when it was escaped)
            file_part, _, fragment = target.partition("#")
            dest = posixpath.normpath(posixpath.join(posixpath.dirname(path), file_part)) \
                if file_part else path
            if dest not in anchors:
                if dest not in others and not dest.endswith(".json"):
                    diags.append(warning(f"(generated) {path}", f"link to missing page "
                                         f"'{target}'", code="broken-link"))
                continue
            if fragment and fragment not in anchors[dest]:
                diags.append(warning(f"(generated) {path}", f"link to missing anchor "
                                     f"'{target}'", code="broken-anchor"))
    return diags


def _param_pointer(base: str, name: str) -> str:
    pointer = base + "/parameters"
    for part in name.split("."):
        if part.endswith("[]"):
            pointer += f"/properties/{part[:-2]}/items"
        else:
            pointer += f"/properties/{part}"
    return pointer


def check_content(project: Project, cache: LintCache | None = None) -> list[Diagnostic]:
    """Gaps in each shown connector's content (undescribed scopes and parameters, error
    codes without a resolution), located in its file."""
    return [d for found in content_gaps(project, cache).values() for d in found]


def content_gaps(project: Project, cache: LintCache | None = None,
                 known: dict[str, list[Diagnostic]] | None = None,
                 keys: Mapping[str, GuideKey] | None = None) -> dict[str, list[Diagnostic]]:
    """:func:`check_content` by connector id. Connectors in ``known`` (found by an
    earlier build from the same inputs) are not checked again, nor under `mkdocs serve`
    (``cache``) connectors whose guide key (``keys``, the plan's) did not change; many
    are checked in forked workers."""
    conns = pages.visible(project)
    keys = keys or {c.id: guide_key(project, c) for c in conns}
    kept = cache.connectors if cache is not None else {}
    known = known or {}
    todo = [c for c in conns if c.id not in known and (
        c.id not in kept or not keys[c.id].same(kept[c.id][0], build=False))]
    found = fork_map(partial(_gaps_of, project), todo, min_items=PARALLEL_MIN_CONNECTORS)
    if cache is not None:
        for conn, diags in zip(todo, found, strict=True):
            cache.connectors[conn.id] = (keys[conn.id], diags)
    fresh = {conn.id: diags for conn, diags in zip(todo, found, strict=True)}
    return {c.id: fresh[c.id] if c.id in fresh else known[c.id] if c.id in known
            else kept[c.id][1] for c in conns}


# Below this many connectors to check, forking workers costs more than it saves.
PARALLEL_MIN_CONNECTORS = 64


def _gaps_of(project: Project, conn: Connector) -> list[Diagnostic]:
    # One FileLocator per connector (each has its own file): nothing piles up in memory.
    return _connector_gaps(project, conn, project.overlays.get(conn.id), FileLocator())


def _connector_gaps(project: Project, conn: Connector, overlay: Overlay | None,
                    files: FileLocator) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    path = conn.source.path
    bare = [(i, s.name) for i, s in enumerate(conn.auth.scopes) if not s.description]
    if bare:
        where = files.find(path, f"/authentication/scopes/{bare[0][0]}",
                           f"/authentication/config/scopes/{bare[0][0]}")
        names = ", ".join(n for _, n in bare[:6]) + (
            f" and {len(bare) - 6} more" if len(bare) > 6 else "")
        diags.append(warning(path, f"{plural(len(bare), 'scope')} without a description: "
                             f"{names}",
                             code="doc-scope", **where,
                             hint='write {"scope": "...", "description": "..."}'))
    for op in conn.operations:
        missing = pages.undescribed_parameters(op.parameters)
        if missing:
            # One warning per operation: real catalogs leave dozens of nested fields
            # undescribed, and a warning per field buries everything else.
            where = files.find(path, _param_pointer(op.pointer, missing[0]))
            names = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more"
                                              if len(missing) > 6 else "")
            what = plural(len(missing), "parameter")
            diags.append(warning(path, f"{op.kind} '{op.id}': {what} without a "
                                 f"description: {names}", code="doc-parameter", **where))
    for entry in project.errors[conn.id]:
        code = entry.error
        if code.source != "catalog" or code.resolution or \
                (overlay and overlay.entry(code.code)):
            continue
        pointers = [f"/errorCodes/{code.code}"] + [
            f"{op.pointer}/errorCodes/{code.code}" for op in conn.operations
            if code.code in {c.code for c in op.error_codes}]
        diags.append(warning(path, f"error code '{code.code}' has no troubleshooting "
                             "entry (no resolution in the catalog, no writer's entry)",
                             code="doc-error-code", **files.find(path, *pointers),
                             hint=f"add a resolution, or '### {code.code}' under "
                             f"'## Troubleshooting' in docs/connectors/{conn.id}.md"))
    return diags


def lint(project: Project, outlines: dict[str, Outline] | None = None,
         known_files: Iterable[str] = (), cache: LintCache | None = None) -> list[Diagnostic]:
    """Content gaps of every connector and broken links between the generated pages
    (``outlines``; rendered here when not given)."""
    if outlines is None:
        override = project.options.template_folder()
        specs = pages.plan(project)
        outlines = dict(zip((s.path for s in specs),
                            render.render_many(specs, override, finish=_outline_of),
                            strict=True))
    return check_content(project, cache) + check_links(outlines, known_files)


def _outline_of(_: pages.PageSpec, text: str) -> Outline:
    return outline(text)
