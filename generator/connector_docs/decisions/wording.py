"""Human wording for data: counts, auth types, pricing tiers, rate limits, parameter
types. Plain strings; escaping happens when templates print them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connector_docs.model import RateLimits, RateRule

# The plural helpers live in core ``text`` so that every stage (diagnostics, smoke
# readers, shells) uses the same one; templates get them as filters from here.
from connector_docs.text import counted, number, plural

__all__ = ["AUTH_LABELS", "TIER_ORDER", "auth_label", "counted", "describe_rate_limits",
           "describe_rule", "plural", "schema_type", "sorted_tiers", "tier_key",
           "tier_label"]

_PER = {"second": "second", "minute": "minute", "hour": "hour", "day": "day"}
_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


# One reader's name per auth type (normalised: ``basic_auth`` is already ``basic``), used
# by guides, catalog cards and facets, indexes and catalog.json's ``authLabel``.
AUTH_LABELS = {
    "oauth2": "OAuth 2.0", "api_key": "API key", "basic": "Basic auth",
    "bearer_token": "Bearer token", "personal_access_token": "Personal access token",
    "aws_credentials": "AWS credentials", "vault_token": "Vault token",
    "kubeconfig": "kubeconfig file", "service_account": "Service account",
    "none": "No authentication", "custom": "Custom credentials",
}
# Pricing tiers, cheapest first; a tier not listed sorts after these, alphabetically.
TIER_ORDER = ("free", "starter", "basic", "team", "pro", "professional", "premium",
              "business", "enterprise")


def auth_label(auth_type: str) -> str:
    """The one human name of an auth type ("OAuth 2.0", "API key"); an unknown type is
    shown as written."""
    return AUTH_LABELS.get(auth_type, auth_type)


def tier_key(tier: str) -> tuple[int, str, str]:
    """Sort key of a pricing tier: known tiers cheapest first, then the others A-Z."""
    folded = tier.strip().casefold()
    rank = TIER_ORDER.index(folded) if folded in TIER_ORDER else len(TIER_ORDER)
    return (rank, folded, tier)


def sorted_tiers(tiers: Iterable[str]) -> list[str]:
    return sorted(set(tiers), key=tier_key)


def tier_label(tier: str) -> str:
    """A tier as shown to readers: "starter" -> "Starter"."""
    return tier[:1].upper() + tier[1:]


def describe_rule(rule: RateRule) -> str:
    requests = counted(rule.requests, "request")
    if rule.per in _PER:
        return f"{requests} per {rule.per}"
    count, unit = rule.per[:-1], _UNITS.get(rule.per[-1:], rule.per[-1:])
    if count == "1":
        return f"{requests} per {unit}"
    return f"{requests} per {count} {unit}s"


def describe_rate_limits(limits: RateLimits) -> str:
    parts = [describe_rule(r) for r in limits.rules]
    if limits.burst is not None:
        parts.append(f"bursts of up to {number(limits.burst)}")
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
