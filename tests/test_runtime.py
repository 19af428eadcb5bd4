"""Forked workers: results in order, failures surfaced (never a hang), worker count."""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import pytest
from connector_docs.speedups import runtime
from hypothesis import given
from hypothesis import strategies as st


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


def gc_state(_: int) -> tuple[bool, int]:
    return gc.isenabled(), len(gc.get_objects())


def test_collector_is_paused_in_the_stages_and_restored_after() -> None:
    assert gc.isenabled()
    with runtime.paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a caller that had turned it off keeps it off
    try:
        with runtime.paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_alive_at_the_fork_are_set_aside_from_collection_until_done() -> None:
    before = gc.get_freeze_count()
    # Every share (this process's and the children's) runs with the inherited objects
    # frozen: the collector tracks only what the share itself made.
    states = runtime.fork_map(gc_state, list(range(4)), min_items=1, processes=2)
    tracked_outside = len(gc.get_objects())
    assert all(enabled for enabled, _ in states)
    assert all(tracked < tracked_outside // 2 for _, tracked in states)
    assert gc.get_freeze_count() == before  # unfrozen afterwards


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


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=60),
       st.integers(min_value=1, max_value=8))
def test_weighted_shares_cover_every_item_once(weights: list[int], processes: int) -> None:
    shares = runtime._shares(len(weights), processes, weights)
    assert 1 <= len(shares) <= processes
    assert shares[0][0] == 0 and shares[-1][1] == len(weights)
    assert all(a < b for a, b in shares)
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(shares))
    if sum(weights):  # balanced: no share far past its part (cuts at nearest boundaries)
        part, heaviest = sum(weights) / processes, max(weights)
        assert all(sum(weights[a:b]) <= part + processes * heaviest / 2 for a, b in shares)


def test_weighted_shares_put_a_heavy_item_alone() -> None:
    # A site's search index beside a thousand pages: balanced by size, not by count.
    assert runtime._shares(10, 2, [1] * 9 + [100]) == [(0, 9), (9, 10)]
    assert runtime._shares(10, 2, [100] + [1] * 9) == [(0, 1), (1, 10)]
    assert runtime._shares(10, 2, None) == [(0, 5), (5, 10)]


def test_weighted_shares_of_equal_items_stay_even() -> None:
    assert runtime._shares(7, 4, [6] * 7) == [(0, 2), (2, 4), (4, 6), (6, 7)]
    with pytest.raises(ValueError, match="3 weights for 2 items"):
        runtime.fork_map(square, [1, 2], min_items=1, processes=2, weights=[1, 2, 3])


def test_weighted_fork_map_keeps_order() -> None:
    items = list(range(40))
    assert runtime.fork_map(square, items, min_items=2, processes=2,
                            weights=[1] * 39 + [500]) == [i * i for i in items]
