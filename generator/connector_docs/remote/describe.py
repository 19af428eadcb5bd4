"""How fetched things appear in messages: a URL without its secrets, a short excerpt of
an untrusted body, the reason behind a network exception, a byte count.

Plain functions with no state, used by :mod:`.fetch` to word its diagnostics and
by :mod:`connector_docs.sources` for the URLs it names. A remote server controls the bodies and
error text shown here, so everything passes through :func:`connector_docs.text.clean` and is
cut short; secrets the session knows (token, URL password) are scrubbed by the session.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from connector_docs.remote.body import codings, read_prefix
from connector_docs.text import clean

MAX_EXCERPT = 200

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


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


def raw_body(response: httpx.Response) -> Iterator[bytes]:
    """The body's bytes as sent (still content-encoded), for :mod:`connector_docs.remote.body`
    to decode under its cap. The stream itself rather than ``iter_raw``: a response
    built from bytes (as ``httpx.MockTransport`` handlers do) counts as read already,
    where its stream still yields the raw bytes."""
    stream = response.stream
    if not isinstance(stream, httpx.SyncByteStream):  # pragma: no cover - sync client only
        raise TypeError("a synchronous response stream was expected")
    yield from stream


def read_some(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` decoded bytes of an error response's body, for its excerpt,
    through the same bounded decoder as data (:func:`connector_docs.remote.body.read_prefix`):
    an error body can be a compression bomb too. A body that breaks off, or that we
    cannot decode, gives what arrived: the excerpt must not turn into a second failure."""
    data = bytearray()

    def raw() -> Iterator[bytes]:
        try:
            yield from raw_body(response)
        except httpx.HTTPError:
            return

    data += read_prefix(raw(), codings(response.headers.get_list("content-encoding")), limit)
    return bytes(data)


def body_excerpt(data: bytes, content_type: str) -> str:
    """A short, single-line, printable excerpt of an untrusted body."""
    text = data.decode("utf-8", "replace")
    if "html" in content_type.lower() or looks_like_html(data):
        text = _TAG.sub(" ", re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text))
    text = _SPACE.sub(" ", clean(text).replace("\ufffd", "?")).strip()
    if len(text) > MAX_EXCERPT:
        text = text[: MAX_EXCERPT - 1].rstrip() + "…"
    return text


def looks_like_html(data: bytes) -> bool:
    """Whether a body starts like an HTML page, whatever its Content-Type claims."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def root_cause(exc: BaseException) -> BaseException | None:
    """The first ``OSError`` in the chain behind ``exc`` (httpx wraps the socket's, which
    tells DNS, TLS and refused connections apart), else the last exception in it."""
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


def exc_text(exc: BaseException) -> str:
    """An exception as a message fragment: an OS error's own words (lower-cased when
    capitalised, to read mid-sentence), else its cleaned text or its type's name."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return clean(str(exc)) or type(exc).__name__


def size_text(n: int) -> str:
    """A byte count as a limit is told: ``50 MB`` when whole megabytes, else bytes."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    return f"{n:,} bytes"


def status_text(response: httpx.Response, url: httpx.URL) -> str:
    """An HTTP error status from ``url``, with an excerpt of the response's body."""
    status = response.status_code
    phrase = response.reason_phrase or ""
    text = f"HTTP {status}{' ' + phrase if phrase else ''} from {display_url(str(url))}"
    excerpt = body_excerpt(read_some(response, 4096), response.headers.get("content-type", ""))
    return f"{text}: {excerpt}" if excerpt else text


def status_hint(status: int, token_env: str, has_token: bool) -> str | None:
    """What to do about an HTTP error status."""
    if status in (401, 403):
        if has_token:
            return (
                f"the server refused the token in {token_env}; check that it is "
                "valid and may read this URL"
            )
        return f"the server needs credentials: set {token_env} to a bearer token"
    if status == 404:
        return "check the URL"
    return None


def too_large_text(limit: int, declared: int | None) -> tuple[str, str]:
    """(message, hint) for a body over the ``limit`` (``declared``: the size its headers
    announce, when they do)."""
    said = f" (it declares {size_text(declared)})" if declared is not None else ""
    return (
        f"the response is larger than the {size_text(limit)} limit{said}; stopped reading",
        "check that the URL serves what you expect",
    )


def encoding_text(kind: str, detail: str, accepted: str) -> tuple[str, str]:
    """(message, hint) for a body whose content coding we do not decode: ``stacked``,
    ``unknown`` or ``corrupt`` (see :class:`connector_docs.remote.body.BodyProblem`)."""
    if kind == "stacked":
        return (
            f"the response is compressed more than once (Content-Encoding: {detail}); "
            "connector-docs decodes one gzip or deflate layer at most, so that its size "
            "limit holds for what it unpacks",
            "serve the body uncompressed or with a single gzip or deflate encoding",
        )
    if kind == "unknown":
        return (
            f"the response is compressed as '{detail}', which connector-docs does not "
            f"decode (it asks for {accepted})",
            "serve the body uncompressed or with gzip or deflate",
        )
    return (
        f"the compressed response cannot be decoded ({detail})",
        "the download may have been cut short; try again, or check the server",
    )


def transport_text(
    exc: httpx.TransportError, host: str, scheme: str, option: str | None, read_timeout: float
) -> tuple[str, str | None, str, bool]:
    """(message, hint, code, transient) for a failed connection: DNS, TLS, refused,
    timed out. Transient ones are worth a retry."""
    hint = f"check the URL or your network, or {_local_copy(option)}"
    if isinstance(exc, httpx.TimeoutException):
        what = (
            "connecting timed out"
            if isinstance(exc, httpx.ConnectTimeout)
            else f"no response data for {read_timeout:g} s"
        )
        return f"cannot reach {host}: {what}", hint, "remote-timeout", True
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"cannot fetch {scheme}:// URLs", None, "remote-url", False
    cause = root_cause(exc)
    if isinstance(cause, socket.gaierror):
        message = (
            f"cannot reach {host}: the host name does not resolve "
            "(offline, or a typo in the host?)"
        )
        return message, hint, "remote-unreachable", False
    if isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"cannot reach {host}: its TLS certificate is not trusted ({cause.verify_message})",
            "fix the server certificate, or set SSL_CERT_FILE to your organisation's CA bundle",
            "remote-tls",
            False,
        )
    if isinstance(cause, ConnectionRefusedError):
        reason = "connection refused"
    elif isinstance(exc, httpx.ConnectError):
        reason = exc_text(cause or exc)
    else:
        reason = f"the connection failed ({exc_text(cause or exc)})"
    return f"cannot reach {host}: {reason}", hint, "remote-unreachable", True


def deadline_text(host: str | None, seconds: float, option: str | None) -> tuple[str, str]:
    """(message, hint) for a fetch with no complete response within its deadline."""
    return (
        f"no complete response from {host} within {seconds:g} s "
        "(connection, headers and body together); stopped waiting",
        f"the server is stalled or far too slow; try again later, or {_local_copy(option)}",
    )


def _local_copy(option: str | None) -> str:
    """The way around a server that fails, for a hint: the option's local alternative."""
    return f"point `{option}:` at a local folder" if option else "use a local copy"
