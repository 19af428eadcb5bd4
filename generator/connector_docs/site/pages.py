"""Which pages exist and with what context. Pure: a Project in, PageSpecs out; no
Markdown here (templates write it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from connector_docs.decisions import badges, troubleshoot
from connector_docs.decisions.policy import LEVEL_LABELS, LEVEL_ORDER, Evidence
from connector_docs.decisions.wording import (
    AUTH_LABELS,
    auth_label,
    describe_rate_limits,
    schema_type,
    sorted_tiers,
)
from connector_docs.model import Connector, Operation
from connector_docs.project import Project
from connector_docs.site.guidekey import GuideKey, guide_key
from connector_docs.text import unique_anchors

MAX_PARAM_DEPTH = 6
# One table cell lists at most this many values (enum values, smoke messages, events):
# input lists are unbounded and a long cell is slow for Markdown to render and to read.
MAX_LIST = 100
HISTORY_LENGTH = 20
INDEX_PAGES = ("catalog", "scopes", "rate-limits", "troubleshooting")


@dataclass(frozen=True)
class PageSpec:
    path: str  # src_uri, e.g. "connectors/slack.md"
    template: str  # template name; per-connector overrides are resolved by render
    kind: str
    title: str
    context: Mapping[str, Any]
    connector_id: str | None = None
    key: GuideKey | None = None  # a connector guide's inputs (guidekey.py)


def connector_path(conn_id: str) -> str:
    return f"connectors/{conn_id}.md"


def visible(project: Project) -> list[Connector]:
    """The audience filter: public omits hidden and private-preview connectors."""
    conns = project.catalog.connectors
    if project.options.audience == "public":
        return [c for c in conns if c.is_public]
    return list(conns)


@dataclass(frozen=True)
class ParamRow:
    name: str
    type: str
    required: bool
    default: Any
    enum: tuple[Any, ...]
    description: str
    depth: int


def _parameters(schema: Any, prefix: str = "",
                depth: int = 0) -> Iterator[tuple[str, dict[str, Any], bool, int]]:
    """(dotted name, property schema, required?, depth) of every parameter of a JSON-Schema
    object, parents first; nested objects and arrays of objects appear as
    ``parent.child`` / ``items[].child``."""
    if not isinstance(schema, dict) or depth > MAX_PARAM_DEPTH:
        return
    props = schema.get("properties")
    if not isinstance(props, dict):
        return
    raw_required = schema.get("required")
    required: list[Any] = raw_required if isinstance(raw_required, list) else []
    for name, node in props.items():
        node = node if isinstance(node, dict) else {}
        full = f"{prefix}{name}"
        yield full, node, name in required, depth
        if isinstance(node.get("properties"), dict):
            yield from _parameters(node, f"{full}.", depth + 1)
        items = node.get("items")
        if node.get("type") == "array" and isinstance(items, dict):
            yield from _parameters(items, f"{full}[].", depth + 1)


def parameter_rows(schema: Any) -> list[ParamRow]:
    """The rows of an operation's parameter table."""
    rows = []
    for full, node, required, depth in _parameters(schema):
        raw_enum = node.get("enum")
        enum: list[Any] = raw_enum if isinstance(raw_enum, list) else []
        rows.append(ParamRow(full, schema_type(node), required, node.get("default"),
                             tuple(_capped(enum)), str(node.get("description") or ""), depth))
    return rows


def undescribed_parameters(schema: Any) -> list[str]:
    """Names of the parameters whose table row would have no description."""
    return [full for full, node, _, _ in _parameters(schema) if not node.get("description")]


def _capped(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    if len(values) <= MAX_LIST:
        return list(values)
    return [*values[:MAX_LIST], f"… and {len(values) - MAX_LIST} more"]


def _shown_history(history: tuple[Evidence, ...]) -> list[Evidence]:
    return [replace(ev, messages=tuple(_capped(ev.messages)))
            for ev in history[-HISTORY_LENGTH:]]


class Row(dict[str, Any]):
    """A row of a template's context: a dict whose keys also read as attributes. Jinja
    reads ``row.scope`` with getattr first and looks the key up only after catching an
    AttributeError; on a plain dict every such read raised one (measured: a tenth of
    rendering a guide). Keys set later are not attributes: a lazy key needs a property
    (``_OperationContext.params``). Keys must not be names of dict methods."""

    def __init__(self, **values: Any) -> None:
        clash = [key for key in values if hasattr(dict, key)]
        if clash:
            raise ValueError(f"row keys that would hide dict methods: {clash}")
        super().__init__(values)
        self.__dict__.update(values)


OpAnchors = dict[tuple[str, str], str]


def op_anchors(conn: Connector) -> OpAnchors:
    """The heading id of each action and trigger on its guide, by ``(kind, id)``: unique
    on the page even where two ids slug alike (``send_message``, ``send-message``)."""
    taken: set[str] = set()
    out: OpAnchors = {}
    for kind, ops in (("action", conn.actions), ("trigger", conn.triggers)):
        ids = unique_anchors([op.id for op in ops], f"{kind}-", taken)
        out.update(((op.kind, op.id), anchor) for op, anchor in zip(ops, ids, strict=True))
    return out


def is_connection_check(op: Operation) -> bool:
    """An action that only tests the connection ("Test Connection"): the guide describes
    it with the authentication, not as something a user runs."""
    return op.kind == "action" and (
        op.id.casefold().replace("-", "_") in ("test_connection", "testconnection")
        or op.name.strip().casefold() == "test connection")


def _scope_rows(conn: Connector, anchors: OpAnchors | None = None) -> list[Row]:
    anchors = op_anchors(conn) if anchors is None else anchors
    rows = []
    for scope in conn.auth.scopes:
        users = [op for op in conn.operations
                 if scope.name in op.required_scopes and not is_connection_check(op)]
        rows.append(Row(scope=scope, used_by=users, anchors=anchors))
    return rows


def _lazy_params(op: Operation) -> list[ParamRow]:
    return parameter_rows(op.parameters)


def _lazy_outputs(op: Operation) -> list[ParamRow]:
    return parameter_rows(op.output_schema)


_LAZY: Mapping[str, Callable[[Operation], list[ParamRow]]] = {
    "params": _lazy_params, "outputs": _lazy_outputs}


class _OperationContext(Row):
    """``{op, params, outputs, limits}`` of one action or trigger; ``params`` and
    ``outputs`` (the flattened parameter and output schemas, most of a guide's context)
    are computed when a template first reads them, so it happens while rendering (in
    parallel workers for large catalogs). Every way of reading a dict sees them."""

    def _filled(self) -> _OperationContext:
        for key, make in _LAZY.items():
            if not dict.__contains__(self, key):
                self[key] = make(self["op"])
        return self

    def _lazy(self, key: str) -> list[ParamRow]:
        if not dict.__contains__(self, key):
            self[key] = _LAZY[key](self["op"])
        rows: list[ParamRow] = dict.__getitem__(self, key)
        return rows

    @property
    def params(self) -> list[ParamRow]:
        return self._lazy("params")

    @property
    def outputs(self) -> list[ParamRow]:
        return self._lazy("outputs")

    def __missing__(self, key: str) -> Any:
        if key not in _LAZY:
            raise KeyError(key)
        return self._lazy(key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self._filled(), key, default)

    def __contains__(self, key: object) -> bool:
        return key in _LAZY or dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self._filled())

    def __len__(self) -> int:
        return dict.__len__(self._filled())

    def keys(self) -> Any:
        return dict.keys(self._filled())

    def values(self) -> Any:
        return dict.values(self._filled())

    def items(self) -> Any:
        return dict.items(self._filled())


def _operation(op: Operation, anchors: OpAnchors) -> Row:
    return _OperationContext(op=op, limits=describe_rate_limits(op.rate_limits),
                             anchor=anchors[(op.kind, op.id)])


# Contexts by connector id, with the key of what they were made from: kept by
# `mkdocs serve` across rebuilds so an edit to one connector rebuilds one context.
ContextCache = dict[str, tuple[GuideKey, dict[str, Any]]]


def _cached_context(project: Project, conn: Connector, key: GuideKey,
                    cache: ContextCache | None) -> dict[str, Any]:
    if cache is None:
        return connector_context(project, conn)
    hit = cache.get(conn.id)
    if hit is not None and key.same(hit[0], build=False):
        return hit[1]
    context = connector_context(project, conn)
    cache[conn.id] = (key, context)
    return context


def _help(project: Project, conn: Connector) -> list[Row]:
    """Where a reader gets help, best first: the connector's support contact or, without
    one, its documentation; then the platform's support page. ``url`` is None for a
    contact that is neither a web page nor an email address."""
    out = []
    contact = (conn.support_contact or "").strip()
    if contact:
        url = contact if contact.startswith(("https://", "http://", "mailto:")) else (
            f"mailto:{contact}" if "@" in contact and " " not in contact else None)
        out.append(Row(verb="contact", label=f"{conn.name} support", url=url,
                       text=contact))
    elif conn.documentation_url:
        out.append(Row(verb="see", label=f"{conn.name}'s documentation",
                       url=conn.documentation_url, text=conn.documentation_url))
    opts = project.options
    if opts.support_url:
        out.append(Row(verb="contact", label=f"{opts.platform_name or 'Platform'} support",
                       url=opts.support_url, text=opts.support_url))
    return out


def connector_context(project: Project, conn: Connector) -> dict[str, Any]:
    decision = project.decisions[conn.id]
    overlay = project.overlays.get(conn.id)
    entries = project.errors[conn.id]
    internal = project.options.audience == "internal"
    anchors = op_anchors(conn)
    return {
        "connector": conn,
        "decision": decision,
        "verification": badges.verification(decision),
        "overlay": overlay,
        "scopes": _scope_rows(conn, anchors),
        "anchors": anchors,
        "limits": describe_rate_limits(conn.rate_limits),
        "actions": [_operation(op, anchors) for op in conn.actions
                    if not is_connection_check(op)],
        "connection_checks": [op for op in conn.actions if is_connection_check(op)],
        "auth_label": auth_label(conn.auth.type),
        "help": _help(project, conn),
        "platform": Row(name=project.options.platform_name,
                        redirect_url=project.options.oauth_redirect_url),
        "triggers": [_operation(op, anchors) for op in conn.triggers],
        "webhooks": [op for op in conn.triggers if op.trigger_type == "webhook"],
        "top_errors": entries[: troubleshoot.TOP],
        "written": {e.error.code for e in entries if overlay and overlay.entry(e.error.code)},
        "error_anchors": {a for e in entries for a in (e.anchor, *e.aliases)},
        "other_errors": entries[troubleshoot.TOP:],
        "history": _shown_history(decision.history),
        "show_messages": internal,
        "internal": internal,
    }


def _sorted_levels(conns: list[Connector], project: Project) -> list[str]:
    """The badges the catalog shows (no value for connectors without one)."""
    shown = {project.decisions[c.id].badge for c in conns}
    return [level for level in LEVEL_ORDER if level in shown]


def _facet_counts(conns: list[Connector], project: Project) -> dict[str, dict[str, int]]:
    """Connectors per facet value, keyed as the cards' data-* attributes: the catalog
    leaves out a facet that cannot narrow (one value on every card)."""
    return {"status": dict(Counter(project.decisions[c.id].badge or "" for c in conns)),
            "category": dict(Counter(c.category for c in conns)),
            "auth": dict(Counter(c.auth.type for c in conns)),
            "tier": dict(Counter(c.pricing_tier or "" for c in conns))}


def _anchor_map(values: list[str], prefix: str) -> dict[str, str]:
    return dict(zip(values, unique_anchors(values, prefix), strict=True))


def plan(project: Project, cache: ContextCache | None = None,
         build: str = "") -> list[PageSpec]:
    """Every page of the site. ``cache``: template contexts kept across the rebuilds of
    `mkdocs serve`; ``build``: what every page of this build shares (see
    :class:`GuideKey`)."""
    conns = visible(project)
    internal = project.options.audience == "internal"
    decisions = project.decisions
    keys = [guide_key(project, c, build) for c in conns]
    pages = [PageSpec(connector_path(c.id), "connector.md.j2", "connector", c.name,
                      _cached_context(project, c, key, cache), c.id, key)
             for c, key in zip(conns, keys, strict=True)]
    common = {"connectors": conns, "decisions": decisions, "internal": internal,
              "build_date": project.build_date.date(), "labels": LEVEL_LABELS}
    # Total orders only: a key that ties two spellings ("CRM", "crm") left their order to
    # the set's, which PYTHONHASHSEED changes from run to run.
    categories = sorted({c.category for c in conns}, key=lambda c: (c.casefold(), c))
    levels = _sorted_levels(conns, project)
    pages.append(PageSpec("catalog/index.md", "catalog.md.j2", "catalog", "App catalog", {
        **common,
        # Featured first, then by name as readers look for it ("SAP Concur" under S).
        "connectors": sorted(conns, key=lambda c: (not c.rollout.featured,
                                                   c.name.casefold(), c.id)),
        "categories": categories,
        "category_anchors": _anchor_map(categories, "category-"),
        "levels": levels,
        "badge_meanings": badges.meanings(levels, project.options.stable_max_age_days),
        "featured_meaning": badges.FEATURED if any(c.rollout.featured for c in conns)
        else None,
        "unbadged": sum(1 for c in conns if decisions[c.id].badge is None),
        "no_badge": badges.NO_BADGE,
        "auth_types": sorted({c.auth.type for c in conns},
                             key=lambda t: (auth_label(t).casefold(), t)),
        "auth_labels": {**AUTH_LABELS, **{c.auth.type: auth_label(c.auth.type)
                                          for c in conns}},
        "tiers": sorted_tiers(c.pricing_tier for c in conns if c.pricing_tier),
        "facet_counts": _facet_counts(conns, project),
        "guide_url": project.options.guide_url(),
    }))
    scope_rows = []
    for c in conns:
        for row in _scope_rows(c):
            scope_rows.append(Row(connector=c, **row))
    scope_rows.sort(key=lambda r: (r["scope"].name.casefold(), r["scope"].name,
                                   r["connector"].id))
    by_scope: dict[str, list[Row]] = {}
    for row in scope_rows:
        by_scope.setdefault(row["scope"].name, []).append(row)
    scope_anchors = _anchor_map(list(by_scope), "scope-")
    pages.append(PageSpec("scopes/index.md", "scopes.md.j2", "scopes", "Permission scopes",
                          {**common, "rows": scope_rows, "by_scope": [
                              Row(name=name, anchor=scope_anchors[name], rows=group)
                              for name, group in by_scope.items()]}))
    limits = [Row(connector=c, limits=describe_rate_limits(c.rate_limits),
                  operations=[(op, describe_rate_limits(op.rate_limits))
                              for op in c.operations if op.rate_limits]) for c in conns]
    pages.append(PageSpec("rate-limits/index.md", "rate-limits.md.j2", "rate-limits",
                          "Rate limits", {**common, "rows": limits}))
    by_code: dict[str, list[Row]] = {}
    for c in conns:
        for entry in project.errors[c.id]:
            key = str(entry.error.http_status or entry.error.code)
            by_code.setdefault(key, []).append(Row(connector=c, entry=entry))
    codes = sorted(by_code, key=lambda k: (not k.isdigit(), k.zfill(3) if k.isdigit() else k, k))
    pages.append(PageSpec("troubleshooting/index.md", "troubleshooting.md.j2",
                          "troubleshooting", "Troubleshooting by error code",
                          {**common, "codes": codes, "by_code": by_code,
                           "code_anchors": _anchor_map(codes, "code-"),
                           "code_titles": {k: troubleshoot.http_reason(k) for k in codes}}))
    if internal:
        pages.append(PageSpec("readiness/index.md", "readiness.md.j2", "readiness",
                              "Launch readiness", {**common, "report": project.readiness(),
                                                   "guide_url": project.options.guide_url()}))
        pages.append(PageSpec("triage/index.md", "triage.md.j2", "triage", "Smoke test triage",
                              {**common, "triage": project.triage()}))
    return pages
