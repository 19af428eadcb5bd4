"""One key per connector guide: everything its page, its template context and its
docs-lint findings are made from.

Every cache of guides compares this key and nothing else: the rendered pages `mkdocs
serve` keeps (:meth:`GuideKey.same`), its template contexts and docs-lint findings (the
same, without ``build``: neither depends on templates or code), and the page store on
disk (:meth:`GuideKey.digest`). A new input to a
guide is one new field here; ``tests/test_guidekey.py`` changes each field in turn and
checks that every cache misses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from connector_docs.decisions.policy import Decision
from connector_docs.inputs.overlay import Overlay
from connector_docs.model import Connector
from connector_docs.project import Project


@dataclass(frozen=True, eq=False)
class GuideKey:
    """What one guide is made from. ``build`` is what every page of a build shares: this
    package's code and library versions and the templates (empty where nothing is kept
    between builds: the CLI)."""

    connector: Connector  # its definition (and manifest), as loaded
    decision: Decision  # smoke evidence, dates and reasons: the badge and its history
    overlay: Overlay | None  # the writer's prose
    audience: str
    build: str
    platform: tuple[str | None, ...] = ()  # options.platform_facts(): name, URLs

    def same(self, other: GuideKey | None, *, build: bool = True) -> bool:
        """In-process caches: the connector by identity (the load cache hands back the same
        object while its files are unchanged; comparing by value would walk every
        parameter schema), the rest by value; ``build=False`` for what templates and code
        do not shape (contexts, docs-lint findings)."""
        return other is not None and other.connector is self.connector and (
            (self.decision, self.overlay, self.audience, self.platform)
            == (other.decision, other.overlay, other.audience, other.platform)) and (
            not build or self.build == other.build)

    def digest(self) -> str | None:
        """The same key across processes (the page store): the connector by its files'
        digest. None when there is none (a connector read from a registry)."""
        source = self.connector.source
        if not source.digest:
            return None
        # Decisions and overlays are frozen dataclasses of plain values: their repr is
        # deterministic and names every field. The category comes from the files and the
        # taxonomy (an option), so the files' digest alone does not settle it.
        parts = (self.build, source.path, source.digest, self.connector.category,
                 repr(self.decision), repr(self.overlay), self.audience, self.platform)
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def guide_key(project: Project, conn: Connector, build: str = "") -> GuideKey:
    """The key of ``conn``'s guide in ``project``: the one place that says what a guide
    depends on."""
    return GuideKey(conn, project.decisions[conn.id], project.overlays.get(conn.id),
                    project.options.audience, build, project.options.platform_facts())
