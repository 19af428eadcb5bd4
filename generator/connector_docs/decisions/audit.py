"""Readiness gates from the launch playbook, per connector, and the quality tier derived
from them (never declared). Pure."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from connector_docs.decisions import troubleshoot
from connector_docs.decisions.policy import Decision
from connector_docs.decisions.wording import auth_label, counted
from connector_docs.inputs.normalize import AUTH_TYPES
from connector_docs.model import Catalog, Connector

State = Literal["done", "missing", "n/a"]
GATES: tuple[tuple[str, str], ...] = (
    ("catalog_valid", "Catalog entry valid"),
    ("scopes", "OAuth scopes declared and every requiredScope among them"),
    ("auth_test", "Auth test defined"),
    ("parameter_schemas", "Actions and triggers have parameter schemas"),
    ("engineering_smoke", "Engineering smoke passed"),
    ("qa_smoke", "QA smoke passed"),
    ("webhooks_verified", "Webhook triggers verify signatures"),
    ("setup_guide", "Setup guide complete (auth, scopes, rate limits)"),
    ("troubleshooting", "Troubleshooting covers the top three error codes"),
)
DOC_GATES = ("catalog_valid", "scopes", "auth_test", "parameter_schemas", "setup_guide",
             "troubleshooting")


@dataclass(frozen=True)
class Gate:
    key: str
    title: str
    state: State
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    connector_id: str
    name: str
    claimed: str | None  # None: the catalog claims no lifecycle (read as beta: ``shown``)
    shown: str
    gates: tuple[Gate, ...]

    @property
    def missing(self) -> tuple[Gate, ...]:
        return tuple(g for g in self.gates if g.state == "missing")

    @property
    def tier(self) -> str:
        """Gold: every gate met; Silver: every documentation gate met (evidence pending);
        Bronze: anything less."""
        missing = {g.key for g in self.missing}
        if not missing:
            return "Gold"
        if not missing & set(DOC_GATES):
            return "Silver"
        return "Bronze"


def _smoke_gate(decision: Decision, suite: str) -> tuple[State, str]:
    ev = decision.newest(suite)
    if ev is None:
        return "missing", f"no {suite} result"
    if ev.status == "passed":
        return "done", f"passed {ev.date}"
    return "missing", f"{ev.status} {ev.date}"


def gates_for(conn: Connector, decision: Decision, warnings: int = 0,
              writer_codes: Collection[str] = (),
              errors: Sequence[troubleshoot.Entry] | None = None) -> tuple[Gate, ...]:
    """``errors``: the connector's troubleshoot.expected entries, when already known."""
    declared = {s.name for s in conn.auth.scopes}
    required = {s for op in conn.operations for s in op.required_scopes}
    states: dict[str, tuple[State, str]] = {}
    states["catalog_valid"] = ("done", counted(warnings, "warning") if warnings else "")
    if conn.auth.type == "oauth2":
        undeclared = sorted(required - declared)
        if not declared:
            states["scopes"] = ("missing", "no scopes declared")
        elif undeclared:
            states["scopes"] = ("missing", "undeclared: " + ", ".join(undeclared))
        else:
            states["scopes"] = ("done", counted(len(declared), "scope"))
    else:
        states["scopes"] = ("n/a", auth_label(conn.auth.type))
    states["auth_test"] = ("done", conn.test_connection) if conn.test_connection else (
        "missing", "add testConnection")
    no_params = [op.id for op in conn.operations if op.parameters is None]
    states["parameter_schemas"] = ("missing", "without: " + ", ".join(no_params[:5])) \
        if no_params else ("done", "")
    states["engineering_smoke"] = _smoke_gate(decision, "engineering")
    states["qa_smoke"] = _smoke_gate(decision, "qa")
    hooks = [op for op in conn.triggers if op.trigger_type == "webhook"]
    unverified = [op.id for op in hooks if not (op.webhook and op.webhook.signature_required)]
    if not hooks:
        states["webhooks_verified"] = ("n/a", "no webhook triggers")
    else:
        states["webhooks_verified"] = ("missing", "unverified: " + ", ".join(unverified)) \
            if unverified else ("done", counted(len(hooks), "webhook trigger"))
    gaps = []
    if conn.auth.type not in AUTH_TYPES or conn.auth.type == "custom":
        gaps.append("auth steps")
    if conn.auth.type == "oauth2" and any(not s.description for s in conn.auth.scopes):
        gaps.append("scope descriptions")
    if not conn.rate_limits and not all(op.rate_limits for op in conn.operations):
        gaps.append("rate limits")
    states["setup_guide"] = ("missing", "no " + ", ".join(gaps)) if gaps else ("done", "")
    top = list(errors[:troubleshoot.TOP]) if errors is not None \
        else troubleshoot.top(conn, decision.history)
    unresolved = [e.error.code for e in top
                  if not e.error.resolution and e.error.code not in writer_codes]
    if len(top) < troubleshoot.TOP:
        states["troubleshooting"] = ("missing", f"only {counted(len(top), 'expected code')}")
    elif unresolved:
        states["troubleshooting"] = ("missing", "no resolution for " + ", ".join(unresolved))
    else:
        states["troubleshooting"] = ("done", ", ".join(e.error.code for e in top))
    return tuple(Gate(key, title, *states[key]) for key, title in GATES)


def audit(catalog: Catalog, decisions: Mapping[str, Decision],
          warnings: Mapping[str, int] | None = None,
          writer_codes: Mapping[str, Collection[str]] | None = None,
          errors: Mapping[str, Sequence[troubleshoot.Entry]] | None = None) -> list[Readiness]:
    out = []
    for conn in catalog.connectors:
        decision = decisions[conn.id]
        out.append(Readiness(conn.id, conn.name, decision.claimed, decision.shown,
                             gates_for(conn, decision, (warnings or {}).get(conn.id, 0),
                                       (writer_codes or {}).get(conn.id, ()),
                                       errors.get(conn.id) if errors else None)))
    return out


def failing_stable(report: list[Readiness]) -> list[Readiness]:
    """Connectors shown as Stable that fail a gate: `audit` exits 1 for these."""
    return [r for r in report if r.shown == "stable" and r.missing]


def format_table(report: list[Readiness], decisions: Mapping[str, Decision]) -> str:
    short = {"done": "ok", "missing": "--", "n/a": "n/a"}
    head = ["connector", "claimed", "shown", "verified", "tier"] + [k for k, _ in GATES]
    rows = [head]
    for r in report:
        d = decisions[r.connector_id]
        rows.append([r.connector_id, r.claimed or "-", r.shown, str(d.last_verified or "-"), r.tier]
                    + [short[g.state] for g in r.gates])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    for r in report:
        d = decisions[r.connector_id]
        for reason in d.reasons:
            lines.append(f"{r.connector_id}: shown {d.label}: {reason}")
        for gate in r.missing:
            lines.append(f"{r.connector_id}: missing: {gate.title}"
                         + (f" ({gate.detail})" if gate.detail else ""))
    ready = [r.connector_id for r in report if decisions[r.connector_id].ready_to_promote]
    lines.append("ready to promote: " + (", ".join(ready) if ready else "none"))
    return "\n".join(lines)


def format_json(report: list[Readiness], decisions: Mapping[str, Decision]) -> str:
    return json.dumps([{
        "id": r.connector_id,
        "claimed": r.claimed,
        "shown": r.shown,
        "tier": r.tier,
        "lastVerified": str(decisions[r.connector_id].last_verified or "") or None,
        "reasons": list(decisions[r.connector_id].reasons),
        "readyToPromote": decisions[r.connector_id].ready_to_promote,
        "gates": {g.key: {"state": g.state, "detail": g.detail} for g in r.gates},
    } for r in report], indent=2)
