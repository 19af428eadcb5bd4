"""What a badge means, in readers' words: the note on a badge (its tooltip and the text
screen readers read), the sentence beside the badge on a guide, and the catalog page's
"What the badges mean". Plain strings; templates escape them.

Public pages never use the team's words (claims, evidence, freshness windows): those stay
in ``Decision.reasons``, for the readiness report and the build log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from connector_docs.decisions.policy import LEVEL_LABELS, Decision
from connector_docs.model import SUITES

# What each badge says about a connector, after "<Label>: " (tooltips of claimed levels).
SHORT = {
    "beta": "ready to use; it may still change",
    "preview": "an early version to try out; it may change",
    "alpha": "experimental; it may change or be removed",
    "deprecated": "being retired; plan a migration",
}
FEATURED = "highlighted by the platform team"  # after "Featured: "
NO_BADGE = "A connector without a badge has not announced a release stage."


def suite_name(suite: str) -> str:
    return {"qa": "QA"}.get(suite, suite)


def _joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def verified_by(decision: Decision) -> list[str]:
    """The suites whose newest result (skips aside) passed: engineering, QA, nightly,
    then others."""
    newest = {e.suite: e for e in decision.history if e.status != "skipped"}
    passed = [suite for suite, e in newest.items() if e.status == "passed"]
    order = {suite: i for i, suite in enumerate(SUITES)}
    return [suite_name(s) for s in sorted(passed, key=lambda s: (order.get(s, len(order)), s))]


def _verified(suites: Sequence[str], decision: Decision) -> str:
    if len(suites) == 1:
        return f"Verified on {decision.last_verified} by the {suites[0]} smoke tests"
    return (f"Verified by the {_joined(suites)} smoke tests, most recently on "
            f"{decision.last_verified}")


def verification(decision: Decision) -> str:
    """One sentence for the guide, beside the badge: when and by which smoke tests the
    connector was verified, or why it is not (yet)."""
    if decision.public_reasons:
        return f"Not yet verified as stable: {'; '.join(decision.public_reasons)}."
    counted = [e for e in decision.history if e.status != "skipped"]
    if not counted:
        return ("Not yet verified: its smoke tests were skipped." if decision.history
                else "Not yet verified by smoke tests.")
    newest = counted[-1]
    if decision.last_verified is None:
        return f"Not yet verified: the newest smoke test failed on {newest.date}."
    suites = verified_by(decision)
    sentence = (_verified(suites, decision) if suites
                else f"Last passed smoke tests on {decision.last_verified}")
    if newest.status == "failed":
        sentence += f"; the newest smoke test failed on {newest.date}"
    if decision.verified_version:
        sentence += (f"; version {decision.verified_version} verified on "
                     f"{decision.version_verified_on}")
    return sentence + "."


def note(decision: Decision) -> str | None:
    """What the badge says, after its label ("verified on 2026-11-24 by the QA smoke
    tests"); None when there is no badge."""
    badge = decision.badge
    if badge is None:
        return None
    if badge == "stable":
        said = _verified(verified_by(decision), decision)
        return said[0].lower() + said[1:]
    if badge == "deprecated" and decision.sunset:
        return f"being retired on {decision.sunset}; plan a migration"
    if decision.public_reasons:
        if not any(e.status != "skipped" for e in decision.history):
            return "not yet verified by smoke tests"
        return f"not yet verified as stable ({'; '.join(decision.public_reasons)})"
    return SHORT[badge]


def title(decision: Decision) -> str | None:
    """The badge's tooltip: "Stable: verified on ..."."""
    said = note(decision)
    return f"{LEVEL_LABELS[decision.badge]}: {said}" if decision.badge and said else None


def meanings(levels: Iterable[str], max_age_days: int) -> list[tuple[str, str]]:
    """(level, what its badge means) for the catalog page, for the levels it shows."""
    text = {
        "stable": "passes our smoke tests for the version it lists, QA's included; the last "
                  f"pass is at most {max_age_days} days old",
        "beta": "ready to use, but it may still change. A connector listed as stable shows "
                "Beta until its smoke tests confirm it",
        "preview": SHORT["preview"],
        "alpha": SHORT["alpha"],
        "deprecated": SHORT["deprecated"],
    }
    return [(level, text[level]) for level in levels if level in text]
