"""The curated categories: every category spelling a catalog uses is mapped onto one of a
small set (about twenty, as app directories such as Zapier's and Airbyte's have), so
near-duplicates ("Storage", "Cloud Storage", "File Storage") share one heading and one
facet value. The built-in mapping ships as data (``taxonomy.json`` beside this module);
a site replaces it with its own file, or extends it (``"extends": "builtin"``), through
the ``taxonomy`` option.

Spellings match by their letters and digits only, ignoring case, punctuation and the
word "and": "E-Commerce", "ecommerce" and "e commerce" are one spelling. A spelling no
category lists keeps its own name (the catalog's words are never lost) and is a warning
naming the nearest category (``normalize``).

File format (JSON, every problem reported with its location)::

    {"extends": "builtin",
     "categories": {"Storage & Files": ["Storage", "Cloud Storage", "Backups"]}}
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, did_you_mean, error
from connector_docs.inputs.jsonfile import parse_json, read_option_file
from connector_docs.inputs.locate import Locator, pointer_join
from connector_docs.model import Connector

BUILTIN = Path(__file__).resolve().with_name("taxonomy.json")
BUILTIN_NAME = "builtin"
MAX_NAME = 100  # the connector schema's maxLength for a category
MAX_BYTES = 1024 * 1024
_KEYS = ("$schema", "extends", "categories")
_EXAMPLE = '{"categories": {"Storage & Files": ["Storage", "Cloud Storage"]}}'


def spelling_key(text: str) -> str:
    """What two spellings of one category share: letters and digits, case folded, without
    the word "and" ("Data and Analytics" is "Data & Analytics")."""
    words = re.findall(r"[^\W_]+", text.casefold())
    return "".join(w for w in words if w != "and") or "".join(words)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[str, ...]  # the curated categories, in the file's order
    spellings: tuple[tuple[str, str], ...]  # (spelling key, category), names included
    source: str = BUILTIN_NAME  # the file it came from, for hints
    _lookup: Mapping[str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", dict(self.spellings))

    @property
    def digest(self) -> str:
        """Identifies the mapping (and the file warnings name): part of every cache key
        of a loaded connector."""
        text = repr((self.categories, self.spellings, self.source))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def category(self, spelling: str) -> str | None:
        """The curated category of ``spelling``, or None when no category lists it."""
        return self._lookup.get(spelling_key(spelling))

    def nearest(self, spelling: str) -> str:
        """The category whose name or listed spelling looks most like ``spelling``."""
        key = spelling_key(spelling)
        best = max(self.spellings, key=lambda item: difflib.SequenceMatcher(
            None, key, item[0]).ratio())
        return best[1]


def _build(categories: Iterable[tuple[str, list[str]]], source: str) -> Taxonomy:
    names: list[str] = []
    pairs: dict[str, str] = {}
    for name, spellings in categories:
        names.append(name)
        for text in (name, *spellings):
            pairs.setdefault(spelling_key(text), name)
    return Taxonomy(tuple(names), tuple(pairs.items()), source)


def _extend(base: Taxonomy, own: list[tuple[str, list[str]]], source: str) -> Taxonomy:
    """The built-in mapping with the file's categories on top: a spelling the file lists
    moves to the file's category; a built-in category whose name the file lists under
    another category is folded into that one, spellings and all."""
    claimed = {spelling_key(t): name for name, spellings in own for t in (name, *spellings)}
    folded = {c: claimed[spelling_key(c)] for c in base.categories
              if spelling_key(c) in claimed and claimed[spelling_key(c)] != c}
    own_keys = {spelling_key(name) for name, _ in own}
    listed: dict[str, list[str]] = {}
    for key, category in base.spellings:
        if key not in claimed:
            listed.setdefault(folded.get(category, category), []).append(key)
    categories = [(c, listed.get(c, [])) for c in base.categories
                  if c not in folded and spelling_key(c) not in own_keys]
    categories += [(name, [*spellings, *listed.get(name, [])]) for name, spellings in own]
    return _build(categories, source)


@cache
def builtin() -> Taxonomy:
    """The mapping shipped with the package (checked like a user's file, by the tests)."""
    found, problems = parse(BUILTIN.read_bytes(), str(BUILTIN))
    if found is None:
        raise ConnectorDocsError(problems)
    return replace(found, source=BUILTIN_NAME)


def load(path: Path, shown: str | None = None) -> Taxonomy:
    """A user's taxonomy file; raises ``ConnectorDocsError`` with every problem, located."""
    where = shown or str(path)
    data = read_option_file(path, where, "taxonomy", "set the `taxonomy` option to a JSON "
                            "file of categories, e.g. " + _EXAMPLE, MAX_BYTES)
    found, problems = parse(data, where)
    if found is None:
        raise ConnectorDocsError(problems)
    return found


def parse(data: bytes, path: str) -> tuple[Taxonomy | None, list[Diagnostic]]:
    raw, locator, problems = parse_json(path, data, max_bytes=MAX_BYTES)
    if raw is None:
        return None, problems
    problems = _check(raw, path, locator)
    if problems:
        return None, problems
    own = [(name.strip(), [s.strip() for s in spellings])
           for name, spellings in raw["categories"].items()]
    if raw.get("extends") == BUILTIN_NAME:
        return _extend(builtin(), own, path), []
    return _build(own, path), []


def _check(raw: Any, path: str, locator: Locator | None) -> list[Diagnostic]:
    def problem(pointer: str, message: str, hint: str, key: bool = False) -> None:
        line, col = locator.locate(pointer, key=key) if locator else (0, 0)
        found.append(error(path, message, line=line, column=col, pointer=pointer,
                           hint=hint, code="taxonomy"))

    found: list[Diagnostic] = []
    if not isinstance(raw, dict):
        problem("", "a taxonomy file holds one JSON object", "write " + _EXAMPLE)
        return found
    for key in raw:
        if key not in _KEYS:
            hint = did_you_mean(key, _KEYS) or f"the keys are {', '.join(_KEYS)}"
            problem(pointer_join("", key), f"unknown key '{key}'", hint, key=True)
    if "extends" in raw and raw["extends"] != BUILTIN_NAME:
        problem("/extends", f"extends must be \"{BUILTIN_NAME}\", not "
                f"{_shown(raw['extends'])}", f'write "extends": "{BUILTIN_NAME}" to add to '
                "the built-in categories, or leave it out to replace them")
    categories = raw.get("categories")
    if not isinstance(categories, dict) or not (categories or "extends" in raw):
        where = "/categories" if "categories" in raw else ""
        problem(where, "'categories' must be an object of category names, each with the "
                "list of spellings it takes in", "write " + _EXAMPLE)
        return found
    seen: dict[str, tuple[str, str, str]] = {}  # spelling key -> (category, pointer, text)
    for name, spellings in categories.items():
        at = pointer_join("/categories", name)
        texts: list[tuple[str, str, bool]] = [(name, at, True)]
        if not isinstance(spellings, list):
            problem(at, f"category '{_clip(name)}' takes a list of spellings, not "
                    f"{_kind(spellings)}", f'write "{_clip(name)}": ["a spelling", ...]')
        else:
            texts += [(s, pointer_join(at, i), False) for i, s in enumerate(spellings)]
        for text, pointer, is_name in texts:
            what = "a category name" if is_name else "a spelling"
            if not isinstance(text, str):
                problem(pointer, f"{what} must be a string, not {_kind(text)}",
                        "write it in double quotes")
                continue
            if not text.strip() or not spelling_key(text):
                problem(pointer, f"{what} needs a letter or a digit: {_shown(text)}",
                        "remove it or write the category's name", key=is_name)
                continue
            if len(text) > MAX_NAME or "\n" in text:
                problem(pointer, f"{what} must be one line of at most {MAX_NAME} "
                        "characters", "shorten it", key=is_name)
                continue
            key = spelling_key(text)
            if key in seen:
                other, where, first = seen[key]
                same = "" if first == text else f" as {_shown(first)}"
                problem(pointer, f"{_shown(text)} is listed already{same}, under "
                        f"'{_clip(other)}' ({where}); spellings match ignoring case, "
                        "punctuation and \"and\"", "keep one of the two", key=is_name)
                continue
            seen[key] = (name, pointer, text)
    return found


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(value: Any) -> str:
    return repr(_clip(value)) if isinstance(value, str) else _kind(value)


def _kind(value: Any) -> str:
    return {list: "an array", dict: "an object", str: "a string", int: "a number",
            float: "a number", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__)


def merge_spellings(connectors: list[Connector]) -> list[Connector]:
    """Categories no taxonomy entry took in keep their own name; two connectors that
    spell one such name differently ("Widgetry", "widgetry") are listed under the
    spelling most of them use (the first connector's on a tie)."""
    groups: dict[str, Counter[str]] = {}
    for conn in connectors:
        groups.setdefault(spelling_key(conn.category), Counter())[conn.category] += 1
    main = {key: spellings.most_common(1)[0][0] for key, spellings in groups.items()
            if len(spellings) > 1}
    if not main:
        return connectors
    return [replace(conn, category=main[key])
            if (key := spelling_key(conn.category)) in main and conn.category != main[key]
            else conn for conn in connectors]
