"""The pages only internal sites get (``audience: internal``): launch readiness (the
report ``connector-docs audit`` prints), smoke-test triage (``connector-docs triage``),
the QA sign-off attachments and, with the ``ownership`` option, who does what for a
launch. Public sites never build them, so nothing here reaches a public page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from connector_docs.model import Connector
from connector_docs.project import Project
from connector_docs.site.pages import PageSpec


def attachment_files(project: Project) -> list[tuple[str, bytes]]:
    """The QA sign-off attachments an internal site publishes, as (site path, bytes):
    text redacted, images as they are. None for a public site."""
    if project.options.audience != "internal":
        return []
    return [(a.published, a.content(project.redactor.redact)) for a in project.attachments]


def _attachments(project: Project, conns: list[Connector]) -> list[tuple[Connector, list[
        tuple[str, list[tuple[str, str]]]]]]:
    """Per connector with attachments: (run label, [(file, URL from the readiness page)])
    per run, newest run first. A run's own files go with every connector it tested."""
    runs = {r.path: r for r in project.runs}
    tested = {r.path: {result.app_id for result in r.results} for r in project.runs}
    found = []
    for conn in conns:
        groups: dict[tuple[dt.date, str], list[tuple[str, str]]] = {}
        for a in project.attachments:
            if a.run not in runs or conn.id not in tested[a.run] or not a.applies_to(conn.id):
                continue
            run = runs[a.run]
            url = quote(a.published.removeprefix("readiness/"))
            name = a.rel.split("/", 1)[1] if a.connector_id else a.rel
            groups.setdefault((run.ran_at.date(), run.suite), []).append((name, url))
        if groups:
            found.append((conn, [(f"{suite}, {day:%Y-%m-%d}", files) for (day, suite), files
                                 in sorted(groups.items(), key=lambda g: g[0][0],
                                           reverse=True)]))
    return found


def internal_pages(project: Project, common: Mapping[str, Any]) -> list[PageSpec]:
    """``common``: what every index page's context holds (the visible connectors, their
    decisions, the build date, the level labels)."""
    owned = project.ownership
    pages = [PageSpec("readiness/index.md", "readiness.md.j2", "readiness",
                      "Launch readiness", {
                          **common, "report": project.readiness(),
                          "guide_url": project.options.guide_url(),
                          # the Owner column, only with an ownership file
                          "owners": None if owned is None else dict(owned.owners),
                          "attachments": _attachments(project, common["connectors"])}),
             PageSpec("triage/index.md", "triage.md.j2", "triage", "Smoke test triage",
                      {**common, "triage": project.triage()})]
    if owned is not None:
        owners = [(c, owned.owner_of(c.id)) for c in common["connectors"]]
        pages.append(PageSpec("ownership/index.md", "ownership.md.j2", "ownership",
                              "Ownership", {**common, "ownership": owned, "owners": owners,
                                            "unowned": sum(o is None for _, o in owners)}))
    return pages
