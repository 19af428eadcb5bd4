"""The pages only internal sites get (``audience: internal``): launch readiness (the
report ``connector-docs audit`` prints) and, with the ``ownership`` option, who does what
for a launch. Public sites never build them, so nothing here reaches a public page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_docs.project import Project
from connector_docs.site.pages import PageSpec


def internal_pages(project: Project, common: Mapping[str, Any]) -> list[PageSpec]:
    """``common``: what every index page's context holds (the visible connectors, their
    decisions, the build date, the level labels)."""
    owned = project.ownership
    pages = [PageSpec("readiness/index.md", "readiness.md.j2", "readiness",
                      "Launch readiness", {
                          **common, "report": project.readiness(),
                          "guide_url": project.options.guide_url(),
                          # the Owner column, only with an ownership file
                          "owners": None if owned is None else dict(owned.owners)})]
    if owned is not None:
        owners = [(c, owned.owner_of(c.id)) for c in common["connectors"]]
        pages.append(PageSpec("ownership/index.md", "ownership.md.j2", "ownership",
                              "Ownership", {**common, "ownership": owned, "owners": owners,
                                            "unowned": sum(o is None for _, o in owners)}))
    return pages
