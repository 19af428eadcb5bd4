"""Who does what for a launch: an optional JSON file (the ``ownership`` option) with a
RACI per launch area (Responsible, Accountable, Consulted, Informed) and an owner per
connector. Internal sites show it (an ownership page, and the owner on each readiness
row); public sites never read it. ``validate`` checks it as it checks the catalog: every
problem with its line, column and JSON pointer; an id the catalog does not have is a
warning naming the nearest id. The schema: ``connector-docs schema ownership``.

File format::

    {"areas": {"Documentation": {"responsible": "Docs team", "accountable": "Dana Ruiz",
                                  "consulted": ["Support"], "informed": "Sales"}},
     "connectors": {"slack": {"owner": "Sam Lee", "team": "Messaging"}}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, did_you_mean, error, warning
from connector_docs.inputs.jsonfile import parse_json, read_option_file
from connector_docs.inputs.lint import schema_errors
from connector_docs.inputs.locate import Locator, pointer_join

MAX_BYTES = 4 * 1024 * 1024
ABOUT = "the ownership file's format (connector-docs schema ownership)"
_EXAMPLE = ('{"areas": {"Documentation": {"responsible": "Docs team", "accountable": '
            '"Dana Ruiz"}}, "connectors": {"slack": {"owner": "Sam Lee"}}}')
_KEYS = {"": ("$schema", "areas", "connectors"),
         "area": ("responsible", "accountable", "consulted", "informed"),
         "connector": ("owner", "team")}


@dataclass(frozen=True)
class Area:
    name: str
    responsible: tuple[str, ...]
    accountable: str
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Owner:
    owner: str
    team: str | None = None


@dataclass(frozen=True)
class Ownership:
    areas: tuple[Area, ...]
    owners: tuple[tuple[str, Owner], ...]  # (connector id, owner), in the file's order
    source: str

    def owner_of(self, connector_id: str) -> Owner | None:
        return dict(self.owners).get(connector_id)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    text = resources.files("connector_docs.inputs").joinpath(
        "schema/ownership.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def load(path: Path, shown: str, known: Iterable[str]) -> tuple[Ownership, list[Diagnostic]]:
    """The ownership file at ``path`` (``shown`` as the user gave it) and its warnings (ids
    the catalog does not have); raises ``ConnectorDocsError`` with every error, located."""
    data = read_option_file(path, shown, "ownership", "set the `ownership` option to a "
                            "JSON file, e.g. " + _EXAMPLE, MAX_BYTES)
    found, problems = parse(data, shown, known)
    if found is None:
        raise ConnectorDocsError(problems)
    return found, problems


def parse(data: bytes, path: str, known: Iterable[str]
          ) -> tuple[Ownership | None, list[Diagnostic]]:
    raw, locator, problems = parse_json(path, data, max_bytes=MAX_BYTES)
    if raw is None:
        return None, problems
    problems = _unknown_keys(raw, path, locator) + schema_errors(
        raw, path, locator, _validator(), code="ownership", about=ABOUT,
        skip=("additionalProperties",))
    if problems:
        return None, problems
    areas = tuple(Area(name.strip(), _parties(a["responsible"]), a["accountable"].strip(),
                       _parties(a.get("consulted", ())), _parties(a.get("informed", ())))
                  for name, a in raw.get("areas", {}).items())
    owners = tuple((cid, Owner(o["owner"].strip(), (o.get("team") or "").strip() or None))
                   for cid, o in raw.get("connectors", {}).items())
    ids = set(known)
    warnings = []
    for cid, _ in owners:
        if cid not in ids:
            pointer = pointer_join("/connectors", cid)
            line, col = locator.locate(pointer, key=True) if locator else (0, 0)
            warnings.append(warning(
                path, f"owner given for '{cid}', which the catalog does not have",
                hint=did_you_mean(cid, ids) or "remove the entry, or check the catalog",
                line=line, column=col, pointer=pointer, code="ownership"))
    return Ownership(areas, owners, path), warnings


def _parties(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(item.strip() for item in items))


def _unknown_keys(raw: Any, path: str, locator: Locator | None) -> list[Diagnostic]:
    """Unknown keys, located on the key itself with the nearest known one."""
    found: list[Diagnostic] = []

    def check(node: Any, at: str, kind: str) -> None:
        if not isinstance(node, dict):
            return
        for key in node:
            if key not in _KEYS[kind]:
                pointer = pointer_join(at, key)
                line, col = locator.locate(pointer, key=True) if locator else (0, 0)
                found.append(error(
                    path, f"unknown key '{key}'", line=line, column=col, pointer=pointer,
                    hint=did_you_mean(key, _KEYS[kind]) or
                    f"the keys here are {', '.join(_KEYS[kind])}", code="ownership"))

    check(raw, "", "")
    if isinstance(raw, dict):
        for section, kind in (("areas", "area"), ("connectors", "connector")):
            entries = raw.get(section)
            if isinstance(entries, dict):
                for name, entry in entries.items():
                    check(entry, pointer_join("/" + section, name), kind)
    return found
