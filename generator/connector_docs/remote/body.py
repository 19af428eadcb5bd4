"""Reading a remote body under a cap on what it decodes to: the one body reader behind
:mod:`connector_docs.remote.fetch`, for data and for error excerpts alike.

httpx decodes ``Content-Encoding`` in ``iter_bytes`` one network chunk at a time, and
one chunk inflates without limit: 64 KB of gzip is 64 MB of output, and stacked codings
(``gzip, gzip``) multiply again, so a few kilobytes become gigabytes before a size check
runs. Here the raw bytes (``iter_raw``) are inflated with ``zlib`` and every step is
asked for at most what is left under the cap (``decompress(data, max_length)``), so no
step produces more than ``limit + 1`` bytes in total. At most one coding (gzip or
deflate) is decoded; stacked or unknown codings are refused, and the raw bytes are capped
too (a stream of empty gzip members decodes to nothing forever).

No httpx and no messages here: problems are :class:`BodyProblem` values that
:mod:`connector_docs.remote.fetch` words.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence

# What we ask servers for: exactly what we can decode under the cap (httpx would also
# offer br and zstd when their packages are installed).
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_NAMES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
STEP = 1024 * 1024  # decoded bytes per decompress call
MAX_CODING_SHOWN = 40  # a coding named in a message is cut here (the server chose it)


class BodyProblem(Exception):
    """Why a body cannot be read. ``kind``: ``too-large`` (the cap on decoded or on
    encoded bytes was passed), ``stacked`` / ``unknown`` (codings we do not decode,
    named in ``detail``) or ``corrupt`` (bad or cut-short compressed data)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def raw_limit(limit: int) -> int:
    """The most encoded bytes read for a decoded cap of ``limit``: deflate adds at most
    5 bytes per 64 KB stored block and gzip a few header bytes, so 1/64 plus 64 KB is
    room to spare; past it the stream is not a compressed body of ``limit`` bytes."""
    return limit + limit // 64 + 65536


def codings(values: Sequence[str]) -> list[str]:
    """The non-identity content codings of a response, in the order applied, from its
    ``Content-Encoding`` header values (several headers or one comma-separated list)."""
    found = [part.strip().lower() for value in values for part in value.split(",")]
    return [c for c in found if c and c != "identity"]


class Decoder:
    """Decodes one body incrementally; ``feed`` returns what each raw chunk gave and
    never lets the total pass ``limit + 1`` bytes (over ``limit``: ``too-large``, or with
    ``truncate`` the first ``limit`` bytes and ``full`` set)."""

    def __init__(self, coding_list: Sequence[str], limit: int, *, truncate: bool = False) -> None:
        if len(coding_list) > 1:
            raise BodyProblem("stacked", _shown(", ".join(coding_list)))
        self._coding = _NAMES.get(coding_list[0]) if coding_list else "identity"
        if self._coding is None:
            raise BodyProblem("unknown", _shown(coding_list[0]))
        self._limit = limit
        self._raw_limit = raw_limit(limit)
        self._raw = 0
        self.produced = 0
        wbits = _GZIP_WBITS if self._coding == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        self._started = False  # deflate: zlib-wrapped unless the first bytes say raw
        self._head = b""  # deflate: a first byte, waiting for the second
        self._ended = False  # the last gzip member or the deflate stream is complete
        self._trailing = False
        self._truncate = truncate  # over the cap: keep the first `limit` bytes, no error
        self.full = False

    def feed(self, data: bytes) -> list[bytes]:
        if self._coding == "identity":
            return self._count([data]) if data and not self.full else []
        over_raw = self._raw + len(data) > self._raw_limit
        if over_raw:
            if not self._truncate:
                raise BodyProblem("too-large")
            data = data[: self._raw_limit - self._raw]  # an excerpt: decode what fits
        self._raw += len(data)
        pieces: list[bytes] = []
        pending = data
        while pending and not self._trailing and not self.full:
            # >= 1 (max_length 0 means unlimited); a step at a time, so that zlib's
            # growing output buffer never holds much more than the piece it returns
            room = min(self._limit + 1 - self.produced, STEP)
            try:
                out = self._inflate(pending, room)
            except zlib.error as exc:
                raise BodyProblem("corrupt", str(exc)) from None
            if out:
                pieces += self._count([out])
            if not self._inflater.eof:
                pending = self._inflater.unconsumed_tail  # empty unless `room` was filled
                continue
            self._ended = True
            pending = self._inflater.unused_data
            if pending[:1] == b"\x1f" and self._coding == "gzip":
                # another gzip member follows (RFC 1952 allows several)
                self._inflater = zlib.decompressobj(_GZIP_WBITS)
                self._ended = False
            elif pending:
                self._trailing = True  # bytes after the stream: ignored, as httpx does
        if over_raw:
            self.full = True
        return pieces

    def finish(self) -> list[bytes]:
        """The end of the raw stream: any output still held, and a check that the
        compressed stream was complete."""
        if self._head:
            raise BodyProblem("corrupt", "the compressed body ends early")
        if self._coding == "identity" or not self._started or self.full:
            return []
        try:
            out = self._inflater.flush(self._limit + 1 - self.produced)
        except zlib.error as exc:
            raise BodyProblem("corrupt", str(exc)) from None
        pieces = self._count([out]) if out else []
        if not self._ended:
            raise BodyProblem("corrupt", "the compressed body ends early")
        return pieces

    def _inflate(self, data: bytes, room: int) -> bytes:
        if not self._started and self._coding == "deflate":
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate
            # (httpx accepts both): decide on the first two bytes, a zlib header or not
            # (however the body is cut into chunks).
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return b""
            self._head = b""
            cmf, flg = data[0], data[1]
            wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        self._started = True
        return self._inflater.decompress(data, room)

    def _count(self, pieces: list[bytes]) -> list[bytes]:
        self.produced += sum(len(p) for p in pieces)
        if self.produced > self._limit:
            if not self._truncate:
                raise BodyProblem("too-large")
            self.full = True
            over = self.produced - self._limit
            pieces[-1] = pieces[-1][: len(pieces[-1]) - over]
            self.produced = self._limit
        return pieces


def read_decoded(
    raw: Iterable[bytes],
    coding_list: Sequence[str],
    limit: int,
    *,
    check: Callable[[], None] | None = None,
) -> bytes:
    """The body from its raw chunks, decoded; :class:`BodyProblem` when it decodes to
    more than ``limit`` bytes or cannot be decoded. ``check`` runs after every chunk
    (the caller's deadline)."""
    decoder = Decoder(coding_list, limit)
    pieces: list[bytes] = []
    for chunk in raw:
        pieces += decoder.feed(chunk)
        if check is not None:
            check()
    pieces += decoder.finish()
    return b"".join(pieces)


def read_prefix(raw: Iterable[bytes], coding_list: Sequence[str], limit: int) -> bytes:
    """At most ``limit`` decoded bytes from the start of a body, for an error excerpt.
    Whatever goes wrong (a coding we do not decode, bad data, a cut connection: the
    caller catches transport errors) gives what was decoded so far: an excerpt must not
    turn into a second failure."""
    pieces: list[bytes] = []
    try:
        decoder = Decoder(coding_list, limit, truncate=True)
        for chunk in raw:
            pieces += decoder.feed(chunk)
            if decoder.full:
                break
        else:
            pieces += decoder.finish()
    except BodyProblem:
        pass  # the pieces so far are the excerpt
    return b"".join(pieces)[:limit]


def _shown(text: str) -> str:
    """A server-chosen coding name, printable and short."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text)
    return cleaned if len(cleaned) <= MAX_CODING_SHOWN else cleaned[: MAX_CODING_SHOWN - 1] + "…"
