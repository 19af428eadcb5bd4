"""The readiness model: one report that ``connector-docs audit`` prints (text or JSON)
and the readiness page renders, so the two never disagree. Per connector, every gate
(``gates``) passed, missing or not applicable with its reason; then the audit's failures
(shown Stable, missing an enforced gate), the downgrades (claimed Stable, shown lower,
with the gates that say why) and the connectors ready to promote (the evidence supports
Stable and every enforced gate passes). The quality tier is derived, never declared.
Issue 22 adds the connectors whose evidence is for another version than the catalog
ships (``outdated``) and the post-launch reviews (``reviews``: due or overdue ones are
listed by the audit, every one on the page). Pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from connector_docs.decisions import troubleshoot
from connector_docs.decisions.gates import DOC_GATES, STATE_WORDS, Gate, gates_for
from connector_docs.decisions.policy import LEVEL_LABELS, Decision
from connector_docs.decisions.reviews import Review, reviews
from connector_docs.model import GATE_NAMES, GATES, Catalog, Lifecycle

# The gates that say why a claimed Stable is shown lower (``policy``'s reasons).
EVIDENCE_GATES = ("fresh-evidence", "qa-smoke")
TIERS = ("Gold", "Silver", "Bronze")


@dataclass(frozen=True)
class Readiness:
    connector_id: str
    name: str
    claimed: Lifecycle | None  # None: the catalog claims no lifecycle (read as beta)
    shown: Lifecycle
    gates: tuple[Gate, ...]
    decision: Decision

    @property
    def missing(self) -> tuple[Gate, ...]:
        return tuple(g for g in self.gates if g.state == "missing")

    @property
    def failing(self) -> tuple[Gate, ...]:
        """The audit's failures: enforced gates a connector shown Stable misses."""
        if self.shown != "stable":
            return ()
        return tuple(g for g in self.missing if g.enforced)

    @property
    def downgraded(self) -> tuple[Gate, ...]:
        """Why a claimed Stable is shown lower: its missing evidence gates (empty when it
        is not downgraded)."""
        if not self.decision.downgraded:
            return ()
        return tuple(g for g in self.missing if g.key in EVIDENCE_GATES)

    @property
    def ready_to_promote(self) -> bool:
        """The evidence supports Stable, the catalog does not say so yet, and every
        enforced gate passes."""
        return self.decision.ready_to_promote and not any(g.enforced for g in self.missing)

    @property
    def status(self) -> str:
        """``failing``, ``downgraded``, ``ready`` or empty: which list the row is in."""
        if self.failing:
            return "failing"
        if self.downgraded:
            return "downgraded"
        return "ready" if self.ready_to_promote else ""

    @property
    def tier(self) -> str:
        """Gold: every gate met; Silver: every documentation gate met (evidence pending);
        Bronze: anything less. Over all gates, enforced or not."""
        missing = {g.key for g in self.missing}
        if not missing:
            return "Gold"
        if not missing & set(DOC_GATES):
            return "Silver"
        return "Bronze"

    @property
    def shown_label(self) -> str:
        return LEVEL_LABELS[self.shown]


@dataclass(frozen=True)
class Report:
    rows: tuple[Readiness, ...]
    enforced: tuple[str, ...]  # the gates a miss fails the audit on, in report order
    reviews: tuple[Review, ...] = ()  # post-launch reviews, catalog order

    @property
    def outdated(self) -> tuple[Readiness, ...]:
        """Connectors whose passing evidence is for another version than the catalog's."""
        return tuple(r for r in self.rows if r.decision.outdated)

    @property
    def reviews_due(self) -> tuple[Review, ...]:
        """Post-launch reviews due today or overdue."""
        return tuple(r for r in self.reviews if r.state != "upcoming")

    def review_of(self, connector_id: str) -> Review | None:
        return next((r for r in self.reviews if r.connector_id == connector_id), None)

    @property
    def failures(self) -> tuple[Readiness, ...]:
        return tuple(r for r in self.rows if r.failing)

    @property
    def downgrades(self) -> tuple[Readiness, ...]:
        return tuple(r for r in self.rows if r.downgraded)

    @property
    def ready(self) -> tuple[Readiness, ...]:
        return tuple(r for r in self.rows if r.ready_to_promote)

    @property
    def gates(self) -> tuple[tuple[str, str, str, bool], ...]:
        """(name, short title, title, enforced) of every gate, in report order."""
        return tuple((n, s, t, n in self.enforced) for n, s, t in GATES)

    def only(self, connector_id: str) -> Report:
        return Report(tuple(r for r in self.rows if r.connector_id == connector_id),
                      self.enforced,
                      tuple(r for r in self.reviews if r.connector_id == connector_id))


def audit(catalog: Catalog, decisions: Mapping[str, Decision],
          warnings: Mapping[str, int] | None = None,
          writer_codes: Mapping[str, Collection[str]] | None = None,
          errors: Mapping[str, Sequence[troubleshoot.Entry]] | None = None,
          enforced: Collection[str] | None = None, today: dt.date | None = None) -> Report:
    """The report of every connector; ``enforced``: the gates the audit fails on (None:
    all of them); ``today``: the build date the post-launch reviews are due against
    (None: no reviews)."""
    chosen = GATE_NAMES if enforced is None else tuple(
        n for n in GATE_NAMES if n in set(enforced))
    rows = []
    for conn in catalog.connectors:
        decision = decisions[conn.id]
        rows.append(Readiness(conn.id, conn.name, decision.claimed, decision.shown,
                              gates_for(conn, decision, (warnings or {}).get(conn.id, 0),
                                        (writer_codes or {}).get(conn.id, ()),
                                        errors.get(conn.id) if errors else None, chosen),
                              decision))
    return Report(tuple(rows), chosen,
                  reviews(catalog, decisions, today) if today is not None else ())


def outdated_said(r: Readiness) -> str:
    """"evidence is for an older version: verified on ... for version X; the catalog
    ships Y"."""
    return next((reason for gate, reason in r.decision.gaps
                 if gate == "fresh-evidence" and reason.startswith("evidence is for")), "")


def _said(gates: Sequence[Gate]) -> str:
    return "; ".join(g.said for g in gates)


def format_table(report: Report) -> str:
    words = {"passed": "passed", "missing": "missing", "n/a": "n/a"}
    head = ["connector", "claimed", "shown", "verified", "tier"] + [
        short + ("" if enforced else "*") for _, short, _, enforced in report.gates]
    rows = [head]
    for r in report.rows:
        rows.append([r.connector_id, r.claimed or "-", r.shown,
                     str(r.decision.last_verified or "-"), r.tier]
                    + [words[g.state] for g in r.gates])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.append("gates: " + "; ".join(
        f"{short} = {title}" + ("" if enforced else " (not enforced)")
        for _, short, title, enforced in report.gates))
    for r in report.failures:
        lines.append(f"failing: {r.connector_id}: shown Stable but missing {_said(r.failing)}")
    for r in report.downgrades:
        lines.append(f"downgraded: {r.connector_id}: claims Stable, shown {r.shown_label}: "
                     + _said(r.downgraded))
    for r in report.rows:
        if r.missing:
            lines.append(f"missing: {r.connector_id}: {_said(r.missing)}")
    for r in report.outdated:
        lines.append(f"outdated: {r.connector_id}: {outdated_said(r)}")
    for review in report.reviews_due:
        lines.append(f"review {review.state}: {review.connector_id}: {review.said}")
    ready = [r.connector_id for r in report.ready]
    lines.append("ready to promote: " + (", ".join(ready) if ready else "none"))
    return "\n".join(lines)


def _gate_json(g: Gate) -> dict[str, object]:
    return {"state": g.state, "words": STATE_WORDS[g.state], "reason": g.reason,
            "enforced": g.enforced}


def to_json(report: Report) -> dict[str, object]:
    return {
        "gates": [{"name": n, "short": s, "title": t, "enforced": e}
                  for n, s, t, e in report.gates],
        "failing": [{"id": r.connector_id, "gates": [g.key for g in r.failing]}
                    for r in report.failures],
        "downgraded": [{"id": r.connector_id, "shown": r.shown,
                        "gates": [g.key for g in r.downgraded]} for r in report.downgrades],
        "readyToPromote": [r.connector_id for r in report.ready],
        "outdatedEvidence": [{"id": r.connector_id, "verifiedVersion": r.decision.outdated[0],
                              "verifiedOn": str(r.decision.outdated[1]),
                              "catalogVersion": r.decision.version}
                             for r in report.outdated if r.decision.outdated],
        "reviewsDue": [_review_json(v) for v in report.reviews_due],
        "connectors": [{
            "id": r.connector_id,
            "name": r.name,
            "claimed": r.claimed,
            "shown": r.shown,
            "tier": r.tier,
            "status": r.status or None,
            "lastVerified": str(r.decision.last_verified or "") or None,
            "readyToPromote": r.ready_to_promote,
            "version": r.decision.version,
            "verifiedVersion": r.decision.verified_version,
            "review": _review_json(report.review_of(r.connector_id)),
            "gates": {g.key: _gate_json(g) for g in r.gates},
        } for r in report.rows],
    }


def _review_json(review: Review | None) -> dict[str, object] | None:
    if review is None:
        return None
    return {"id": review.connector_id, "stableSince": str(review.stable_since),
            "from": review.source, "due": str(review.due), "state": review.state}


def format_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2)
