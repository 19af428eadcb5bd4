"""The launch playbook's readiness gates (``model.GATES``), checked for one connector:
each passed, missing or not applicable, with a short reason. The smoke gates use the
words of ``policy`` (the Stable rule), so a gate and a downgrade never disagree. Pure."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from connector_docs.decisions import troubleshoot
from connector_docs.decisions.policy import Decision, suite_gap
from connector_docs.decisions.wording import auth_label, counted
from connector_docs.inputs.normalize import AUTH_TYPES
from connector_docs.model import GATES, Connector

State = Literal["passed", "missing", "n/a"]
# What each state reads as, in the CLI's table and the page's cells alike.
STATE_WORDS: dict[str, str] = {"passed": "passed", "missing": "missing",
                               "n/a": "not applicable"}
# The gates about documentation; the others are about smoke evidence (``Readiness.tier``).
DOC_GATES = ("catalog-valid", "scopes", "auth-test", "parameter-schemas", "setup-guide",
             "troubleshooting")
SHORT = {name: short for name, short, _ in GATES}
TITLES = {name: title for name, _, title in GATES}


@dataclass(frozen=True)
class Gate:
    key: str
    state: State
    reason: str = ""
    enforced: bool = True  # whether a miss fails the audit (``audit_gates``)

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def short(self) -> str:
        return SHORT[self.key]

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def said(self) -> str:
        """The gate and its reason, as the audit and the page list it ("Auth test: no
        testConnection")."""
        return f"{self.short}: {self.reason}" if self.reason else self.short


def _smoke(decision: Decision, suite: str) -> tuple[State, str]:
    gap = suite_gap(decision.history, suite)
    if gap:
        return "missing", gap[0]
    ev = [e for e in decision.history if e.suite == suite and e.status == "passed"][-1]
    return "passed", f"passed {ev.date}"


def _fresh(decision: Decision) -> tuple[State, str]:
    gaps = [reason for gate, reason in decision.gaps if gate == "fresh-evidence"]
    if gaps:
        return "missing", "; ".join(gaps)
    said = f"newest result passed {decision.last_verified}"
    if decision.verified_version:
        said += f"; version {decision.verified_version} verified {decision.version_verified_on}"
    elif decision.unversioned:
        said += f"; the results name no version (the catalog ships {decision.version})"
    return "passed", said


def _qa(decision: Decision) -> tuple[State, str]:
    gaps = [reason for gate, reason in decision.gaps if gate == "qa-smoke"]
    return ("missing", gaps[0]) if gaps else _smoke(decision, "qa")


def _scopes(conn: Connector) -> tuple[State, str]:
    if conn.auth.type != "oauth2":
        return "n/a", f"{auth_label(conn.auth.type)}, not OAuth"
    declared = {s.name for s in conn.auth.scopes}
    required = {s for op in conn.operations for s in op.required_scopes}
    undeclared = sorted(required - declared)
    if not declared:
        return "missing", "no scopes declared"
    if undeclared:
        return "missing", "undeclared: " + ", ".join(undeclared[:5]) + (
            f" and {len(undeclared) - 5} more" if len(undeclared) > 5 else "")
    return "passed", counted(len(declared), "scope") + " declared"


def _webhooks(conn: Connector) -> tuple[State, str]:
    hooks = [op for op in conn.triggers if op.trigger_type == "webhook"]
    if not hooks:
        return "n/a", "no webhook triggers"
    unverified = [op.id for op in hooks if not (op.webhook and op.webhook.signature_required)]
    if unverified:
        return "missing", "no signature check: " + ", ".join(unverified[:5])
    return "passed", counted(len(hooks), "webhook trigger") + " verified"


def _guide(conn: Connector) -> tuple[State, str]:
    gaps = []
    if conn.auth.type not in AUTH_TYPES or conn.auth.type == "custom":
        gaps.append("auth steps")
    if conn.auth.type == "oauth2" and any(not s.description for s in conn.auth.scopes):
        gaps.append("scope descriptions")
    if not conn.rate_limits and not all(op.rate_limits for op in conn.operations):
        gaps.append("rate limits")
    return ("missing", "no " + ", ".join(gaps)) if gaps else ("passed", "")


def _troubleshooting(conn: Connector, decision: Decision, writer_codes: Collection[str],
                     errors: Sequence[troubleshoot.Entry] | None) -> tuple[State, str]:
    top = list(errors[:troubleshoot.TOP]) if errors is not None \
        else troubleshoot.top(conn, decision.history)
    unresolved = [e.error.code for e in top
                  if not e.error.resolution and e.error.code not in writer_codes]
    if len(top) < troubleshoot.TOP:
        return "missing", f"only {counted(len(top), 'expected code')}"
    if unresolved:
        return "missing", "no resolution for " + ", ".join(unresolved)
    return "passed", ", ".join(e.error.code for e in top)


def gates_for(conn: Connector, decision: Decision, warnings: int = 0,
              writer_codes: Collection[str] = (),
              errors: Sequence[troubleshoot.Entry] | None = None,
              enforced: Collection[str] | None = None) -> tuple[Gate, ...]:
    """Every gate of ``conn``. ``errors``: its troubleshoot.expected entries, when already
    known; ``enforced``: the gates a miss fails the audit on (None: all)."""
    no_params = [op.id for op in conn.operations if op.parameters is None]
    states: dict[str, tuple[State, str]] = {
        "catalog-valid": ("passed", counted(warnings, "warning") if warnings else ""),
        "scopes": _scopes(conn),
        "auth-test": ("passed", conn.test_connection) if conn.test_connection
        else ("missing", "no testConnection"),
        "parameter-schemas": ("missing", "without: " + ", ".join(no_params[:5]) + (
            f" and {len(no_params) - 5} more" if len(no_params) > 5 else ""))
        if no_params else ("passed", ""),
        "engineering-smoke": _smoke(decision, "engineering"),
        "qa-smoke": _qa(decision),
        "fresh-evidence": _fresh(decision),
        "webhooks-verified": _webhooks(conn),
        "setup-guide": _guide(conn),
        "troubleshooting": _troubleshooting(conn, decision, writer_codes, errors),
    }
    return tuple(Gate(name, *states[name], enforced=enforced is None or name in enforced)
                 for name, _, _ in GATES)
