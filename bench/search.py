"""Site search at scale: Material's built-in search beside Pagefind, measured in one run.

    python bench/search.py                         # real catalog (149), 1,000, 10,000
    python bench/search.py --sizes real,1000       # a subset ("real" or a connector count)
    python bench/search.py --sizes 20 --no-real    # what the test suite runs

Per size, the same site is built twice with `mkdocs build`: ``search_backend: builtin``
(Material's search: one index, downloaded whole) and ``search_backend: pagefind`` (the
plugin indexes the finished site with Pagefind; its box in the header fetches chunks).
Both are served from 127.0.0.1 by ``http.server`` (no compression: the bytes are what a
plain server sends; gzip sizes of Material's index are given beside) and queried in a
real headless Chromium, each query in a fresh browser context (a cold cache):

* bytes: Material: ``search/search_index.json`` (the whole index, fetched on every page
  load); Pagefind: every response under ``pagefind/`` until the results show (its runtime,
  WebAssembly, UI, the index chunks and the result fragments of the query);
* time to first result: from the page's load event, the query typed at once (into
  Material's box as soon as its worker has the index: typed earlier, a query can stay
  unanswered), until the first result is shown.

Queries: a connector's name and one of its scopes, taken from the site's catalog.json.
Target: a cold Pagefind query fetches <= 400 KB at 10,000 connectors.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procs, synth
from bench.procs import MKDOCS

DEFAULT_SIZES = ("real", "1000", "10000")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_KB = 400
BACKENDS = ("builtin", "pagefind")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- sites --------------------------------------------------------------------------------


def project(out: Path, size: str, seed: int) -> tuple[Path, dict[str, Any]] | None:
    """The project of ``size`` (its folder) and its mkdocs.yml as a dict; None when the
    real catalog is asked for and absent."""
    if size == "real":
        if not synth.REAL_CATALOG.is_dir():
            return None
        root = out / "search-real"
        ids = sorted(p.parent.name for p in synth.REAL_CATALOG.glob("*/definition.json"))
        synth.write_smoke(root / "catalog" / "smoke", ids, seed)
        return root, synth.mkdocs_config(catalog=str(synth.REAL_CATALOG))
    n = int(size)
    root = out / f"search-synth-{n}"
    stamp = root / ".bench-stamp"
    key = json.dumps({"n": n, "seed": seed, "synth": (Path(synth.__file__)).read_text()})
    if not (stamp.is_file() and stamp.read_text() == key):
        log(f"writing synthetic catalog of {n:,} connectors")
        synth.make_project(root, n, seed)
        stamp.write_text(key)
    return root, synth.mkdocs_config()


def build(root: Path, config: dict[str, Any], backend: str, logs: Path) -> tuple[Path, float]:
    """The site built with ``backend`` into ``root``/site-``backend``; build seconds."""
    config = json.loads(json.dumps(config))
    config["site_dir"] = f"site-{backend}"
    config["theme"] = {"name": "material", "font": False}
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "connector-docs" in entry:
            entry["connector-docs"]["search_backend"] = backend
    synth.write_site(root, config)
    result = procs.run([*MKDOCS, "build"], root, logs / f"search-{root.name}-{backend}.log")
    if result.returncode:
        raise RuntimeError(f"mkdocs build failed in {root}:\n{result.tail()}")
    return root / f"site-{backend}", result.seconds


def queries(site: Path) -> list[str]:
    """A connector's name and one of its scopes, from the middle of the catalog."""
    connectors = json.loads((site / "catalog" / "catalog.json").read_text())["connectors"]
    with_scope = [c for c in connectors if c.get("scopes")] or connectors
    pick = with_scope[len(with_scope) // 2]
    found = [pick["name"]]
    if pick.get("scopes"):
        found.append(pick["scopes"][0])
    return found


# --- the browser ---------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Material's box is its header search; Pagefind's the plugin's (connector-docs-search.js).
# Each: the input, a result item, the status line that says when nothing matched.
BOXES = {
    "builtin": (".md-search__input", ".md-search-result__item", ".md-search-result__meta"),
    "pagefind": (".cd-pagefind__input", ".cd-pagefind__result", ".cd-pagefind__status"),
}
_READY = """() => !/Initializ/.test(
    (document.querySelector(".md-search-result__meta") || {}).textContent || "")"""
_DRAWN = """([item, status]) => document.querySelector(item) ||
    /^No /.test(((document.querySelector(status) || {}).textContent || "").trim())"""


def query(browser: Any, url: str, backend: str, text: str, timeout_s: float) -> dict[str, Any]:
    """One cold query: bytes fetched for the search and seconds to the first result."""
    box, result, status = BOXES[backend]
    part = "/search/" if backend == "builtin" else "/pagefind/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1:") else route.abort())
    fetched: dict[str, int] = {}

    def on_response(response: Any) -> None:
        if part in response.url:
            size = response.headers.get("content-length")
            fetched[response.url] = int(size) if size else len(response.body())

    context.on("response", on_response)
    page = context.new_page()
    try:
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        page.locator(box).wait_for(timeout=timeout_s * 1000)
        start = time.perf_counter()
        page.locator(box).click()
        if backend == "builtin":  # a query typed while it says "Initializing search" can
            # stay unanswered: type once its worker has the index (counted in the time)
            page.wait_for_function(_READY, timeout=timeout_s * 1000)
        page.locator(box).press_sequentially(text)  # key events: Material reads keyup
        try:
            page.wait_for_function(_DRAWN, arg=[result, status], timeout=timeout_s * 1000)
            seconds: float | None = round(time.perf_counter() - start, 2)
        except Exception:  # Material at 10,000: its worker never answers
            seconds = None
        page.wait_for_timeout(500)  # fragments of the other shown results
        shown = page.locator(result).count()
    finally:
        context.close()
    return {"query": text, "seconds": seconds, "bytes": sum(fetched.values()),
            "requests": len(fetched), "results": shown}


def measure(out: Path, size: str, seed: int, browser: Any, timeout_s: float) -> dict[str, Any]:
    made = project(out, size, seed)
    if made is None:
        return {"skipped": "../shared/real-catalog is absent"}
    root, config = made
    figures: dict[str, Any] = {}
    sites = {}
    for backend in BACKENDS:
        log(f"  {size}: building with search_backend: {backend}")
        site, seconds = build(root, config, backend, out / "logs")
        sites[backend] = site
        figures[f"{backend}_build_s"] = round(seconds, 1)
    index = sites["builtin"] / "search" / "search_index.json"
    raw = index.read_bytes()
    figures["connectors"] = len(json.loads(
        (sites["builtin"] / "catalog" / "catalog.json").read_text())["connectors"])
    figures["builtin_index_bytes"] = len(raw)
    figures["builtin_index_gzip_bytes"] = len(gzip.compress(raw, 6))
    figures["pagefind_bundle_bytes"] = procs.tree_bytes(sites["pagefind"] / "pagefind")
    figures["pagefind_index_s"] = _index_seconds(sites["pagefind"])
    words = queries(sites["builtin"])
    for backend in BACKENDS:
        with serve(sites[backend].parent) as origin:
            url = f"{origin}{sites[backend].name}/"
            runs = [query(browser, url, backend, text, timeout_s) for text in words]
        figures[f"{backend}_queries"] = runs
        figures[f"{backend}_query_bytes_max"] = max(r["bytes"] for r in runs)
        times = [r["seconds"] for r in runs]
        figures[f"{backend}_first_result_s_median"] = (
            round(statistics.median(times), 2) if None not in times
            else f"none within {timeout_s:.0f} s")
    return figures


def _index_seconds(site: Path) -> float:
    """Pagefind over the finished site again, in-process, as the plugin runs it."""
    from connector_docs.site import pagefind

    start = time.perf_counter()
    pagefind.index_site(site)
    return round(time.perf_counter() - start, 1)


# --- report --------------------------------------------------------------------------------


def _kb(value: int) -> str:
    return f"{value / 1024:,.0f} KB" if value < 10 * 1024 * 1024 else \
        f"{value / 1024 / 1024:,.1f} MB"


def _seconds(value: float | str) -> str:
    return f"{value} s" if isinstance(value, float | int) else str(value)


def table(results: dict[str, dict[str, Any]]) -> str:
    header = ("connectors", "Material index (gzip)", "Material 1st result",
              "Pagefind bytes/query", "Pagefind 1st result", "Pagefind index time",
              "Pagefind bundle", f"<= {TARGET_KB} KB?")
    lines = []
    for size, f in results.items():
        if "skipped" in f or "error" in f:
            lines.append((size, f.get("skipped") or f"failed: {f['error']}", *[""] * 6))
            continue
        worst = f["pagefind_query_bytes_max"]
        lines.append((
            f"{f['connectors']:,}" + (" (real)" if size == "real" else ""),
            f"{_kb(f['builtin_index_bytes'])} ({_kb(f['builtin_index_gzip_bytes'])})",
            _seconds(f["builtin_first_result_s_median"]),
            f"{_kb(worst)} (max of {len(f['pagefind_queries'])})",
            _seconds(f["pagefind_first_result_s_median"]),
            f"{f['pagefind_index_s']} s",
            _kb(f["pagefind_bundle_bytes"]),
            "yes" if worst <= TARGET_KB * 1024 else "NO",
        ))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    fmt = " | ".join(f"{{:{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), "-+-".join("-" * w for w in widths),
                      *(fmt.format(*line) for line in lines)])


def run(out: Path, sizes: list[str], seed: int = 0, timeout_s: float = 120) -> dict[str, Any]:
    """Every size measured; a size that fails is reported, the others still run."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is not installed (apt-get install chromium)")
    results: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for size in sizes:
                log(f"search: {size}")
                try:
                    results[size] = measure(out, size, seed, browser, timeout_s)
                except Exception as exc:  # keep the other sizes
                    log(f"search: {size} FAILED: {exc}")
                    results[size] = {"error": str(exc).splitlines()[0][:200]}
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                        help="comma-separated: 'real' (the real catalog) or connector counts")
    parser.add_argument("--no-real", action="store_true", help="leave out the real catalog")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds a page or a query may take")
    parser.add_argument("--out", type=Path, default=synth.ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    sizes = [s for s in args.sizes.split(",") if s and not (args.no_real and s == "real")]
    args.out.mkdir(parents=True, exist_ok=True)
    results = run(args.out.resolve(), sizes, args.seed, args.timeout)
    (args.out / "search.json").write_text(json.dumps(results, indent=1) + "\n")
    print("\nFigures:\n" + json.dumps(results, indent=1))
    print("\n" + table(results))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
