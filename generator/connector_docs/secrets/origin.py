"""Where a secret the site scan found came from: the inputs that also hold it.

A scan error names the page and the secret (a smoke-config pointer, a token shape); the
user still has to find which input put it there: the catalog (fix the definition, or, if
the value is public, mark its config field ``not_secret``), a smoke file, a writer's
overlay, a template. :func:`trace` searches the local inputs for the secrets the scan
reported, with the same redactor (so in every form it knows), and adds to each error's
hint the files, lines and JSON pointers that hold it. It runs only when the scan failed,
so it may read every input again. Like every diagnostic it names places, never values.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import Diagnostic
from connector_docs.inputs.locate import line_col, pointer_join
from connector_docs.secrets.fields import NO_OVERRIDES, Overrides
from connector_docs.secrets.redact import Redactor

TRACED_SUFFIXES = (".json", ".md", ".j2", ".html", ".htm", ".txt", ".log", ".xml", ".yml",
                   ".yaml", ".csv")
MAX_TRACED_BYTES = 20 * 1024 * 1024  # per file
MAX_TRACED_FILES = 50_000
MAX_PLACES = 3  # shown per secret; the rest are counted
CONFIG_VALUE = "smoke-config value "
PUBLIC_HINT = ("if this value is public (an instance URL, a region), list its pointer "
               "under `not_secret:` in mkdocs.yml (or --not-secret)")


def trace(problems: list[Diagnostic], redactor: Redactor,
          inputs: Sequence[tuple[str, Path]], skip: Sequence[Path] = (),
          listed: Overrides = NO_OVERRIDES) -> list[Diagnostic]:
    """``problems`` (the site scan's) with each hint saying which of ``inputs`` ((what it
    is, file or folder) pairs) hold the secret, and what to do. ``skip``: files not to
    search (the smoke config itself holds every configured secret); ``listed``: the
    user's pointers (a value listed under ``secret`` gets no ``not_secret`` advice)."""
    if not problems:
        return problems
    places = _places(redactor, inputs, {p.resolve() for p in skip})
    out = []
    for problem in problems:
        key = next((k for k in sorted(places, key=len, reverse=True)
                    if problem.message.startswith(k + " ")), _key(problem.message))
        public = key.startswith(CONFIG_VALUE) and listed.match(
            listed.secret, key[len(CONFIG_VALUE):]) is None
        out.append(dataclasses.replace(problem, hint=_hint(key, places.get(key, []),
                                                           redactor, public)))
    return out


def _key(description: str) -> str:
    """What a hit's description names, without how it was written: "smoke-config value
    /a/b (base64)" -> "smoke-config value /a/b"."""
    return description.split(" (", 1)[0]


def _hint(key: str, found: list[str], redactor: Redactor, may_be_public: bool) -> str:
    if found:
        shown = "; ".join(redactor.redact(place) for place in found[:MAX_PLACES])
        more = f" and {len(found) - MAX_PLACES} more" if len(found) > MAX_PLACES else ""
        text = f"the same value is in {shown}{more}: remove it there"
    else:
        text = ("no catalog, smoke, docs or template file holds it as written: look at "
                "the theme, other plugins and mkdocs.yml")
    if may_be_public:
        return f"{text}, or {PUBLIC_HINT}; a real credential must be rotated"
    if key.startswith(CONFIG_VALUE):
        return f"{text}; the value is listed under `secret:`, so it may not be published"
    return f"{text}; a real credential must be rotated"


def _places(redactor: Redactor, inputs: Sequence[tuple[str, Path]], skip: set[Path]
            ) -> dict[str, list[str]]:
    """Each secret's key (``_key``) -> the places that hold it ("catalog file
    x.json:3:14 (at /baseUrl)"), first hit per file."""
    places: dict[str, list[str]] = {}
    for what, path in _files(inputs, skip):
        try:
            if path.stat().st_size > MAX_TRACED_BYTES:
                continue
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        hits = redactor.hits(text)
        first: dict[str, int] = {}
        for offset, description in hits:
            first.setdefault(_key(description), offset)
        if not first:
            continue
        pointers = _json_pointers(text, redactor, set(first)) if path.suffix == ".json" \
            else {}
        for key, offset in first.items():
            line, column = line_col(text, offset)
            at = f" (at {pointers[key]})" if key in pointers else ""
            places.setdefault(key, []).append(f"{what} {path}:{line}:{column}{at}")
    return places


def _files(inputs: Sequence[tuple[str, Path]], skip: set[Path]
           ) -> Iterator[tuple[str, Path]]:
    seen: set[Path] = set()
    for what, root in inputs:
        if root.is_file():
            candidates: Iterator[Path] = iter([root])
        elif root.is_dir():
            candidates = _walk(root)
        else:
            continue
        for path in candidates:
            real = path.resolve()
            if real in seen or real in skip:
                continue
            seen.add(real)
            if len(seen) > MAX_TRACED_FILES:
                return
            yield what, path


def _walk(root: Path) -> Iterator[Path]:
    """Text files below ``root``, hidden folders (``.cache``, ``.git``) left out."""
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(TRACED_SUFFIXES) and not name.startswith("."):
                yield Path(folder, name)


def _json_pointers(text: str, redactor: Redactor, keys: set[str]) -> dict[str, str]:
    """The JSON pointer of the first string (or key) holding each secret of ``keys``."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
        return {}
    found: dict[str, str] = {}
    # Iterative, in document order: a file nested thousands deep is walked, not recursed.
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack and len(found) < len(keys):
        value, at = stack.pop()
        if isinstance(value, dict):
            for name, item in reversed(list(value.items())):
                # A key may be the secret itself: the pointer names it redacted.
                here = pointer_join(at, redactor.redact(str(name)))
                stack.append((item, here))
                stack.append((name, here))
        elif isinstance(value, list):
            stack.extend((item, pointer_join(at, i))
                         for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            for _, description in redactor.hits(value):
                key = _key(description)
                if key in keys:
                    found.setdefault(key, at)
    return found
