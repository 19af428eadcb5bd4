"""Everything the shells need, loaded once from the options: catalog, smoke runs
(redacted), decisions, overlays and every diagnostic. Both the CLI and the plugin call
:func:`load`; neither does its own loading."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from connector_docs import smoke
from connector_docs.decisions import audit, policy, triage, troubleshoot
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error, warning
from connector_docs.inputs import catalog as catalog_mod
from connector_docs.inputs import overlay as overlay_mod
from connector_docs.inputs import ownership as ownership_mod
from connector_docs.inputs import taxonomy as taxonomy_mod
from connector_docs.inputs.locate import FileLocator
from connector_docs.model import Catalog, SmokeRun
from connector_docs.options import Options
from connector_docs.remote.fetch import TOKEN_ENV
from connector_docs.secrets.fields import Overrides
from connector_docs.secrets.origin import trace
from connector_docs.secrets.redact import Redactor
from connector_docs.smoke import attachments as attachments_mod


@dataclass
class Project:
    options: Options
    catalog: Catalog
    runs: list[SmokeRun]
    decisions: dict[str, policy.Decision]
    build_date: dt.datetime
    redactor: Redactor
    overlays: dict[str, overlay_mod.Overlay] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # local files/folders to watch
    # An unusable smoke config means secrets cannot be redacted: never build on it.
    config_broken: bool = False
    # troubleshoot.expected() of each connector, most expected first (guides, the
    # troubleshooting index, docs lint and readiness all read it).
    errors: dict[str, list[troubleshoot.Entry]] = field(default_factory=dict)
    ownership: ownership_mod.Ownership | None = None  # the ownership option's file
    # QA sign-off files filed with the runs (internal sites and archives only)
    attachments: list[attachments_mod.Attachment] = field(default_factory=list)

    def warnings_by_connector(self) -> dict[str, int]:
        paths = {c.source.path: c.id for c in self.catalog.connectors}
        counts: Counter[str] = Counter()
        for d in self.diagnostics:
            if not d.is_error and d.path in paths:
                counts[paths[d.path]] += 1
        return dict(counts)

    def writer_codes(self) -> dict[str, set[str]]:
        return {cid: {name for name, _ in o.troubleshooting} for cid, o in self.overlays.items()}

    def readiness(self) -> audit.Report:
        """The one readiness report: ``connector-docs audit`` prints it, the readiness
        page renders it."""
        return audit.audit(self.catalog, self.decisions, self.warnings_by_connector(),
                           self.writer_codes(), self.errors, self.options.audit_gates,
                           self.build_date.date())

    def triage(self) -> triage.Triage:
        """Every failing connector and action of the newest run of each suite: the
        ``connector-docs triage`` report and the internal triage page."""
        return triage.triage(self.catalog, self.runs, self.build_date.date())


def load_taxonomy(opts: Options) -> taxonomy_mod.Taxonomy:
    """The built-in categories, or the site's own file (``taxonomy`` option); raises
    ``ConnectorDocsError`` with every problem of that file, located."""
    if not opts.taxonomy:
        return taxonomy_mod.builtin()
    if opts.is_url(opts.taxonomy):
        raise ConnectorDocsError([error(
            "taxonomy", f"the taxonomy is read from a local file, not a URL: {opts.taxonomy}",
            hint="download the file next to mkdocs.yml and set taxonomy: to its path",
            code="taxonomy")])
    path = opts.path(opts.taxonomy)
    return taxonomy_mod.load(path, catalog_mod.display(path))


def load_ownership(opts: Options, known: set[str]
                   ) -> tuple[ownership_mod.Ownership, list[Diagnostic]]:
    """The ``ownership`` file and its warnings; raises ``ConnectorDocsError``, located."""
    assert opts.ownership
    if opts.is_url(opts.ownership):
        raise ConnectorDocsError([error(
            "ownership", f"the ownership file is read from a local file, not a URL: "
            f"{opts.ownership}", code="ownership",
            hint="download the file next to mkdocs.yml and set ownership: to its path")])
    path = opts.path(opts.ownership)
    return ownership_mod.load(path, catalog_mod.display(path), known)


def load_catalog(opts: Options, cache: catalog_mod.LoadCache | None = None
                 ) -> tuple[Catalog, list[Diagnostic], list[Path]]:
    taxonomy = load_taxonomy(opts)
    if opts.is_url(opts.catalog):
        from connector_docs import sources

        cat, diags = sources.load_remote_catalog(opts.catalog, taxonomy=taxonomy)
        return cat, diags, []
    path = opts.path(opts.catalog)
    cat, diags = catalog_mod.load_catalog(path, cache, taxonomy)
    return cat, diags, [path]


def load_smoke(opts: Options, known: set[str]) -> tuple[list[SmokeRun], list[Diagnostic],
                                                         list[Path]]:
    if not opts.smoke:
        return [], [], []
    if opts.is_url(opts.smoke):
        from connector_docs import sources

        runs, diags = sources.load_remote_smoke(opts.smoke, known)
        return runs, diags, []
    path = opts.path(opts.smoke)
    files, diags = smoke.discover(path)
    runs, more = smoke.load_runs(files, known)
    return runs, diags + more, [path]


def redacted(diags: list[Diagnostic], redactor: Redactor) -> list[Diagnostic]:
    """Diagnostics as they may be shown: path, message, hint and pointer redacted (a
    pointer names keys of the input, which may be a credential)."""
    return [replace(d, path=redactor.redact(d.path), message=redactor.redact(d.message),
                    hint=redactor.redact(d.hint) if d.hint else d.hint,
                    pointer=redactor.redact(d.pointer) if d.pointer else d.pointer)
            for d in diags]


def load(opts: Options, *, with_overlays: bool = True,
         cache: catalog_mod.LoadCache | None = None) -> Project:
    now = policy.build_date()
    diags = policy.validate_build_date()
    cat, more, inputs = load_catalog(opts, cache)
    diags += more
    known = {c.id for c in cat.connectors}
    redactor = Redactor()
    config_broken = False
    if opts.smoke_config:
        overrides = Overrides(secret=opts.secret, not_secret=opts.not_secret)
        redactor, more = Redactor.from_config(opts.path(opts.smoke_config), overrides)
        config_broken = any(d.is_error for d in more)
        diags += more
    elif opts.secret or opts.not_secret:
        diags.append(warning("connector-docs", "secret and not_secret name values of the "
                             "smoke config, and no smoke_config is set: they do nothing",
                             code="secret-pointer"))
    # The registry token is a secret of this build too: a registry that echoes it into
    # a definition or a run must not get it published (the fetch session redacts its own
    # messages; this covers the data it hands on, and the final site scan).
    token = os.environ.get(TOKEN_ENV, "")
    if token.strip():
        redactor.add(token, TOKEN_ENV)
    # A broken definition's results and overlay are not "unknown": its errors say why.
    broken = {cid for cid, _ in cat.broken}
    runs, more, smoke_inputs = load_smoke(opts, known | broken)
    diags += more
    inputs += smoke_inputs
    # Every string of a run can reach a page (messages, suite, versions, file names):
    # redact_run redacts them all before anything reads the runs.
    runs = [redactor.redact_run(run) for run in runs]
    decisions, more = policy.decide(cat, runs, now, opts.stable_max_age_days)
    diags += more
    errors = {c.id: troubleshoot.expected(c, decisions[c.id].history) for c in cat.connectors}
    overlays: dict[str, overlay_mod.Overlay] = {}
    if with_overlays:
        codes = {cid: {e.error.code for e in entries} for cid, entries in errors.items()}
        overlays, more = overlay_mod.load(opts.path(opts.docs_dir), known, codes, broken)
        diags += more
    attached, more = attachments_mod.find([r.path for r in runs], known)
    diags += more
    owners = None
    if opts.ownership:
        owners, more = load_ownership(opts, known | broken)
        diags += more
    # Diagnostics quote input (ids, statuses, lines of a smoke log) and name files (a
    # smoke file may be named after a credential): redact all of it, once located (the
    # locator reads the file by its real path).
    diags = redacted(locate(diags), redactor)
    return Project(opts, cat, runs, decisions, now, redactor, overlays, diags, inputs,
                   config_broken, errors, owners, attached)


def input_roots(opts: Options) -> list[tuple[str, Path]]:
    """The local inputs a secret on a page can come from, as (what, file or folder):
    searched by ``secrets.origin.trace`` when the site scan fails."""
    roots = [("catalog file", opts.catalog), ("smoke file", opts.smoke),
             ("docs file", opts.docs_dir), ("template", opts.templates)]
    return [(what, opts.path(value)) for what, value in roots
            if value and not opts.is_url(value)]


def trace_secrets(problems: list[Diagnostic], opts: Options, redactor: Redactor
                  ) -> list[Diagnostic]:
    """The site scan's ``problems`` with the inputs that hold each secret in their
    hints (``secrets.origin.trace``); the smoke config itself is not searched."""
    skip = [opts.path(opts.smoke_config)] if opts.smoke_config else []
    return trace(problems, redactor, input_roots(opts), skip,
                 Overrides(secret=opts.secret, not_secret=opts.not_secret))


def locate(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Give a line and column to diagnostics found after loading (policy, overlays) that
    name a JSON pointer in a local file."""
    files = FileLocator()
    out = []
    for d in diags:
        if d.pointer and not d.line and d.path.endswith(".json") and Path(d.path).is_file():
            where = files.find(d.path, d.pointer)
            d = replace(d, line=where.get("line", 0), column=where.get("column", 0))
        out.append(d)
    return out
