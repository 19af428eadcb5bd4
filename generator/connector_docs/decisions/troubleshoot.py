"""The error codes a connector's users are expected to meet, best first.

Three sources, merged by HTTP status where one is known: failures seen in smoke runs
(most frequent first), the catalog's ``errorCodes`` (connector and action level, ordered
by ``rank``, then as written), and what the auth type and limits imply (401 expired
credentials, 403 missing scope, 429 rate limited).

A failed smoke message may name the vendor's own code (``403 Forbidden: missing_scope``,
``rejected (invalid_token)``). Such a code is read (:func:`codes_from_smoke`) so readers,
and the site search, find the entry by it: the entry the catalog declares under that code,
else the entry of the HTTP status seen with it (``seen as invalid_token``), else an entry
of its own. Smoke messages are untrusted and may carry credentials: only redacted
messages reach this module, only a word of one strict shape is taken from them (lower-case
letters joined by ``_``, at most 40 characters, not one of the connector's action ids),
never the message, so public sites, which show no smoke messages, may show it too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from connector_docs.decisions.policy import Evidence
from connector_docs.model import Connector, ErrorCode
from connector_docs.text import anchor, unique_anchors

TOP = 3
_HTTP = re.compile(r"\b([45]\d\d)\b(?:\s+([A-Z][A-Za-z ]{2,40}))?")
# A vendor error code in a smoke message: a snake_case word right after an HTTP status
# and its reason phrase ("403 Forbidden: missing_scope"), or alone in parentheses
# ("rejected (invalid_token)"). Letters only: tokens and ids carry digits.
_WORD = r"([a-z]{1,20}(?:_[a-z]{1,20}){1,4})"
_SMOKE_CODE = re.compile(rf"\b[45]\d\d\b(?: [A-Z][A-Za-z ]{{2,40}})?: {_WORD}\b|\({_WORD}\)")
MAX_CODE = 40
_REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
            422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class Entry:
    error: ErrorCode
    seen_in_smoke: int = 0  # failed results mentioning it
    # Ids on the guide, unique on its page (assigned by `expected`): ``error-<code>``,
    # and ``error-<status>`` for a vendor code declared with an HTTP status, so an HTTP
    # error can always deep-link to its entry (unless a code of that name has it).
    anchor: str = ""
    aliases: tuple[str, ...] = ()
    # Vendor codes failed smoke messages named with this entry's HTTP status
    # ("invalid_token" for a 401): how readers and the site search know it.
    smoke_codes: tuple[str, ...] = ()


def _with_anchors(entries: list[Entry]) -> list[Entry]:
    """Ids in order of claim: codes that are their own slug (``429``), then the HTTP
    status aliases, then the other codes (``429!`` gets ``error-429-2``)."""
    codes = [e.error.code for e in entries]
    taken: set[str] = set()
    ids: dict[int, str] = {}
    exact = [i for i, code in enumerate(codes) if anchor(code) == code]
    ids.update(zip(exact, unique_anchors([codes[i] for i in exact], "error-", taken), strict=True))
    aliases: dict[int, tuple[str, ...]] = {}
    for i, e in enumerate(entries):
        alias = f"error-{e.error.http_status}" if e.error.http_status else None
        if alias and alias not in taken:
            taken.add(alias)
            aliases[i] = (alias,)
    rest = [i for i in range(len(entries)) if i not in ids]
    ids.update(zip(rest, unique_anchors([codes[i] for i in rest], "error-", taken), strict=True))
    return [replace(e, anchor=ids[i], aliases=aliases.get(i, ()))
            for i, e in enumerate(entries)]


# What a 401 and a 403 mean for each kind of credential: (what the user holds, cause of
# 401, fix of 401, cause of 403, fix of 403); ``{name}`` is the connector's name.
_TOKEN = ("The {held} is wrong, expired or revoked.",
          "Create a new {held} in {name} and update the connection.",
          "The {held} is valid but has no permission for this action in {name}.",
          "Give the {held} (or the account that created it) access to this feature in "
          "{name}, or create one with more permissions, then update the connection.")
_AUTH_ERRORS: dict[str, tuple[str, ...]] = {
    "oauth2": ("authorization",
               "The access token expired or was revoked, or the app's consent was "
               "withdrawn in {name}.",
               "Reconnect the account to run the OAuth flow again.",
               "The connected {name} account has no permission for this action.",
               "Make sure the connected account may use this feature in {name} (an admin "
               "may have to allow it), then reconnect the account."),
    "api_key": ("API key", *_TOKEN),
    "bearer_token": ("token", *_TOKEN),
    "personal_access_token": ("personal access token", *_TOKEN),
    "vault_token": ("Vault token", *_TOKEN),
    "basic": ("username and password",
              "The username or password is wrong, the password was changed, or the user "
              "was deactivated in {name}.",
              "Check the user in {name} and enter its current credentials in the "
              "connection.",
              "The user signs in but has no permission for this action in {name}.",
              "Give the user the role or permission the action needs in {name}."),
    "aws_credentials": ("access key",
                        "The access key ID or secret is wrong, or the key was deactivated "
                        "or deleted in AWS IAM.",
                        "Create a new access key in AWS IAM and update the connection.",
                        "The IAM user or role has no permission for this action.",
                        "Add the missing permission to the IAM user's or role's policy."),
}
_GENERIC_AUTH = ("credentials",
                 "The credentials are wrong, expired or revoked.",
                 "Create new credentials in {name} and update the connection.",
                 "The credentials are valid but have no permission for this action.",
                 "Give the account behind the credentials access to this feature in "
                 "{name}, then update the connection.")
BACK_OFF = ("Wait and retry with exponential back-off, honouring the Retry-After header "
            "when present; spread bulk jobs over time.")


def _rate_text(conn: Connector) -> str:
    from connector_docs.decisions.wording import describe_rate_limits

    return describe_rate_limits(conn.rate_limits)


def implied(conn: Connector) -> list[ErrorCode]:
    """401 and 403 as the auth type explains them (none without auth), and 429 always:
    with the connector's declared limits, or honestly without a published limit."""
    out = []
    if conn.auth.type != "none":
        held, *texts = _AUTH_ERRORS.get(conn.auth.type, _GENERIC_AUTH)
        # One format pass: a name with braces in it stays as written.
        cause401, fix401, cause403, fix403 = (t.format(name=conn.name, held=held)
                                              for t in texts)
        out.append(ErrorCode(
            code="401", http_status=401, source="implied",
            summary="Unauthorized: the credentials are invalid or expired",
            cause=cause401, resolution=fix401))
        scopes = sorted({s.name for s in conn.auth.scopes})
        if scopes:
            out.append(ErrorCode(
                code="403", http_status=403, source="implied",
                summary="Forbidden: a permission scope is missing",
                cause="The connection was authorized without a scope the action needs, "
                "or the account has no permission for it.",
                resolution="Reconnect and grant the scopes the action needs (see "
                "Permission scopes): " + ", ".join(scopes) + "."))
        else:
            out.append(ErrorCode(
                code="403", http_status=403, source="implied",
                summary="Forbidden: no permission for this action",
                cause=cause403, resolution=fix403))
    limits = _rate_text(conn)
    per_op = any(op.rate_limits for op in conn.operations)
    if limits:
        cause = f"{conn.name} allows {limits}."
    elif per_op:
        cause = "An action's own rate limit was reached (see Rate limits)."
    else:
        cause = (f"Too many requests reached {conn.name} in a short time. No rate limit "
                 "is published for this connector, so the exact threshold is unknown.")
    out.append(ErrorCode(code="429", http_status=429, source="implied",
                         summary="Too many requests: the rate limit was reached",
                         cause=cause, resolution=BACK_OFF))
    return out


def http_reason(code: str) -> str:
    """The reason phrase of an HTTP status written as a code ("429" -> "Too Many
    Requests"); "" for anything else."""
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    return _REASONS.get(int(code), "") if code.isascii() and code.isdigit() else ""


def from_smoke(history: Sequence[Evidence]) -> Counter[int]:
    seen: Counter[int] = Counter()
    for ev in history:
        if ev.status != "failed":
            continue
        codes = {int(m.group(1)) for msg in ev.messages for m in _HTTP.finditer(msg)}
        seen.update(codes)
    return seen


def codes_from_smoke(history: Sequence[Evidence], exclude: Collection[str] = ()
                     ) -> dict[str, tuple[int | None, int]]:
    """Vendor error codes named by failed smoke results: code -> (the HTTP status seen
    with it: in its message, else the only one of its result; the number of failed
    results naming it). ``exclude``: words that are no codes (the connector's action and
    trigger ids, which messages name too)."""
    found: dict[str, tuple[int | None, int]] = {}
    for ev in history:
        if ev.status != "failed":
            continue
        statuses = {int(m.group(1)) for msg in ev.messages for m in _HTTP.finditer(msg)}
        named: dict[str, int | None] = {}
        for msg in ev.messages:
            here = [int(m.group(1)) for m in _HTTP.finditer(msg)]
            for match in _SMOKE_CODE.finditer(msg):
                code = match.group(1) or match.group(2)
                if len(code) > MAX_CODE or code in exclude:
                    continue
                status = here[0] if here else (next(iter(statuses)) if len(statuses) == 1
                                               else None)
                if named.get(code) is None:
                    named[code] = status
        for code, status in named.items():
            known, hits = found.get(code, (None, 0))
            found[code] = (known if known is not None else status, hits + 1)
    return found


def expected(conn: Connector, history: Sequence[Evidence] = ()) -> list[Entry]:
    """Every known error code for the connector, most expected first."""
    declared = list(conn.error_codes)
    for op in conn.operations:
        for code in op.error_codes:
            existing = next((i for i, d in enumerate(declared) if d.code == code.code), None)
            if existing is None:
                declared.append(code)
            else:
                merged = declared[existing]
                declared[existing] = replace(
                    merged, operations=tuple(dict.fromkeys(merged.operations + code.operations)))
    seen = from_smoke(history)
    by_status = {d.http_status: d for d in declared if d.http_status}
    named = codes_from_smoke(history, {op.id for op in conn.operations})
    seen_codes: Counter[str] = Counter()  # smoke hits of entries known by code only
    seen_as: dict[int, list[str]] = {}  # status -> vendor codes seen with it
    for word, (status, hits) in named.items():
        if any(d.code == word for d in declared):
            seen_codes[word] += hits
        elif status is not None:
            seen_as.setdefault(status, []).append(word)
        else:
            declared.append(ErrorCode(code=word, source="smoke", summary=""))
            seen_codes[word] += hits
    for status in seen:
        if status not in by_status:
            declared.append(ErrorCode(code=str(status), http_status=status, source="smoke",
                                      summary=f"HTTP {status} {_REASONS.get(status, '')}"
                                      .strip()))
            by_status[status] = declared[-1]
    for code in implied(conn):
        if code.http_status in by_status:
            known = by_status[code.http_status]
            idx = declared.index(known)
            declared[idx] = replace(known, cause=known.cause or code.cause,
                                    resolution=known.resolution or code.resolution)
        elif all(d.code != code.code for d in declared):
            declared.append(code)

    def score(item: tuple[int, ErrorCode]) -> tuple[int, float, int]:
        # Failures seen in smoke runs are the strongest evidence of what users meet;
        # then the catalog's own ranking, its unranked codes, and what auth/limits imply.
        index, err = item
        hits = seen.get(err.http_status or -1, 0) or seen_codes[err.code]
        if hits:
            return (0, -hits, index)
        if err.rank is not None:
            return (1, err.rank, index)
        return (2 if err.source == "catalog" else 3, 0, index)

    entries = []
    for _, err in sorted(enumerate(declared), key=score):
        # The vendor codes seen with a status go to its first (most expected) entry.
        also = tuple(sorted(seen_as.pop(err.http_status, ()))) if err.http_status else ()
        entries.append(Entry(err, seen.get(err.http_status or -1, 0) or seen_codes[err.code],
                             smoke_codes=also))
    return _with_anchors(entries)


def top(conn: Connector, history: Sequence[Evidence] = ()) -> list[Entry]:
    return expected(conn, history)[:TOP]
