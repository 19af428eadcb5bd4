"""HTTP fetching for the remote sources (:mod:`connector_docs.sources`): one GET at a time
through httpx, under rules that hold for every remote input.

Everything that touches the network is in :class:`Session`; :func:`fetch` is one GET
through a fresh session. The wording of URLs, bodies and failures in messages is in
:mod:`connector_docs.remote.describe`.

Transport rules, all enforced here:

* https only; plain http only for loopback hosts (``localhost``, ``127.0.0.0/8``,
  ``[::1]``);
* timeouts: connect 10 s, read 30 s, and one deadline over the whole fetch (connecting,
  headers, body, error bodies, redirects and retries): each attempt runs in a worker
  thread the caller waits for until the deadline, when the session's sockets are shut
  down and its client is dropped (:mod:`connector_docs.remote.deadline`);
* bounded retries with exponential back-off on 429, 5xx and connection errors,
  honouring ``Retry-After`` (seconds or an HTTP date, capped at 60 s);
* bodies, error bodies too, are read raw and decoded by :mod:`connector_docs.remote.body`
  under a cap on the decoded bytes (one gzip or deflate coding at most; stacked or
  unknown codings are refused), so neither an endless response nor a compression bomb
  is ever held in memory;
* redirects are followed by hand: at most 5, only to the same host, never https->http;
* an optional bearer token from ``CONNECTOR_DOCS_TOKEN`` is sent as
  ``Authorization: Bearer ...`` only to the origin (scheme, host and port) of the first
  URL of the session; everything a message quotes passes through
  :class:`connector_docs.secrets.redact.Redactor` with the token and any URL password, in all their
  encodings; URLs shown in messages lose their userinfo, query string and fragment.

Fetch problems raise :class:`ConnectorDocsError` with one located diagnostic.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import ipaddress
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import httpx

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error
from connector_docs.remote.body import (
    ACCEPT_ENCODING,
    BodyProblem,
    codings,
    raw_limit,
    read_decoded,
)
from connector_docs.remote.deadline import Missed, Watch, run_until
from connector_docs.remote.describe import (
    body_excerpt,
    display_url,
    encoding_text,
    exc_text,
    raw_body,
    read_some,
    size_text,
    status_hint,
    transport_text,
)
from connector_docs.secrets.config import MIN_SECRET_LENGTH
from connector_docs.secrets.redact import REDACTED, Redactor

TOKEN_ENV = "CONNECTOR_DOCS_TOKEN"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEADLINE_SECONDS = 300.0  # one fetch, retries and redirects included
MAX_REDIRECTS = 5
BACKOFF_SECONDS = 1.0  # 1, 2, 4, ... between attempts without a Retry-After
MAX_RETRY_AFTER = 60.0
USER_AGENT = "connector-docs (+https://pypi.org/project/connector-docs/)"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Indirections so tests can drive the deadline, the loaders' back-off and the Retry-After
# date arithmetic. Patch them here, on this module: the session reads them from it.
_clock: Callable[[], float] = time.monotonic
_sleep: Callable[[float], None] = time.sleep


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def fetch(
    url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = READ_TIMEOUT,
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """GET ``url`` under the transport rules above and return the body.

    Raises :class:`ConnectorDocsError` with one located diagnostic (its path is the URL
    without credentials, query or fragment)."""
    with Session(
        transport=transport, env=env, timeout=timeout, retries=retries, sleep=sleep
    ) as session:
        return session.get(url, max_bytes=max_bytes, accept="*/*", option=None).data


# ------------------------------------------------------------------------ URLs


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


# ------------------------------------------------------------------------ the client


@dataclass(frozen=True)
class Body:
    """A response body read in full, as the loaders in :mod:`connector_docs.sources` get it."""

    data: bytes
    content_type: str
    url: httpx.URL  # after redirects


@dataclass(frozen=True)
class _Redirect:
    url: httpx.URL


@dataclass(frozen=True)
class _Retry:
    message: str
    hint: str | None
    code: str
    wait: float | None  # from Retry-After


_Outcome = Body | _Redirect | _Retry


class Session:
    """One httpx client for one logical load (a catalog, or a smoke index and its runs)."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = READ_TIMEOUT,
        retries: int = 3,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._transport = transport
        self._token = (os.environ if env is None else env).get(TOKEN_ENV, "").strip()
        self._timeout = timeout
        self._retries = max(0, retries)
        self._sleep = sleep if sleep is not None else (lambda seconds: _sleep(seconds))
        self._client: httpx.Client | None = None
        self._watch = Watch()
        self._secrets: set[str] = {self._token} if self._token else set()
        self._redactor: Redactor | None = None
        # Where the token may go: the origin of the session's first URL (the option's).
        self._token_origin: tuple[str, str, int | None] | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- messages

    def redact(self, text: str) -> str:
        """``text`` without the secrets this session knows (the token, URL passwords) in
        any encoding the project's redactor knows, nor well-known token shapes."""
        if self._redactor is None:
            self._redactor = Redactor(sorted(self._secrets))
        text = self._redactor.redact(text)
        for secret in self._secrets:  # too short for the redactor: as written, at least
            if len(secret) < MIN_SECRET_LENGTH:
                text = text.replace(secret, REDACTED)
        return text

    def redact_diagnostic(self, diag: Diagnostic) -> Diagnostic:
        """``diag`` with its path, message and hint redacted (a server chose their text)."""
        return replace(
            diag,
            path=self.redact(diag.path),
            message=self.redact(diag.message),
            pointer=self.redact(diag.pointer) if diag.pointer else diag.pointer,
            hint=self.redact(diag.hint) if diag.hint else diag.hint,
        )

    def _fail(
        self, shown: str, message: str, *, hint: str | None = None, code: str
    ) -> ConnectorDocsError:
        return ConnectorDocsError(
            [self.redact_diagnostic(error(shown, message, hint=hint, code=code))]
        )

    # -- setup

    def _check(self, raw: str | httpx.URL, shown: str) -> httpx.URL:
        try:
            url = raw if isinstance(raw, httpx.URL) else httpx.URL(raw.strip())
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise self._fail(shown, f"not a valid URL: {exc}", code="remote-url") from None
        if url.scheme not in ("https", "http"):
            raise self._fail(
                shown,
                f"cannot fetch a {url.scheme or 'relative'} URL; only https:// is supported",
                code="remote-url",
            )
        if not url.host:
            raise self._fail(shown, "the URL has no host", code="remote-url")
        if url.scheme == "http" and not is_loopback(url.host):
            raise self._fail(
                shown,
                "refusing plain http:// for a remote host: the data "
                "and any token would travel unencrypted",
                hint="use https:// (http:// is allowed for localhost only)",
                code="remote-insecure",
            )
        if url.password and url.password not in self._secrets:
            self._secrets.add(url.password)
            self._redactor = None
        if url.userinfo and self._token:  # the bearer token wins over user:password@
            url = url.copy_with(userinfo=b"")
        return url

    def _headers(self, shown: str, accept: str) -> dict[str, str]:
        if self._token and (not self._token.isascii() or not self._token.isprintable()):
            raise self._fail(
                shown,
                f"{TOKEN_ENV} holds characters that cannot be sent in an HTTP header",
                hint="check how the variable is set",
                code="remote-token",
            )
        return {"Accept": accept, "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}

    def _authorized(self, target: httpx.URL, headers: dict[str, str]) -> dict[str, str]:
        """``headers`` plus the token when ``target`` is on the token's origin: the same
        host on another port is another server, and plain http would expose it."""
        if self._token and origin(target) == self._token_origin:
            return {**headers, "Authorization": f"Bearer {self._token}"}
        return headers

    def _http(self, first: httpx.URL) -> tuple[httpx.Client, Watch]:
        if self._client is None:
            self._watch = Watch()
            self._client = httpx.Client(
                transport=self._transport,
                follow_redirects=False,
                timeout=httpx.Timeout(self._timeout, connect=CONNECT_TIMEOUT),
                # A proxy from the environment cannot reach this machine's loopback.
                trust_env=not is_loopback(first.host),
            )
        return self._client, self._watch

    # -- the loop

    def get(self, raw: str, *, max_bytes: int, accept: str, option: str | None) -> Body:
        shown = display_url(raw)
        first = target = self._check(raw, shown)
        if self._token_origin is None:
            self._token_origin = origin(first)
        headers = self._headers(shown, accept)
        deadline = _clock() + DEADLINE_SECONDS
        attempt = hops = 0
        while True:
            outcome: _Outcome
            client, watch = self._http(first)
            work = functools.partial(
                self._attempt, client, watch, target, headers, shown, max_bytes, deadline
            )
            try:
                outcome = self._within(deadline, work, target, option, shown)
            except httpx.TransportError as exc:
                outcome = self._transport_problem(exc, target, option, shown)
            except httpx.HTTPError as exc:  # DecodingError and other non-transport errors
                raise self._fail(
                    shown,
                    f"cannot read the response from {target.host}: {exc_text(exc)}",
                    code="remote-read",
                ) from None
            if isinstance(outcome, Body):
                return outcome
            if isinstance(outcome, _Redirect):
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise self._fail(
                        shown,
                        f"more than {MAX_REDIRECTS} redirects",
                        hint="point the option at the final URL",
                        code="remote-redirect",
                    )
                target = self._follow(first, target, outcome.url, shown)
                continue
            wait = outcome.wait if outcome.wait is not None else BACKOFF_SECONDS * 2**attempt
            if attempt >= self._retries or _clock() + wait > deadline:
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                raise self._fail(
                    shown,
                    f"{outcome.message} (gave up after {tries})",
                    hint=outcome.hint,
                    code=outcome.code,
                )
            self._sleep(wait)
            attempt += 1

    def _within(
        self,
        deadline: float,
        work: Callable[[], _Outcome],
        target: httpx.URL,
        option: str | None,
        shown: str,
    ) -> _Outcome:
        """``work()``, one attempt, bounded by the fetch's deadline whatever it is stuck
        in (see :mod:`connector_docs.remote.deadline`). Past it the client's connections are
        cut and the client dropped: the session's next fetch starts on fresh ones."""
        outcome = run_until(deadline - _clock(), work)
        if not isinstance(outcome, Missed):
            return outcome
        self._watch.expire()
        self._close()
        where = f"point `{option}:` at a local folder" if option else "use a local copy"
        raise self._fail(
            shown,
            f"no complete response from {target.host} within {DEADLINE_SECONDS:g} s "
            "(connection, headers and body together); stopped waiting",
            hint=f"the server is stalled or far too slow; try again later, or {where}",
            code="remote-timeout",
        )

    def _attempt(
        self,
        client: httpx.Client,
        watch: Watch,
        target: httpx.URL,
        headers: dict[str, str],
        shown: str,
        max_bytes: int,
        deadline: float,
    ) -> _Outcome:
        with client.stream(
            "GET", target, headers=self._authorized(target, headers), extensions={"trace": watch}
        ) as response:
            status = response.status_code
            if status in _REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise self._fail(
                        shown,
                        f"HTTP {status} redirect without a Location header",
                        code="remote-redirect",
                    )
                try:
                    return _Redirect(target.join(location.strip()))
                except (httpx.InvalidURL, ValueError):
                    raise self._fail(
                        shown, f"HTTP {status} redirect to an invalid URL", code="remote-redirect"
                    ) from None
            if status == 429 or 500 <= status <= 599:
                return _Retry(
                    self._status_message(response, target),
                    "the server is busy or failing; try again later"
                    if status != 429
                    else "the server is rate limiting; try again later",
                    "remote-status",
                    retry_after(response.headers.get("retry-after")),
                )
            if not 200 <= status < 300:
                raise self._fail(
                    shown,
                    self._status_message(response, target),
                    hint=self._status_hint(status),
                    code="remote-status",
                )
            coding_list = codings(response.headers.get_list("content-encoding"))
            declared = response.headers.get("content-length", "")
            most = raw_limit(max_bytes) if coding_list else max_bytes
            if declared.strip().isdigit() and int(declared) > most:
                raise self._too_large(shown, max_bytes, int(declared))

            def check_deadline() -> None:  # between chunks, on the clock tests can drive
                if _clock() > deadline:
                    raise self._fail(
                        shown,
                        f"the download did not finish within {DEADLINE_SECONDS:.0f} s",
                        code="remote-timeout",
                    )

            try:
                data = read_decoded(
                    raw_body(response), coding_list, max_bytes, check=check_deadline
                )
            except BodyProblem as problem:
                raise self._body_problem(problem, shown, max_bytes) from None
            return Body(data, response.headers.get("content-type", ""), target)

    def _follow(
        self, first: httpx.URL, current: httpx.URL, new: httpx.URL, shown: str
    ) -> httpx.URL:
        where = display_url(str(new))
        if current.scheme == "https" and new.scheme == "http":
            raise self._fail(
                shown,
                f"refusing a redirect from https to plain http ({where})",
                code="remote-redirect",
            )
        if (new.host or "").lower() != (first.host or "").lower() or (
            new.scheme == first.scheme and _port(new) != _port(first)
        ):
            raise self._fail(
                shown,
                f"refusing a redirect to another host ({where}); "
                "redirects are followed on the same host only",
                hint="point the option at the final URL if you trust that host",
                code="remote-redirect",
            )
        return self._check(new, shown)

    def _transport_problem(
        self, exc: httpx.TransportError, target: httpx.URL, option: str | None, shown: str
    ) -> _Retry:
        message, hint, code, transient = transport_text(
            exc, target.host, target.scheme, option, self._timeout
        )
        if not transient:  # a typo in the host, an untrusted certificate: no retry
            raise self._fail(shown, message, hint=hint, code=code) from None
        return _Retry(message, hint, code, None)

    def _status_message(self, response: httpx.Response, target: httpx.URL) -> str:
        status = response.status_code
        phrase = response.reason_phrase or ""
        text = f"HTTP {status}{' ' + phrase if phrase else ''} from {display_url(str(target))}"
        excerpt = body_excerpt(read_some(response, 4096), response.headers.get("content-type", ""))
        return f"{text}: {excerpt}" if excerpt else text

    def _status_hint(self, status: int) -> str | None:
        return status_hint(status, TOKEN_ENV, bool(self._token))

    def _body_problem(self, problem: BodyProblem, shown: str, limit: int) -> ConnectorDocsError:
        if problem.kind == "too-large":
            return self._too_large(shown, limit, None)
        message, hint = encoding_text(problem.kind, problem.detail, ACCEPT_ENCODING)
        return self._fail(shown, message, hint=hint, code="remote-encoding")

    def _too_large(self, shown: str, limit: int, declared: int | None) -> ConnectorDocsError:
        said = f" (it declares {size_text(declared)})" if declared is not None else ""
        return self._fail(
            shown,
            f"the response is larger than the {size_text(limit)} limit{said}; stopped reading",
            hint="check that the URL serves what you expect",
            code="remote-too-large",
        )


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
