"""Smoke-test evidence: the runner's JSON, its console transcript and JUnit XML, read into
``SmokeRun`` values with located diagnostics. Pure functions; nothing here imports MkDocs.

Rules every format shares (see ``parse_run``):

* A run needs a date and a suite. The format's own (JSON ``ranAt``/``suite``, JUnit
  ``timestamp`` and a ``suite`` property) wins; otherwise the file name gives them
  (``2026-11-20-qa.log``, ``2026-11-20T0300Z-nightly.json``, ``engineering-2026-11-20.xml``),
  and for the suite only, the parent folder's name (``smoke/qa/2026-11-20.log``).
* A result with a problem is reported and left out; the rest of the file still counts.
  A file that cannot be read or parsed, or has no date or no suite, gives no run at all.
* The same appId twice in one run is a warning and the *later* result wins, as a re-run
  printed later in the same transcript would.

Modules: ``naming`` (date and suite from a file name), ``common`` (parse state, decoding,
run-level checks), ``runner_json``, ``console`` and ``junit`` (one per format).
"""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterable
from pathlib import Path

from connector_docs.diagnostics import Diagnostic, error, warning
from connector_docs.model import SmokeRun
from connector_docs.smoke import attachments
from connector_docs.smoke.common import STATUSES, Format, Parsed, decode, finish
from connector_docs.smoke.console import parse_console
from connector_docs.smoke.junit import parse_junit
from connector_docs.smoke.naming import (
    basename_and_parent,
    date_from_name,
    parse_timestamp,
    suites_from_name,
)
from connector_docs.smoke.runner_json import JsonSource, escape_pointer, parse_runner_json

__all__ = [
    "MAX_SMOKE_BYTES",
    "SMOKE_SUFFIXES",
    "STATUSES",
    "Format",
    "JsonSource",
    "date_from_name",
    "discover",
    "escape_pointer",
    "load_runs",
    "parse_run",
    "parse_timestamp",
    "suites_from_name",
]

SMOKE_SUFFIXES = (".json", ".log", ".txt", ".xml")
MAX_SMOKE_BYTES = 20 * 1024 * 1024
# All smoke files of one load together: a parsed run holds several times its bytes, so
# many large files would exhaust memory although each is under MAX_SMOKE_BYTES.
MAX_TOTAL_SMOKE_BYTES = 64 * 1024 * 1024

_SUFFIX_FORMATS: dict[str, Format] = {
    ".json": "json",
    ".xml": "junit",
    ".log": "console",
    ".txt": "console",
}
_FORMAT_HINT = "name it *.json (runner JSON), *.log or *.txt (console transcript) or *.xml (JUnit)"


def discover(path: Path) -> tuple[list[Path], list[Diagnostic]]:
    """A file is taken as given; a folder gives its smoke files (recursively, sorted,
    hidden files and folders, README files and runs' attachments folders left out)."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], [
            error(
                str(path),
                "smoke results not found",
                hint="point 'smoke' at a results file or a folder of them, "
                "e.g. catalog/smoke/2026-11-20-qa.json",
                code="smoke-missing",
            )
        ]
    root = path.resolve()
    candidates = sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in SMOKE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and not attachments.is_inside(p.relative_to(path).parts[:-1])
        and not p.name.lower().startswith("readme")
        and p.is_file()
    )
    found: list[Path] = []
    escapes: list[Path] = []
    for p in candidates:
        (found if p.resolve().is_relative_to(root) else escapes).append(p)
    outside = [
        error(str(p), "points outside the smoke folder; not read", code="path-escape",
              hint="copy the file into the smoke folder instead of linking it")
        for p in escapes
    ]
    if outside:
        return found, outside
    if not found:
        return [], [
            warning(
                str(path),
                "no smoke result files in this folder",
                hint=f"expected files ending in {', '.join(SMOKE_SUFFIXES)}",
                code="smoke-empty",
            )
        ]
    return found, []


def load_runs(
    paths: Iterable[Path], known_ids: Collection[str] | None = None
) -> tuple[list[SmokeRun], list[Diagnostic]]:
    """Read and parse every file; runs come back sorted by (ran_at, path)."""
    runs: list[SmokeRun] = []
    diags: list[Diagnostic] = []
    known = frozenset(known_ids) if known_ids is not None else None
    total = 0
    for path in paths:
        name = str(path)
        if total > MAX_TOTAL_SMOKE_BYTES:
            diags.append(_over_budget(name))
            continue
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_SMOKE_BYTES + 1)
        except OSError as exc:
            diags.append(error(name, f"cannot read smoke file: {exc.strerror or exc}"))
            continue
        if len(data) > MAX_SMOKE_BYTES:
            diags.append(
                error(
                    name,
                    f"smoke file is larger than {MAX_SMOKE_BYTES // (1024 * 1024)} MB",
                    hint="split the run into several files or trim the messages",
                    code="smoke-too-large",
                )
            )
            continue
        total += len(data)
        if total > MAX_TOTAL_SMOKE_BYTES:
            diags.append(_over_budget(name))
            continue
        run, found = parse_run(name, data, known)
        diags.extend(found)
        if run is not None:
            runs.append(run)
    runs.sort(key=lambda r: (r.ran_at, r.path))
    return runs, diags


def _over_budget(name: str) -> Diagnostic:
    return error(
        name,
        f"not read: the smoke files before it already hold "
        f"{MAX_TOTAL_SMOKE_BYTES // (1024 * 1024)} MB, the limit for one build",
        hint="keep only the runs the site needs (the newest per suite), or trim messages",
        code="smoke-budget",
    )


def parse_run(
    name: str, data: bytes, known_ids: Collection[str] | None = None
) -> tuple[SmokeRun | None, list[Diagnostic]]:
    """Parse one smoke file. ``name`` (a path or URL) is used in diagnostics and to infer
    the format (by suffix, else by content), the date and the suite."""
    fmt = _format_of(name, data)
    parsed = Parsed()
    if fmt is None:
        parsed.fatal(error(name, "cannot tell the format of this smoke file", hint=_FORMAT_HINT))
    elif fmt == "junit":
        parse_junit(name, data, parsed)
    else:
        text = decode(name, data, parsed)
        if text is not None:
            (parse_runner_json if fmt == "json" else parse_console)(name, text, parsed)
    return finish(name, fmt or "json", parsed, known_ids)


def _format_of(name: str, data: bytes) -> Format | None:
    base = basename_and_parent(name)[0]
    suffix = base[base.rfind(".") :].lower() if "." in base else ""
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    head = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    head = head.lstrip()
    if head.startswith(b"<"):
        return "junit"
    if head.startswith(b"[connector-smoke]") or b"\n===" in head or head.startswith(b"==="):
        return "console"
    if head[:1] in (b"{", b"["):
        return "json"
    return None
