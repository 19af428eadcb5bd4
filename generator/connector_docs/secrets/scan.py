"""The site scan: the built site (or generated files before they are written) searched
for secrets, each reported as an error at file:line:column.

What a secret is, in all its forms, is the redactor's (:class:`Redactor`); this module
reads the files and makes the search affordable on a site of thousands of pages: lines
repeated across pages are matched once (and across `mkdocs serve` rebuilds, with a
:class:`ScanMemory`), chunks of lines that hold no needle of a token shape and no
configured secret are skipped without a closer look, and many files are scanned in forked
workers. Diagnostics name where a secret is, never the secret.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from connector_docs.diagnostics import Diagnostic, error
from connector_docs.secrets.forms import joined_layers
from connector_docs.secrets.redact import Redactor
from connector_docs.secrets.shapes import ALL_SHAPES, needle_mask
from connector_docs.speedups.runtime import fork_map

MAX_SCANNED_BYTES = 256 * 1024 * 1024  # per file, after decompression
SCANNED_SUFFIXES = (
    ".html", ".htm", ".xml", ".json", ".js", ".mjs", ".txt", ".md", ".svg", ".css", ".map",
    ".csv", ".yml", ".yaml", ".webmanifest",
)  # fmt: skip


def scan_site(site_dir: Path, redactor: Redactor, since: float | None = None,
              derived: tuple[str, ...] = (), memory: ScanMemory | None = None
              ) -> list[Diagnostic]:
    """Report every secret in the built site as an error at file:line:column. Text files
    are scanned (``SCANNED_SUFFIXES``), gzip files by their decompressed content. Lines
    repeated across pages (navigation, theme) are matched once. With ``since``, files not
    modified since then are skipped, and so are ``derived`` files (relative paths) whose
    text only repeats the pages' (the search index, during `mkdocs serve` rebuilds). With
    ``memory`` (kept by `mkdocs serve` across rebuilds), lines an earlier scan with the
    same secrets already matched are not matched again. Many files are scanned in forked
    workers (``runtime.fork_map``)."""
    if not site_dir.is_dir():
        return [error(str(site_dir), "built site folder not found")]
    files = [(path, path.stat()) for path in sorted(site_dir.rglob("*")) if path.is_file()]
    _ = redactor.literals  # compiled once, before any fork
    seen = memory.lines_for(redactor) if memory is not None else _Seen()
    scan = partial(_scan_file, redactor, site_dir, since, derived, seen)
    # Shares by the text each file gives the scan: the search index alone is a fifth of a
    # large site's bytes; images and fonts only have their names checked. Forked workers
    # run only before any thread does (a one-off build, the first build of `mkdocs serve`);
    # the lines they scan do not reach ``memory``, which only saves work later.
    weights = [_FILE_COST + _scanned_size(path, st.st_size) for path, st in files]
    found = fork_map(scan, files, min_items=PARALLEL_MIN_FILES, weights=weights)
    if memory is not None:
        memory.trim()
    return [d for diags in found for d in diags]


_FILE_COST = 4096  # bytes of text that cost as much as opening one file


def _scanned_as(path: Path) -> str | None:
    """How the scan reads a file: "text", "gzip" (by its decompressed content), or None
    (not at all: only its name is checked)."""
    lower = path.name.lower()
    compressed = lower.endswith(".gz")
    if not (lower[:-3] if compressed else lower).endswith(SCANNED_SUFFIXES):
        return None
    return "gzip" if compressed else "text"


def _scanned_size(path: Path, size: int) -> int:
    """About how much text the scan reads from a file (gzip expands about fourfold)."""
    kind = _scanned_as(path)
    return 0 if kind is None else size * 4 if kind == "gzip" else size


# Below this many files, forking workers for the scan costs more than it saves.
PARALLEL_MIN_FILES = 64


class _Seen:
    """Lines already scanned by this process, and the hits of those that hold secrets.
    Navigation and theme lines repeat on every page: a site of 1,000 guides has 1.4
    million lines but 107,000 distinct ones, so each file's new lines are found with set
    operations and only they are scanned."""

    def __init__(self) -> None:
        self.lines: set[str] = set()
        self.hot: dict[str, list[tuple[int, str]]] = {}


class ScanMemory:
    """The lines scanned by earlier scans of one long-lived process (`mkdocs serve`): a
    rebuild rewrites a few pages whose lines are mostly unchanged (the app catalog, a
    megabyte of HTML at 1,000 connectors, changes by a line per edit). Valid only for the
    same secrets: a redactor with other configured secrets starts afresh. Bounded: after a
    scan that leaves more than ``MAX_LINES`` distinct lines or ``MAX_CHARS`` characters
    (a minified site is a line per page), it is emptied."""

    MAX_LINES = 300_000
    MAX_CHARS = 64 * 1024 * 1024

    def __init__(self) -> None:
        self._seen = _Seen()
        self._secrets: frozenset[tuple[str, str]] = frozenset()

    def lines_for(self, redactor: Redactor) -> _Seen:
        secrets = redactor.configured
        if secrets != self._secrets:
            self._seen, self._secrets = _Seen(), secrets
        return self._seen

    def trim(self) -> None:
        lines = self._seen.lines
        if len(lines) > self.MAX_LINES or sum(map(len, lines)) > self.MAX_CHARS:
            self._seen = _Seen()


def _scan_file(redactor: Redactor, site_dir: Path, since: float | None,
               derived: tuple[str, ...], seen: _Seen,
               file: tuple[Path, os.stat_result]) -> list[Diagnostic]:
    """One file of :func:`scan_site` (its path and stat)."""
    path, st = file
    real = path.relative_to(site_dir).as_posix()
    rel, diags = _scan_name(redactor, real)
    if real in derived or (since is not None and st.st_mtime < since):
        return diags  # unchanged since an earlier, scanned build
    kind = _scanned_as(path)
    if kind is None:
        return diags
    data, problem = _read_scanned(path, kind == "gzip")
    if problem:
        diags.append(error(rel, problem, code="secret-scan"))
        return diags
    lines = data.decode("utf-8", errors="replace").split("\n")
    return diags + _scan_lines(redactor, rel, lines, seen, "in the built site")


def scan_texts(texts: Iterable[tuple[str, str]], redactor: Redactor,
               where: str = "in the generated pages") -> list[Diagnostic]:
    """Secrets in generated files before they are written ((relative path, text) pairs:
    ``connector-docs generate`` and ``export``), reported as :func:`scan_site` reports a
    site's."""
    seen = _Seen()
    diags: list[Diagnostic] = []
    for real, text in texts:
        rel, found = _scan_name(redactor, real)
        diags += found + _scan_lines(redactor, rel, text.split("\n"), seen, where)
    return diags


def _scan_name(redactor: Redactor, real: str) -> tuple[str, list[Diagnostic]]:
    """A file's name redacted, and a diagnostic per secret in it. A file name is part of
    a URL whatever the file holds; the diagnostics show the name redacted, so the report
    does not print the secret it reports."""
    rel = redactor.redact(real)
    return rel, [error(rel, f"{description} in a file name", code="secret-in-site")
                 for _, description in redactor.hits(real)]


def _scan_lines(redactor: Redactor, rel: str, lines: list[str], seen: _Seen,
                where: str) -> list[Diagnostic]:
    """A diagnostic per secret in the lines of file ``rel`` (only lines ``seen`` has not
    matched before are matched)."""
    distinct = set(lines)
    seen.hot.update(_hits_by_line(redactor, list(distinct - seen.lines)))
    seen.lines |= distinct
    if seen.hot.keys().isdisjoint(distinct):
        return []
    diags = []
    for number, line in enumerate(lines, 1):
        for column, description in seen.hot.get(line, ()):
            diags.append(
                error(
                    rel,
                    f"{description} {where}",
                    line=number,
                    column=column + 1,
                    hint="redact smoke messages (smoke_config) and remove the value "
                    "from catalog, overlays and templates; rotate the credential",
                    code="secret-in-site",
                )
            )
    return diags


_CHUNK_LINES = 256


def _hits_by_line(redactor: Redactor, lines: list[str]
                  ) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """(line, :func:`_line_hits`) of each line that holds a secret. What could match is
    first looked for in a chunk of lines at once, joined: the configured secrets, and the
    token shapes' needles, in the text and in it decoded (``forms.joined_layers``:
    each line is decoded once, and no escape spans a line end, so the decoded lines joined
    hold whatever one of them does). Most chunks hold neither; in the others each line is
    screened the same way (``_screen``) and tried only for the shapes whose needles it
    holds."""
    literals = redactor.literals
    for start in range(0, len(lines), _CHUNK_LINES):
        chunk = lines[start:start + _CHUNK_LINES]
        decoded = [joined_layers(line) for line in chunk]
        mask = _screen("\n".join(chunk), literals, decoded="\n".join(filter(None, decoded)))
        if mask is None:
            continue
        for line, view in zip(chunk, decoded, strict=True):
            within = _screen(line, literals, mask, view)
            found = _line_hits(redactor, line, within, view) if within is not None else None
            if found:
                yield line, found


def _screen(text: str, literals: re.Pattern[str] | None, within: int = ALL_SHAPES,
            decoded: str | None = None) -> int | None:
    """The shapes (among ``within``) one of whose needles ``text`` holds, as written or
    decoded (``forms.joined_layers``, or ``decoded`` when given); None when it holds
    none of them and no configured secret either, so nothing in it can match."""
    if decoded is None:
        decoded = joined_layers(text)
    mask = needle_mask(text, within) | (needle_mask(decoded, within) if decoded else 0)
    if mask or (literals is not None
                and (literals.search(text) or (decoded and literals.search(decoded)))):
        return mask
    return None


def _line_hits(redactor: Redactor, line: str, within: int = ALL_SHAPES,
               decoded: str | None = None) -> list[tuple[int, str]]:
    """Secrets on one line, also those only the line decoded shows (``Redactor.hits``):
    the Markdown escaping writes ``_`` as ``&#95;``, so ``sk_live_...`` in a page's source
    reads ``sk&#95;live&#95;...`` while the browser shows it decoded; the search index
    writes ``<`` as ``\\u003c``."""
    if not line.strip():
        return []
    return redactor.hits(line, within, decoded=decoded)


def _read_scanned(path: Path, compressed: bool) -> tuple[bytes, str | None]:
    try:
        if compressed:
            with gzip.open(path, "rb") as stream:
                data = stream.read(MAX_SCANNED_BYTES + 1)
        else:
            data = path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        return b"", f"cannot read for the secret scan: {exc}"
    if len(data) > MAX_SCANNED_BYTES:
        return b"", "larger than 256 MB (decompressed); not scanned for secrets"
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    return data, None
