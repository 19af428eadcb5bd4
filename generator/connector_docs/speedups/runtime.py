"""Process-level settings for the heavy stages (load, validate, render): the garbage
collector, paused, and forked workers."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@contextmanager
def paused_gc() -> Iterator[None]:
    """No garbage-collector passes inside the block; the collector's previous state is
    restored afterwards (``mkdocs serve`` lives on with MkDocs' own settings). Loading a
    catalog allocates millions of objects that all live to the end of the stages, and
    every pass re-examines them: at 10,000 connectors, passes every 100,000 allocations
    still took 2-5 s of our stages (measured side by side). The stages make few reference
    cycles (peak memory with no passes: +1 %), and reference counting frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# At most this many processes share the work (each worker's memory grows as it copies
# pages of the parent): CONNECTOR_DOCS_WORKERS overrides it, 1 turns workers off.
MAX_WORKERS = 8


def workers() -> int:
    """How many processes may share the heavy stages: the CPUs this process may use (its
    affinity, and a container's CPU quota), at most MAX_WORKERS or CONNECTOR_DOCS_WORKERS;
    1 where forking is unsafe or impossible: another thread running (the `mkdocs serve`
    server; a fork would copy its held locks) or no safe ``fork`` (only Linux: Windows has
    none, and macOS system libraries may run threads of their own)."""
    if threading.active_count() > 1 or not sys.platform.startswith("linux"):
        return 1
    wanted = os.environ.get("CONNECTOR_DOCS_WORKERS", "").strip()
    if wanted.isascii() and wanted.isdigit():
        return max(1, int(wanted))
    return max(1, min(len(os.sched_getaffinity(0)), _cpu_quota(), MAX_WORKERS))


def _cpu_quota() -> int:
    """CPUs a cgroup v2 quota allows (``docker run --cpus 2``), or a large number."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return max(1, int(quota) // int(period)) if quota != "max" else 1 << 16
    except (OSError, ValueError):
        return 1 << 16


# What the forked workers run: set just before the fork, inherited by the children.
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_share(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    func, items = _JOB
    return [func(item) for item in items[bounds[0]:bounds[1]]]


def _shares(count: int, processes: int,
            weights: Sequence[float] | None) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` shares of ``count`` items for ``processes``: equal in
    number, or with ``weights`` about equal in total weight (one large file among small
    ones, say); never empty."""
    if weights is None or not sum(weights):
        step = -(-count // processes)
        return [(i, min(i + step, count)) for i in range(0, count, step)]
    target = sum(weights) / processes
    cuts, share = [0], 0.0
    for index, weight in enumerate(weights):
        # A new share starts before an item that would end mostly past the share's part
        # (the nearest boundary: cutting before any overshoot starves the last share).
        if share and share + weight / 2 > target and len(cuts) < processes:
            cuts.append(index)
            share = 0.0
        share += weight
    cuts.append(count)
    return list(itertools.pairwise(cuts))


def fork_map(func: Callable[[T], R], items: Sequence[T], *, min_items: int,
             processes: int | None = None, weights: Sequence[float] | None = None) -> list[R]:
    """``[func(item) for item in items]``, split in contiguous shares between this
    process and forked children when there are at least ``min_items`` and more than one
    CPU. The children inherit ``func`` and ``items`` (nothing is pickled on the way in);
    each result is pickled on the way back, so ``func`` should return plain data and
    report expected failures as values. An exception in a child is re-raised here, and a
    child that dies (killed for memory, say) raises ``BrokenProcessPool``. ``weights``
    (one per item, e.g. file sizes) balance the shares by work instead of by count."""
    global _JOB
    if weights is not None and len(weights) != len(items):
        raise ValueError(f"{len(weights)} weights for {len(items)} items")
    count = min(processes or workers(), len(items))
    if count < 2 or len(items) < min_items:
        return [func(item) for item in items]
    shares = _shares(len(items), count, weights)
    if len(shares) < 2:
        return [func(item) for item in items]
    _JOB = (func, items)
    # Everything alive now is set aside from garbage collection until the shares are
    # done: a collection in a child would otherwise write to the header of every object
    # it inherited, copying the parent's memory page by page, and in either process it
    # would walk objects that live to the end of the build. (When something else froze
    # objects already, ours stay frozen too: unfreezing would thaw theirs.)
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        # With fork, the executor starts every worker before its own manager thread.
        with ProcessPoolExecutor(len(shares) - 1,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            pending = [pool.submit(_run_share, share) for share in shares[1:]]
            parts = [_run_share(shares[0]), *(future.result() for future in pending)]
    finally:
        _JOB = None
        if thaw:
            gc.unfreeze()
    return [result for part in parts for result in part]
