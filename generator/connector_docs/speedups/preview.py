"""Fast previews under a plain `mkdocs serve`: a rebuild renders only the pages whose
source changed, and the site it serves is the one a full build would write.

MkDocs' ``--dirty`` skips every page whose source file is older than its output. That is
right for connector-docs' own pages (each is rewritten only when its text changes, so an
edit to a connector rewrites its guide and the catalog and index pages it appears on) but
famously wrong for the frame around them: a page's title or a nav entry changed, a page
added or removed, ``mkdocs.yml`` or the theme edited, leave every other page stale, and
the search index then holds only the pages rebuilt. So the plugin takes the dirty path
only when the frame is unchanged (``Frame``), turns it into a full build when the set of
pages changed, gives skipped pages the titles they had, and puts the search index back
together (``SearchMemory``). Everything else is a full rebuild, as before.

No MkDocs import here: the plugin hands over paths, urls and the index file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# CONNECTOR_DOCS_PREVIEW=full turns the fast path off (every rebuild renders every page).
ENV = "CONNECTOR_DOCS_PREVIEW"


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() != "full"


def is_overlay(rel: str) -> bool:
    """A writer's overlay (``connectors/<id>.md`` under docs_dir): part of a generated
    guide, which the plugin rewrites when it changes, not of the frame."""
    parts = rel.replace(os.sep, "/").split("/")
    return len(parts) == 2 and parts[0] == "connectors" and parts[1].endswith(".md")


def stamps(paths: Iterable[str | Path], docs_dir: str | Path | None = None) -> frozenset[
        tuple[str, int, int]]:
    """(path, mtime, size) of every file under ``paths`` (files or folders), overlays in
    ``docs_dir`` left out."""
    docs = str(docs_dir) if docs_dir is not None else None
    found: set[tuple[str, int, int]] = set()

    def add(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        if docs is not None and path.startswith(docs + os.sep) \
                and is_overlay(os.path.relpath(path, docs)):
            return
        found.add((path, st.st_mtime_ns, st.st_size))

    for root in paths:
        root = str(root)
        if os.path.isdir(root):
            for folder, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    add(os.path.join(folder, name))
        else:
            add(root)
    return frozenset(found)


class Frame:
    """What a dirty rebuild cannot follow: the config file, docs_dir but the overlays,
    the theme's custom folder, the templates. A rebuild may skip unchanged pages only
    when the frame is as the last successful build saw it."""

    def __init__(self) -> None:
        self.last: frozenset[tuple[str, int, int]] | None = None
        self.pages: tuple[str, ...] | None = None  # the last build's pages, in order

    def unchanged(self, now: frozenset[tuple[str, int, int]]) -> bool:
        same = self.last is not None and now == self.last
        self.last = now
        return same

    def forget(self) -> None:
        """After a failed build: the next one is full."""
        self.last = None
        self.pages = None


def _page(location: str) -> str:
    """The page of an index entry or a page url (the home page: ``./`` as a url, empty
    as a location)."""
    page = location.split("#", 1)[0]
    return "" if page in ("./", ".") else page


class SearchMemory:
    """The search index entries of every page, so that a rebuild that indexed only the
    pages it rendered can write the index of the whole site, in the order a full build
    writes it. Only Material's index format (``{"config": ..., "docs": [...]}``, compact
    JSON) is merged; ``merge`` says False for anything else."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Any]] | None = None

    @staticmethod
    def _read(path: Path) -> tuple[dict[str, Any], bytes] | None:
        try:
            raw = path.read_bytes()
            data = json.loads(raw)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("docs"), list) \
                or _dump(data) != raw:
            return None
        return data, raw

    def remember(self, path: Path) -> None:
        """After a full build: the whole index, by page."""
        found = self._read(path)
        self.entries = None
        if found is None:
            return
        grouped: dict[str, list[Any]] = {}
        for entry in found[0]["docs"]:
            grouped.setdefault(_page(str(entry.get("location", ""))), []).append(entry)
        self.entries = grouped

    def merge(self, path: Path, order: list[str], rebuilt: set[str]) -> bool:
        """After a rebuild that rendered only ``rebuilt`` (page urls): the entries of
        those pages from the index just written, the others' from memory, in ``order``
        (the site's pages as MkDocs builds them). Rewrites the file; False when it cannot
        (no memory, or an index it does not know)."""
        found = self._read(path)
        if found is None or self.entries is None:
            return False
        data, raw = found
        order = [_page(url) for url in order]
        rebuilt = {_page(url) for url in rebuilt}
        fresh: dict[str, list[Any]] = {}
        for entry in data["docs"]:
            fresh.setdefault(_page(str(entry.get("location", ""))), []).append(entry)
        if not set(fresh) <= rebuilt:
            return False
        docs: list[Any] = []
        for url in order:
            docs.extend(fresh.get(url, []) if url in rebuilt else self.entries.get(url, []))
        data["docs"] = docs
        self.entries = {url: (fresh.get(url, []) if url in rebuilt
                              else self.entries.get(url, [])) for url in order}
        merged = _dump(data)
        if merged != raw:
            path.write_bytes(merged)
        return True


def _dump(data: Any) -> bytes:
    """As Material's search plugin writes its index."""
    return json.dumps(data, separators=(",", ":"), default=str).encode("utf-8")
