"""The release manager's commands of ``connector-docs`` beyond ``audit``: ``archive``
(rollout archives, ``site.archive``). They hang on the same command group as the rest
(``cli.main``), which imports this module once it is defined."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from connector_docs.cli import _load, _options, _refuse_secrets, main
from connector_docs.diagnostics import ConnectorDocsError, did_you_mean
from connector_docs.text import counted


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
        click.echo(str(exc), err=True)
        sys.exit(1)
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
