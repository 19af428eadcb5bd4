"""One deadline over a whole HTTP exchange, for :mod:`connector_docs.remote.fetch`.

httpx's timeouts are per phase and per read: a server that sends its headers, or an
error body, one byte every few seconds never trips them, and resolving a host name has
no timeout at all. So each attempt runs in a worker thread and the caller waits for it
until the deadline (:func:`run_until`): the caller's wait bounds the time whatever the
worker is stuck in. At the deadline the caller cuts the client's connections
(:class:`Watch`) so the abandoned worker ends at once instead of reading on, and drops
the client.

Why not a watchdog that only closes the response: before the headers have arrived there
is no response to close, and closing a socket does not wake a read blocked on it in
another thread; shutting it down does.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# httpcore trace events whose return value is a new connection's stream (TCP, then TLS).
_SOCKET_EVENTS = (".connect_tcp.complete", ".start_tls.complete")
WORKER_NAME = "connector-docs fetch"


class Expired(Exception):
    """Raised into an abandoned attempt at its next traced step (see :class:`Watch`)."""


class Watch:
    """The connections one httpx client opened, so the deadline can cut them.

    Passed as the ``trace`` extension of every request: httpcore reports each new
    connection (and its TLS layer) to it. :meth:`expire` shuts every one of them down,
    which wakes a read blocked on it in another thread at once; an attempt abandoned
    while still connecting (no socket yet) is stopped at its next traced step."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: list[Any] = []
        self.expired = False

    def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        stream = info.get("return_value") if event.endswith(_SOCKET_EVENTS) else None
        with self._lock:
            if stream is not None:
                self._streams = [s for s in self._streams if _is_open(s)] + [stream]
            expired = self.expired
        if expired:
            self._cut()
            raise Expired("the fetch deadline has passed")

    def expire(self) -> None:
        with self._lock:
            self.expired = True
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            try:
                sock = stream.get_extra_info("socket")
                # The plain socket's method: SSLSocket.shutdown would also drop its SSL
                # object under the thread reading from it.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except (OSError, AttributeError, TypeError):
                pass  # closed already, or not a socket


def _is_open(stream: Any) -> bool:
    try:
        return bool(stream.get_extra_info("socket").fileno() >= 0)
    except (OSError, AttributeError):
        return False


class Missed(Generic[T]):
    """:func:`run_until` ran out of time; the worker may still be running."""


def run_until(seconds: float, work: Callable[[], T]) -> T | Missed[T]:
    """``work()`` in a daemon worker thread, waited for at most ``seconds``: its result,
    its exception raised again here, or :class:`Missed`."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # raised again in the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=WORKER_NAME, daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        return Missed()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
