"""Process-level settings for the heavy stages (load, validate, render): garbage
collector thresholds and forked workers."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Young-generation collections after this many net allocations instead of 700. Loading a
# catalog allocates millions of objects that all live to the end of the build, and each
# default-threshold pass re-examines them: measured 15-20 % of our stages at 1,000
# connectors. The stages create few reference cycles, so garbage stays bounded.
RELAXED_THRESHOLD = 100_000


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Fewer garbage-collector passes inside the block; the previous thresholds are
    restored afterwards (``mkdocs serve`` lives on with MkDocs' own settings)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], RELAXED_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def workers() -> int:
    """CPUs this process may use, or 1 where forking is unsafe or impossible: another
    thread running (the `mkdocs serve` server; a fork would copy its held locks) or no
    safe ``fork`` (only Linux: Windows has none, and macOS system libraries may run
    threads of their own)."""
    if threading.active_count() > 1 or not sys.platform.startswith("linux"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# What the forked workers run: set just before the fork, inherited by the children.
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_share(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    func, items = _JOB
    return [func(item) for item in items[bounds[0]:bounds[1]]]


def fork_map(func: Callable[[T], R], items: Sequence[T], *, min_items: int,
             processes: int | None = None) -> list[R]:
    """``[func(item) for item in items]``, split in contiguous shares between this
    process and forked children when there are at least ``min_items`` and more than one
    CPU. The children inherit ``func`` and ``items`` (nothing is pickled on the way in);
    each result is pickled on the way back, so ``func`` should return plain data and
    report expected failures as values (an exception in a child is re-raised here)."""
    global _JOB
    count = min(processes or workers(), len(items))
    if count < 2 or len(items) < min_items:
        return [func(item) for item in items]
    step = -(-len(items) // count)
    shares = [(i, min(i + step, len(items))) for i in range(0, len(items), step)]
    _JOB = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(len(shares) - 1) as pool:
            pending = pool.map_async(_run_share, shares[1:])
            parts = [_run_share(shares[0]), *pending.get()]
    finally:
        _JOB = None
    return [result for part in parts for result in part]
