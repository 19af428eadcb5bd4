"""Lint of connector definitions: schema errors worded and located, unknown keys, the
manifest and the rules no schema can state (category spellings are the taxonomy's).

The published JSON Schema (:mod:`connector_docs.inputs.validators`) is the single source of
truth for known keys: unknown keys are warnings (with a did-you-mean) found by walking the
document beside the schema, so an editor validating with the schema stays quiet about
extensions while ``validate`` still catches typos.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from connector_docs.diagnostics import Diagnostic, did_you_mean, error, warning
from connector_docs.inputs.locate import Locator, pointer_join
from connector_docs.inputs.validators import (
    OPAQUE_KEYS,
    ref_target,
    schema,
    schema_valid,
    validator,
)
from connector_docs.model import Connector

if TYPE_CHECKING:  # imported when first needed: only a definition with errors needs it
    from jsonschema.exceptions import ValidationError

_MANIFEST_KEYS = {"$schema", "id", "description", "pricingTier", "status", "concurrency"}
_FLAG_KEYS = {"beta", "privatePreview", "deprecated", "hidden", "featured"}
MAX_OPERATIONS = 5000  # the schema's maxItems for actions and triggers


def _where(locator: Locator | None, pointer: str, key: bool = False) -> dict[str, Any]:
    line, col = locator.locate(pointer, key=key) if locator else (0, 0)
    return {"line": line, "column": col, "pointer": pointer}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: ValidationError, about: str = "the connector format in README.md"
             ) -> tuple[str, str | None]:
    """A readable message (never the whole offending object) and a hint; ``about`` names
    where the format is described."""
    if err.context:
        from jsonschema.exceptions import best_match

        err = best_match(err.context)
    v, inst = err.validator, err.instance
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        return f"missing required key '{missing[0] if missing else err.validator_value}'", \
            f"add it; see {about}"
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        got = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}.get(type(inst), type(inst).__name__)
        return f"expected {want}, got {got} {_short(inst)}", None
    if v == "enum":
        choices = ", ".join(json.dumps(c) for c in err.validator_value)
        hint = did_you_mean(str(inst), [str(c) for c in err.validator_value])
        return f"{_short(inst)} is not one of {choices}", hint
    if v == "pattern":
        hint = ("ids are lowercase letters, digits, '-' and '_', starting with a letter or "
                "digit, at most 64 characters") if list(err.absolute_path) == ["id"] else None
        return f"{_short(inst)} does not match the pattern {err.validator_value}", hint
    if v == "format":
        return f"{_short(inst)} is not a valid {err.validator_value}", None
    if v in ("maxLength", "maxItems", "maxProperties"):
        return f"too long: the limit is {err.validator_value}", None
    msg = err.message
    return (msg if len(msg) <= 200 else msg[:197] + "..."), None


def check_schema(raw: Any, path: str, locator: Locator | None) -> list[Diagnostic]:
    if isinstance(raw, dict):
        # Refuse oversized lists before the validator walks every item of them.
        for key in ("actions", "triggers"):
            items = raw.get(key)
            if isinstance(items, list) and len(items) > MAX_OPERATIONS:
                return [error(path, f"{len(items):,} {key}, over the limit of "
                              f"{MAX_OPERATIONS}", code="schema",
                              hint="split the connector", **_where(locator, "/" + key))]
    if schema_valid(raw, closed=True):
        return []
    # Only unknown keys (valid against the open schema): jsonschema is not even imported.
    diags = [] if schema_valid(raw) else schema_errors(raw, path, locator)
    budget = [MAX_UNKNOWN_KEYS]
    unknown = _unknown_keys(raw, schema(), "", path, locator, budget)
    if budget[0] < 0:
        unknown.append(warning(path, f"... and {-budget[0]:,} more unknown keys in this file",
                               hint="is this a connector definition of this catalog's format?",
                               code="unknown-key"))
    return diags + unknown


def schema_errors(raw: Any, path: str, locator: Locator | None, check: Any = None,
                  code: str = "schema", about: str = "the connector format in README.md",
                  skip: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Every violation of the (open) connector schema, or of the schema of ``check`` (a
    jsonschema validator), located, most relevant first; ``about`` names where the
    format is described; errors of the keywords in ``skip`` are left to the caller."""
    from jsonschema.exceptions import relevance

    diags = []
    seen: set[tuple[str, str]] = set()
    for err in sorted((check or validator()).iter_errors(raw), key=relevance):
        if err.validator in skip:
            continue
        pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1")
                          for p in err.absolute_path)
        message, hint = _message(err, about)
        if (pointer, message) in seen:  # allOf members can repeat a check
            continue
        seen.add((pointer, message))
        diags.append(error(path, message, hint=hint, code=code,
                           **_where(locator, pointer)))
    return diags


_RESOLVED: dict[int, dict[str, Any]] = {}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local $refs and merge allOf members' properties (our schema only)."""
    cached = _RESOLVED.get(id(node))
    if cached is None:
        cached = _RESOLVED[id(node)] = _resolve_uncached(node)
    return cached


def _resolve_uncached(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = ref_target(node["$ref"])
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "allOf" in node:
        props: dict[str, Any] = {}
        for member in node["allOf"]:
            props.update(_resolve(member).get("properties", {}))
        props.update(node.get("properties", {}))
        node = {**node, "properties": props}
    return node


# Unknown keys reported one by one per file (each costs a location and a did-you-mean);
# past this they are only counted, in one summary warning.
MAX_UNKNOWN_KEYS = 50


def _unknown_keys(value: Any, node: dict[str, Any], pointer: str, path: str,
                  locator: Locator | None, budget: list[int] | None = None) -> list[Diagnostic]:
    """Unknown keys below ``value``; ``budget`` (a one-item list, shared down the walk)
    is how many more to report, and goes negative by the number left out."""
    if budget is None:
        budget = [MAX_UNKNOWN_KEYS]
    node = _resolve(node)
    diags: list[Diagnostic] = []
    if "oneOf" in node:
        for option in node["oneOf"]:
            option = _resolve(option)
            if option.get("type") == "object" and isinstance(value, dict):
                node = option
    if isinstance(value, dict):
        props = node.get("properties")
        extra = node.get("additionalProperties")
        for key, item in value.items():
            child = pointer_join(pointer, key)
            if key in OPAQUE_KEYS:
                continue
            if props is not None and key in props:
                diags += _unknown_keys(item, props[key], child, path, locator, budget)
            elif isinstance(extra, dict):
                diags += _unknown_keys(item, extra, child, path, locator, budget)
            elif props is not None and extra is None:
                budget[0] -= 1
                if budget[0] < 0:  # counted only: below zero is how many were left out
                    continue
                hint = did_you_mean(key, props) or "remove it, or ignore this warning if a " \
                    "tool of yours reads it"
                diags.append(warning(path, f"unknown key '{key}'", hint=hint,
                                     code="unknown-key", **_where(locator, child, key=True)))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            diags += _unknown_keys(item, node["items"], f"{pointer}/{index}", path, locator,
                                   budget)
    return diags


def check_manifest(raw: Any, path: str, locator: Locator | None,
                   conn_id: str | None) -> list[Diagnostic]:
    if not isinstance(raw, dict):
        return [error(path, "manifest top level must be an object", line=1, column=1,
                      pointer="")]
    diags = []
    unknown = [key for key in raw if key not in _MANIFEST_KEYS]
    for key in unknown[:MAX_UNKNOWN_KEYS]:
        diags.append(warning(path, f"unknown manifest key '{key}'",
                             hint=did_you_mean(key, _MANIFEST_KEYS), code="unknown-key",
                             **_where(locator, pointer_join("", key), key=True)))
    if len(unknown) > MAX_UNKNOWN_KEYS:
        diags.append(warning(path, f"... and {len(unknown) - MAX_UNKNOWN_KEYS:,} more unknown "
                             "manifest keys", hint="is this a manifest of this catalog's "
                             "format?", code="unknown-key"))
    if conn_id and isinstance(raw.get("id"), str) and raw["id"] != conn_id:
        diags.append(error(path, f"manifest id '{raw['id']}' does not match definition id "
                           f"'{conn_id}'", code="id-mismatch", **_where(locator, "/id")))
    status = raw.get("status", {})
    flags_left = MAX_UNKNOWN_KEYS
    if not isinstance(status, dict):
        diags.append(error(path, "status must be an object of rollout flags",
                           **_where(locator, "/status")))
    else:
        for key, flag in status.items():
            if key not in _FLAG_KEYS:
                flags_left -= 1
                if flags_left >= 0:
                    diags.append(warning(path, f"unknown rollout flag '{key}'",
                                         hint=did_you_mean(key, _FLAG_KEYS),
                                         code="unknown-key", **_where(
                                             locator, pointer_join("/status", key),
                                             key=True)))
            elif not isinstance(flag, bool):
                diags.append(error(path, f"rollout flag '{key}' must be true or false",
                                   **_where(locator, f"/status/{key}")))
    if flags_left < 0:
        diags.append(warning(path, f"... and {-flags_left:,} more unknown rollout flags",
                             code="unknown-key", **_where(locator, "/status")))
    if "pricingTier" in raw and not isinstance(raw["pricingTier"], str):
        diags.append(error(path, "pricingTier must be a string",
                           **_where(locator, "/pricingTier")))
    return diags


def check_semantics(conn: Connector, raw: dict[str, Any], path: str,
                    locator: Locator | None) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    declared = {s.name for s in conn.auth.scopes}
    if conn.auth.type == "oauth2" and not declared:
        diags.append(warning(path, "OAuth2 connector declares no scopes; the setup guide "
                             "cannot list the permissions to grant", code="no-scopes",
                             hint='add "scopes": ["read", ...] to "authentication"',
                             **_where(locator, "/authentication")))
    hints: dict[str, str] = {}  # one did-you-mean search per undeclared scope
    for op in conn.operations:
        reported: set[str] = set()  # a scope repeated in one list is reported once
        for index, scope in enumerate(op.required_scopes):
            if scope not in declared and scope not in reported:
                reported.add(scope)
                if scope not in hints:
                    hints[scope] = did_you_mean(scope, declared) or \
                        "declare it in authentication.scopes"
                hint = hints[scope]
                diags.append(error(path, f"{op.kind} '{op.id}' requires scope '{scope}', which "
                                   "the connector does not declare", hint=hint,
                                   code="undeclared-scope",
                                   **_where(locator, f"{op.pointer}/requiredScopes/{index}")))
    for kind, ops in (("action", conn.actions), ("trigger", conn.triggers)):
        seen: set[str] = set()
        for op in ops:
            if op.id in seen:
                diags.append(warning(path, f"duplicate {kind} id '{op.id}': this later "
                                     "definition is left out of the docs",
                                     hint="ids within a connector must be unique; rename or "
                                     "remove one", code="duplicate-id",
                                     **_where(locator, op.pointer + "/id")))
            seen.add(op.id)
    return diags

