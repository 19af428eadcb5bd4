"""A synthetic connector catalog shaped like the real one, for benchmarks.

    python bench/synth.py 1000 [--seed 0] [--out bench/out/synth-1000]

writes ``catalog/connectors/synth-00000.json`` ... in our one-file format, three smoke
runs (an engineering JSON envelope, a QA console transcript, a nightly JUnit XML) dated
relative to :data:`BUILD_DATE`, and a minimal ``mkdocs.yml`` + ``docs/index.md`` using
the plugin. Every count, length and mix is sampled from :mod:`bench.shape`'s
distributions (measured from the real catalog when it is present, else the built-in
copy of the same statistics); all text is made up from a fixed vocabulary.

Connector ``i`` depends only on ``(seed, i)``, so a 1,000-connector catalog is the first
1,000 connectors of a 3,000-connector one with the same seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import shape as shape_mod

ROOT = Path(__file__).resolve().parent.parent
REAL_CATALOG = ROOT.parent / "shared" / "real-catalog" / "connectors"
BUILD_DATE = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
BUILD_EPOCH = str(int(BUILD_DATE.timestamp()))  # SOURCE_DATE_EPOCH for builds
NAV = [
    {"Home": "index.md"},
    {"App catalog": "catalog/index.md"},
    {"Permission scopes": "scopes/index.md"},
    {"Rate limits": "rate-limits/index.md"},
    {"Troubleshooting": "troubleshooting/index.md"},
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "account activity address alert archive asset audit batch board booking budget "
    "calendar campaign card channel chart comment contact contract customer dashboard "
    "deal deployment device document draft email employee event expense feed file folder "
    "form group incident invoice issue item job label lead ledger list log meeting member "
    "message metric note order organization page payment pipeline plan policy post "
    "product project queue record release report request resource review role schedule "
    "segment sheet shipment space sprint subscription survey table task team template "
    "ticket timesheet token topic transaction upload user vendor view webhook workflow "
    "workspace"
)
VERBS = _words("create get list update delete search sync send archive find add remove")
PREFIXES = _words("Zen Nova Quartz Orbit Cedar Flux Ember Atlas Pixel Delta Harbor Lumen")
FAILURES = (
    "Connection test failed: 401 Unauthorized",
    "Action {op} failed: 403 Forbidden: missing_scope (needed: {scope})",
    "Action {op} failed: 429 Too Many Requests (Retry-After: {n}s)",
    "Action {op} failed: 500 Internal Server Error",
    "Action {op} failed: 404 Not Found",
)


def load_profile(source: str = "auto") -> dict[str, Any]:
    """``auto``: measure the real catalog when present, else the built-in statistics."""
    if source == "auto" and REAL_CATALOG.is_dir():
        return shape_mod.measure(REAL_CATALOG)
    if source not in ("auto", "fallback"):
        return shape_mod.measure(Path(source))
    return shape_mod.FALLBACK


class Sampler:
    def __init__(self, profile: dict[str, Any], rng: random.Random) -> None:
        self.p, self.rng = profile, rng

    def pick(self, hist: list[list[Any]]) -> Any:
        values = [v for v, _ in hist]
        return self.rng.choices(values, weights=[w for _, w in hist])[0]

    def chance(self, ratio: float) -> bool:
        return self.rng.random() < ratio

    def text(self, length: int) -> str:
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < max(length, 8):
            words.append(self.rng.choice(WORDS))
        return " ".join(words).capitalize() + "."

    def schema(self, count: int, depth: int) -> dict[str, Any]:
        """A parameter schema with ``count`` properties nested ``depth`` levels deep."""
        root: dict[str, Any] = {"type": "object", "properties": {}}
        containers, parent = [root], root
        for level in range(depth):
            kind = self.pick(self.p["nesting_kind"]) if self.p["nesting_kind"] else "object"
            inner: dict[str, Any] = {"type": "object", "properties": {}}
            node = {"type": "array", "items": inner} if kind == "array" else inner
            node["description"] = self.text(30)
            parent["properties"][f"{self.rng.choice(WORDS)}_{level}"] = node
            containers.append(inner)
            parent = inner
        for k in range(max(count - depth, 0)):
            target = self.rng.choice(containers)
            target["properties"][f"{self.rng.choice(WORDS)}_{k}"] = self.leaf()
        names = list(root["properties"])
        root["required"] = [n for n in names if self.chance(self.p["required_fraction"])]
        root["additionalProperties"] = False
        return root

    def leaf(self) -> dict[str, Any]:
        kind = json.loads(self.pick(self.p["property_types"]))
        node: dict[str, Any] = {"type": kind} if kind is not None else {}
        if kind == "array":
            node["items"] = {"type": "string"}
        has = self.p["op_has"]
        if self.chance(has.get("property_description", 0)):
            node["description"] = self.text(self.rng.randint(10, 60))
        if kind == "string" and self.chance(has.get("property_enum", 0)):
            node["enum"] = self.rng.sample(WORDS, self.rng.randint(2, 6))
        if kind == "string" and self.chance(has.get("property_format", 0)):
            node["format"] = self.rng.choice(("date", "date-time", "email", "uri"))
        if kind in ("string", "boolean", "number") and self.chance(has.get("property_default", 0)):
            node["default"] = {"string": "", "boolean": False, "number": 0}[kind]
        return node


def _operation(s: Sampler, kind: str, k: int, scopes: list[str]) -> dict[str, Any]:
    noun = s.rng.choice(WORDS)
    verb = s.rng.choice(VERBS) if kind == "action" else s.rng.choice(("new", "updated"))
    count, depth = s.pick(s.p["params"])
    has = s.p["op_has"]
    outputs = {
        "success": {"type": "boolean", "description": "Indicates whether the operation succeeded."}
    }
    for j in range(s.pick(s.p["output_properties"]) - 1):
        outputs[f"{s.rng.choice(WORDS)}_{j}"] = {"type": "string"}
    op: dict[str, Any] = {
        "id": f"{verb}_{noun}_{k}",
        "name": f"{verb.capitalize()} {noun.capitalize()} {k}",
        "description": s.text(s.pick(s.p["op_description_length"]) + s.rng.randint(0, 9)),
        "parameters": s.schema(count, depth),
        "outputSchema": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": outputs,
            "required": ["success"],
            "additionalProperties": True,
        },
        "sample": {"success": True},
        "runtimes": ["node", "appsScript"]
        if s.chance(has.get("node_runtime", 0))
        else ["appsScript"],
        "fallback": None,
    }
    if s.chance(has.get("method", 0)):
        op["method"] = s.rng.choice(("GET", "POST", "PUT", "DELETE"))
        op["endpoint"] = f"/v1/{noun}s"
    if s.chance(has.get("category", 0)):
        op["category"] = s.rng.choice(WORDS).capitalize()
    if scopes and s.chance(has.get("requiredScopes", 0)):
        op["requiredScopes"] = s.rng.sample(scopes, 1)
    if s.chance(has.get("rateLimits", 0)):
        op["rateLimits"] = {"requests": s.rng.choice((10, 60, 100)), "period": "1m"}
    if s.chance(has.get("errorCodes", 0)):
        op["errorCodes"] = {f"{noun}_conflict": s.text(40)}
    if kind == "trigger":
        kind_name = s.pick(s.p["trigger_types"])
        if kind_name:
            op["type"] = kind_name
        op["dedupe"] = (
            {"strategy": "id", "path": "id"} if s.chance(has.get("trigger_dedupe", 0)) else None
        )
        if s.chance(has.get("trigger_metadata", 0)):
            op["metadata"] = {
                "signatureVerification": {"templateId": "synth.hmac", "required": True},
                "replayWindowSeconds": 300,
            }
    return op


def _auth(s: Sampler, slug: str) -> tuple[dict[str, Any], list[str]]:
    kind = s.pick(s.p["auth_types"])
    auth: dict[str, Any] = {"type": kind}
    scopes: list[str] = []
    if kind == "oauth2":
        scopes = [f"{w}.{a}" for w in s.rng.sample(WORDS, 20) for a in ("read", "write")]
        scopes = scopes[: s.pick(s.p["oauth_scopes"])]
        auth.update(
            authUrl=f"https://auth.{slug}.example/oauth/authorize",
            tokenUrl=f"https://auth.{slug}.example/oauth/token",
            scopes=scopes,
        )
    elif kind == "api_key":
        auth.update(apiKeyLocation="header", apiKeyName="Authorization", apiKeyPrefix="Bearer")
    elif kind == "basic":
        auth.update(usernameField="username", passwordField="password")
    fields = s.pick(s.p["auth_fields"]) if kind != "oauth2" else 0
    if fields:
        auth["fields"] = [
            {
                "key": f"field_{i}",
                "label": f"Field {i}",
                "type": "password" if i == 0 else "text",
                "required": True,
            }
            for i in range(fields)
        ]
    return auth, scopes


def connector(profile: dict[str, Any], seed: int, index: int) -> dict[str, Any]:
    """Connector ``index`` of the catalog for ``seed``; independent of the catalog size."""
    s = Sampler(profile, random.Random(f"{seed}:{index}"))
    cid = f"synth-{index:05d}"
    slug = cid.replace("-", "")
    auth, scopes = _auth(s, slug)
    has = profile["connector_has"]
    d: dict[str, Any] = {
        "$schema": "../../generator/connector_docs/inputs/schema/connector.schema.json",
        "id": cid,
        "name": f"{s.rng.choice(PREFIXES)} {s.rng.choice(WORDS).capitalize()} {index}",
        "description": s.text(s.pick(profile["description_length"]) + s.rng.randint(0, 9)),
        "category": s.pick(profile["categories"]),
        "icon": slug,
        "color": f"#{s.rng.randrange(0x1000000):06X}",
        "version": "1.0.0",
    }
    if availability := s.pick(profile["availability"]):
        d["availability"] = availability
    if tier := s.pick(profile["pricing_tiers"]):
        d["pricingTier"] = tier
    d["status"] = {flag: s.chance(ratio) for flag, ratio in profile["flags"].items()}
    d["authentication"] = auth
    d["baseUrl"] = f"https://api.{slug}.example/v1"
    if limits := s.pick(profile["rate_limits"]):
        d["rateLimits"] = {
            key: s.pick(profile["rate_limit_values"][key]) for key in limits.split(",")
        }
    if s.chance(has.get("testConnection", 0)):
        d["testConnection"] = {"method": "GET", "endpoint": "/v1/me"}
    if codes := s.pick(profile["error_codes"]):
        d["errorCodes"] = {f"error_{k}": s.text(40) for k in range(codes)}
    d["actions"] = [_operation(s, "action", k, scopes) for k in range(s.pick(profile["actions"]))]
    d["triggers"] = [
        _operation(s, "trigger", k, scopes) for k in range(s.pick(profile["triggers"]))
    ]
    d["release"] = {
        "semver": "1.0.0",
        "status": "stable",
        "isBeta": False,
        "betaStartedAt": None,
        "deprecationWindow": {"startDate": None, "sunsetDate": None},
    }
    d["schemaVersion"] = "1.0"
    return d


def _results(
    ids: list[str], rng: random.Random, coverage: float, odds: tuple[float, float]
) -> list[dict[str, Any]]:
    """Smoke results for a share of ``ids``: (passed, failed) odds, the rest skipped."""
    out = []
    for cid in ids:
        if rng.random() >= coverage:
            continue
        roll = rng.random()
        status = "passed" if roll < odds[0] else "failed" if roll < sum(odds) else "skipped"
        if status == "passed":
            messages = ["Connection test succeeded.", f"Action list_{rng.choice(WORDS)} succeeded."]
        elif status == "failed":
            messages = [
                "Connection test succeeded.",
                rng.choice(FAILURES).format(
                    op=f"create_{rng.choice(WORDS)}",
                    scope=f"{rng.choice(WORDS)}.write",
                    n=rng.choice((30, 60)),
                ),
            ]
        else:
            messages = ["No credentials provided in smoke config."]
        duration = 0 if status == "skipped" else rng.randint(200, 2500)
        out.append({"appId": cid, "status": status, "durationMs": duration, "messages": messages})
    return out


def smoke_runs(ids: list[str], seed: int) -> dict[str, str]:
    """File name -> text of three runs: engineering (JSON), QA (console), nightly (JUnit)."""
    rng = random.Random(f"{seed}:smoke")
    day = BUILD_DATE.date()
    eng_at = BUILD_DATE - dt.timedelta(days=7, hours=3)
    eng = {
        "suite": "engineering",
        "ranAt": eng_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "connectorVersions": dict.fromkeys(ids, "1.0.0"),
        "results": _results(ids, rng, 0.95, (0.9, 0.07)),
    }
    qa = _results(ids, rng, 0.8, (0.88, 0.08))
    icon = {"passed": "✅", "failed": "❌", "skipped": "⏭️"}
    lines = [
        "[connector-smoke] Using config: /srv/qa/configs/connector-smoke.config.json",
        "",
        "=== Connector Smoke Results ===",
    ]
    for r in qa:
        lines.append(f"{icon[r['status']]} {r['appId']} ({r['durationMs']}ms)")
        lines += [f"   • {m}" for m in r["messages"]]
    lines += ["", "=== Summary ==="] + [
        f"{s.capitalize()}: {sum(r['status'] == s for r in qa)}"
        for s in ("passed", "failed", "skipped")
    ]
    nightly = _results(ids, rng, 0.9, (0.9, 0.06))
    failures = sum(r["status"] == "failed" for r in nightly)
    skipped = sum(r["status"] == "skipped" for r in nightly)
    at = (BUILD_DATE - dt.timedelta(days=1, hours=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="nightly" timestamp="{at}" tests="{len(nightly)}" '
        f'failures="{failures}" errors="0" skipped="{skipped}">',
    ]
    for r in nightly:
        text = html.escape("\n".join(r["messages"]))
        last = html.escape(r["messages"][-1])
        xml.append(
            f'  <testcase classname="connector-smoke" name="{r["appId"]}" '
            f'time="{r["durationMs"] / 1000}">'
        )
        if r["status"] == "failed":
            xml.append(f'    <failure message="{last}" type="AssertionError">{text}</failure>')
        elif r["status"] == "skipped":
            xml.append(f'    <skipped message="{last}"/>')
        else:
            xml.append(f"    <system-out>{text}</system-out>")
        xml.append("  </testcase>")
    xml.append("</testsuite>")
    return {
        f"{day - dt.timedelta(days=7)}-engineering.json": json.dumps(eng, indent=1) + "\n",
        f"{day - dt.timedelta(days=5)}-qa.log": "\n".join(lines) + "\n",
        f"{day - dt.timedelta(days=1)}-nightly.xml": "\n".join(xml) + "\n",
    }


def mkdocs_config(
    catalog: str = "catalog/connectors", smoke: str = "catalog/smoke", **options: Any
) -> dict[str, Any]:
    return {
        "site_name": "Synthetic connector docs",
        "site_url": "http://127.0.0.1:8000/",
        "theme": {"name": "material"},
        "nav": NAV,
        "plugins": [
            "search",
            {
                "connector-docs": {
                    "catalog": catalog,
                    "smoke": smoke,
                    "audience": "public",
                    **options,
                }
            },
        ],
        "markdown_extensions": ["attr_list", "admonition"],
    }


def write_site(root: Path, config: dict[str, Any]) -> None:
    """``mkdocs.yml`` (JSON is valid YAML) and a home page linking the indexes."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text(
        "# Connectors\n\nStart at the [app catalog](catalog/index.md); see also "
        "[scopes](scopes/index.md), [rate limits](rate-limits/index.md) and "
        "[troubleshooting](troubleshooting/index.md).\n",
        encoding="utf-8",
    )


def write_smoke(folder: Path, ids: list[str], seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in smoke_runs(ids, seed).items():
        (folder / name).write_text(text, encoding="utf-8")


def make_project(
    root: Path | str, n: int, seed: int = 0, profile: dict[str, Any] | None = None
) -> Path:
    """Write a synthetic MkDocs project with ``n`` connectors into ``root``."""
    root = Path(root)
    profile = profile or load_profile()
    connectors = root / "catalog" / "connectors"
    connectors.mkdir(parents=True, exist_ok=True)
    for stale in connectors.glob("*.json"):  # a previous, larger catalog
        stale.unlink()
    ids = []
    for i in range(n):
        d = connector(profile, seed, i)
        ids.append(d["id"])
        (connectors / f"{d['id']}.json").write_text(
            json.dumps(d, indent=1) + "\n", encoding="utf-8"
        )
    write_smoke(root / "catalog" / "smoke", ids, seed)
    write_site(root, mkdocs_config())
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of connectors")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="folder (default bench/out/synth-N)")
    parser.add_argument(
        "--profile",
        default="auto",
        help="auto (real catalog if present), fallback, or a catalog path",
    )
    args = parser.parse_args(argv)
    out = args.out or ROOT / "bench" / "out" / f"synth-{args.n}"
    make_project(out, args.n, args.seed, load_profile(args.profile))
    print(f"wrote {args.n} connectors to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
