"""The release manager's commands of ``connector-docs``: ``audit`` (readiness gates),
``triage`` (failing connectors and actions) and ``archive`` (rollout archives,
``site.archive``). They hang on the same command group as the rest
(``cli.main``), which imports this module once it is defined."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from connector_docs.cli import (
    _fail,
    _load,
    _load_for_report,
    _options,
    _refuse_secrets,
    catalog_option,
    format_option,
    main,
    plugin_flag,
    secret_options,
    smoke_option,
    taxonomy_option,
)
from connector_docs.decisions import audit as audit_mod
from connector_docs.decisions import triage as triage_mod
from connector_docs.diagnostics import ConnectorDocsError, did_you_mean
from connector_docs.text import counted


@main.command()
@catalog_option
@taxonomy_option
@smoke_option
@plugin_flag("audit_gates")
@format_option
@click.option("--connector", "only", help="Only this connector id.")
@click.pass_context
def audit(ctx: click.Context, catalog: str | None, taxonomy: str | None, smoke: str | None,
          audit_gates: tuple[str, ...], fmt: str, only: str | None) -> None:
    """Readiness gates per connector; exit 1 when a connector shown Stable misses an
    enforced gate (audit_gates)."""
    proj = _load_for_report(ctx, fmt, catalog=catalog, taxonomy=taxonomy, smoke=smoke,
                            audit_gates=audit_gates)
    report = proj.readiness()
    if only:
        report = report.only(only)
        if not report.rows:
            click.echo(f"error: no connector '{only}' in the catalog", err=True)
            sys.exit(1)
    click.echo(audit_mod.format_json(report) if fmt == "json"
               else audit_mod.format_table(report))
    for r in report.failures:
        click.echo(f"error: {r.connector_id} is shown as Stable but misses: "
                   + "; ".join(g.title for g in r.failing), err=True)
    sys.exit(1 if report.failures else 0)


@main.command()
@catalog_option
@taxonomy_option
@smoke_option
@secret_options
@format_option
@click.option("--connector", "only", help="Only this connector id.")
@click.pass_context
def triage(ctx: click.Context, catalog: str | None, taxonomy: str | None, smoke: str | None,
           not_secret: tuple[str, ...], secret: tuple[str, ...], fmt: str,
           only: str | None) -> None:
    """Failing connectors and actions of the newest run of each suite, to file bugs."""
    proj = _load_for_report(ctx, fmt, catalog=catalog, taxonomy=taxonomy, smoke=smoke,
                            not_secret=not_secret, secret=secret)
    if proj.config_broken or (only and only not in proj.catalog.by_id()):
        click.echo("error: " + ("the smoke config is unusable: messages cannot be redacted"
                   if proj.config_broken else f"no connector '{only}' in the catalog"), err=True)
        sys.exit(1)
    report = proj.triage().only(only) if only else proj.triage()
    click.echo(triage_mod.format_json(report) if fmt == "json"
               else triage_mod.format_text(report))


@main.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "every", is_flag=True, help="Every connector the site shows.")
@click.option("--out", default="archive", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write ID.zip files into.")
@click.pass_context
def archive(ctx: click.Context, ids: tuple[str, ...], every: bool, out: str) -> None:
    """Write a rollout archive per connector (ID.zip): its audit, the redacted smoke
    results its level stands on, its guide, a manifest and SHA-256 sums; the same bytes
    on every run under SOURCE_DATE_EPOCH."""
    from connector_docs.site import archive as archive_mod
    from connector_docs.site.pages import visible

    if bool(ids) == every:
        click.echo("error: name one or more connector ids, or pass --all", err=True)
        sys.exit(1)
    try:
        opts = _options(ctx)
    except ConnectorDocsError as exc:
        _fail(exc)
        return
    proj = _load(opts, "text")
    shown = [c.id for c in visible(proj)]
    for cid in ids:
        if cid not in shown:
            hint = did_you_mean(cid, shown)
            where = " (the site does not show it)" if any(
                c.id == cid for c in proj.catalog.connectors) else ""
            click.echo(f"error: no connector '{cid}' in the catalog{where}"
                       + (f"\n  hint: {hint}" if hint else ""), err=True)
            sys.exit(1)
    made = archive_mod.archives(proj, list(dict.fromkeys(ids)) if ids else shown)
    _refuse_secrets([t for a in made for t in a.texts], proj, "the archives")
    folder = Path(out)
    partial = folder / ".archive.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for one in made:
            partial = folder / f".{one.name}.part"
            partial.write_bytes(archive_mod.zip_bytes(one, proj.build_date))
            os.replace(partial, folder / one.name)  # never a half-written zip
    except OSError as exc:
        partial.unlink(missing_ok=True)
        click.echo(f"error: {out}: cannot write the archives: {exc.strerror or exc}",
                   err=True)
        sys.exit(1)
    remote = sum(len(a.remote) for a in made)
    click.echo(f"wrote {counted(len(made), 'archive')} to {out}"
               + (f" ({counted(remote, 'remote smoke run')} listed, not copied)"
                  if remote else ""), err=True)
