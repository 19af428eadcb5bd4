"""The transport rules of every remote fetch, as plain functions over URLs and headers.

Which URLs may be fetched (https; plain http only to this machine), which redirects are
followed (to the same host, never from https to http), where the bearer token may go (the
origin of a session's first URL) and whether it can be sent at all, which responses are
tried again and how long their ``Retry-After`` says to wait.
:class:`connector_docs.remote.fetch.Session` applies them: a rule that refuses raises
:class:`Refused`, which the session words as a located diagnostic.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import math

import httpx

from connector_docs.remote.describe import display_url

MAX_RETRY_AFTER = 60.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


# An indirection so tests can drive the Retry-After date arithmetic: patch it here.
def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Refused(Exception):
    """Why a fetch ends here (a rule refuses, or a response does:
    :mod:`connector_docs.remote.response`): the diagnostic's message, hint and code. The
    session adds where (the URL the fetch began at) and redacts what it knows is secret."""

    def __init__(self, message: str, hint: str | None = None, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: the one place plain http is allowed, and where an
    environment proxy is not used."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port(url: httpx.URL) -> int | None:
    return url.port or _DEFAULT_PORTS.get(url.scheme)


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """(scheme, host, port): what must match for a URL to receive the token."""
    return url.scheme, (url.host or "").lower().rstrip("."), _port(url)


def check_url(url: httpx.URL) -> None:
    """Refuse a URL that is not http(s), has no host, or is plain http to another machine
    (the data and any token would travel unencrypted)."""
    if url.scheme not in ("https", "http"):
        raise Refused(
            f"cannot fetch a {url.scheme or 'relative'} URL; only https:// is supported",
            code="remote-url",
        )
    if not url.host:
        raise Refused("the URL has no host", code="remote-url")
    if url.scheme == "http" and not is_loopback(url.host):
        raise Refused(
            "refusing plain http:// for a remote host: the data "
            "and any token would travel unencrypted",
            "use https:// (http:// is allowed for localhost only)",
            code="remote-insecure",
        )


def check_redirect(first: httpx.URL, current: httpx.URL, new: httpx.URL) -> None:
    """Refuse a redirect from ``current`` to ``new``, in a fetch that began at ``first``,
    that leaves https, or the host (or, on the same scheme, the port) of the first URL.
    The target must pass :func:`check_url` too."""
    where = display_url(str(new))
    if current.scheme == "https" and new.scheme == "http":
        raise Refused(
            f"refusing a redirect from https to plain http ({where})", code="remote-redirect"
        )
    if (new.host or "").lower() != (first.host or "").lower() or (
        new.scheme == first.scheme and _port(new) != _port(first)
    ):
        raise Refused(
            f"refusing a redirect to another host ({where}); "
            "redirects are followed on the same host only",
            "point the option at the final URL if you trust that host",
            code="remote-redirect",
        )


def check_token(token: str, variable: str) -> None:
    """Refuse a token (read from environment ``variable``) that cannot be sent in an HTTP
    header."""
    if token and (not token.isascii() or not token.isprintable()):
        raise Refused(
            f"{variable} holds characters that cannot be sent in an HTTP header",
            "check how the variable is set",
            code="remote-token",
        )


def retry_hint(status: int) -> str | None:
    """For a response worth another attempt (429 and 5xx), what to tell the user if the
    attempts run out; None for any other status."""
    if status == 429:
        return "the server is rate limiting; try again later"
    if 500 <= status <= 599:
        return "the server is busy or failing; try again later"
    return None


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date),
    capped at :data:`MAX_RETRY_AFTER`; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:  # Python < 3.10 returned None on bad input
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - _now()).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
