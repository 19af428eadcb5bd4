"""The shape of a real connector catalog, as distributions to sample synthetic ones from.

:func:`measure` reads a platform-layout catalog (``<id>/definition.json`` +
``manifest.json``) and keeps only statistics: counts, lengths, frequencies and the
labels of small closed sets (auth types, categories, rate-limit fields). No name,
description, URL or schema of a real connector is kept. :data:`FALLBACK` is what
``measure`` returned for ``../shared/real-catalog/connectors`` (149 connectors), so
synthetic catalogs come out the same on machines without it; ``python -m bench.shape``
prints the measured profile to refresh it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Histogram = list[list[Any]]  # [[value, weight], ...], sorted by value for determinism


def _hist(counter: Counter[Any]) -> Histogram:
    return [[k, v] for k, v in sorted(counter.items(), key=lambda kv: json.dumps(kv[0]))]


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _nesting(schema: Any, depth: int = 0) -> tuple[int, int]:
    """(property count including nested ones, deepest nesting level) of a JSON Schema."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return 0, depth
    count, deepest = 0, depth
    for node in schema["properties"].values():
        count += 1
        if not isinstance(node, dict):
            continue
        for child in (node, node.get("items") if node.get("type") == "array" else None):
            if isinstance(child, dict) and isinstance(child.get("properties"), dict):
                n, d = _nesting(child, depth + 1)
                count, deepest = count + n, max(deepest, d)
    return count, deepest


def _walk_properties(schema: Any, props: list[dict[str, Any]], arrays: Counter[str]) -> None:
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return
    for node in schema["properties"].values():
        if not isinstance(node, dict):
            continue
        props.append(node)
        if isinstance(node.get("properties"), dict):
            arrays["object"] += 1
            _walk_properties(node, props, arrays)
        items = node.get("items")
        if node.get("type") == "array" and isinstance(items, dict) and "properties" in items:
            arrays["array"] += 1
            _walk_properties(items, props, arrays)


def _scopes(auth: dict[str, Any]) -> list[Any]:
    config = auth.get("config") if isinstance(auth.get("config"), dict) else {}
    scopes = auth.get("scopes") or config.get("scopes") or []
    return scopes if isinstance(scopes, list) else []


def measure(root: Path) -> dict[str, Any]:
    c: dict[str, Counter[Any]] = {
        name: Counter()
        for name in (
            "actions",
            "triggers",
            "oauth_scopes",
            "description_length",
            "op_description_length",
            "auth_types",
            "auth_fields",
            "categories",
            "rate_limits",
            "params",
            "property_types",
            "output_properties",
            "trigger_types",
            "error_codes",
            "availability",
            "pricing_tiers",
            "nesting_kind",
            "required",
        )
    }
    rate_values: dict[str, Counter[Any]] = {}
    n = ops = triggers = top_props = 0
    flags: Counter[str] = Counter()
    op_has: Counter[str] = Counter()
    feature: Counter[str] = Counter()
    props_total = 0
    bytes_total = 0
    for definition in sorted(root.glob("*/definition.json")):
        bytes_total += definition.stat().st_size
        d = json.loads(definition.read_text(encoding="utf-8"))
        manifest_path = definition.with_name("manifest.json")
        manifest = (
            json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
        )
        n += 1
        auth = d.get("authentication") or {}
        acts, trigs = d.get("actions") or [], d.get("triggers") or []
        c["actions"][len(acts)] += 1
        c["triggers"][len(trigs)] += 1
        c["auth_types"][auth.get("type")] += 1
        if auth.get("type") == "oauth2":
            c["oauth_scopes"][len(_scopes(auth))] += 1
        else:
            c["auth_fields"][len(auth.get("fields") or [])] += 1
        c["description_length"][len(d.get("description") or "") // 10 * 10] += 1
        c["categories"][d.get("category")] += 1
        limits = d.get("rateLimits") or {}
        c["rate_limits"][",".join(sorted(limits))] += 1
        for key, value in limits.items():
            rate_values.setdefault(key, Counter())[value] += 1
        c["error_codes"][len(d.get("errorCodes") or {})] += 1
        c["availability"][d.get("availability") or ""] += 1
        c["pricing_tiers"][manifest.get("pricingTier") or ""] += 1
        for flag, on in (manifest.get("status") or {}).items():
            flags[flag] += bool(on)
        for key in ("testConnection", "baseUrl", "icon", "color", "release"):
            feature[key] += key in d
        for op in acts + trigs:
            ops += 1
            params = op.get("parameters")
            c["params"][_nesting(params)] += 1
            c["op_description_length"][len(op.get("description") or "") // 10 * 10] += 1
            out = (op.get("outputSchema") or {}).get("properties") or {}
            c["output_properties"][len(out)] += 1
            for key in ("method", "category", "requiredScopes", "rateLimits", "errorCodes"):
                op_has[key] += key in op
            op_has["node_runtime"] += "node" in (op.get("runtimes") or [])
            if isinstance(params, dict):
                top_props += len(params.get("properties") or {})
                c["required"][len(params.get("required") or [])] += 1
            nodes: list[dict[str, Any]] = []
            _walk_properties(params, nodes, c["nesting_kind"])
            for node in nodes:
                props_total += 1
                c["property_types"][json.dumps(node.get("type"))] += 1
                for key in ("description", "enum", "default", "format"):
                    op_has["property_" + key] += key in node
        for trig in trigs:
            triggers += 1
            c["trigger_types"][trig.get("type") or ""] += 1
            op_has["trigger_dedupe"] += bool(trig.get("dedupe"))
            op_has["trigger_metadata"] += bool(trig.get("metadata"))
    if not n:
        raise ValueError(f"{root}: no <id>/definition.json found")
    per_op = {
        k: _ratio(v, ops) for k, v in op_has.items() if not k.startswith(("property_", "trigger_"))
    }
    per_op.update(
        {k: _ratio(v, props_total) for k, v in op_has.items() if k.startswith("property_")}
    )
    per_op.update({k: _ratio(v, triggers) for k, v in op_has.items() if k.startswith("trigger_")})
    profile: dict[str, Any] = {name: _hist(counter) for name, counter in c.items()}
    profile["params"] = [[list(k), v] for k, v in profile["params"]]
    profile["rate_limit_values"] = {k: _hist(v) for k, v in sorted(rate_values.items())}
    profile["flags"] = {k: _ratio(v, n) for k, v in sorted(flags.items())}
    profile["connector_has"] = {k: _ratio(v, n) for k, v in sorted(feature.items())}
    profile["op_has"] = dict(sorted(per_op.items()))
    profile["required_fraction"] = _ratio(sum(k * v for k, v in c["required"].items()), top_props)
    profile["connectors"] = n
    profile["operations"] = ops
    profile["mean_definition_bytes"] = round(bytes_total / n)
    return profile


# Measured from ../shared/real-catalog/connectors (149 connectors): statistics only.
FALLBACK: dict[str, Any] = json.loads(
    (Path(__file__).with_name("shape.json")).read_text(encoding="utf-8")
)


def main(argv: list[str]) -> int:
    from .synth import REAL_CATALOG

    root = Path(argv[0]) if argv else REAL_CATALOG
    print(json.dumps(measure(root), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
