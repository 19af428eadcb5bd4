"""The MkDocs plugin: a thin shell over ``site.build`` (load, plan, render, lint), which
reports the diagnostics and puts the generated pages into MkDocs' files.

Generated pages are written to a cache folder outside ``docs_dir`` (writing into
``docs/`` during ``mkdocs serve`` would trigger endless rebuilds) and only rewritten when
their text changes, so a dirty rebuild skips unchanged pages. Writers' overlays
(``docs/connectors/<id>.md``) are merged into the generated page that replaces them, and
"Edit this page" opens the overlay.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from dataclasses import Field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from connector_docs import summary
from connector_docs.diagnostics import LOGGER_NAME, ConnectorDocsError, Diagnostic
from connector_docs.options import PLUGIN_OPTIONS, Options, from_mapping, path_options
from connector_docs.options import spec as option_spec
from connector_docs.project import trace_secrets
from connector_docs.secrets.redact import Redactor
from connector_docs.secrets.scan import ScanMemory, scan_site
from connector_docs.servepreview import FastPreview
from connector_docs.site import build, escape, export, internal, pagefind, pages, render, search
from connector_docs.speedups.bytecode import ThemeBytecode
from connector_docs.speedups.runtime import paused_gc
from connector_docs.speedups.verbatim import HTML_START, Verbatim
from connector_docs.text import counted, plural

log = logging.getLogger(LOGGER_NAME)


def _mkdocs_option(option: Field[Any]) -> Any:
    """The MkDocs config option for one of ``options.PLUGIN_OPTIONS``."""
    found, default = option_spec(option), option.default
    if found.kind == "choice":
        return c.Choice(found.choices, default=default)
    if found.kind in ("names", "gates"):  # None (unset) differs from an empty list
        return c.Optional(c.Type(list))
    if found.kind == "pointers":
        return c.ListOfItems(c.Type(str), default=list(default) if isinstance(default, tuple)
                           else [])
    kind = {"bool": bool, "int": int}.get(found.kind, str)
    return c.Type(kind, default=default) if default is not None else c.Optional(c.Type(kind))


# The plugin's options as MkDocs reads them, made from their one declaration.
ConnectorDocsConfig: type[Config] = type(
    "ConnectorDocsConfig", (Config,),
    {"__module__": __name__, **{o.name: _mkdocs_option(o) for o in PLUGIN_OPTIONS}})


def report(diags: list[Diagnostic], opts: Options, usable: bool = True,
           already: set[str] | None = None, publishing: bool = False,
           connectors: int | None = None) -> list[str]:
    """Log the findings, a few per rule (MkDocs' --strict counts the warnings), and give
    back the summary to print at the end. Errors in some connectors are logged and those
    connectors left out, so the good ones still build. The build fails (PluginError,
    with the summary) on what ``fail_on`` names, on every warning under our own
    ``strict``, and on every error when nothing usable is left. ``already``: warnings
    the previous build of `mkdocs serve` logged; they are counted, not repeated (an edit
    would otherwise reprint thousands of lines), and the set is replaced by this
    build's warnings."""
    errors = [d for d in diags if d.is_error]
    fail_on = opts.failing(publishing)
    fatal = summary.failing(diags, fail_on, opts.strict) if opts.strict or fail_on else []
    fatal = [d for d in fatal if not d.is_error] + (errors if fatal or not usable else [])
    fresh = [d for d in diags if d.is_error or already is None or d.format() not in already]
    shown, left = summary.for_log(fresh, opts.warnings_per_rule)
    for d in shown:
        (log.error if d.is_error else log.warning)(d.format())
    repeated = len(diags) - len(fresh)
    if repeated:
        log.info(f"connector-docs: {counted(repeated, 'warning')} unchanged since the last "
                 "build (not repeated)")
    if already is not None:
        already.clear()
        already.update(d.format() for d in diags if not d.is_error)
    if errors:
        left_out = sorted({d.path for d in errors})
        log.error(f"connector-docs: {counted(len(left_out), 'file')} with errors "
                  f"{plural(len(left_out), 'was', 'were')} left out of the site: "
                  + ", ".join(left_out))
    lines = summary.lines(diags, fail_on=opts.fail_on if opts.fail_on is not None
                          else (fail_on or None), strict=opts.strict, left_out=left,
                          connectors=connectors)
    if fatal:
        why = "strict: true" if opts.strict else (
            f"fail_on: {', '.join(fail_on)}" if opts.fail_on is not None else
            "connector-docs build fails on evidence, secrets and links unless fail_on says "
            "otherwise" if fail_on else "nothing usable is left")
        raise PluginError("\n".join(lines) + f"\nconnector-docs: the build fails on "
                          f"{counted(len(fatal), 'finding')} ({why})")
    return lines


if TYPE_CHECKING:  # the config class is made at runtime: mypy knows its base
    _Base = BasePlugin[Config]
else:
    _Base = BasePlugin[ConnectorDocsConfig]


class ConnectorDocsPlugin(FastPreview, _Base):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.options: Options | None = None
        # Only the redactor outlives on_files (for the final secret scan): the project
        # (every connector) is freed before MkDocs renders thousands of pages.
        self.redactor: Redactor | None = None
        self.generated: dict[str, str | None] = {}  # src_uri -> overlay src_uri
        self.cache_dir: Path | None = None
        self.serving = False
        # Kept across the rebuilds of one `mkdocs serve` process (speedups/__init__.py).
        self.caches = build.Caches()
        self.theme_bytecode = ThemeBytecode()
        self.scan_memory = ScanMemory()
        self.logged: set[str] = set()  # warnings the last `mkdocs serve` build printed
        self.build_started = 0.0
        self.verbatim = Verbatim()  # raw HTML regions of generated pages (verbatim.py)
        # Set by `connector-docs build`: unset fail_on then means the release blockers.
        self.publishing = False
        self.summary: list[str] = []  # printed at the end of the build (on_post_build)
        self._init_preview()  # fast previews (servepreview.py)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declaring on_startup makes MkDocs keep this instance across the rebuilds of
        `mkdocs serve`, and with it the load and page caches."""
        self.serving = command == "serve"
        self.user_dirty = dirty

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.build_started = time.time()
        self.rebuilt = set()
        if self.serving and self.frame.last is None:  # the first build of `mkdocs serve`
            self._may_reuse(config)

    @event_priority(100)  # before Material's search plugin fills in its own default
    def _search_defaults(self, config: MkDocsConfig) -> None:
        search.set_default_separator(config.plugins)
        if self.config.get("search_backend") == "pagefind":
            for line in search.switch_off_builtin(config.plugins):
                log.info(line)

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = str(Path(config.config_file_path or "mkdocs.yml").resolve().parent)
        raw = {k: v for k, v in self.config.items()}
        try:
            self.options = from_mapping(raw, config.config_file_path or "mkdocs.yml", base,
                                        config.docs_dir, config.use_directory_urls)
        except ConnectorDocsError as exc:
            raise PluginError(str(exc)) from None
        # One folder per config and docs folder: two configs of one site (a public one and
        # an internal one that INHERITs it) never share pages or the page store.
        site_id = f"{Path(config.config_file_path or 'mkdocs.yml').resolve()}\0{config.docs_dir}"
        self.cache_dir = Path(base, ".cache", "connector-docs",
                              hashlib.sha256(site_id.encode()).hexdigest()[:12])
        # Stable anchors such as {#error-429} need attr_list; catalog text can never use it
        # because escape.inline writes braces as entities.
        if "attr_list" not in config.markdown_extensions:
            config.markdown_extensions.append("attr_list")
        if "admonition" not in config.markdown_extensions:
            config.markdown_extensions.append("admonition")
        config.extra_css.append("assets/connector-docs.css")
        config.extra_javascript.append("assets/connector-docs-catalog.js")
        config.extra_javascript.append("assets/connector-docs-readiness.js")
        if self.options.search_backend == "pagefind":
            config.extra_javascript.append("assets/connector-docs-search.js")
        return config

    on_config = CombinedEvent(_search_defaults, _on_config)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.options is not None and self.cache_dir is not None
        with paused_gc():
            try:
                # The caches only pay off across the rebuilds of `mkdocs serve`; a one-off
                # build would just hold a second copy of everything until it ends.
                caches = self.caches if self.serving else None
                proj = build.load(self.options, caches)
                # Set before rendering: a build that fails while writing pages scans the
                # cache folder with it (on_build_error).
                self.redactor = proj.redactor
                made = build.generate(proj, self.cache_dir, [f.src_uri for f in files],
                                      caches)
            except ConnectorDocsError as exc:
                raise PluginError(str(exc)) from None
            # MkDocs' own --strict counts warnings per build: then every build logs them.
            self.summary = report(made.diagnostics, self.options,
                                  usable=bool(made.project.catalog.connectors)
                                  and not made.project.config_broken,
                                  already=self.logged if self.serving and not config.strict
                                  else None, publishing=self.publishing,
                                  connectors=len(made.project.catalog.connectors))
            files = self._publish(made, files, config)
        if not self.serving:  # MkDocs renders thousands of pages next: free what we can
            escape.forget()
        return files

    def _publish(self, made: build.Generated, files: Files, config: MkDocsConfig) -> Files:
        """Put the generated pages, catalog.json and our assets into MkDocs' files."""
        assert self.options is not None
        proj, specs = made.project, made.specs
        self.generated = {}
        # Overlays of connectors this audience does not show (hidden, private preview in
        # a public build) must not be published as plain pages either.
        shown = {spec.connector_id for spec in specs if spec.connector_id}
        for conn in proj.catalog.connectors:
            leftover = files.get_file_from_path(pages.connector_path(conn.id))
            if conn.id not in shown and leftover is not None:
                files.remove(leftover)
        for spec in specs:
            existing = files.get_file_from_path(spec.path)
            overlay = proj.overlays.get(spec.connector_id or "")
            if existing is not None:
                if spec.connector_id and overlay is None:
                    log.warning(f"{existing.src_uri}: replaced by the generated page")
                files.remove(existing)
            # Guides are reached through the catalog: NOT_IN_NAV keeps MkDocs from listing
            # every one of them in its "not included in the nav" message.
            new = File.generated(config, spec.path, abs_src_path=made.written[spec.path][0],
                                 inclusion=InclusionLevel.NOT_IN_NAV if spec.connector_id
                                 else InclusionLevel.UNDEFINED)
            if overlay is not None:
                new.edit_uri = overlay.path
            files.append(new)
            self.generated[spec.path] = overlay.path if overlay else None
        for conn_id, _ in proj.catalog.broken:  # never the writer's raw overlay instead
            path = pages.connector_path(conn_id)
            if (leftover := files.get_file_from_path(path)) is not None:
                files.remove(leftover)
            if path in made.notices:
                files.append(File.generated(config, path, abs_src_path=made.notices[path],
                                            inclusion=InclusionLevel.NOT_IN_NAV))
                self.generated[path] = None
        files.append(File.generated(config, "catalog/catalog.json",
                                    content=export.catalog_json(proj, self.options.guide_url())))
        for name in render.ASSETS:
            if files.get_file_from_path(f"assets/{name}") is None:
                files.append(File.generated(config, f"assets/{name}",
                                            abs_src_path=str(render.ASSETS_DIR / name)))
        for path, data in internal.attachment_files(proj):  # internal sites only
            files.append(File.generated(config, path, content=data))
        return files

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = self.theme_bytecode
        if self.reusing:
            self._restore_skipped(files)
        return env

    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> Any:
        if self.serving:
            self.rebuilt.add(page.url)
            self.page_memory[page.file.src_uri] = (page.title, dict(page.meta))
        return context

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep connector guides out of the nav: at thousands of connectors a nav listing
        them all makes every page carry it (quadratic build). The catalog is the way in."""
        self._check_pages(files, config)

        def keep(item: Any) -> bool:
            if isinstance(item, Page) and item.file.src_uri.startswith("connectors/") \
                    and item.file.src_uri in self.generated:
                return False
            if isinstance(item, Section):
                item.children = [child for child in item.children if keep(child)]
                return bool(item.children)
            return True

        nav.items = [item for item in nav.items if keep(item)]
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        # Generated pages only. On a guide only the digest-checked blocks: it holds the
        # writer's overlay, whose Markdown might show the plain markers in a code block.
        src = page.file.src_uri
        if src not in self.generated:
            return markdown
        if not page.meta and render.looks_like_front_matter(markdown):
            # MkDocs could not read the front matter and kept it as Markdown, where
            # attr_list and links in it would come alive: never publish that. (Rendering
            # checks it too, with MkDocs' loader; this is what MkDocs itself made of it.)
            raise PluginError(f"{src}: MkDocs could not read the generated page's front "
                              "matter and would publish it as text; check the template "
                              "that writes it (print its values with the `meta` filter)")
        return self.verbatim.cut(src, markdown, index_page=not src.startswith("connectors/"))

    @event_priority(100)  # other plugins see the page content whole (search_parameters)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        src = page.file.src_uri
        anchors = self.verbatim.anchors(src)
        if anchors and page.present_anchor_ids is not None:  # for MkDocs' link validation
            page.present_anchor_ids |= anchors
        if self.options is None or self.options.search_parameters:
            html, missing = self.verbatim.restore_content(src, html)
        else:  # put back in on_post_page, after the search has indexed the page
            missing = self.verbatim.missing_content(src, html)
        if missing:
            log.warning(f"{src}: {counted(missing, 'block')} of the generated page "
                        f"{plural(missing, 'was', 'were')} lost in its Markdown conversion")
        if src in self.generated:  # before Material's search indexes the page
            html = search.quiet_tables(search.exclude_regions(html))
        if src in self.generated and HTML_START in html:
            log.warning(f"{src}: a parameter table was converted by Markdown: a template "
                        "indented its block; keep `{{ rows|param_table }}` at the start of a "
                        "line")
        return html

    @event_priority(100)  # before any plugin that rewrites the finished page (a minifier)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        output, missing = self.verbatim.restore(page.file.src_uri, output)
        if page.file.src_uri in self.verbatim.content:  # search_parameters: false
            blocks = self.verbatim.content[page.file.src_uri]  # marked for Pagefind too
            self.verbatim.content[page.file.src_uri] = list(map(search.unsearched_table, blocks))
            output, also = self.verbatim.restore_content(page.file.src_uri, output)
            missing += also
        if missing:
            log.warning(f"{page.file.src_uri}: {counted(missing, 'block')} of the generated "
                        "page did not reach the finished HTML; does the theme print "
                        "page.content?")
        return output

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        assert self.options is not None
        opts = self.options
        for value in (getattr(opts, name) for name in path_options()):
            if value and not opts.is_url(value) and opts.path(value).exists():
                server.watch(str(opts.path(value)))
        server.watch(str(render.builtin_templates()))
        self._fast_rebuilds(server, builder)
        return server

    def on_build_error(self, *, error: Exception) -> None:
        """A build that stops before the site scan (a strict warning, another plugin)
        leaves generated Markdown in the cache unscanned: scan it, and drop it when it
        holds a secret."""
        self.frame.forget()  # the next rebuild renders every page
        cache = self.cache_dir
        if self.redactor is not None and cache is not None and cache.is_dir() \
                and scan_site(cache, self.redactor):
            shutil.rmtree(cache, ignore_errors=True)

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.serving:
            self._search_index(config)
        if self.redactor is None:
            return
        # Under `mkdocs serve` a rebuild rewrites only what changed: scan just that (the
        # first build wrote, and scanned, everything).
        since = self.build_started - 2 if self.serving else None
        problems = scan_site(Path(config.site_dir), self.redactor, since=since,
                             derived=("search/search_index.json",) if self.serving else (),
                             memory=self.scan_memory if self.serving else None)
        if problems:
            # Never leave pages holding a credential on disk, where a deploy step or a
            # dev server could publish them: neither the site nor the generated Markdown
            # in the cache (which CI keeps between runs). First, whatever comes next.
            shutil.rmtree(config.site_dir, ignore_errors=True)
            if self.cache_dir is not None:
                shutil.rmtree(self.cache_dir, ignore_errors=True)
            if self.options is not None:  # which input holds it (slow: only now)
                try:
                    problems = trace_secrets(problems, self.options, self.redactor)
                except Exception:  # the trace only adds hints; the finding stands
                    log.debug("connector-docs: tracing the secret's input failed",
                              exc_info=True)
            raise PluginError("secret scan: the built site contains credentials:\n"
                              + "\n".join(d.format() for d in problems))
        if self.options is not None and self.options.search_backend == "pagefind":
            try:  # `mkdocs serve`: its first build's index, put back after each rebuild
                log.info(pagefind.index_build(Path(config.site_dir),
                                              self.cache_dir if self.serving else None))
            except ConnectorDocsError as exc:
                raise PluginError(str(exc)) from None
        for line in self.summary:  # last, after the scan: what a person reads
            log.info(line)
