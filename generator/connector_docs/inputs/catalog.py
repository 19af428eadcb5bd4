"""Discover connector definitions in both layouts, load them strictly, and normalize them
into the model. Every problem becomes a located diagnostic; nothing raises for bad input.

Layouts (detected per connector):
- ``<dir>/<id>.json``: connector-docs' one-file format;
- ``<dir>/<id>/definition.json`` + optional ``manifest.json``: the platform layout.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import Diagnostic, error, warning
from connector_docs.inputs import lint, normalize, validators
from connector_docs.inputs.jsonfile import MAX_JSON_BYTES, parse_json
from connector_docs.inputs.locate import Locator
from connector_docs.inputs.taxonomy import Taxonomy, builtin, merge_spellings
from connector_docs.model import Catalog, Connector, Source
from connector_docs.speedups.runtime import fork_map

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
MAX_CONNECTORS = 50_000


@dataclass(frozen=True)
class Entry:
    """One connector's files, before loading."""

    id: str
    definition: Path
    manifest: Path | None
    layout: str  # file | platform


def display(path: Path) -> str:
    """A path as a user reads it: relative to the working directory when inside it, else
    absolute (never ``../../..``, which nobody types and few can follow)."""
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    if shown == os.pardir or shown.startswith(os.pardir + os.sep):
        return os.path.abspath(path)
    return shown


def check_id(conn_id: str) -> str | None:
    """Why ``conn_id`` is not a safe slug, or None when it is."""
    if not ID_PATTERN.match(conn_id):
        return ("ids are lowercase letters, digits, '-' and '_', starting with a letter or "
                "digit, at most 64 characters")
    if conn_id.split(".")[0] in _RESERVED:
        return f"'{conn_id}' is a reserved device name on Windows"
    return None


def _inside(root: Path, path: Path, linked: bool | None = None) -> bool:
    """Whether ``path`` (a child of the resolved folder ``root``) stays inside it. On POSIX
    only a symbolic link can lead out, so a path that is not one (``linked``, when the
    directory listing already tells; else one lstat) needs no resolving (measured: a
    fifth of a serve rebuild's load). Windows has junctions too, which ``is_symlink``
    does not report: there every path is resolved."""
    if linked is None:
        linked = path.is_symlink()
    if not linked and os.name == "posix":
        return True
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def discover(path: Path) -> tuple[list[Entry], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    if not path.exists():
        return [], [error(display(path), "catalog path does not exist",
                          hint="set the plugin's `catalog:` option or pass --catalog PATH")]
    if path.is_file():
        if path.name == "definition.json":
            manifest = path.with_name("manifest.json")
            return [Entry(path.parent.name, path, manifest if manifest.is_file() else None,
                          "platform")], []
        return [Entry(path.stem, path, None, "file")], []
    root = path.resolve()
    entries: list[Entry] = []
    try:
        with os.scandir(path) as listing:
            children = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        return [], [error(display(path), f"cannot list the catalog folder: "
                          f"{exc.strerror or exc}", code="unreadable",
                          hint="check its permissions" if isinstance(exc, PermissionError)
                          else "point `catalog:` at a folder or a JSON file")]
    for item in children:
        if item.name.startswith(".") or item.name.startswith("_"):
            continue
        child = path / item.name
        if not _inside(root, child, item.is_symlink()):
            diags.append(error(display(child), "points outside the catalog folder; not read",
                               hint="copy the file into the catalog instead of linking it",
                               code="path-escape"))
            continue
        if item.is_dir():
            definition = child / "definition.json"
            if not definition.is_file():
                continue  # a folder without a definition (assets, schemas) is not a connector
            if not _inside(root, definition):
                diags.append(error(display(definition), "points outside the catalog folder; "
                                   "not read", code="path-escape"))
                continue
            manifest = child / "manifest.json"
            entries.append(Entry(child.name, definition,
                                 manifest if manifest.is_file()
                                 and _inside(root, manifest)
                                 else None, "platform"))
        elif child.suffix == ".json" and item.is_file():
            entries.append(Entry(child.stem, child, None, "file"))
    if len(entries) > MAX_CONNECTORS:
        diags.append(error(display(path), f"{len(entries):,} connectors, over the "
                           f"{MAX_CONNECTORS:,} limit", code="too-many"))
        entries = entries[:MAX_CONNECTORS]
    if not entries and not diags:
        diags.append(warning(display(path), "no connector definitions found",
                             hint="expected <id>.json files or <id>/definition.json folders"))
    return entries, diags


def _read(path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        with path.open("rb") as handle:
            # At most one byte over the limit: parse_json reports the size, and a huge
            # file is never read into memory.
            return handle.read(MAX_JSON_BYTES + 1), []
    except OSError as exc:
        return None, [error(display(path), f"cannot read file: {exc.strerror or exc}")]


def load_document(
    raw: Any,
    locator: Locator | None,
    source: Source,
    *,
    expected_id: str | None,
    manifest: Any = None,
    manifest_locator: Locator | None = None,
    taxonomy: Taxonomy | None = None,
) -> tuple[Connector | None, list[Diagnostic]]:
    """Validate and normalize one parsed definition (file, folder or registry entry);
    its category is mapped by ``taxonomy`` (the built-in one when None)."""
    diags: list[Diagnostic] = []
    if not isinstance(raw, dict):
        return None, [error(source.path, f"top level is {_kind(raw)}, expected an object",
                            line=1, column=1, pointer="",
                            hint='a connector file holds one JSON object: {"id": ...}')]
    diags += lint.check_schema(raw, source.path, locator)
    conn_id = raw.get("id")
    if isinstance(conn_id, str):
        why = check_id(conn_id)
        if expected_id is not None and conn_id != expected_id:
            line, col = locator.locate("/id") if locator else (0, 0)
            diags.append(error(source.path, f"id '{conn_id}' does not match its file name "
                               f"'{expected_id}'", line=line, column=col, pointer="/id",
                               hint="rename the file or change the id; links use the id",
                               code="id-mismatch"))
        elif why and not any(d.pointer == "/id" for d in diags):
            line, col = locator.locate("/id") if locator else (0, 0)
            diags.append(error(source.path, f"unsafe id {conn_id!r}: {why}", line=line,
                               column=col, pointer="/id", code="bad-id"))
    if manifest is not None:
        diags += lint.check_manifest(manifest, source.manifest or source.path, manifest_locator,
                                     conn_id if isinstance(conn_id, str) else None)
    connector, norm_diags = normalize.connector(raw, source, locator,
                                                manifest if isinstance(manifest, dict) else None,
                                                taxonomy)
    diags += norm_diags
    if connector is not None:
        diags += lint.check_semantics(connector, raw, source.path, locator)
        connector = normalize.without_duplicate_operations(connector)
    if any(d.is_error for d in diags):
        return None, diags
    return connector, diags


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null"}.get(type(value), type(value).__name__)


def load_entry(entry: Entry, taxonomy: Taxonomy | None = None
               ) -> tuple[Connector | None, list[Diagnostic]]:
    data, diags = _read(entry.definition)
    if data is None:
        return None, diags
    path = display(entry.definition)
    raw, locator, diags = parse_json(path, data)
    if raw is None:
        return None, diags
    manifest = manifest_locator = None
    manifest_path = display(entry.manifest) if entry.manifest else None
    digest = hashlib.blake2b(data, digest_size=16)
    if entry.manifest is not None:
        mdata, mdiags = _read(entry.manifest)
        diags += mdiags
        if mdata is not None:
            digest.update(b"\0manifest\0" + mdata)
            manifest, manifest_locator, mdiags = parse_json(manifest_path or "", mdata)
            diags += mdiags
    source = Source(path=path, layout="platform" if entry.layout == "platform" else "file",
                    manifest=manifest_path, digest=digest.hexdigest())
    connector, more = load_document(raw, locator, source, expected_id=entry.id,
                                    manifest=manifest, manifest_locator=manifest_locator,
                                    taxonomy=taxonomy)
    return connector, diags + more


def check_collisions(connectors: Iterable[Connector]) -> tuple[list[Connector], list[Diagnostic]]:
    """Ids must be unique, also case-insensitively (case-only differences collide on macOS
    and Windows file systems and in URLs)."""
    seen: dict[str, Connector] = {}
    kept: list[Connector] = []
    diags: list[Diagnostic] = []
    for conn in connectors:
        key = conn.id.casefold()
        if key in seen:
            first = seen[key]
            diags.append(error(conn.source.path, f"connector id '{conn.id}' collides with "
                               f"'{first.id}' from {first.source.path}", pointer="/id",
                               hint="ids must be unique, ignoring case", code="id-collision"))
            continue
        seen[key] = conn
        kept.append(conn)
    return kept, diags


def finish(connectors: list[Connector], diags: list[Diagnostic],
           broken: Iterable[tuple[str, str]] = ()) -> tuple[Catalog, list[Diagnostic]]:
    kept, more = check_collisions(connectors)
    diags = diags + more
    loaded = {c.id for c in kept}
    return Catalog(tuple(sorted(merge_spellings(kept), key=lambda c: c.id)),
                   tuple(sorted({b for b in broken if b[0] not in loaded}))), diags


LoadCache = dict[tuple[Any, ...], tuple["Connector | None", list[Diagnostic]]]


def _stamp(path: Path | None) -> tuple[Any, ...]:
    if path is None:
        return ()
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), st.st_mtime_ns, st.st_size)


# Below this many files to parse, forking workers costs more than it saves.
PARALLEL_MIN_FILES = 64


def load_catalog(path: Path, cache: LoadCache | None = None,
                 taxonomy: Taxonomy | None = None) -> tuple[Catalog, list[Diagnostic]]:
    """Load every connector below ``path``. With ``cache`` (kept by a long-lived process
    such as ``mkdocs serve``), files whose path, mtime and size are unchanged are not
    parsed again, so a rebuild after one edit costs one file. Many files are parsed and
    validated in forked workers (``runtime.fork_map``); the connectors come back pickled,
    which costs about a quarter of loading them. ``taxonomy`` maps categories (the
    built-in one when None); a connector loaded under another one is loaded again."""
    taxonomy = taxonomy or builtin()
    entries, diags = discover(path)
    connectors: list[Connector] = []
    fresh: LoadCache = {}
    keys = [(_stamp(e.definition), _stamp(e.manifest), e.id, e.layout, taxonomy.digest)
            for e in entries]
    todo = [e for e, key in zip(entries, keys, strict=True) if not cache or key not in cache]
    if todo:
        validators.prepare()  # compiled once, not again in every forked worker
    loaded = iter(fork_map(partial(load_entry, taxonomy=taxonomy), todo,
                           min_items=PARALLEL_MIN_FILES))
    broken: list[tuple[str, str]] = []
    for entry, key in zip(entries, keys, strict=True):
        hit = cache.get(key) if cache else None
        connector, more = hit if hit is not None else next(loaded)
        fresh[key] = (connector, more)
        diags += more
        if connector is not None:
            connectors.append(connector)
        elif any(d.is_error for d in more):
            broken.append((entry.id, display(entry.definition)))
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return finish(connectors, diags, broken)
