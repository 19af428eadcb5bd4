"""The fast path of schema validation: our JSON Schema rewritten for fastjsonschema, which
only answers pass or fail (``lint`` words and locates the errors with jsonschema when a
definition fails). Three rewrites keep the answer the same while making it cheap: $refs
inlined and draft-07 declared (our schema uses no 2020-12-only keyword once inlined),
typed ``oneOf`` options merged (:func:`merge_typed_one_of`), and, for the one-call check
of a definition without extensions, the schema closed against unknown keys
(:func:`closed`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any


def _format(check: Callable[[object], bool]) -> Callable[[object], bool]:
    def ok(value: object) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False
    return ok


# Keywords that only constrain instances of one type (others pass them by definition).
_TYPED_KEYWORDS = {
    "string": {"minLength", "maxLength", "pattern", "format"},
    "object": {"properties", "required", "additionalProperties", "maxProperties",
               "propertyNames"},
}


def merge_typed_one_of(node: Any) -> Any:
    """``oneOf: [{type: string, ...}, {type: object, ...}]`` (a scope or error code given
    as text or as an object) written as one ``type: [string, object]`` schema, the same
    constraint: each option's keywords apply to its type only. fastjsonschema checks a
    oneOf by raising and formatting an exception for every option that fails, a third of
    validating a definition; the merged form costs nothing extra."""
    if isinstance(node, list):
        return [merge_typed_one_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: merge_typed_one_of(value) for key, value in node.items()}
    options = out.get("oneOf")
    if not isinstance(options, list) or set(out) & {"type", "anyOf", "allOf"}:
        return out
    types = [str(option.get("type")) if isinstance(option, dict) else "" for option in options]
    if len(set(types)) != len(types) or not all(t in _TYPED_KEYWORDS for t in types):
        return out
    merged: dict[str, Any] = {"type": types}
    for option, kind in zip(options, types, strict=True):
        extra = set(option) - {"type"}
        if not extra <= _TYPED_KEYWORDS[kind] or extra & (set(merged) | set(out)):
            return out  # a keyword beside the oneOf, or in two options: not mergeable
        merged.update({key: option[key] for key in extra})
    del out["oneOf"]
    return {**out, **merged}


def closed(node: Any, opaque: Collection[str], close_self: bool = True) -> Any:
    """The (inlined) schema with ``additionalProperties: false`` wherever
    ``lint``'s unknown-key walk would warn about a key: a definition it accepts has no unknown
    keys. allOf members stay open themselves (the node lists their property names), and
    free-form values (``opaque`` keys) are left as they are. A definition it rejects goes the
    slow way: the open schema, then the walk."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    own = node.get("properties")
    if "allOf" in node:
        out["allOf"] = [closed(member, opaque, close_self=False) for member in node["allOf"]]
        merged: dict[str, Any] = {name: {} for member in node["allOf"]
                  for name in (member.get("properties") or {})}
        own = {**merged, **(own or {})}
    if isinstance(own, dict):
        out["properties"] = {name: sub if name in opaque else closed(sub, opaque)
                             for name, sub in own.items()}
        if close_self and "additionalProperties" not in node:
            out["additionalProperties"] = False  # free-form keys are never unknown
            out["properties"].update({name: {} for name in opaque if name not in own})
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = closed(node["additionalProperties"], opaque)
    if isinstance(node.get("items"), dict):
        out["items"] = closed(node["items"], opaque)
    if "oneOf" in node:
        out["oneOf"] = [closed(option, opaque) for option in node["oneOf"]]
    return out


def compile_validator(inlined: dict[str, Any], formats: Mapping[str, Callable[[object], bool]],
                      opaque: Collection[str], close: bool) -> Callable[[Any], Any]:
    """fastjsonschema's validator for ``inlined`` (a schema whose $refs are inlined);
    ``close``: also rejecting unknown keys. Raises ``JsonSchemaException`` on failure."""
    import fastjsonschema

    definition = merge_typed_one_of(inlined)
    for key in ("$defs", "$id"):
        definition.pop(key, None)
    definition["$schema"] = "http://json-schema.org/draft-07/schema#"
    if close:
        definition = closed(definition, opaque)
    # Only pass/fail is used: no error details to format (halves compiling), and never
    # filling in defaults (the document must stay as read).
    return fastjsonschema.compile(definition, formats={k: _format(v) for k, v in formats.items()},
                                  use_default=False, detailed_exceptions=False)
