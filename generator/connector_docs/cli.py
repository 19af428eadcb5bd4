"""``connector-docs``: a thin shell over the same functions the plugin uses.

Options come from ``mkdocs.yml``'s plugin entry (``--config-file``), flags override them.
Exit codes: 0 ok (warnings allowed), 1 a user-caused problem, 2 usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from connector_docs import diagnostics, summary
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic
from connector_docs.options import (
    PLUGIN_OPTIONS,
    Options,
    from_mkdocs_yml,
    override,
    path_options,
)
from connector_docs.options import spec as option_spec
from connector_docs.project import Project, load, trace_secrets
from connector_docs.secrets.scan import scan_texts
from connector_docs.site import export, pages, render, search
from connector_docs.speedups.runtime import paused_gc
from connector_docs.text import counted

F = TypeVar("F", bound=Callable[..., Any])


def _abs(value: str | None) -> str | None:
    """Flags are relative to the working directory; URLs pass through."""
    if value is None or value.startswith(("https://", "http://")):
        return value
    return os.path.abspath(value)


def _options(ctx: click.Context, **flags: Any) -> Options:
    config = Path(ctx.obj["config_file"])
    opts = from_mkdocs_yml(config)
    for key in path_options():
        if key in flags:
            flags[key] = _abs(flags[key])
    return override(opts, **flags)


def _emit(diags: list[Diagnostic], fmt: str, opts: Options | None = None,
          publishing: bool = False, connectors: int | None = None) -> None:
    """JSON: everything. Text: with the run's options, a few warnings per rule and the
    summary (what blocks a release first, counts by kind); without (a run that stopped
    before reading them), every problem and the counts."""
    if fmt == "json":
        click.echo(diagnostics.format_json(diags))
    elif opts is not None:
        shown, left = summary.for_log(diags, opts.warnings_per_rule)
        fail_on = opts.failing(publishing)
        lines = [d.format() for d in shown] + summary.lines(
            diags, fail_on=opts.fail_on if opts.fail_on is not None else (fail_on or None),
            strict=opts.strict, left_out=left, connectors=connectors)
        click.echo("\n".join(lines), err=True)
    elif diags:
        click.echo(diagnostics.format_text(diags), err=True)


def _fails(diags: list[Diagnostic], opts: Options, publishing: bool = False) -> bool:
    return bool(summary.failing(diags, opts.failing(publishing), opts.strict))


def _fail(exc: ConnectorDocsError, fmt: str = "text") -> None:
    _emit(exc.diagnostics, fmt)
    sys.exit(1)


def _load(opts: Options, fmt: str) -> Project:
    try:
        return load(opts)
    except ConnectorDocsError as exc:
        _fail(exc, fmt)
        raise  # unreachable


def _load_for_report(ctx: click.Context, fmt: str, **flags: Any) -> Project:
    """The project a report reads (audit, triage): errors are printed, not fatal."""
    try:
        opts = _options(ctx, **flags)
    except ConnectorDocsError as exc:
        _fail(exc, fmt)
        raise  # unreachable
    proj = _load(opts, fmt)
    if any(d.is_error for d in proj.diagnostics):
        _emit(proj.diagnostics, "text")
    return proj


def _load_publishable(ctx: click.Context, **flags: Any) -> tuple[Options, Project]:
    """Options and project for commands that publish: any error (or warning under
    strict) stops them with exit 1, so nothing is silently left out."""
    try:
        opts = _options(ctx, **flags)
        proj = load(opts)
    except ConnectorDocsError as exc:
        _fail(exc)
        raise  # unreachable
    if _fails(proj.diagnostics, opts):
        _emit(proj.diagnostics, "text", opts, connectors=len(proj.catalog.connectors))
        sys.exit(1)
    return opts, proj


format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]),
                             default="text", show_default=True, help="Output format.")


def plugin_flag(name: str) -> Callable[[F], F]:
    """The flag of plugin option ``name``, made from its declaration (``options.Spec``):
    given, it overrides the value in mkdocs.yml."""
    option = next(o for o in PLUGIN_OPTIONS if o.name == name)
    found, flag = option_spec(option), "--" + name.replace("_", "-")
    text = found.help + " Overrides mkdocs.yml."
    if found.kind == "bool":
        return click.option(f"{flag}/--no-{flag[2:]}", default=None, help=text)
    if found.kind == "choice":
        return click.option(flag, type=click.Choice(found.choices), help=text)
    if found.kind == "int":
        return click.option(flag, type=click.IntRange(min=0), help=text)
    lists = {"names": "KIND", "gates": "GATE", "pointers": "POINTER"}
    if found.kind in lists:
        return click.option(flag, multiple=True, metavar=lists[found.kind],
                            help=found.help + " Repeatable; replaces the list in mkdocs.yml.")
    return click.option(flag, help=text)


catalog_option = plugin_flag("catalog")
smoke_option = plugin_flag("smoke")
audience_option = plugin_flag("audience")
strict_option = plugin_flag("strict")
fail_on_option = plugin_flag("fail_on")
per_rule_option = plugin_flag("warnings_per_rule")
taxonomy_option = plugin_flag("taxonomy")
not_secret_option = plugin_flag("not_secret")
secret_option = plugin_flag("secret")


def secret_options(command: F) -> F:
    """Which smoke-config values are secrets (the site scan of what is written)."""
    return not_secret_option(secret_option(command))


def publish_options(command: F) -> F:
    """The flags of the commands that publish: which catalog and categories, which
    evidence, for whom, and which smoke-config values are secrets."""
    return catalog_option(taxonomy_option(smoke_option(audience_option(
        secret_options(command)))))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True,
              type=click.Path(dir_okay=False), help="mkdocs.yml to read plugin options from.")
@click.version_option(package_name="connector-docs")
@click.pass_context
def main(ctx: click.Context, config_file: str) -> None:
    """Documentation for connector catalogs, backed by smoke-test evidence."""
    ctx.ensure_object(dict)
    ctx.obj["config_file"] = config_file
    # The stages run with the collector paused; `build` runs all of MkDocs, whose pages
    # make reference cycles: there the plugin pauses it around its own stages only.
    if ctx.invoked_subcommand != "build":
        ctx.with_resource(paused_gc())


@main.command()
@catalog_option
@taxonomy_option
@smoke_option
@strict_option
@fail_on_option
@per_rule_option
@secret_options
@format_option
@click.option("--docs", is_flag=True, help="Also lint the documentation (overlays, codes).")
@click.pass_context
def validate(ctx: click.Context, catalog: str | None, taxonomy: str | None,
             smoke: str | None, strict: bool | None, fail_on: tuple[str, ...],
             warnings_per_rule: int | None, fmt: str, docs: bool,
             not_secret: tuple[str, ...], secret: tuple[str, ...]) -> None:
    """Check the catalog (and smoke results): every problem, with its location."""
    try:
        opts = _options(ctx, catalog=catalog, taxonomy=taxonomy, smoke=smoke, strict=strict,
                        fail_on=fail_on, warnings_per_rule=warnings_per_rule,
                        not_secret=not_secret, secret=secret)
    except ConnectorDocsError as exc:
        _fail(exc, fmt)
        return
    proj = _load(opts, fmt)
    diags = proj.diagnostics
    if docs:
        from connector_docs import project
        from connector_docs.site import docslint

        diags = diags + project.redacted(docslint.lint(proj), proj.redactor)
    _emit(diags, fmt, opts, connectors=len(proj.catalog.connectors))
    sys.exit(1 if _fails(diags, opts) else 0)


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder to write the Markdown pages into.")
@publish_options
@click.pass_context
def generate(ctx: click.Context, out: str, catalog: str | None, taxonomy: str | None,
             smoke: str | None, audience: str | None, not_secret: tuple[str, ...],
             secret: tuple[str, ...]) -> None:
    """Write the generated Markdown pages (for other engines, e.g. Zensical)."""
    opts, proj = _load_publishable(ctx, catalog=catalog, taxonomy=taxonomy, smoke=smoke,
                                   audience=audience, not_secret=not_secret, secret=secret)
    try:
        specs = pages.plan(proj)
        templates = opts.template_folder()
        texts = list(zip(specs, render.render_many(specs, templates), strict=True))
        if not opts.search_parameters:  # no plugin puts them in after a search indexed them
            texts = [(spec, search.unsearched_tables(text)) for spec, text in texts]
    except ConnectorDocsError as exc:
        _fail(exc)
        return
    found = render.check_templates(templates)
    if _fails(found, opts):  # as the plugin does
        _emit(proj.diagnostics + found, "text", opts, connectors=len(proj.catalog.connectors))
        sys.exit(1)
    # The site scan never sees these pages: scan them before anything is written, so a
    # catalog text holding a configured secret fails here as it fails a build.
    catalog_json = export.catalog_json(proj)
    _refuse_secrets([*((spec.path, text) for spec, text in texts),
                     ("catalog/catalog.json", catalog_json)], proj, "the generated pages")
    _emit(proj.diagnostics + found, "text", opts, connectors=len(proj.catalog.connectors))
    extra = [("catalog/catalog.json", catalog_json)] + [
        (f"assets/{name}", (render.ASSETS_DIR / name).read_text(encoding="utf-8"))
        for name in render.ASSETS]  # the badge/catalog CSS and the catalog filter script
    files = [(spec.path, text) for spec, text in texts] + extra
    root = Path(out).resolve()
    targets = [((root / rel).resolve(), rel, text) for rel, text in files]
    for target, rel, _ in targets:
        if not target.is_relative_to(root):  # ids are slugs; this is a second fence
            click.echo(f"error: refusing to write outside {out}: {rel}", err=True)
            sys.exit(1)
    for target, _, text in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {counted(len(texts), 'page')} to {out}", err=True)


def _refuse_secrets(texts: list[tuple[str, str]], proj: Project, what: str) -> None:
    """Exit 1, writing nothing, when a text about to be written holds a configured secret
    (the site scan never sees files written outside a build)."""
    leaks = scan_texts(texts, proj.redactor, f"in {what}")
    if leaks:
        leaks = trace_secrets(leaks, proj.options, proj.redactor)
        _emit(leaks, "text")
        click.echo(f"error: secret scan: credentials found in {what}; nothing was written",
                   err=True)
        sys.exit(1)


@main.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--out", type=click.Path(file_okay=False),
              help="Write NAME.schema.json files into this folder (default: all schemas) "
              "instead of printing one.")
@click.option("--list", "list_them", is_flag=True, help="List the schemas and stop.")
def schema(names: tuple[str, ...], out: str | None, list_them: bool) -> None:
    """Print or write the JSON Schemas (connector, manifest, taxonomy, catalog), for
    editors: point a definition's "$schema" at a written copy."""
    from connector_docs.inputs.validators import PUBLISHED_SCHEMAS, schema_text, write_schemas

    if list_them:  # and stop
        click.echo("\n".join(f"{name:10} {what}" for name, what in PUBLISHED_SCHEMAS.items()))
        return
    if out is None and len(names) > 1:
        click.echo("error: name one schema to print, or pass --out DIR to write several",
                   err=True)
        sys.exit(1)
    try:
        if out is None:
            click.echo(schema_text(names[0] if names else "connector"), nl=False)
        else:
            written = write_schemas(names, Path(out))
            click.echo(f"wrote {counted(written, 'schema')} to {out}", err=True)
    except ConnectorDocsError as exc:
        _fail(exc)


@main.command(name="export")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="File to write catalog.json to ('-' for standard output).")
@publish_options
@click.pass_context
def export_cmd(ctx: click.Context, out: str, catalog: str | None, taxonomy: str | None,
               smoke: str | None, audience: str | None, not_secret: tuple[str, ...],
               secret: tuple[str, ...]) -> None:
    """Write the public catalog as JSON (schema: inputs/schema/catalog.schema.json)."""
    _, proj = _load_publishable(ctx, catalog=catalog, taxonomy=taxonomy, smoke=smoke,
                                audience=audience, not_secret=not_secret, secret=secret)
    text = export.catalog_json(proj)
    _refuse_secrets([("catalog.json", text)], proj, "the exported catalog")
    opts = proj.options
    _emit(proj.diagnostics, "text", opts, connectors=len(proj.catalog.connectors))
    if out == "-":
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")


@main.command()
@click.option("-d", "--site-dir", type=click.Path(file_okay=False),
              help="Where the site goes (default: mkdocs.yml's site_dir).")
@click.option("--strict", "mkdocs_strict", is_flag=True,
              help="Fail on the engine's warnings too (mkdocs build --strict).")
@click.option("--engine", type=click.Choice(["mkdocs", "properdocs", "zensical"]),
              default="mkdocs", show_default=True,
              help="The site engine: MkDocs, ProperDocs (runs the plugin) or Zensical "
                   "(builds the generated pages).")
@click.pass_context
def build(ctx: click.Context, site_dir: str | None, mkdocs_strict: bool, engine: str) -> None:
    """Build the site safely: into a temporary folder, swapped into place only when the
    build, the secret scan and the check of the generated pages succeeded, so a failed
    build leaves the old site."""
    from connector_docs import engines

    try:
        target = engines.build(Path(ctx.obj["config_file"]), site_dir, mkdocs_strict, engine)
    except ConnectorDocsError as exc:
        _fail(exc)
        return
    if isinstance(target, int):  # ProperDocs ran in a child process, which reported
        sys.exit(target)
    click.echo(f"site built in {target}", err=True)


@main.command()
@click.argument("site", type=click.Path(file_okay=False))
@audience_option
@secret_options
@click.option("--secrets-only", is_flag=True,
              help="Only the secret scan: skip the check that the generated pages are there.")
@click.pass_context
def scan(ctx: click.Context, site: str, audience: str | None, not_secret: tuple[str, ...],
         secret: tuple[str, ...], secrets_only: bool) -> None:
    """Scan a built site (any engine's) for credentials, as `build` does before it keeps a
    site, and check it holds the generated pages rather than writers' raw overlays."""
    from connector_docs import engines

    try:
        opts = _options(ctx, audience=audience, not_secret=not_secret, secret=secret)
    except ConnectorDocsError as exc:
        _fail(exc)
        return
    if not Path(site).is_dir():
        _fail(ConnectorDocsError(f"{site}: no such folder; pass the built site's folder"))
    found = engines.scan_built(_load(opts, "text"), site, secrets_only)
    _emit(found, "text")
    if found:
        _fail(ConnectorDocsError(f"{site}: {counted(len(found), 'problem')}; do not publish it"))
    files = sum(1 for p in Path(site).rglob("*") if p.is_file())
    click.echo(f"{site}: no secrets in {counted(files, 'file')}"
               + ("" if secrets_only else "; the generated pages are there"), err=True)


from connector_docs import releasecli  # noqa: E402,F401  (adds the release manager's commands)

if __name__ == "__main__":  # run as the module itself, whose group holds every command
    from connector_docs.cli import main as the_main

    the_main()
