"""Fast previews under a plain `mkdocs serve` (the MkDocs side of
``speedups/preview.py``): the server's builder decides per rebuild whether MkDocs may
skip the pages whose source did not change, and the plugin keeps what a skipped page
would have given the others (its title and meta for the nav, its search index entries).
A mixin of the plugin: it reads the plugin's options, state and serving flag."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel

from connector_docs.diagnostics import LOGGER_NAME
from connector_docs.options import Options
from connector_docs.site import render
from connector_docs.speedups import preview

log = logging.getLogger(LOGGER_NAME)


class FastPreview:
    options: Options | None
    serving: bool

    def _init_preview(self) -> None:
        self.user_dirty = False  # `mkdocs serve --dirty`: MkDocs' own mode, untouched
        self.reusing = False  # does this rebuild skip unchanged pages?
        self.frame = preview.Frame()
        self.search_memory = preview.SearchMemory()
        self.page_memory: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self.rebuilt: set[str] = set()

    def _restore_skipped(self, files: Files) -> None:
        """Skipped pages keep the titles (and meta) the nav of the rebuilt ones shows."""
        for file in files.documentation_pages():
            page = file.page
            if page is not None and page.markdown is None \
                    and file.src_uri in self.page_memory:
                title, meta = self.page_memory[file.src_uri]
                page.title, page.meta = title, dict(meta)

    def _fast_rebuilds(self, server: Any, builder: Any) -> None:
        """Under a plain `mkdocs serve`, rebuild with MkDocs' dirty flag when the frame
        of the site is unchanged: the server's builder is MkDocs' own with that one
        argument decided per rebuild (``--dirty`` and ``--clean`` stay MkDocs' own)."""
        from mkdocs.commands.build import build as mkdocs_build

        known = getattr(builder, "__closure__", None) and inspect.getclosurevars(
            builder).nonlocals
        if self.user_dirty or not preview.enabled() or not known \
                or not {"get_config", "serve_url"} <= set(known):
            return
        get_config, serve_url = known["get_config"], known["serve_url"]
        plugin = self

        def rebuild(config: MkDocsConfig | None = None) -> None:
            if config is None:
                config = get_config()
                config.site_url = serve_url
            plugin.reusing = plugin._may_reuse(config)
            logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty)
            try:
                log.info("Building documentation..." if not plugin.reusing else
                         "Building documentation (connector-docs: only the pages that "
                         "changed)...")
                mkdocs_build(config, serve_url=serve_url, dirty=plugin.reusing)
            finally:
                logging.getLogger("mkdocs.commands.build").removeFilter(_quiet_dirty)
                plugin.reusing = False

        server.builder = rebuild

    def _may_reuse(self, config: MkDocsConfig) -> bool:
        """The frame is as the last build saw it, and every plugin of the site is one
        whose output a dirty rebuild keeps right (its own and Material's search)."""
        frame = self.frame.unchanged(preview.stamps(self._frame_paths(config),
                                                    config.docs_dir))
        return frame and all(name == "connector-docs" or
                             type(p).__module__.startswith("material.plugins.search")
                             for name, p in config.plugins.items())

    def _frame_paths(self, config: MkDocsConfig) -> list[str]:
        paths = [config.docs_dir, *(config.watch or [])]
        if config.config_file_path:
            paths.append(config.config_file_path)
        if config.theme.custom_dir:
            paths.append(config.theme.custom_dir)
        paths.append(str(render.builtin_templates()))
        if self.options is not None and self.options.templates:
            paths.append(str(self.options.path(self.options.templates)))
        return paths

    def _check_pages(self, files: Files, config: MkDocsConfig) -> None:
        """A rebuild whose set of pages changed (a connector added, removed or hidden)
        renders every page: emptying the site makes every output missing, hence
        modified, and leaves no page of a removed connector behind."""
        if not self.serving:
            return
        pages = tuple(f.url for f in files.documentation_pages(
            inclusion=InclusionLevel.is_in_serve))
        if self.reusing and pages != self.frame.pages:
            from mkdocs.utils import clean_directory

            clean_directory(config.site_dir)
            self.reusing = False
            log.info("connector-docs: pages were added or removed: rendering every page")
        self.frame.pages = pages

    def _search_index(self, config: MkDocsConfig) -> None:
        """A rebuild that skipped pages indexed only the ones it rendered: the index of
        the whole site, from memory. When that cannot be done, the next build is full."""
        index = Path(config.site_dir, "search", "search_index.json")
        if not self.reusing:
            self.search_memory.remember(index)
            return
        if not self.search_memory.merge(index, list(self.frame.pages or ()), self.rebuilt):
            self.frame.forget()
            log.warning("connector-docs: could not complete the search index of a fast "
                        "rebuild; the next rebuild renders every page")



def _quiet_dirty(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty build that navigation may be stale; the plugin's
    dirty rebuilds keep it right (and the warning would fail `serve --strict`)."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")
