"""A hostile registry or CI server (issue 16, second round): compression bombs, stacked
and unknown content codings, servers that drip their headers or an error body, a token
echoed back in an encoded form, and a smoke index or redirect that would send the token
to another port or over plain http.

No network: ``httpx.MockTransport`` or servers on 127.0.0.1 that stop by themselves.
Every case runs under ``bounded`` (a generous guard against hangs, not a speed
assertion); memory is measured with ``tracemalloc`` around the fetch."""

from __future__ import annotations

import base64
import html
import json
import re
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from click.testing import CliRunner
from connector_docs import sources
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic
from connector_docs.remote import body as fetchbody
from connector_docs.remote import fetch

from ..conftest import EXAMPLE_SMOKE
from ..helpers import local_server
from .hostile import bounded, no_traceback

MB = 1024 * 1024
# Characters that percent-encoders, base64 and escapers each write differently.
TOKEN = "cdt/EXAMPLE+fake=4f9a~1c*2e!(x)'q"
ENV = {"CONNECTOR_DOCS_TOKEN": TOKEN}
URL = "https://registry.example/v1/connectors"


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "_sleep", lambda seconds: None)


def fetch_error(url: str, transport: httpx.BaseTransport | None, **kw: Any) -> Diagnostic:
    kw.setdefault("env", {})
    with pytest.raises(ConnectorDocsError) as info:
        bounded(60, sources.fetch, url, transport=transport, sleep=lambda s: None, **kw)
    assert len(info.value.diagnostics) == 1
    return info.value.diagnostics[0]


# ----------------------------------------------------------------------- bombs


def gzip_zeros(megabytes: int) -> bytes:
    """A valid gzip member of ``megabytes`` MiB of zeros, built without holding them: after
    a full flush deflate starts afresh, so every further MiB compresses to the same
    block (about 1 KB), repeated."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(MB)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (megabytes * MB) & 0xFFFFFFFF)
    return header + first + block * (megabytes - 1) + deflate.flush() + trailer


def gzip_of(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class Chunks(httpx.SyncByteStream):
    """A raw (still encoded) body in 64 KB chunks, counting what was read; a stream,
    not ``content=``, so that httpx does not decode it while building the response."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.served = 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), 65536):
            self.served = start + 65536
            yield self.data[start : start + 65536]


def serve(
    body: bytes, status: int = 200, **headers: str
) -> tuple[httpx.MockTransport, list[Chunks]]:
    streams: list[Chunks] = []

    def handler(request: httpx.Request) -> httpx.Response:
        streams.append(Chunks(body))
        return httpx.Response(status, stream=streams[-1], headers=list(headers_of(headers)))

    return httpx.MockTransport(handler), streams


def headers_of(headers: dict[str, str]) -> Iterator[tuple[str, str]]:
    for name, value in headers.items():  # content_encoding_2 -> a second header line
        yield name.rstrip("_0123456789").replace("_", "-"), value


def peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MB


@pytest.mark.parametrize(
    "headers",
    [{"content_encoding": "gzip, gzip"},
     {"content_encoding_1": "gzip", "content_encoding_2": "x-gzip"}],  # two header lines
    ids=["one-header", "two-headers"],
)  # fmt: skip
def test_stacked_gzip_is_refused_before_anything_is_inflated(headers: dict[str, str]) -> None:
    """``Content-Encoding: gzip, gzip`` over 64 MiB of zeros (a 400-byte body): decoded
    by httpx it is 64 MiB in one step (with a larger inner layer, gigabytes)."""
    bomb = gzip_of(gzip_zeros(64))
    assert len(bomb) < 2048
    transport, _ = serve(bomb, **headers)
    diags: list[Diagnostic] = []
    peak = peak_mb(lambda: diags.append(fetch_error(URL, transport, max_bytes=MB)))
    assert diags[0].code == "remote-encoding", diags[0].format()
    assert "compressed more than once" in diags[0].message
    assert "gzip" in diags[0].message and diags[0].path == URL
    assert peak < 8, f"{peak:.1f} MB"


def test_a_gzip_bomb_stops_at_the_cap_of_decoded_bytes() -> None:
    """One coding, 128 MiB of zeros in 130 KB: refused once the cap (1 MiB) of decoded
    bytes is passed, after reading a few KB of it, with memory near the cap."""
    bomb = gzip_zeros(128)
    transport, streams = serve(bomb, content_encoding="gzip")
    diags: list[Diagnostic] = []
    peak = peak_mb(lambda: diags.append(fetch_error(URL, transport, max_bytes=MB)))
    assert diags[0].code == "remote-too-large", diags[0].format()
    assert "larger than the 1 MB limit" in diags[0].message
    assert peak < 8, f"{peak:.1f} MB"
    assert streams[0].served <= 2 * 65536  # 1 MiB of zeros is about 1 KB of gzip


def test_a_gzip_bomb_as_an_error_body_is_bounded_too() -> None:
    bomb = gzip_zeros(128)
    transport, _ = serve(bomb, 500, content_encoding="gzip")
    diags: list[Diagnostic] = []
    peak = peak_mb(lambda: diags.append(fetch_error(URL, transport, retries=0)))
    assert diags[0].code == "remote-status" and "HTTP 500" in diags[0].message
    assert peak < 8, f"{peak:.1f} MB"


def test_endless_empty_gzip_members_stop_at_the_raw_cap() -> None:
    """Empty gzip members decode to nothing, so a cap on decoded bytes alone would read
    them until the deadline: the encoded bytes are capped too."""
    chunk = gzip_of(b"") * (65536 // len(gzip_of(b"")))
    served: list[int] = []

    class Members(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for _ in range(20_000):  # 1.3 GB, a finite stand-in for endless
                served.append(len(chunk))
                yield chunk

    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, stream=Members(), headers={"content-encoding": "gzip"})
    )
    diag = fetch_error(URL, transport, max_bytes=MB)
    assert diag.code == "remote-too-large", diag.format()
    assert sum(served) < 2 * MB


def test_gzip_inside_gzip_under_one_coding_is_decoded_once() -> None:
    inner = gzip_zeros(64)
    transport, _ = serve(gzip_of(inner), content_encoding="gzip")
    body = bounded(60, sources.fetch, URL, transport=transport, env={}, max_bytes=MB)
    assert body == inner  # the body is the inner gzip file, not 64 MiB of zeros


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "gzip;q=1\x1b[31m" + "x" * 80])
def test_an_unknown_content_coding_is_refused(coding: str) -> None:
    transport, _ = serve(b"\x8b\x00garbled", content_encoding=coding)
    diag = fetch_error(URL, transport)
    assert diag.code == "remote-encoding", diag.format()
    assert "does not decode" in diag.message and "\x1b" not in diag.message
    assert len(diag.message) < 300


def test_gzip_and_deflate_bodies_still_load() -> None:
    doc = json.dumps({"connectors": []}).encode()
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    for coding, data in [
        ("gzip", gzip_of(doc)),
        ("gzip", gzip_of(doc[:5]) + gzip_of(doc[5:])),  # two members
        ("deflate", zlib.compress(doc)),
        ("deflate", raw_deflate.compress(doc) + raw_deflate.flush()),
        ("identity", doc),
    ]:
        transport, _ = serve(data, content_encoding=coding)
        assert bounded(60, sources.fetch, URL, transport=transport, env={}) == doc


@pytest.mark.parametrize("first", [1, 2, 3])
@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib", "raw"])
def test_deflate_is_recognised_however_the_body_is_chunked(first: int, wrapped: bool) -> None:
    """Raw or zlib-wrapped deflate is decided on the first two bytes, even when the
    first network chunk holds one (a 1-byte chunk used to commit to zlib, then fail)."""
    doc = json.dumps({"connectors": [], "pad": "x" * 5000}).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    data = packer.compress(doc) + packer.flush()
    assert fetchbody.read_decoded([data[:first], data[first:]], ["deflate"], 10**6) == doc
    assert fetchbody.read_decoded([data[i : i + 1] for i in range(len(data))],
                                  ["deflate"], 10**6) == doc
    with pytest.raises(fetchbody.BodyProblem) as cut:
        fetchbody.read_decoded([data[:1]], ["deflate"], 10**6)
    assert cut.value.kind == "corrupt"


def test_an_error_excerpt_from_one_huge_compressed_chunk_keeps_its_start() -> None:
    """An excerpt decodes what fits under the raw cap before stopping, so one chunk
    larger than the cap still gives the start of the message."""
    text = "".join(f"{i:08x}" for i in range(60_000)).encode()  # ~480 KB, barely packs
    data = gzip_of(b"upstream said: " + text)
    assert len(data) > fetchbody.raw_limit(4096)
    assert fetchbody.read_prefix([data], ["gzip"], 4096) == (b"upstream said: " + text)[:4096]


def test_a_cut_short_gzip_body_is_a_clear_error() -> None:
    transport, _ = serve(gzip_of(b'{"connectors": []}' * 100)[:-12], content_encoding="gzip")
    diag = fetch_error(URL, transport)
    assert diag.code == "remote-encoding" and "cannot be decoded" in diag.message


# ----------------------------------------------------------------------- slow servers


class Drip:
    """A server on 127.0.0.1 that sends ``head`` at once, then ``drip`` one byte every
    ``interval`` seconds, on every connection. It stops by itself after ``lifetime``
    seconds, whatever the client does."""

    def __init__(
        self,
        head: bytes,
        drip: bytes,
        interval: float = 0.05,
        lifetime: float = 8,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.head, self.drip, self.interval, self.tls = head, drip, interval, tls
        self.until = time.monotonic() + lifetime
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while time.monotonic() < self.until:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._send, args=(conn,), daemon=True).start()
        self.sock.close()

    def _send(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.tls is not None:
                    conn.settimeout(5)
                    conn = self.tls.wrap_socket(conn, server_side=True)
                conn.recv(65536)
                conn.sendall(self.head)
                for i in range(len(self.drip)):
                    if time.monotonic() > self.until:
                        return
                    conn.sendall(self.drip[i : i + 1])
                    time.sleep(self.interval)
            except OSError:
                return

    def close(self) -> None:
        self.until = 0
        self.thread.join(2)


@pytest.fixture
def short_deadline(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(fetch, "DEADLINE_SECONDS", 1.0)
    return 1.0


def fetch_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "connector-docs fetch"]


# Unbounded, each dripping server below would keep a fetch busy for minutes; a deadline
# of 1 s must end it within this (generous: the machine is noisy).
BOUNDED = 15


def deadline_error(
    server: Drip, transport: httpx.BaseTransport | None = None
) -> tuple[Diagnostic, float]:
    scheme = "https" if server.tls is not None else "http"
    url = f"{scheme}://127.0.0.1:{server.port}/catalog.json"
    before = set(fetch_workers())
    started = time.monotonic()
    try:
        diag = fetch_error(url, transport, retries=1)
    finally:
        server.close()
    _started_workers[:] = [t for t in fetch_workers() if t not in before]
    return diag, time.monotonic() - started


_started_workers: list[threading.Thread] = []  # the last deadline_error's, still alive


def workers_end_soon() -> bool:
    """The worker the last fetch abandoned is woken (its socket shut down), not left
    reading. (Other tests' workers are not counted.)"""
    end = time.monotonic() + BOUNDED
    while any(t.is_alive() for t in _started_workers) and time.monotonic() < end:
        time.sleep(0.05)
    return not any(t.is_alive() for t in _started_workers)


def test_headers_dripped_slowly_hit_the_overall_deadline(short_deadline: float) -> None:
    """One header byte every 50 ms never trips the 30 s read timeout."""
    server = Drip(b"", b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000)
    diag, took = deadline_error(server)
    assert diag.code == "remote-timeout", diag.format()
    assert "within 1 s" in diag.message and diag.path.startswith("http://127.0.0.1:")
    assert took < BOUNDED, f"{took:.1f} s"
    assert workers_end_soon()


@pytest.mark.e2e
def test_a_tls_server_dripping_headers_hits_the_overall_deadline(
    short_deadline: float, tmp_path: Path
) -> None:
    """The same over TLS: the socket shut down at the deadline is the TLS one."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        pytest.skip("needs the openssl command to make a test certificate")
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    server = Drip(b"", b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000, tls=server_side)
    trusting = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(cert)))
    diag, took = deadline_error(server, trusting)
    assert diag.code == "remote-timeout" and diag.path.startswith("https://"), diag.format()
    assert took < BOUNDED, f"{took:.1f} s"
    assert workers_end_soon()


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_body_dripped_slowly_hits_the_overall_deadline(
    short_deadline: float, status: int
) -> None:
    head = (
        f"HTTP/1.1 {status} Oops\r\nContent-Type: text/plain\r\n"
        "Content-Length: 100000\r\n\r\n"
    ).encode()
    server = Drip(head, b"e" * 100_000)
    diag, took = deadline_error(server)
    assert diag.code == "remote-timeout", diag.format()
    assert took < BOUNDED, f"{took:.1f} s"


def test_a_transport_stuck_before_answering_hits_the_deadline(short_deadline: float) -> None:
    """Resolving a name or connecting has no overall timeout in httpx: a transport that
    blocks (as a hung resolver does) is bounded by the deadline all the same."""
    release = threading.Event()

    def stuck(request: httpx.Request) -> httpx.Response:
        release.wait(60)
        return httpx.Response(200, content=b"[]")

    started = time.monotonic()
    try:
        diag = fetch_error(URL, httpx.MockTransport(stuck))
    finally:
        release.set()
    assert diag.code == "remote-timeout" and time.monotonic() - started < BOUNDED


# ----------------------------------------------------------------------- the token

KNOWN_FORMS = {
    "as-is": TOKEN,
    "url-encoded": quote(TOKEN, safe=""),
    "url-encoded-lower": re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(TOKEN, safe="")),
    "form-encoded": quote_plus(TOKEN),
    "base64": base64.b64encode(TOKEN.encode()).decode(),
    "base64url": base64.urlsafe_b64encode(TOKEN.encode()).decode().rstrip("="),
    "json-escaped": json.dumps(TOKEN)[1:-1].replace("/", "\\/"),
    "html-escaped": html.escape(TOKEN),
}
NEW_FORMS = {
    # JavaScript encodeURIComponent leaves !'()* as they are
    "encodeURIComponent": quote(TOKEN, safe="!'()*~"),
    # Java URLEncoder keeps * and encodes ~ (and writes a space as +)
    "java-URLEncoder": quote_plus(TOKEN, safe="*"),
    "json-u00XX": "".join(f"\\u{ord(c):04x}" if not c.isalnum() else c for c in TOKEN),
    "html-numeric": "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in TOKEN),
}
FORMS = [pytest.param(v, id=k) for k, v in {**KNOWN_FORMS, **NEW_FORMS}.items()]


@pytest.mark.parametrize("status", [401, 500])
@pytest.mark.parametrize("form", FORMS)
def test_a_token_echoed_in_an_error_body_is_redacted(status: int, form: str) -> None:
    assert form in f"invalid token {form} for this realm"
    transport, _ = serve(f"invalid token {form} for this realm".encode(), status)
    diag = fetch_error(URL, transport, env=ENV, retries=0)
    assert f"HTTP {status}" in diag.message and "for this realm" in diag.message
    assert form not in diag.format() + (diag.hint or ""), diag.format()


def test_a_token_in_the_reason_phrase_or_a_redirect_target_is_redacted() -> None:
    encoded = base64.b64encode(TOKEN.encode()).decode()

    def reason(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, extensions={"reason_phrase": f"No {encoded}".encode()})

    def elsewhere(request: httpx.Request) -> httpx.Response:
        where = f"https://other.example/{quote(TOKEN, safe='')}/x"
        return httpx.Response(302, headers={"location": where})

    for handler, form in ((reason, encoded), (elsewhere, quote(TOKEN, safe=""))):
        diag = fetch_error(URL, httpx.MockTransport(handler), env=ENV)
        assert form not in diag.format() and "[REDACTED]" in diag.format(), diag.format()


def test_a_url_password_echoed_encoded_is_redacted() -> None:
    password = "pa ss/w0rd+long"
    transport, _ = serve(f"denied {quote(password, safe='')}".encode(), 401)
    diag = fetch_error(f"https://me:{quote(password, safe='')}@registry.example/c", transport)
    assert quote(password, safe="") not in diag.format() and "[REDACTED]" in diag.message


def echo_token(path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    """A registry answering 401 with the token it got, in three forms."""
    token = headers.get("authorization", "").removeprefix("Bearer ")
    forms = [token, quote(token, safe=""), base64.b64encode(token.encode()).decode()]
    return 401, "text/plain", ("bad token: " + " ".join(forms)).encode()


def test_cli_output_holds_no_form_of_an_echoed_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connector_docs.cli import main

    monkeypatch.chdir(tmp_path)
    with local_server(echo_token) as base:
        result = bounded(60, CliRunner().invoke, main,
                         ["validate", "--catalog", f"{base}/v1/connectors"], env=ENV)
    output = result.output  # stdout and stderr together
    no_traceback(output)
    assert result.exit_code == 1, output
    assert "HTTP 401" in output and "127.0.0.1" in output
    for form in (TOKEN, quote(TOKEN, safe=""), base64.b64encode(TOKEN.encode()).decode()):
        assert form not in output, output


# ----------------------------------------------------------------------- token scope


def smoke_log() -> bytes:
    return (EXAMPLE_SMOKE / "2026-11-20-qa.log").read_bytes()


class Recorder:
    """A MockTransport recording the Authorization header each URL got."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((str(request.url), request.headers.get("authorization")))
        return self.answer(request)

    def tokens_to(self, where: str) -> list[str | None]:
        """What the requests to the origin (scheme, host, port) of ``where`` carried."""
        wanted = origin_of(where)
        return [auth for url, auth in self.seen if origin_of(url) == wanted]


def origin_of(url: str) -> tuple[str, str | None, int | None]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port or {"http": 80, "https": 443}[parsed.scheme]


@pytest.mark.parametrize(
    "index_url, run_url, elsewhere",
    [
        ("https://ci.example/index.json", "https://ci.example:8443/2026-11-20-qa.log",
         "https://ci.example:8443/"),
        ("https://ci.example:443/index.json", "https://ci.example:8443/2026-11-20-qa.log",
         "https://ci.example:8443/"),
        ("https://localhost/index.json", "http://localhost/2026-11-20-qa.log",
         "http://localhost/"),
    ],
    ids=["other-port", "explicit-443-vs-8443", "https-to-http"],
)  # fmt: skip
def test_a_smoke_index_cannot_send_the_token_to_another_port_or_scheme(
    index_url: str, run_url: str, elsewhere: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/index.json":
            return httpx.Response(200, json={"runs": [run_url, "/2026-11-21-qa.log"]})
        return httpx.Response(200, content=smoke_log())

    rec = Recorder(answer)
    runs, diags = bounded(
        60,
        sources.load_remote_smoke,
        index_url,
        {"ledgerline"},
        transport=httpx.MockTransport(rec),
        env=ENV,
    )
    assert rec.tokens_to(elsewhere) in ([], [None])
    assert len(runs) == 1
    assert rec.tokens_to(index_url) == [f"Bearer {TOKEN}"] * 2
    problem = [d for d in diags if d.code == "remote-index"]
    assert problem and "scheme, host and port" in problem[0].message, [d.format() for d in diags]
    assert TOKEN not in "".join(d.format() for d in diags)


def test_a_redirect_to_another_origin_does_not_carry_the_token() -> None:
    """An upgrade to https on another port of the same loopback host is followed, but
    that is another server: it gets no token. A session's later fetches of another
    origin get none either."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "http":
            return httpx.Response(302, headers={"location": "https://127.0.0.1:8443/c"})
        return httpx.Response(200, content=b"[]")

    rec = Recorder(answer)
    with fetch.Session(transport=httpx.MockTransport(rec), env=ENV) as session:
        get = session.get
        bounded(60, get, "http://127.0.0.1:8000/c", max_bytes=MB, accept="*/*", option=None)
        bounded(60, get, "https://127.0.0.1:8443/d", max_bytes=MB, accept="*/*", option=None)
        bounded(60, get, "http://127.0.0.1:8000/e", max_bytes=MB, accept="*/*", option=None)
    bearer = f"Bearer {TOKEN}"
    assert [auth for _, auth in rec.seen] == [bearer, None, None, bearer, None]
