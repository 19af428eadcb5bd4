"""What a person reads at the end of a run: findings by kind, what blocks a release, and
the log kept to a screen (warnings grouped by rule, a few of each).

Kinds (``kind``): ``errors`` always fail; the rest fail a run when ``fail_on`` names
them (a kind, or one rule's code such as ``doc-parameter``), or every one under
``strict``. ``connector-docs build`` publishes: unless ``fail_on`` is set it fails on
:data:`RELEASE_KINDS` (a Stable badge without evidence, a secret, a broken link), which
are also the findings every summary lists first as blocking a release.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

from connector_docs.diagnostics import Diagnostic, sort_key
from connector_docs.text import counted

# Kind -> how the summary names it, in the order it is printed.
KINDS: dict[str, str] = {
    "errors": "errors",
    "evidence": "Stable claims without evidence",
    "secrets": "secret warnings",
    "links": "broken links",
    "docs": "documentation lint",
    "input": "catalog and smoke warnings",
}
RELEASE_KINDS = ("evidence", "secrets", "links")
CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SEE_ALL = "connector-docs validate --docs --format json"
BLOCKERS_SHOWN = 10


def kind(diag: Diagnostic) -> str:
    if diag.is_error:
        return "errors"
    code = diag.code
    if code == "stable-downgraded":
        return "evidence"
    if code.startswith("secret"):
        return "secrets"
    if code in ("broken-link", "broken-anchor"):
        return "links"
    if code.startswith(("doc-", "overlay-")):
        return "docs"
    return "input"


def fails(diag: Diagnostic, fail_on: Collection[str], strict: bool = False) -> bool:
    """Whether ``diag`` fails a run that fails on ``fail_on`` (kinds or rule codes)."""
    return diag.is_error or strict or kind(diag) in fail_on or (
        bool(diag.code) and diag.code in fail_on)


def failing(diags: Iterable[Diagnostic], fail_on: Collection[str],
            strict: bool = False) -> list[Diagnostic]:
    return sorted((d for d in diags if fails(d, fail_on, strict)), key=sort_key)


def rule(diag: Diagnostic) -> str:
    return diag.code or "other"


def for_log(diags: Iterable[Diagnostic], per_rule: int) -> tuple[list[Diagnostic], int]:
    """The diagnostics a log prints, in order: every error and finding that blocks a
    release, and the first ``per_rule`` warnings of each rule (all when 0); and how many
    were left out."""
    shown: list[Diagnostic] = []
    seen: Counter[str] = Counter()
    left = 0
    for diag in sorted(diags, key=sort_key):
        if per_rule and not diag.is_error and kind(diag) not in RELEASE_KINDS:
            seen[rule(diag)] += 1
            if seen[rule(diag)] > per_rule:
                left += 1
                continue
        shown.append(diag)
    return shown, left


def lines(diags: Iterable[Diagnostic], *, fail_on: Collection[str] | None, strict: bool,
          left_out: int = 0, connectors: int | None = None) -> list[str]:
    """The summary: what blocks a release first (at most a few, one line each), then the
    counts by kind (rules named for the lint), then how to see everything."""
    items = sorted(diags, key=sort_key)
    release = (*RELEASE_KINDS,) if fail_on is None else fail_on
    blockers = [d for d in items if fails(d, release)]
    out = ["connector-docs summary" + (f" ({counted(connectors, 'connector')})"
                                       if connectors is not None else "") + ":"]
    if blockers:
        out.append(f"  blocking a release: {len(blockers)}")
        for diag in blockers[:BLOCKERS_SHOWN]:
            out.append(f"    {diag.location()}: {diag.message}")
        if len(blockers) > BLOCKERS_SHOWN:
            out.append(f"    ... and {len(blockers) - BLOCKERS_SHOWN} more")
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for diag in items:
        by_kind[kind(diag)][rule(diag)] += 1
    for name, label in KINDS.items():
        found = by_kind[name]
        total = sum(found.values())
        text = f"  {label}: {total}"
        if total and name in ("docs", "input"):
            text += " (" + ", ".join(f"{code} {n}" for code, n in found.most_common()) + ")"
        if total and name != "errors" and (strict or name in (fail_on or ())):
            text += ": fails this run"
        out.append(text)
    if left_out:
        out.append(f"  {counted(left_out, 'warning')} not printed above (a few per rule "
                   f"are): {SEE_ALL} lists every finding")
    return out


def check_fail_on(values: Iterable[object]) -> list[str]:
    """What is wrong with a ``fail_on`` list: each item a kind or a rule code (``none``
    alone says: nothing but errors, as a command-line flag can)."""
    return [f"{value!r} is neither a kind ({', '.join(k for k in KINDS if k != 'errors')}) "
            "nor a rule code (e.g. doc-parameter)" for value in values
            if not isinstance(value, str) or not (value in KINDS or CODE.match(value))]
