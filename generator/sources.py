"""Remote inputs: a connector registry (``catalog: https://...``) and smoke results
(``smoke: https://...``) fetched over HTTPS with httpx.

Everything that touches the network is in :class:`_Session`; the rest are plain
functions over bytes that hand the parsed documents to the same code as local files
(:func:`generator.catalog.load_document`, :func:`generator.smoke.parse_run`).

Transport rules, all enforced here:

* https only; plain http only for loopback hosts (``localhost``, ``127.0.0.0/8``,
  ``[::1]``);
* timeouts: connect 10 s, read 30 s, and a total deadline per fetch;
* bounded retries with exponential back-off on 429, 5xx and connection errors,
  honouring ``Retry-After`` (seconds or an HTTP date, capped at 60 s);
* the body is streamed and reading stops at a size cap, so an endless response is
  bounded;
* redirects are followed by hand: at most 5, only to the same host, never https->http;
* an optional bearer token from ``CONNECTOR_DOCS_TOKEN`` is sent as
  ``Authorization: Bearer ...`` and never appears in a message; URLs shown in messages
  lose their userinfo, query string and fragment.

Fetch problems raise :class:`ConnectorDocsError` from :func:`fetch`; the two loaders turn
them into diagnostics, like the local loaders do for a missing path.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import math
import os
import re
import socket
import ssl
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import catalog as catalog_mod
from . import smoke
from .diagnostics import ConnectorDocsError, Diagnostic, Severity, error, warning
from .escape import clean
from .jsonfile import parse_json
from .locate import Locator
from .model import Catalog, Connector, SmokeRun, Source

TOKEN_ENV = "CONNECTOR_DOCS_TOKEN"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEADLINE_SECONDS = 300.0  # one fetch, retries and redirects included
MAX_REDIRECTS = 5
BACKOFF_SECONDS = 1.0  # 1, 2, 4, ... between attempts without a Retry-After
MAX_RETRY_AFTER = 60.0
MAX_EXCERPT = 200
MAX_INDEX_RUNS = 1000
USER_AGENT = "connector-docs (+https://pypi.org/project/connector-docs/)"

_ACCEPT_JSON = "application/json"
_ACCEPT_SMOKE = "application/json, application/xml;q=0.9, text/plain;q=0.9, */*;q=0.1"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_PAGINATION_KEYS = ("next", "nextPage", "next_page", "nextPageToken", "nextCursor")

# Indirections so tests can drive the deadline, the loaders' back-off and the Retry-After
# date arithmetic.
_clock: Callable[[], float] = time.monotonic
_sleep: Callable[[float], None] = time.sleep


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ------------------------------------------------------------------------ public API


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
    with _Session(
        transport=transport, env=env, timeout=timeout, retries=retries, sleep=sleep
    ) as session:
        return session.get(url, max_bytes=max_bytes, accept="*/*", option=None).data


def load_remote_catalog(
    url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Catalog, list[Diagnostic]]:
    """A registry endpoint returning ``{"connectors": [definition, ...]}`` or a bare JSON
    array of definitions. Every problem is reported; good connectors are kept."""
    try:
        with _Session(transport=transport, env=env) as session:
            body = session.get(
                url, max_bytes=DEFAULT_MAX_BYTES, accept=_ACCEPT_JSON, option="catalog"
            )
    except ConnectorDocsError as exc:
        return Catalog(()), list(exc.diagnostics)
    shown = display_url(url)
    problem = _html_problem(shown, body, "the connector registry's JSON")
    if problem is not None:
        return Catalog(()), [problem]
    return _catalog_from_bytes(shown, body.data)


def load_remote_smoke(
    url: str,
    known_ids: Collection[str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[list[SmokeRun], list[Diagnostic]]:
    """One smoke results file (runner JSON, console transcript or JUnit XML; the date and
    suite may come from the URL's last path segment, e.g. ``.../2026-11-20-qa.log``), or
    a JSON index ``{"runs": ["2026-11-20-qa.log", "https://same.host/...", ...]}`` listing
    several run URLs on the same host. Runs come back sorted by (ran_at, path)."""
    known = frozenset(known_ids) if known_ids is not None else None
    shown = display_url(url)
    runs: list[SmokeRun] = []
    diags: list[Diagnostic] = []
    try:
        with _Session(transport=transport, env=env) as session:
            body = session.get(
                url, max_bytes=smoke.MAX_SMOKE_BYTES, accept=_ACCEPT_SMOKE, option="smoke"
            )
            index, index_diags = _smoke_index(shown, body)
            diags += index_diags
            if index is None:
                if not index_diags:
                    _add_run(shown, body, known, runs, diags)
            else:
                for run_url in index:
                    try:
                        run_body = session.get(
                            run_url,
                            max_bytes=smoke.MAX_SMOKE_BYTES,
                            accept=_ACCEPT_SMOKE,
                            option="smoke",
                        )
                    except ConnectorDocsError as exc:
                        diags += exc.diagnostics
                        continue
                    _add_run(display_url(run_url), run_body, known, runs, diags)
    except ConnectorDocsError as exc:
        diags += exc.diagnostics
    runs.sort(key=lambda r: (r.ran_at, r.path))
    return runs, diags


# ------------------------------------------------------------------------ URLs


def display_url(url: str) -> str:
    """``url`` as it may appear in a message: no userinfo, query string or fragment."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        parts, host, port = None, None, None
    if parts is None or not parts.scheme or not host:
        text = re.sub(r"//[^/?#]*@", "//", url.strip())
        return clean(re.split(r"[?#]", text, maxsplit=1)[0])
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return clean(f"{parts.scheme.lower()}://{netloc}{parts.path}")


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port(url: httpx.URL) -> int | None:
    return url.port or _DEFAULT_PORTS.get(url.scheme)


# ------------------------------------------------------------------------ the client


@dataclass(frozen=True)
class _Body:
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


class _Session:
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
        self._secrets: set[str] = {self._token} if self._token else set()

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    # -- messages

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def _fail(
        self, shown: str, message: str, *, hint: str | None = None, code: str
    ) -> ConnectorDocsError:
        return ConnectorDocsError(
            [
                error(
                    shown, self._scrub(message), hint=self._scrub(hint) if hint else None, code=code
                )
            ]
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
        if url.password:
            self._secrets.add(url.password)
        if url.userinfo and self._token:  # the bearer token wins over user:password@
            url = url.copy_with(userinfo=b"")
        return url

    def _headers(self, shown: str, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        if self._token:
            if not self._token.isascii() or not self._token.isprintable():
                raise self._fail(
                    shown,
                    f"{TOKEN_ENV} holds characters that cannot be sent in an HTTP header",
                    hint="check how the variable is set",
                    code="remote-token",
                )
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _http(self, first: httpx.URL) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                transport=self._transport,
                follow_redirects=False,
                timeout=httpx.Timeout(self._timeout, connect=CONNECT_TIMEOUT),
                # A proxy from the environment cannot reach this machine's loopback.
                trust_env=not is_loopback(first.host),
            )
        return self._client

    # -- the loop

    def get(self, raw: str, *, max_bytes: int, accept: str, option: str | None) -> _Body:
        shown = display_url(raw)
        origin = target = self._check(raw, shown)
        headers = self._headers(shown, accept)
        client = self._http(origin)
        deadline = _clock() + DEADLINE_SECONDS
        attempt = hops = 0
        while True:
            outcome: _Body | _Redirect | _Retry
            try:
                outcome = self._attempt(client, target, headers, shown, max_bytes, deadline)
            except httpx.TransportError as exc:
                outcome = self._transport_problem(exc, target, option, shown)
            except httpx.HTTPError as exc:  # DecodingError and other non-transport errors
                raise self._fail(
                    shown,
                    f"cannot read the response from {target.host}: {_exc_text(exc)}",
                    code="remote-read",
                ) from None
            if isinstance(outcome, _Body):
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
                target = self._follow(origin, target, outcome.url, shown)
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

    def _attempt(
        self,
        client: httpx.Client,
        target: httpx.URL,
        headers: dict[str, str],
        shown: str,
        max_bytes: int,
        deadline: float,
    ) -> _Body | _Redirect | _Retry:
        with client.stream("GET", target, headers=headers) as response:
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
            declared = response.headers.get("content-length", "")
            if declared.strip().isdigit() and int(declared) > max_bytes:
                raise self._too_large(shown, max_bytes, int(declared))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise self._too_large(shown, max_bytes, None)
                if _clock() > deadline:
                    raise self._fail(
                        shown,
                        f"the download did not finish within {DEADLINE_SECONDS:.0f} s",
                        code="remote-timeout",
                    )
                chunks.append(chunk)
            return _Body(b"".join(chunks), response.headers.get("content-type", ""), target)

    def _follow(
        self, origin: httpx.URL, current: httpx.URL, new: httpx.URL, shown: str
    ) -> httpx.URL:
        where = display_url(str(new))
        if current.scheme == "https" and new.scheme == "http":
            raise self._fail(
                shown,
                f"refusing a redirect from https to plain http ({where})",
                code="remote-redirect",
            )
        if (new.host or "").lower() != (origin.host or "").lower() or (
            new.scheme == origin.scheme and _port(new) != _port(origin)
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
        host = target.host
        where = f"point `{option}:` at a local folder" if option else "use a local copy"
        hint = f"check the URL or your network, or {where}"
        if isinstance(exc, httpx.TimeoutException):
            what = (
                "connecting timed out"
                if isinstance(exc, httpx.ConnectTimeout)
                else f"no response data for {self._timeout:g} s"
            )
            return _Retry(f"cannot reach {host}: {what}", hint, "remote-timeout", None)
        if isinstance(exc, httpx.UnsupportedProtocol):
            raise self._fail(
                shown, f"cannot fetch {target.scheme}:// URLs", code="remote-url"
            ) from None
        cause = _root_cause(exc)
        if isinstance(cause, socket.gaierror):  # not transient: no retry
            raise self._fail(
                shown,
                f"cannot reach {host}: the host name does not resolve "
                "(offline, or a typo in the host?)",
                hint=hint,
                code="remote-unreachable",
            ) from None
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise self._fail(
                shown,
                f"cannot reach {host}: its TLS certificate is not trusted ({cause.verify_message})",
                hint="fix the server certificate, or set SSL_CERT_FILE to your "
                "organisation's CA bundle",
                code="remote-tls",
            ) from None
        if isinstance(cause, ConnectionRefusedError):
            reason = "connection refused"
        elif isinstance(exc, httpx.ConnectError):
            reason = _exc_text(cause or exc)
        else:
            reason = f"the connection failed ({_exc_text(cause or exc)})"
        return _Retry(f"cannot reach {host}: {reason}", hint, "remote-unreachable", None)

    def _status_message(self, response: httpx.Response, target: httpx.URL) -> str:
        status = response.status_code
        phrase = response.reason_phrase or ""
        text = f"HTTP {status}{' ' + phrase if phrase else ''} from {display_url(str(target))}"
        excerpt = self._scrub(
            _excerpt(_read_some(response, 4096), response.headers.get("content-type", ""))
        )
        return f"{text}: {excerpt}" if excerpt else text

    def _status_hint(self, status: int) -> str | None:
        if status in (401, 403):
            if self._token:
                return (
                    f"the server refused the token in {TOKEN_ENV}; check that it is "
                    "valid and may read this URL"
                )
            return f"the server needs credentials: set {TOKEN_ENV} to a bearer token"
        if status == 404:
            return "check the URL"
        return None

    def _too_large(self, shown: str, limit: int, declared: int | None) -> ConnectorDocsError:
        said = f" (it declares {_size(declared)})" if declared is not None else ""
        return self._fail(
            shown,
            f"the response is larger than the {_size(limit)} limit{said}; stopped reading",
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


def _read_some(response: httpx.Response, limit: int) -> bytes:
    data = b""
    try:
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= limit:
                break
    except httpx.HTTPError:
        pass
    return data[:limit]


def _excerpt(data: bytes, content_type: str) -> str:
    """A short, single-line, printable excerpt of an untrusted body."""
    text = data.decode("utf-8", "replace")
    if "html" in content_type.lower() or _looks_like_html(data):
        text = _TAG.sub(" ", re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text))
    text = _SPACE.sub(" ", clean(text).replace("\ufffd", "?")).strip()
    if len(text) > MAX_EXCERPT:
        text = text[: MAX_EXCERPT - 1].rstrip() + "…"
    return text


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _html_problem(shown: str, body: _Body, wanted: str) -> Diagnostic | None:
    ctype = body.content_type.split(";")[0].strip().lower()
    if ctype not in ("text/html", "application/xhtml+xml") and not _looks_like_html(body.data):
        return None
    return error(
        shown,
        f"expected {wanted} but the server sent an HTML page",
        hint="check that the URL is the API endpoint and not a web page; a login page "
        f"usually means a missing or rejected token ({TOKEN_ENV})",
        code="remote-content",
    )


def _root_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    last: BaseException | None = None
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        last = cause
        if isinstance(cause, OSError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return last


def _exc_text(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return clean(str(exc)) or type(exc).__name__


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    return f"{n:,} bytes"


# ------------------------------------------------------------------------ catalog


class _ItemLocator(Locator):
    """A locator for one item of a larger document: item pointers, document positions."""

    def __init__(self, whole: Locator, prefix: str) -> None:  # no text of its own
        self._whole = whole
        self._prefix = prefix

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        return self._whole.locate(self._prefix + pointer, key=key)


def _catalog_from_bytes(shown: str, data: bytes) -> tuple[Catalog, list[Diagnostic]]:
    value, locator, diags = parse_json(shown, data, max_bytes=DEFAULT_MAX_BYTES)
    if value is None or locator is None:
        return Catalog(()), diags
    items: Any
    if isinstance(value, list):
        items, prefix = value, ""
    elif isinstance(value, dict) and "connectors" in value:
        items, prefix = value["connectors"], "/connectors"
        if not isinstance(items, list):
            line, col = locator.locate("/connectors")
            return Catalog(()), [
                error(
                    shown,
                    "'connectors' must be an array of connector definitions",
                    line=line,
                    column=col,
                    pointer="/connectors",
                    code="remote-shape",
                )
            ]
        more = [k for k in _PAGINATION_KEYS if value.get(k)]
        if more:
            line, col = locator.locate(f"/{more[0]}", key=True)
            diags.append(
                warning(
                    shown,
                    f"the registry response is paginated ('{more[0]}'); only this page was read",
                    line=line,
                    column=col,
                    pointer=f"/{more[0]}",
                    hint="point `catalog:` at an endpoint that returns every connector",
                    code="remote-paginated",
                )
            )
    else:
        hint = (
            'this looks like one connector definition; wrap it as {"connectors": [...]}'
            if isinstance(value, dict) and "id" in value
            else None
        )
        return Catalog(()), [
            error(
                shown,
                'expected {"connectors": [...]} or a JSON array of connector definitions',
                line=1,
                column=1,
                pointer="",
                hint=hint,
                code="remote-shape",
            )
        ]
    if len(items) > catalog_mod.MAX_CONNECTORS:
        diags.append(
            error(
                shown,
                f"{len(items):,} connectors, over the {catalog_mod.MAX_CONNECTORS:,} limit",
                code="too-many",
            )
        )
        items = items[: catalog_mod.MAX_CONNECTORS]
    connectors: list[Connector] = []
    for index, item in enumerate(items):
        connector, more_diags = _load_item(shown, item, locator, f"{prefix}/{index}")
        diags += more_diags
        if connector is not None:
            connectors.append(connector)
    found = len(diags)
    cat, diags = catalog_mod.finish(connectors, diags)
    # Catalog-wide checks (id collisions, ...) point into one item: make them absolute too.
    for i in range(found, len(diags)):
        item_path, _, item_pointer = diags[i].path.partition("#")
        if item_path == shown and item_pointer.startswith("/"):
            diags[i] = _rebase(diags[i], locator, item_pointer)
    return cat, diags


def _load_item(
    shown: str, item: Any, locator: Locator, pointer: str
) -> tuple[Connector | None, list[Diagnostic]]:
    path = f"{shown}#{pointer}"
    if not isinstance(item, dict):
        line, col = locator.locate(pointer)
        return None, [
            error(
                path,
                f"connector entry is {catalog_mod._kind(item)}, expected an object",
                line=line,
                column=col,
                pointer=pointer,
                hint='each entry is one connector definition: {"id": ...}',
                code="remote-shape",
            )
        ]
    source = Source(path=path, layout="remote")
    connector, diags = catalog_mod.load_document(
        item, _ItemLocator(locator, pointer), source, expected_id=None
    )
    return connector, [_rebase(d, locator, pointer) for d in diags]


def _rebase(diag: Diagnostic, locator: Locator, prefix: str) -> Diagnostic:
    """Item-relative pointers become document pointers; unlocated ones get a position."""
    pointer = prefix + (diag.pointer or "")
    if diag.line:
        return replace(diag, pointer=pointer)
    line, col = locator.locate(pointer)
    return replace(diag, pointer=pointer, line=line, column=col)


# ------------------------------------------------------------------------ smoke


def _smoke_index(shown: str, body: _Body) -> tuple[list[str] | None, list[Diagnostic]]:
    """The run URLs when ``body`` is an index ``{"runs": [...]}``; (None, []) when it is a
    smoke file; (None, diagnostics) when it cannot be used at all."""
    problem = _html_problem(shown, body, "smoke results (JSON, a console log or JUnit XML)")
    if problem is not None:
        return None, [problem]
    head = body.data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return None, []
    value, locator, diags = parse_json(shown, body.data, max_bytes=smoke.MAX_SMOKE_BYTES)
    if not (isinstance(value, dict) and "runs" in value and "results" not in value):
        return None, []  # a runner JSON file (or broken JSON: parse_run reports it)
    assert locator is not None
    runs = value["runs"]
    if not isinstance(runs, list):
        line, col = locator.locate("/runs")
        return None, [
            error(
                shown,
                "'runs' must be an array of run URLs",
                line=line,
                column=col,
                pointer="/runs",
                code="remote-shape",
            )
        ]
    if not runs:
        return [], [
            warning(shown, "the smoke index lists no runs", pointer="/runs", code="smoke-empty")
        ]
    base = body.url
    urls: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(runs):
        pointer = f"/runs/{index}"
        if index >= MAX_INDEX_RUNS:
            diags.append(
                error(
                    shown,
                    f"the index lists {len(runs):,} runs, over the "
                    f"{MAX_INDEX_RUNS:,} limit; the rest were not read",
                    pointer=pointer,
                    code="too-many",
                )
            )
            break
        line, col = locator.locate(pointer)

        def problem_at(
            message: str, line: int = line, col: int = col, pointer: str = pointer
        ) -> Diagnostic:
            return error(
                shown, message, line=line, column=col, pointer=pointer, code="remote-index"
            )

        if not isinstance(item, str) or not item.strip():
            diags.append(problem_at("a run entry must be a URL string"))
            continue
        try:
            target = base.join(item.strip())
        except (httpx.InvalidURL, ValueError):
            diags.append(problem_at(f"not a valid URL: {display_url(item)}"))
            continue
        if (target.host or "").lower() != (base.host or "").lower():
            diags.append(
                problem_at(
                    f"run {display_url(str(target))} is on another host; an "
                    "index may only list runs on its own host"
                )
            )
            continue
        key = str(target)
        if key in seen:
            diags.append(
                replace(
                    problem_at(f"run {display_url(key)} is listed twice"), severity=Severity.WARNING
                )
            )
            continue
        seen.add(key)
        urls.append(key)
    return urls, diags


def _add_run(
    name: str,
    body: _Body,
    known: frozenset[str] | None,
    runs: list[SmokeRun],
    diags: list[Diagnostic],
) -> None:
    problem = _html_problem(name, body, "smoke results (JSON, a console log or JUnit XML)")
    if problem is not None:
        diags.append(problem)
        return
    run, found = smoke.parse_run(name, body.data, known)
    diags += found
    if run is not None:
        runs.append(run)
