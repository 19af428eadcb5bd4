"""The published connector schema, and the validators compiled from it.

Two validators of one schema (``schema/connector.schema.json``, its local ``$ref``s
inlined): fastjsonschema (``speedups.fastschema``) clears a valid definition at C-like
speed, and a definition it rejects is validated again by jsonschema, which collects every
error with its place (:mod:`connector_docs.inputs.lint` words and locates them). Both check
the same formats, without jsonschema's optional dependencies, and never follow a remote
``$ref``: catalogs are untrusted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from connector_docs.diagnostics import ConnectorDocsError, did_you_mean, error
from connector_docs.speedups import fastschema

if TYPE_CHECKING:  # imported when first needed: only a definition with errors needs them
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Resource

SCHEMA_ID = "https://connector-docs.dev/schema/connector.schema.json"
# Keys whose values are free-form (JSON Schemas, samples, request bodies): not walked.
OPAQUE_KEYS = {"parameters", "outputSchema", "sample", "body", "expectedResponse", "query",
               "fallback", "dedupe", "dedupeKey", "additionalParams", "additionalFields",
               "additionalHeaders", "x-dynamicOptions"}


def _no_remote(uri: str) -> Resource[Any]:
    from referencing.exceptions import NoSuchResource

    # jsonschema would otherwise be able to follow remote $refs; catalogs are untrusted.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


PUBLISHED_SCHEMAS = {
    "connector": "A connector definition (one file per connector, or definition.json).",
    "manifest": "The platform layout's manifest.json (listing and rollout flags).",
    "taxonomy": "A category taxonomy file (the taxonomy option).",
    "catalog": "The public catalog.json the site publishes (connector-docs export).",
    "ownership": "The ownership file: a RACI per launch area, an owner per connector.",
}


def schema_text(name: str) -> str:
    """The JSON Schema ``name`` (a key of :data:`PUBLISHED_SCHEMAS`) as shipped, for
    editors and ``connector-docs schema``; raises ``ConnectorDocsError`` for another."""
    if name not in PUBLISHED_SCHEMAS:
        hint = did_you_mean(name, PUBLISHED_SCHEMAS)
        raise ConnectorDocsError([error("schema", f"no schema named '{name}'; the schemas "
                                        f"are {', '.join(PUBLISHED_SCHEMAS)}", hint=hint)])
    return resources.files("connector_docs.inputs").joinpath(
        f"schema/{name}.schema.json").read_text(encoding="utf-8")


def write_schemas(names: Iterable[str], folder: Path) -> int:
    """Write ``NAME.schema.json`` into ``folder`` for each name (every schema when none);
    how many. Raises ``ConnectorDocsError`` for an unknown name or an unwritable folder."""
    texts = {name: schema_text(name) for name in (tuple(names) or PUBLISHED_SCHEMAS)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (folder / f"{name}.schema.json").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConnectorDocsError([error(str(folder), "cannot write the schemas: "
                                        f"{exc.strerror or exc}")]) from None
    return len(texts)


@cache
def schema() -> dict[str, Any]:
    schema_file = resources.files("connector_docs.inputs").joinpath("schema/connector.schema.json")
    text = schema_file.read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _is_uri(value: object) -> bool:
    """Absolute URI with a scheme (and a host, except mailto:/urn:)."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    parts = urlsplit(value)
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme)) and (
        bool(parts.netloc) or parts.scheme in ("mailto", "urn"))


def _is_uri_template(value: object) -> bool:
    """RFC 6570 shape: balanced, non-nested {expressions}, no spaces or controls."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    return re.fullmatch(r"(?:[^{}]|\{[^{}]+\})*", value) is not None


def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _is_date(value: object) -> bool:
    if isinstance(value, str):
        dt.date.fromisoformat(value)
    return True


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) \
        is not None


# The formats our schemas use; the date checks raise ValueError on a bad value.
_FORMATS: dict[str, Callable[[object], bool]] = {
    "uri": _is_uri, "uri-template": _is_uri_template, "date-time": _is_datetime,
    "date": _is_date, "email": _is_email}
_RAISING = {"date-time", "date"}


@cache
def format_checker() -> FormatChecker:
    """The formats our schemas use, checked without optional dependencies (jsonschema's
    own uri checks need extra packages; one of them costs ~3 s at import)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, check in _FORMATS.items():
        checker.checks(name, raises=ValueError if name in _RAISING else ())(check)
    return checker


def ref_target(ref: str, root: dict[str, Any] | None = None) -> Any:
    """What a local ``$ref`` ("#/$defs/...") points at in ``root`` (the schema)."""
    target: Any = schema() if root is None else root
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return target


def _inline_refs(node: Any, root: dict[str, Any]) -> Any:
    """Our schema with its local $refs replaced by their targets (it has no recursion):
    validation skips the reference lookups, which were ~15% of validating a catalog."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith("#/"):
            target = ref_target(node["$ref"], root)
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return _inline_refs({**target, **rest}, root)
        return {k: _inline_refs(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, root) for v in node]
    return node


@cache
def validator() -> Draft202012Validator:
    """The schema for jsonschema, which reports every error with its place."""
    from jsonschema import Draft202012Validator
    from referencing import Registry

    registry: Registry[Any] = Registry(retrieve=_no_remote)  # type: ignore[call-arg]
    inlined = _inline_refs(schema(), schema())
    inlined.pop("$defs", None)
    return Draft202012Validator(inlined, registry=registry, format_checker=format_checker())


@cache
def _fast_validator(closed: bool = False) -> Any:
    """The same schema compiled by fastjsonschema (``fastschema``). Seven times faster
    than jsonschema on valid files, which most are; a file it rejects is validated again
    by jsonschema to collect every error with its location. ``closed``: also rejects
    unknown keys, so one call clears a valid definition without extensions of both
    checks."""
    return fastschema.compile_validator(_inline_refs(schema(), schema()), _FORMATS,
                                        OPAQUE_KEYS, close=closed)


def prepare() -> None:
    """Compile the validator every definition meets (before forking workers)."""
    _fast_validator(True)  # positional, as schema_valid calls it (one cache entry)


def schema_valid(raw: Any, closed: bool = False) -> bool:
    """Whether ``raw`` passes the schema (``closed``: and has no unknown keys)."""
    import fastjsonschema

    try:
        _fast_validator(closed)(raw)
    except fastjsonschema.JsonSchemaException:
        return False
    return True

