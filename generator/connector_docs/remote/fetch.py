"""HTTP fetching for the remote sources (:mod:`connector_docs.sources`): one GET at a time
through httpx, under rules that hold for every remote input.

Everything that touches the network is in :class:`Session`: its client, the token, the
loop of attempts, redirects and retries, and the deadline over them; :func:`fetch` is one
GET through a fresh session. The rules on URLs, redirects, the token and retries are plain
functions in :mod:`connector_docs.remote.policy`, what one response comes to is
:mod:`connector_docs.remote.response`, and the wording of URLs, bodies and failures in
messages is :mod:`connector_docs.remote.describe`.

Transport rules, all enforced by the session:

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
  :class:`connector_docs.secrets.redact.Redactor` with the token and any URL password, in
  all their encodings; URLs shown in messages lose their userinfo, query string and
  fragment.

Fetch problems raise :class:`ConnectorDocsError` with one located diagnostic.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

import httpx

from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, error
from connector_docs.remote.body import ACCEPT_ENCODING
from connector_docs.remote.deadline import Missed, Watch, run_until
from connector_docs.remote.describe import deadline_text, display_url, exc_text, transport_text
from connector_docs.remote.policy import (
    Refused,
    check_redirect,
    check_token,
    check_url,
    is_loopback,
    origin,
)
from connector_docs.remote.response import Body, Outcome, Redirect, Retry, outcome
from connector_docs.secrets.config import MIN_SECRET_LENGTH
from connector_docs.secrets.redact import REDACTED, Redactor

TOKEN_ENV = "CONNECTOR_DOCS_TOKEN"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEADLINE_SECONDS = 300.0  # one fetch, retries and redirects included
MAX_REDIRECTS = 5
BACKOFF_SECONDS = 1.0  # 1, 2, 4, ... between attempts without a Retry-After
USER_AGENT = "connector-docs (+https://pypi.org/project/connector-docs/)"

# Indirections so tests can drive the deadline and the loaders' back-off. Patch them here,
# on this module: the session reads them from it. (The Retry-After date arithmetic reads
# ``policy._now``.)
_clock: Callable[[], float] = time.monotonic
_sleep: Callable[[float], None] = time.sleep


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

    # -- setup

    def _check(self, raw: str | httpx.URL) -> httpx.URL:
        try:
            url = raw if isinstance(raw, httpx.URL) else httpx.URL(raw.strip())
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise Refused(f"not a valid URL: {exc}", code="remote-url") from None
        check_url(url)
        if url.password and url.password not in self._secrets:
            self._secrets.add(url.password)
            self._redactor = None
        if url.userinfo and self._token:  # the bearer token wins over user:password@
            url = url.copy_with(userinfo=b"")
        return url

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
        """GET ``raw`` under the transport rules: the body, or :class:`ConnectorDocsError`
        with one diagnostic at the URL (as :func:`display_url` shows it), redacted."""
        shown = display_url(raw)
        try:
            return self._get(raw, max_bytes, accept, option)
        except Refused as refused:
            diag = error(shown, refused.message, hint=refused.hint, code=refused.code)
            raise ConnectorDocsError([self.redact_diagnostic(diag)]) from None

    def _get(self, raw: str, max_bytes: int, accept: str, option: str | None) -> Body:
        first = target = self._check(raw)
        if self._token_origin is None:
            self._token_origin = origin(first)
        check_token(self._token, TOKEN_ENV)
        headers = {"Accept": accept, "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
        deadline = _clock() + DEADLINE_SECONDS
        attempt = hops = 0
        while True:
            result: Outcome
            client, watch = self._http(first)
            work = functools.partial(
                self._attempt, client, watch, target, headers, max_bytes, deadline
            )
            try:
                result = self._within(deadline, work, target, option)
            except httpx.TransportError as exc:
                result = self._transport_problem(exc, target, option)
            except httpx.HTTPError as exc:  # DecodingError and other non-transport errors
                raise Refused(
                    f"cannot read the response from {target.host}: {exc_text(exc)}",
                    code="remote-read",
                ) from None
            if isinstance(result, Body):
                return result
            if isinstance(result, Redirect):
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise Refused(
                        f"more than {MAX_REDIRECTS} redirects",
                        "point the option at the final URL",
                        code="remote-redirect",
                    )
                check_redirect(first, target, result.url)
                target = self._check(result.url)
                continue
            wait = result.wait if result.wait is not None else BACKOFF_SECONDS * 2**attempt
            if attempt >= self._retries or _clock() + wait > deadline:
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                raise Refused(
                    f"{result.message} (gave up after {tries})", result.hint, code=result.code
                )
            self._sleep(wait)
            attempt += 1

    def _within(
        self, deadline: float, work: Callable[[], Outcome], target: httpx.URL, option: str | None
    ) -> Outcome:
        """``work()``, one attempt, bounded by the fetch's deadline whatever it is stuck
        in (see :mod:`connector_docs.remote.deadline`). Past it the client's connections are
        cut and the client dropped: the session's next fetch starts on fresh ones."""
        result = run_until(deadline - _clock(), work)
        if not isinstance(result, Missed):
            return result
        self._watch.expire()
        self._close()
        message, hint = deadline_text(target.host, DEADLINE_SECONDS, option)
        raise Refused(message, hint, code="remote-timeout")

    def _attempt(
        self,
        client: httpx.Client,
        watch: Watch,
        target: httpx.URL,
        headers: dict[str, str],
        max_bytes: int,
        deadline: float,
    ) -> Outcome:
        def check_deadline() -> None:  # between chunks, on the clock tests can drive
            if _clock() > deadline:
                raise Refused(
                    f"the download did not finish within {DEADLINE_SECONDS:.0f} s",
                    code="remote-timeout",
                )

        with client.stream(
            "GET", target, headers=self._authorized(target, headers), extensions={"trace": watch}
        ) as response:
            return outcome(
                response,
                target,
                max_bytes,
                check=check_deadline,
                token_env=TOKEN_ENV,
                has_token=bool(self._token),
            )

    def _transport_problem(
        self, exc: httpx.TransportError, target: httpx.URL, option: str | None
    ) -> Retry:
        message, hint, code, transient = transport_text(
            exc, target.host, target.scheme, option, self._timeout
        )
        if not transient:  # a typo in the host, an untrusted certificate: no retry
            raise Refused(message, hint, code=code) from None
        return Retry(message, hint, code, None)
