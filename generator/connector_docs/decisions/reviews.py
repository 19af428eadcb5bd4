"""Post-launch reviews (issue 22): a week after a connector first shows Stable, the
release manager reviews the launch. When that was comes from the catalog
(``release.stableSince``) or, without it, from the smoke evidence: the first passing
result at which the Stable rule held (its newest result that ran passed and QA's newest
passed). Versions are not replayed: the catalog's past versions are not known. Only
connectors the catalog claims stable have a review. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from connector_docs.decisions.policy import Decision, Evidence
from connector_docs.model import Catalog

REVIEW_AFTER_DAYS = 7
ReviewState = Literal["upcoming", "due", "overdue"]


@dataclass(frozen=True)
class Review:
    connector_id: str
    name: str
    stable_since: dt.date
    source: Literal["catalog", "evidence"]  # where stable_since comes from
    due: dt.date
    state: ReviewState

    @property
    def said(self) -> str:
        """"due 2026-11-27 (Stable since 2026-11-20, from the catalog)"."""
        verb = "was due" if self.state == "overdue" else "due"
        return (f"post-launch review {verb} {self.due} (Stable since {self.stable_since}, "
                f"from the {self.source})")


def first_stable(history: Sequence[Evidence]) -> dt.date | None:
    """The date of the first passing result at which the Stable rule held, oldest first:
    it is the newest result that ran, and QA's newest result that ran passed."""
    qa_passed = False
    for ev in history:
        if ev.status == "skipped":
            continue
        if ev.suite == "qa":
            qa_passed = ev.status == "passed"
        if ev.status == "passed" and qa_passed:
            return ev.date
    return None


def state_on(due: dt.date, today: dt.date) -> ReviewState:
    if today < due:
        return "upcoming"
    return "due" if today == due else "overdue"


def reviews(catalog: Catalog, decisions: Mapping[str, Decision], today: dt.date
            ) -> tuple[Review, ...]:
    """The post-launch review of every connector the catalog claims stable and that has
    shown Stable (or says since when), in catalog order."""
    out = []
    for conn in catalog.connectors:
        if conn.lifecycle != "stable":
            continue
        since = conn.stable_since
        source: Literal["catalog", "evidence"] = "catalog"
        if since is None:
            since, source = first_stable(decisions[conn.id].history), "evidence"
        if since is None:
            continue
        due = since + dt.timedelta(days=REVIEW_AFTER_DAYS)
        out.append(Review(conn.id, conn.name, since, source, due, state_on(due, today)))
    return tuple(out)
