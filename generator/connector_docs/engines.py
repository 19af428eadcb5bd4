"""`connector-docs build --engine`: one safe build (temporary folder, secret scan, check of
the generated pages, atomic swap) with MkDocs, ProperDocs or Zensical.

MkDocs runs in this process (``safebuild``). ProperDocs aliases ``mkdocs.*`` imports to
``properdocs.*`` once ``properdocs.replacement`` is imported, and loads our plugin from
the ``mkdocs.plugins`` entry points: the same ``safebuild`` then runs it, in this process
when MkDocs is not loaded yet, else in a fresh one. Zensical runs no MkDocs plugins: the
pages are generated here as the plugin generates them (``site.build.generate``: same
pages, lint and link check), the writers' overlays merged into them and never copied
raw, and Zensical builds that docs folder with a config inheriting mkdocs.yml
(``site.engines.zensical_config``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from connector_docs import safebuild, summary
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error
from connector_docs.options import Options, from_mkdocs_yml
from connector_docs.project import Project, load, trace_secrets
from connector_docs.secrets.scan import scan_site
from connector_docs.site import build as site_build
from connector_docs.site import engines, internal, pagefind, pages

_CHILD = "CONNECTOR_DOCS_PROPERDOCS_CHILD"


def not_installed(engine: str) -> ConnectorDocsError:
    return ConnectorDocsError(f"{engines.NAMES[engine]} is not installed: "
                              f"{engines.INSTALL[engine]}")


def installed(engine: str) -> bool:
    try:
        return importlib.util.find_spec(engine) is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        return False


def build(config_file: Path, site_dir: str | None, strict: bool, engine: str) -> Path | int:
    """The built site's folder, or the exit code of the child process that built it
    (ProperDocs, when MkDocs is already loaded here). Raises ConnectorDocsError."""
    if not config_file.is_file():
        raise ConnectorDocsError(f"{config_file}: no such file; pass -f mkdocs.yml")
    if engine == "zensical":
        return build_zensical(config_file, site_dir, strict)
    if not installed(engine):
        raise not_installed(engine)
    if engine == "properdocs":
        loaded = sys.modules.get("mkdocs")
        if loaded is not None and loaded is not sys.modules.get("properdocs"):
            if os.environ.get(_CHILD):
                raise ConnectorDocsError("cannot run ProperDocs: MkDocs is already loaded "
                                         "in this process (a sitecustomize?)")
            return _child(config_file, site_dir, strict)
        import properdocs.replacement  # noqa: F401  (from now on mkdocs.* is ProperDocs)
        return safebuild.build(config_file, site_dir, strict, engine=engine)
    return safebuild.build(config_file, site_dir, strict)


def scan_built(proj: Project, site: str, secrets_only: bool = False) -> list[Diagnostic]:
    """``connector-docs scan``: credentials in the built site ``site`` (any engine's),
    located in the folder as typed, and unless ``secrets_only`` the generated pages
    missing or published as writers' raw overlays."""
    root = Path(site)
    found = scan_site(root, proj.redactor)
    if found:
        found = [replace(d, path=os.path.join(site, d.path))
                 for d in trace_secrets(found, proj.options, proj.redactor)]
    if not secrets_only:
        specs = pages.plan(proj)
        # Only a guide with an overlay can be one published raw (else it is missing).
        found += engines.check_built(root, [s.path for s in specs],
                                     proj.options.use_directory_urls, "",
                                     [s.path for s in specs
                                      if s.connector_id in proj.overlays])
    return found


def _child(config_file: Path, site_dir: str | None, strict: bool) -> int:
    args = [sys.executable, "-m", "connector_docs.cli", "-f", str(config_file), "build",
            "--engine", "properdocs", *(["-d", site_dir] if site_dir else []),
            *(["--strict"] if strict else [])]
    return subprocess.run(args, env={**os.environ, _CHILD: "1"}, check=False).returncode


def _fatal(diags: list[Diagnostic], opts: Options, connectors: int) -> bool:
    """Print the findings and the summary as the plugin's build does; whether the build
    fails (any error: `connector-docs build` publishes nothing with a connector left
    out; and what fail_on or strict name, the release blockers by default)."""
    shown, left = summary.for_log(diags, opts.warnings_per_rule)
    fail_on = opts.failing(publishing=True)
    lines = [d.format() for d in shown] + summary.lines(
        diags, fail_on=opts.fail_on if opts.fail_on is not None else (fail_on or None),
        strict=opts.strict, left_out=left, connectors=connectors)
    print("\n".join(lines), file=sys.stderr)
    return any(d.is_error for d in diags) or bool(summary.failing(diags, fail_on,
                                                                  opts.strict))


def build_zensical(config_file: Path, site_dir: str | None, strict: bool) -> Path:
    if not installed("zensical"):
        raise not_installed("zensical")
    settings, problems = engines.read_config(config_file)
    if settings is None:
        raise ConnectorDocsError(problems)
    opts = from_mkdocs_yml(config_file)
    proj = load(opts)
    target = Path(site_dir or opts.path(str(settings.get("site_dir") or "site"))).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.zensical-", dir=target.parent))
    try:
        _stage(proj, config_file, settings, work)
        command = [sys.executable, "-m", "zensical", "build", "-f", str(work / "mkdocs.yml"),
                   *(["--strict"] if strict else [])]
        ran = subprocess.run(command, cwd=work, check=False)
        if ran.returncode:
            raise ConnectorDocsError([error(str(config_file), "build failed, the previous "
                                            f"site is untouched: Zensical exited with "
                                            f"{ran.returncode} (its messages are above)")])
        if proj.options.search_backend == "pagefind":
            print(pagefind.index_build(work / "site"), file=sys.stderr)
        specs = pages.plan(proj)
        check(work / "site", proj, "zensical", specs)
        safebuild.swap(work / "site", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _stage(proj: Project, config_file: Path, settings: dict[str, object],
           work: Path) -> None:
    """Generate the pages into ``work/docs`` beside the user's own docs (overlays left
    out: they are merged), with the config Zensical builds it with."""
    opts = proj.options
    docs_root = opts.path(opts.docs_dir)
    own = [p.relative_to(docs_root).as_posix() for p in sorted(docs_root.rglob("*"))
           if p.is_file()] if docs_root.is_dir() else []
    kept = engines.kept_docs(proj, own)
    made = site_build.generate(proj, work / "generated", kept)
    if _fatal(made.diagnostics, opts, len(proj.catalog.connectors)):
        raise ConnectorDocsError([error(str(config_file), "build failed, the previous site "
                                        "is untouched: see the findings above")])
    docs = work / "docs"
    for rel in kept:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(docs_root / rel, docs / rel)
    for rel, (written, _) in made.written.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, docs / rel)
    for rel, data in internal.attachment_files(proj):  # internal sites only
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(data)
    for rel, text in engines.extra_files(proj):
        if rel.startswith("assets/") and (docs / rel).exists():
            continue  # the user's own copy wins, as in the plugin
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    (work / "mkdocs.yml").write_text(engines.zensical_config(
        config_file, settings, pagefind=opts.search_backend == "pagefind"),
                                     encoding="utf-8")


def check(site: Path, proj: Project, engine: str, specs: list[pages.PageSpec]) -> None:
    """The secret scan (the one the plugin runs on its own builds), then the generated
    pages; raises with every finding. On a secret the built folder is removed first."""
    leaks = scan_site(site, proj.redactor)
    if leaks:
        shutil.rmtree(site, ignore_errors=True)
        raise ConnectorDocsError([*trace_secrets(leaks, proj.options, proj.redactor), error(
            str(site), "secret scan: the built site contains credentials; the previous site "
            "is untouched")])
    # The guides are generated here, never a raw overlay: only their presence is checked.
    found = engines.check_built(site, [s.path for s in specs],
                                proj.options.use_directory_urls, engine)
    if found:
        raise ConnectorDocsError(found)
