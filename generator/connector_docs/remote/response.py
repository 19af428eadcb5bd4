"""One response of a fetch, judged and read: a redirect to follow, a status worth another
attempt, an error, or the body, read in full under the cap on what it decodes to.

:class:`connector_docs.remote.fetch.Session` sends the request and bounds the whole
exchange by the fetch's deadline; :func:`outcome` takes the response from there. A
response that ends the fetch raises :class:`connector_docs.remote.policy.Refused`, which
the session words as a diagnostic with the secrets it knows redacted. The reading is
:mod:`connector_docs.remote.body`'s, the wording :mod:`connector_docs.remote.describe`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from connector_docs.remote.body import (
    ACCEPT_ENCODING,
    BodyProblem,
    codings,
    raw_limit,
    read_decoded,
)
from connector_docs.remote.describe import (
    encoding_text,
    raw_body,
    status_hint,
    status_text,
    too_large_text,
)
from connector_docs.remote.policy import REDIRECT_STATUSES, Refused, retry_after, retry_hint


@dataclass(frozen=True)
class Body:
    """A response body read in full, as the loaders in :mod:`connector_docs.sources` get it."""

    data: bytes
    content_type: str
    url: httpx.URL  # after redirects


@dataclass(frozen=True)
class Redirect:
    url: httpx.URL


@dataclass(frozen=True)
class Retry:
    message: str
    hint: str | None
    code: str
    wait: float | None  # from Retry-After


Outcome = Body | Redirect | Retry


def outcome(
    response: httpx.Response,
    target: httpx.URL,
    max_bytes: int,
    *,
    check: Callable[[], None],
    token_env: str,
    has_token: bool,
) -> Outcome:
    """What the response to a GET of ``target`` comes to. Its body is read, under
    ``max_bytes`` decoded, only when the status is a success; ``check`` runs between its
    chunks (the fetch's deadline). ``token_env``, ``has_token``: for the hint on 401/403."""
    status = response.status_code
    if status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        if not location:
            raise Refused(
                f"HTTP {status} redirect without a Location header", code="remote-redirect"
            )
        try:
            return Redirect(target.join(location.strip()))
        except (httpx.InvalidURL, ValueError):
            raise Refused(
                f"HTTP {status} redirect to an invalid URL", code="remote-redirect"
            ) from None
    hint = retry_hint(status)
    if hint is not None:
        return Retry(
            status_text(response, target),
            hint,
            "remote-status",
            retry_after(response.headers.get("retry-after")),
        )
    if not 200 <= status < 300:
        raise Refused(
            status_text(response, target),
            status_hint(status, token_env, has_token),
            code="remote-status",
        )
    coding_list = codings(response.headers.get_list("content-encoding"))
    declared = response.headers.get("content-length", "")
    most = raw_limit(max_bytes) if coding_list else max_bytes
    if declared.strip().isascii() and declared.strip().isdigit() and int(declared) > most:
        raise _too_large(max_bytes, int(declared))
    try:
        data = read_decoded(raw_body(response), coding_list, max_bytes, check=check)
    except BodyProblem as problem:
        if problem.kind == "too-large":
            raise _too_large(max_bytes, None) from None
        message, problem_hint = encoding_text(problem.kind, problem.detail, ACCEPT_ENCODING)
        raise Refused(message, problem_hint, code="remote-encoding") from None
    return Body(data, response.headers.get("content-type", ""), target)


def _too_large(limit: int, declared: int | None) -> Refused:
    message, hint = too_large_text(limit, declared)
    return Refused(message, hint, code="remote-too-large")
