"""Connector guides kept between builds, in the site's cache folder.

A guide is rendered from its connector (the bytes of its definition and manifest), its
decision (smoke evidence, dates, reasons), the writer's overlay, the audience, the
templates and this package's own code. A digest of all of that
(``site.guidekey.GuideKey.digest``) keys the page written last time: when it matches and
the page is still on disk, the guide is not rendered (nor linted) again. Keep ``.cache/``
between CI runs, as Material for MkDocs' own plugins ask, and a rebuild of a large catalog
renders only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import Diagnostic, Severity

# What link checking needs of a page (the shape of ``site.docslint.Outline``): its
# anchors and its links.
Outline = tuple[set[str], list[str]]

FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]  # connector_docs/, all of it


@cache
def code_digest() -> str:
    """This package's code, schemas and assets, and the versions of the libraries that
    shape a page: any change renders every guide again. (Code is loaded once per process;
    templates are read again by every build, see ``render.templates_digest``.)"""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".css", ".js") and path.is_file():
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    for name in ("jinja2", "markupsafe"):
        digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()


class PageStore:
    """What was written last time: page path -> [key, anchors, links, docs-lint findings
    (None until linted)]."""

    def __init__(self, folder: Path):
        self.file = folder / "pages.json"
        self.entries: dict[str, Any] = {}
        self.changed = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.entries = {path: entry for path, entry in data["pages"].items()
                                if _well_formed(entry)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}  # missing or damaged: everything is rendered again

    def _entry(self, path: str, key: str | None) -> list[Any] | None:
        """The stored entry of ``path`` when it was made from ``key``."""
        entry = self.entries.get(path)
        return entry if key is not None and entry and entry[0] == key else None

    def get(self, path: str, key: str | None, target: Path) -> Outline | None:
        entry = self._entry(path, key)
        if entry is None or not target.is_file():
            return None
        return set(entry[1]), list(entry[2])

    def forget(self, paths: list[str]) -> None:
        """Drop pages about to be rendered, and say so on disk at once: a build that
        stops after rewriting a page (an error in another page, Ctrl-C) must not leave
        the store vouching for the new file with the old key."""
        dropped = [path for path in paths if self.entries.pop(path, None) is not None]
        if dropped:
            self._write(self.entries)

    def put(self, path: str, key: str | None, outline: Outline) -> None:
        if key is not None:
            self.entries[path] = [key, sorted(outline[0]), outline[1], None]
            self.changed = True

    def gaps(self, path: str, key: str | None) -> list[Diagnostic] | None:
        """The docs-lint findings of the connector behind a kept page."""
        entry = self._entry(path, key)
        if entry is None or entry[3] is None:
            return None
        try:
            return [Diagnostic(**{**d, "severity": Severity(d["severity"])}) for d in entry[3]]
        except (TypeError, ValueError, KeyError):
            return None

    def put_gaps(self, path: str, key: str | None, found: list[Diagnostic]) -> None:
        entry = self._entry(path, key)
        if entry is not None and entry[3] is None:
            entry[3] = [{**asdict(d), "severity": d.severity.value} for d in found]
            self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the store (when something changed), keeping only ``keep`` (the pages of
        this build)."""
        pages = {path: entry for path, entry in self.entries.items() if path in keep}
        if self.changed or len(pages) != len(self.entries):
            self._write(pages)

    def _write(self, pages: dict[str, Any]) -> None:
        # json.dumps, not json.dump: only the one-shot encoder is the C one (10x faster).
        text = json.dumps({"format": FORMAT, "pages": pages}, separators=(",", ":"))
        self.file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".pages-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, self.file)  # atomic: a concurrent build sees one store or the other
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _well_formed(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)
            and isinstance(entry[1], list) and isinstance(entry[2], list)
            and (entry[3] is None or isinstance(entry[3], list)))
