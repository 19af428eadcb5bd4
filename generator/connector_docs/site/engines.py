"""What a site engine other than the plugin's needs, and what every engine must have built.

`connector-docs build --engine mkdocs|properdocs|zensical` builds one site three ways.
MkDocs and ProperDocs (a maintained MkDocs 1.x fork) run the plugin itself; Zensical runs
no MkDocs plugins, so for it the pages are generated first and handed over as a docs
folder with a config that inherits the user's mkdocs.yml (``zensical_config``). Either
way the built site is checked (``check_built``): an engine that skipped connector-docs
publishes no catalog, and one pointed at the plugin's own docs folder publishes the
writers' raw overlays as the connector guides; both fail loudly rather than ship.

Plain functions over paths and text: the shell (``engines.py`` at the top) runs the
engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error
from connector_docs.options import read_mkdocs_yml
from connector_docs.project import Project
from connector_docs.site import export, pages, render

ENGINES = ("mkdocs", "properdocs", "zensical")
# What `pip install` brings each engine as the tests pin it (pyproject's test extra).
INSTALL = {"mkdocs": "pip install 'connector-docs[mkdocs]'",
           "properdocs": "pip install properdocs==1.6.7 mkdocs-material",
           "zensical": "pip install zensical==0.0.73"}
NAMES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}

# The Markdown extensions the generated pages need: MkDocs' built-in three (it always
# enables them; Zensical enables its own larger default set unless the config names a
# list), and the two the plugin adds (stable anchors such as {#error-429}, admonitions).
NEEDED_EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "admonition")
# The heading id every generated guide's overview carries (templates/connector.md.j2):
# a writer's raw overlay published as the guide has none.
GUIDE_MARK = 'id="overview"'


def built_page(src_uri: str, use_directory_urls: bool) -> str:
    """Where an engine writes the page of ``src_uri`` (``connectors/x.md`` ->
    ``connectors/x/index.html``), as MkDocs and Zensical both do."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index") or not use_directory_urls:
        return stem + ".html"
    return stem + "/index.html"


def extra_files(proj: Project) -> list[tuple[str, str]]:
    """The files besides the pages that the plugin publishes: ``catalog/catalog.json``
    and the stylesheet and scripts (``render.ASSETS``)."""
    return [("catalog/catalog.json",
             export.catalog_json(proj, proj.options.guide_url()))] + [
        (f"assets/{name}", (render.ASSETS_DIR / name).read_text(encoding="utf-8"))
        for name in render.ASSETS]


def kept_docs(proj: Project, docs: Iterable[str]) -> list[str]:
    """The user's own docs files (paths relative to docs_dir) that go into the docs folder
    another engine builds: everything but the writers' overlays (merged into the generated
    guides, never published raw, also those of connectors the audience hides or whose
    definition is broken), dot files, and the pages the generated ones replace."""
    replaced = {pages.connector_path(c.id) for c in proj.catalog.connectors}
    replaced |= {pages.connector_path(cid) for cid, _ in proj.catalog.broken}
    replaced |= {o.path for o in proj.overlays.values()}
    return sorted(rel for rel in docs if rel not in replaced
                  and not any(part.startswith(".") for part in rel.split("/")))


def read_config(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The settings of mkdocs.yml (``options.read_mkdocs_yml``), or a located error."""
    try:
        data = read_mkdocs_yml(path)
    except ConnectorDocsError as exc:
        return None, exc.diagnostics
    if not isinstance(data, dict):
        return None, [error(str(path), "not a mkdocs.yml: expected a mapping of settings",
                            hint="site_name: My docs")]
    return data, []


def _names(items: Any) -> set[str]:
    """Names of the entries of a mkdocs.yml list (``- toc`` or ``- toc: {...}``)."""
    if isinstance(items, dict):
        return {str(k) for k in items}
    return {str(next(iter(i))) if isinstance(i, dict) and i else str(i)
            for i in items or [] if i is not None}


def zensical_config(mkdocs_yml: Path, settings: dict[str, Any], pagefind: bool = False) -> str:
    """The config Zensical builds the generated docs folder with: it inherits the user's
    mkdocs.yml (Zensical resolves its ``!ENV`` tags and nested ``INHERIT``), points
    ``docs_dir`` and ``site_dir`` at the folders beside it, and adds only what is missing:
    the Markdown extensions the pages need and the plugin's stylesheet and scripts
    (Zensical's INHERIT appends lists). A relative ``theme.custom_dir`` is made absolute,
    as the config now lives elsewhere."""
    extensions = settings.get("markdown_extensions")
    if extensions is None:  # the MkDocs defaults, not Zensical's larger set
        add = list(NEEDED_EXTENSIONS)
    else:
        have = _names(extensions)
        add = [name for name in NEEDED_EXTENSIONS if name not in have]
    css = [f"assets/{n}" for n in render.ASSETS if n.endswith(".css")]
    # The Pagefind box only with search_backend: pagefind (the site is indexed after).
    js = [f"assets/{n}" for n in render.ASSETS if n.endswith(".js")
          and (pagefind or n != "connector-docs-search.js")]
    config: dict[str, Any] = {"INHERIT": str(mkdocs_yml.resolve()),
                              "docs_dir": "docs", "site_dir": "site"}
    if add:
        config["markdown_extensions"] = add
    css = [c for c in css if c not in (settings.get("extra_css") or [])]
    js = [j for j in js if j not in _names(settings.get("extra_javascript"))]
    if css:
        config["extra_css"] = css
    if js:
        config["extra_javascript"] = js
    theme = settings.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom, str) and not Path(custom).is_absolute():
        config["theme"] = {"custom_dir": str((mkdocs_yml.parent / custom).resolve())}
    return ("# Written by connector-docs build --engine zensical; built, then removed.\n"
            + yaml.safe_dump(config, sort_keys=False))


def check_built(site_dir: Path, sources: Iterable[str], use_directory_urls: bool,
                engine: str, guides: Iterable[str] = ()) -> list[Diagnostic]:
    """The generated pages (``sources``, src_uris) the built site must hold; ``guides``:
    the guides of connectors with a writer's overlay, which must be the generated page
    and not the overlay published raw (a site built without the plugin). Errors naming
    what to run instead."""
    name = NAMES.get(engine, "the engine")
    fix = ("build with `connector-docs build --engine zensical` (Zensical runs no MkDocs "
           "plugins and publishes the writers' raw overlays as guides)"
           if engine == "zensical" else
           f"list connector-docs under plugins in mkdocs.yml and build with "
           f"`connector-docs build --engine {engine}`" if engine in NAMES else
           "build the site with `connector-docs build --engine mkdocs|properdocs|zensical`: "
           "an engine that skips the plugin publishes no catalog, and the writers' raw "
           "overlays as guides")
    found = []
    missing = [src for src in sources
               if not (site_dir / built_page(src, use_directory_urls)).is_file()]
    if missing:
        shown = ", ".join(built_page(src, use_directory_urls) for src in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        found.append(error(str(site_dir), f"{name} did not run connector-docs: "
                           f"{len(missing)} generated pages missing ({shown}{more})",
                           hint=fix, code="engine-skipped-plugin"))
    for src in guides:
        page = site_dir / built_page(src, use_directory_urls)
        if page.is_file() and GUIDE_MARK not in page.read_text(encoding="utf-8",
                                                               errors="replace"):
            found.append(error(
                str(page), "not a generated guide (no overview heading id): a writer's raw "
                "overlay was published in its place", hint=fix + "; a template override "
                "keeps the heading's { #overview }", code="engine-raw-overlay"))
    return found
