"""Human wording for data: rate limits, parameter types. Plain strings; escaping happens
when templates print them."""

from __future__ import annotations

from typing import Any

from connector_docs.model import RateLimits, RateRule

_PER = {"second": "second", "minute": "minute", "hour": "hour", "day": "day"}
_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def describe_rule(rule: RateRule) -> str:
    if rule.per in _PER:
        return f"{_number(rule.requests)} requests per {rule.per}"
    count, unit = rule.per[:-1], _UNITS.get(rule.per[-1:], rule.per[-1:])
    if count == "1":
        return f"{_number(rule.requests)} requests per {unit}"
    return f"{_number(rule.requests)} requests per {count} {unit}s"


def describe_rate_limits(limits: RateLimits) -> str:
    parts = [describe_rule(r) for r in limits.rules]
    if limits.burst is not None:
        parts.append(f"bursts of up to {_number(limits.burst)}")
    text = ", ".join(parts)
    if text and limits.scope:
        text += f" (per {limits.scope})"
    return text


def schema_type(node: Any) -> str:
    """A readable type for a JSON-Schema node: 'string (email)', 'array of object'."""
    if not isinstance(node, dict):
        return "any"
    for key in ("oneOf", "anyOf"):
        if isinstance(node.get(key), list):
            return " or ".join(dict.fromkeys(schema_type(n) for n in node[key]))
    kind = node.get("type")
    if isinstance(kind, list):
        kind = " or ".join(str(k) for k in kind)
    if kind == "array":
        items = node.get("items")
        return f"array of {schema_type(items)}" if isinstance(items, dict) else "array"
    if not kind:
        kind = "object" if "properties" in node else ("enum" if "enum" in node else "any")
    if isinstance(node.get("format"), str):
        kind = f"{kind} ({node['format']})"
    return str(kind)
