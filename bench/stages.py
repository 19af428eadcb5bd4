"""Time (or cProfile) our own stages in-process, without MkDocs:

    python bench/stages.py PROJECT [--serial] [--profile OUT.pstats] [--top 25]
    python bench/stages.py PROJECT --plugin cold|warm

``PROJECT`` is a folder with a ``mkdocs.yml`` using the plugin. Runs
``connector_docs.project.load`` (catalog load + validate, smoke evidence, policy, overlays),
``site.pages.plan`` and ``site.render.render_many`` (all pages), the way the
plugin's ``on_files`` does, and prints one JSON object with seconds per stage. The
breakdown inside ``load`` comes from wrapping the functions it calls, so it stays exact
without copying ``load``'s body; a function that is renamed is simply not broken out.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import BUILD_EPOCH

# (module, attribute, stage name): the calls inside project.load to break out.
BREAKDOWN = (
    ("connector_docs.project", "load_catalog", "catalog load + validate"),
    ("connector_docs.project", "load_smoke", "smoke evidence"),
    ("connector_docs.decisions.policy", "decide", "policy"),
    ("connector_docs.inputs.overlay", "load", "overlays"),
)


def _wrap(times: dict[str, float], module: Any, attr: str, name: str) -> None:
    inner: Callable[..., Any] | None = getattr(module, attr, None)
    if inner is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - start

    setattr(module, attr, timed)


def run(project: Path) -> dict[str, Any]:
    import importlib

    from connector_docs import project as project_mod
    from connector_docs.options import from_mkdocs_yml
    from connector_docs.site import pages, render
    from connector_docs.speedups.runtime import paused_gc

    os.environ.setdefault("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    times: dict[str, float] = {}
    for module_name, attr, name in BREAKDOWN:
        _wrap(times, importlib.import_module(module_name), attr, name)
    opts = from_mkdocs_yml(project / "mkdocs.yml")
    templates = str(opts.path(opts.templates)) if opts.templates else None
    start = time.perf_counter()
    with paused_gc():  # as the plugin's on_files
        proj = project_mod.load(opts)
        loaded = time.perf_counter()
        specs = pages.plan(proj)
        planned = time.perf_counter()
        size = sum(len(text.encode("utf-8")) for text in render.render_many(specs, templates))
        rendered = time.perf_counter()
    stages = {
        "load": loaded - start,
        **{f"  {k}": v for k, v in times.items()},
        "plan": planned - loaded,
        "render": rendered - planned,
    }
    return {
        "connectors": len(proj.catalog.connectors),
        "pages": len(specs),
        "markdown_bytes": size,
        "errors": sum(d.is_error for d in proj.diagnostics),
        "warnings": sum(not d.is_error for d in proj.diagnostics),
        "stages": {k: round(v, 3) for k, v in stages.items()},
        "total": round(rendered - start, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # the largest forked worker (each shares most of its pages with this process)
        "worker_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def plugin_run(project: Path, cold: bool) -> dict[str, Any]:
    """The plugin's whole ``on_files`` (our stages plus docs lint, writing the pages and
    the page store), in-process under MkDocs' own config loading. ``cold``: the page store
    is emptied first; otherwise it holds what the last build (or run) wrote."""
    import logging
    import shutil

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    os.environ.setdefault("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    logging.disable(logging.WARNING)  # thousands of catalog warnings are not the point
    if cold:
        shutil.rmtree(project / ".cache" / "connector-docs", ignore_errors=True)
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = get_files(config)
    start = time.perf_counter()
    files = config.plugins.on_files(files, config=config)
    seconds = time.perf_counter() - start
    return {
        "on_files": round(seconds, 3),
        "store": "cold" if cold else "warm",
        "pages": len(files.documentation_pages()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # the largest forked worker (each shares most of its pages with this process)
        "worker_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time our stages in-process.")
    parser.add_argument("project", type=Path)
    parser.add_argument(
        "--profile", type=Path, help="write cProfile stats here and print the top functions"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--serial", action="store_true",
                        help="no worker processes (what a profile sees in full)")
    parser.add_argument("--plugin", choices=("cold", "warm"),
                        help="time the plugin's whole on_files instead, with an emptied "
                        "(cold) or kept (warm) page store")
    args = parser.parse_args(argv)
    if args.serial:
        from connector_docs.inputs import catalog
        from connector_docs.site import docslint, render

        catalog.PARALLEL_MIN_FILES = render.PARALLEL_MIN_PAGES = sys.maxsize
        docslint.PARALLEL_MIN_CONNECTORS = sys.maxsize
    def measure() -> dict[str, Any]:
        if args.plugin:
            return plugin_run(args.project.resolve(), cold=args.plugin == "cold")
        return run(args.project)

    if not args.profile:
        print(json.dumps(measure()))
        return 0
    profiler = cProfile.Profile()
    result = profiler.runcall(measure)
    profiler.dump_stats(str(args.profile))
    print(json.dumps(result))
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n--- top {args.top} by {order} ---", file=sys.stderr)
        print(out.getvalue().split("\n\n", 1)[-1], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
