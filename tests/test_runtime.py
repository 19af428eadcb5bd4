"""Forked workers: results in order, failures surfaced (never a hang), worker count."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import pytest

from generator import runtime


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """A hung pool fails the test instead of the whole run."""

    def expired(*_: object) -> None:
        raise TimeoutError("fork_map hung")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def square(i: int) -> int:
    return i * i


def fails(i: int) -> int:
    if i == 90:
        raise ValueError("item 90 is bad")
    return i


def dies(i: int) -> int:
    if i == 90:  # in the last share: a forked child
        os._exit(3)
    return i


def test_results_keep_their_order_across_workers() -> None:
    items = list(range(100))
    assert runtime.fork_map(square, items, min_items=1, processes=3) == [i * i for i in items]
    assert runtime.fork_map(square, items, min_items=1000, processes=3) == [i * i for i in items]
    assert runtime.fork_map(square, [], min_items=0, processes=3) == []


def test_an_exception_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="item 90 is bad"):
        runtime.fork_map(fails, list(range(100)), min_items=1, processes=3)


def test_a_worker_that_dies_raises_instead_of_hanging() -> None:
    with pytest.raises(BrokenProcessPool):
        runtime.fork_map(dies, list(range(100)), min_items=1, processes=3)


def test_worker_count_honours_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime.threading, "active_count", lambda: 1)
    monkeypatch.setenv("CONNECTOR_DOCS_WORKERS", "1")
    assert runtime.workers() == 1
    monkeypatch.setenv("CONNECTOR_DOCS_WORKERS", "5")
    assert runtime.workers() == 5
    monkeypatch.delenv("CONNECTOR_DOCS_WORKERS")
    assert 1 <= runtime.workers() <= runtime.MAX_WORKERS
    monkeypatch.setattr(runtime.threading, "active_count", lambda: 2)  # a server thread
    assert runtime.workers() == 1
