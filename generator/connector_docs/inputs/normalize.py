"""Raw (schema-checked) JSON -> model. Normalizes what is safe to normalize, with a
warning, so messy real catalogs still build: category spellings (onto the curated
categories of ``taxonomy``), auth-type aliases, the two places auth settings live
(``authentication`` and ``authentication.config``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from connector_docs.diagnostics import Diagnostic, warning
from connector_docs.inputs.locate import Locator
from connector_docs.inputs.taxonomy import BUILTIN_NAME, Taxonomy, builtin
from connector_docs.model import (
    Auth,
    Connector,
    ErrorCode,
    Field,
    Lifecycle,
    Operation,
    RateLimits,
    RateRule,
    Rollout,
    Scope,
    Source,
    Webhook,
)

AUTH_TYPES = ("oauth2", "api_key", "basic", "bearer_token", "personal_access_token",
              "aws_credentials", "vault_token", "kubeconfig", "service_account", "none",
              "custom")
AUTH_ALIASES = {
    "basic_auth": "basic", "basicauth": "basic", "http_basic": "basic",
    "apikey": "api_key", "api-key": "api_key", "key": "api_key",
    "oauth": "oauth2", "oauth_2": "oauth2", "oauth2.0": "oauth2", "oauth-2": "oauth2",
    "bearer": "bearer_token", "token": "bearer_token", "pat": "personal_access_token",
    "aws": "aws_credentials", "aws_iam": "aws_credentials", "no_auth": "none",
}
_LIFECYCLES: tuple[Lifecycle, ...] = ("alpha", "preview", "beta", "stable", "deprecated")
_RATE_KEYS = (("requestsPerSecond", "second"), ("requestsPerMinute", "minute"),
              ("requestsPerHour", "hour"), ("dailyLimit", "day"))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


class _Ctx:
    def __init__(self, path: str, locator: Locator | None):
        self.path = path
        self.locator = locator
        self.diags: list[Diagnostic] = []

    def warn(self, pointer: str, message: str, hint: str | None = None, code: str = "") -> None:
        line, col = self.locator.locate(pointer) if self.locator else (0, 0)
        self.diags.append(warning(self.path, message, line=line, column=col, pointer=pointer,
                                  hint=hint, code=code))


def category(raw: str | None, ctx: _Ctx, taxonomy: Taxonomy) -> tuple[str, str]:
    """(curated category, the catalog's own spelling). A spelling no category takes in
    keeps its own name, with a warning naming the nearest category."""
    own = raw.strip() if raw else "Other"
    mapped = taxonomy.category(own)
    if mapped is not None:
        return mapped, own
    if raw:  # a missing category is the schema's error
        near = taxonomy.nearest(own)
        where = ("your own taxonomy file (the `taxonomy` option)"
                 if taxonomy.source == BUILTIN_NAME else taxonomy.source)
        ctx.warn("/category", f"category '{own}' maps to no curated category: listed "
                 f"under its own name (the nearest is '{near}')",
                 hint=f'write "category": "{near}", or list "{own}" under a category in '
                 f"{where}", code="category-unmapped")
    return own, own


def auth_type(raw: str) -> str:
    key = raw.strip().lower()
    return AUTH_ALIASES.get(key, key)


def rate_limits(raw: Any) -> RateLimits:
    if not isinstance(raw, dict):
        return RateLimits()
    rules = [RateRule(n, per) for key, per in _RATE_KEYS if (n := _num(raw.get(key)))]
    requests, period = _num(raw.get("requests")), _str(raw.get("period"))
    if requests and period:
        rules.append(RateRule(requests, period))
    return RateLimits(tuple(rules), _num(raw.get("burstAllowed")), _str(raw.get("scope")),
                      _str(raw.get("notes")))


def error_codes(raw: Any, operation: str | None = None) -> tuple[ErrorCode, ...]:
    if not isinstance(raw, dict):
        return ()
    out = []
    ops = (operation,) if operation else ()
    for code, value in raw.items():
        if isinstance(value, str):
            out.append(ErrorCode(code=code, summary=value, operations=ops))
        elif isinstance(value, dict):
            status = value.get("httpStatus")
            rank = value.get("rank")
            out.append(ErrorCode(
                code=code,
                summary=_str(value.get("summary")) or code,
                cause=_str(value.get("cause")),
                resolution=_str(value.get("resolution")),
                http_status=status if isinstance(status, int) else None,
                rank=rank if isinstance(rank, int) else None,
                operations=ops,
            ))
    return tuple(out)


def _scopes(auth: dict[str, Any], config: dict[str, Any]) -> tuple[Scope, ...]:
    raw = auth.get("scopes", config.get("scopes"))
    described = auth.get("scopeDescriptions")
    described = described if isinstance(described, dict) else {}
    out: list[Scope] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out.append(Scope(item, _str(described.get(item))))
        elif isinstance(item, dict) and _str(item.get("scope")):
            out.append(Scope(item["scope"], _str(item.get("description"))
                             or _str(described.get(item["scope"]))))
    return tuple(out)


def _fields(*lists: Any) -> tuple[Field, ...]:
    out = []
    for raw in lists:
        for item in raw if isinstance(raw, list) else []:
            if not isinstance(item, dict):
                continue
            key = _str(item.get("key")) or _str(item.get("id"))
            if not key:
                continue
            out.append(Field(key=key, label=_str(item.get("label")) or key,
                             secret=item.get("type") == "password",
                             required=item.get("required") is True,
                             help=_str(item.get("helpText")),
                             placeholder=_str(item.get("placeholder"))))
    return tuple(out)


def auth(raw: Any, ctx: _Ctx, connection: Any) -> Auth:
    raw = raw if isinstance(raw, dict) else {}
    config = raw.get("config") if isinstance(raw.get("config"), dict) else {}
    assert isinstance(config, dict)
    given = _str(raw.get("type")) or "none"
    kind = auth_type(given)
    if kind != given:
        ctx.warn("/authentication/type", f"auth type '{given}' read as '{kind}'",
                 hint=f'write "type": "{kind}"', code="auth-alias")
    elif kind not in AUTH_TYPES:
        from connector_docs.diagnostics import did_you_mean

        ctx.warn("/authentication/type", f"unknown auth type '{given}': the setup guide "
                 "shows generic credential steps", hint=did_you_mean(given, AUTH_TYPES),
                 code="auth-unknown")

    def pick(*keys: str) -> str | None:
        for key in keys:
            value = _str(raw.get(key)) or _str(config.get(key))
            if value:
                return value
        return None

    location = pick("apiKeyLocation") or (pick("type") if kind == "api_key" else None)
    params = raw.get("additionalParams") or config.get("additionalParams")
    return Auth(
        type=kind,
        auth_url=pick("authUrl"),
        token_url=pick("tokenUrl"),
        redirect_url=pick("redirectUrl"),
        scopes=_scopes(raw, config),
        key_location=location if location in ("header", "query", "cookie") else None,
        key_name=pick("apiKeyName", "name"),
        key_prefix=pick("apiKeyPrefix", "prefix"),
        fields=_fields(raw.get("fields"), config.get("fields"),
                       connection.get("fields") if isinstance(connection, dict) else None),
        extra_params=tuple(sorted((str(k), str(v)) for k, v in params.items()))
        if isinstance(params, dict) else (),
    )


def webhook(meta: Any) -> Webhook:
    meta = meta if isinstance(meta, dict) else {}
    sig = meta.get("signatureVerification")
    sig = sig if isinstance(sig, dict) else {}
    window = meta.get("replayWindowSeconds")
    events = meta.get("events")
    return Webhook(
        signature_template=_str(sig.get("templateId")),
        signature_required=sig.get("required") is True,
        header=_str(sig.get("header")),
        algorithm=_str(sig.get("algorithm")),
        replay_window_seconds=window if isinstance(window, int) else None,
        events=tuple(e for e in events if isinstance(e, str)) if isinstance(events, list)
        else (),
    )


def operations(raw: Any, kind: str, base: str) -> tuple[Operation, ...]:
    out = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict) or not _str(item.get("id")):
            continue
        scopes = item.get("requiredScopes")
        trigger_type = _str(item.get("type")) if kind == "trigger" else None
        params, output = item.get("parameters"), item.get("outputSchema")
        out.append(Operation(
            kind="action" if kind == "action" else "trigger",
            id=item["id"],
            name=_str(item.get("name")) or item["id"],
            description=_str(item.get("description")) or "",
            parameters=params if isinstance(params, dict) else None,
            required_scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list) else (),
            rate_limits=rate_limits(item.get("rateLimits")),
            error_codes=error_codes(item.get("errorCodes"), item["id"]),
            method=_str(item.get("method")),
            endpoint=_str(item.get("endpoint")),
            trigger_type=trigger_type,
            webhook=webhook(item.get("metadata")) if trigger_type == "webhook" else None,
            pointer=f"{base}/{index}",
            output_schema=output if isinstance(output, dict) else None,
            sample=item.get("sample"),
        ))
    return tuple(out)


def _rollout(raw: dict[str, Any], manifest: dict[str, Any] | None) -> Rollout:
    flags: dict[str, Any] = {}
    for source in (raw.get("status"), (manifest or {}).get("status")):
        if isinstance(source, dict):
            flags.update({k: v for k, v in source.items() if isinstance(v, bool)})
    return Rollout(beta=flags.get("beta", False),
                   private_preview=flags.get("privatePreview", False),
                   deprecated=flags.get("deprecated", False),
                   hidden=flags.get("hidden", False), featured=flags.get("featured", False))


def lifecycle(raw: dict[str, Any], rollout: Rollout, ctx: _Ctx) -> Lifecycle | None:
    """What the catalog claims, or None when it claims nothing (no badge is shown then).
    ``availability`` wins; the status flags (definition or manifest) and the release
    refine it. ``release.status`` is the status of the version's release (every release
    of the real catalog says "stable"), not of the connector: only its "deprecated"
    counts, as ``release.isBeta`` counts as a beta claim."""
    claimed = raw.get("availability")
    release = raw.get("release") if isinstance(raw.get("release"), dict) else {}
    assert isinstance(release, dict)
    if rollout.deprecated or release.get("status") == "deprecated":
        if claimed not in (None, "deprecated"):
            ctx.warn("/availability", f"availability '{claimed}' but the connector is flagged "
                     "deprecated; shown as Deprecated", code="lifecycle-conflict")
        return "deprecated"
    if rollout.private_preview:
        return "preview"
    flagged_beta = rollout.beta or release.get("isBeta") is True
    if claimed in _LIFECYCLES:
        if claimed == "stable" and flagged_beta:
            ctx.warn("/availability", "availability 'stable' but the connector is flagged "
                     "beta; shown as Beta", code="lifecycle-conflict")
            return "beta"
        result: Lifecycle = claimed
        return result
    return "beta" if flagged_beta else None


def sunset(release: Any) -> dt.date | None:
    """The date a deprecated release goes away (``deprecationWindow.sunsetDate``), when it
    is an ISO date; anything else says nothing a page could print as a date."""
    window = release.get("deprecationWindow") if isinstance(release, dict) else None
    return _date(_str(window.get("sunsetDate")) if isinstance(window, dict) else None)


def stable_since(release: Any, ctx: _Ctx) -> dt.date | None:
    """``release.stableSince``: the date the connector launched as stable (its post-launch
    review is due a week later), when it is an ISO date; otherwise a warning."""
    raw = release.get("stableSince") if isinstance(release, dict) else None
    if raw is None:
        return None
    found = _date(_str(raw))
    if found is None:
        ctx.warn("/release/stableSince", "stableSince is not a date (YYYY-MM-DD); ignored",
                 code="bad-date")
    return found


def _date(text: str | None) -> dt.date | None:
    if not text or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def connector(raw: dict[str, Any], source: Source, locator: Locator | None,
              manifest: dict[str, Any] | None, taxonomy: Taxonomy | None = None
              ) -> tuple[Connector | None, list[Diagnostic]]:
    ctx = _Ctx(source.path, locator)
    conn_id = _str(raw.get("id"))
    if not conn_id:
        return None, []  # the schema check has already reported it
    name = _str(raw.get("name")) or conn_id
    cat, category_raw = category(_str(raw.get("category")), ctx, taxonomy or builtin())
    rollout = _rollout(raw, manifest)
    test = raw.get("testConnection")
    test_str = None
    if isinstance(test, dict) and (_str(test.get("endpoint")) or _str(test.get("method"))):
        test_str = " ".join(filter(None, (_str(test.get("method")), _str(test.get("endpoint")))))
    pricing = _str(raw.get("pricingTier")) or _str((manifest or {}).get("pricingTier"))
    hooks = raw.get("webhooks")
    release = raw.get("release")
    version = _str(raw.get("version")) or (
        _str(release.get("semver")) if isinstance(release, dict) else None)
    return Connector(
        id=conn_id,
        name=name,
        description=_str(raw.get("description")) or "",
        category=cat,
        category_raw=category_raw,
        sunset=sunset(release),
        stable_since=stable_since(release, ctx),
        auth=auth(raw.get("authentication"), ctx, raw.get("connection")),
        source=source,
        lifecycle=lifecycle(raw, rollout, ctx),
        rollout=rollout,
        pricing_tier=pricing,
        icon=_str(raw.get("icon")),
        color=_str(raw.get("color")),
        base_url=_str(raw.get("baseUrl")),
        rate_limits=rate_limits(raw.get("rateLimits")),
        test_connection=test_str,
        actions=operations(raw.get("actions"), "action", "/actions"),
        triggers=operations(raw.get("triggers"), "trigger", "/triggers"),
        error_codes=error_codes(raw.get("errorCodes")),
        webhook=Webhook(
            header=_str(hooks.get("header")), algorithm=_str(hooks.get("algorithm")),
            signature_template=_str(hooks.get("signature")),
            replay_window_seconds=hooks.get("replayWindowSeconds")
            if isinstance(hooks.get("replayWindowSeconds"), int) else None,
        ) if isinstance(hooks, dict) else None,
        version=version,
        documentation_url=_str(raw.get("documentation")),
        support_contact=_str(raw.get("supportContact")),
    ), ctx.diags


def without_duplicate_operations(conn: Connector) -> Connector:
    """Keep the first of operations sharing an id (lint has warned): anchors stay unique."""

    def first_only(ops: tuple[Operation, ...]) -> tuple[Operation, ...]:
        seen: set[str] = set()
        kept = []
        for op in ops:
            if op.id not in seen:
                seen.add(op.id)
                kept.append(op)
        return tuple(kept)

    actions, triggers = first_only(conn.actions), first_only(conn.triggers)
    if len(actions) == len(conn.actions) and len(triggers) == len(conn.triggers):
        return conn
    return replace(conn, actions=actions, triggers=triggers)
