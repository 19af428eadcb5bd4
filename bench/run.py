"""Speed and scale benchmark: every figure measured side by side in one run.

    python bench/run.py            # full: real catalog, 1,000 / 3,000 / 10,000, serve
    python bench/run.py --quick    # tiny sizes, no 10,000 build, no serve (the test suite)

Prints progress, a table of figures and a final table ``measure | value | target |
met?``; writes everything to ``bench/out/results.json``. Targets are ratios or figures
taken in the same run, because the machine is shared and noisy. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import preview, procs, report, synth
from bench import search as search_bench
from bench.procs import MKDOCS, Run

ROOT = synth.ROOT
DEFAULT_OUT = ROOT / "bench" / "out"
ASSETS = ROOT / "generator" / "connector_docs" / "site" / "assets"
PHASES = ("overhead", "linear", "huge", "preview", "validate", "search")
FULL = {"small": 1000, "large": 3000, "huge": 10_000, "repeats": 3, "serve_edits": 3}
QUICK = {"small": 20, "large": 60, "huge": 60, "repeats": 1, "serve_edits": 1}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- projects ---------------------------------------------------------------------------


def synthetic(out: Path, n: int, seed: int, shape: dict[str, Any]) -> Path:
    """``out``/synth-N, regenerated only when its inputs changed."""
    root = out / f"synth-{n}"
    stamp = json.dumps(
        {"n": n, "seed": seed, "shape": shape, "synth": (ROOT / "bench" / "synth.py").read_text()},
        sort_keys=True,
    )
    stamp_file = root / ".bench-stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return root
    log(f"writing synthetic catalog of {n:,} connectors")
    synth.make_project(root, n, seed, shape)
    stamp_file.write_text(stamp)
    return root


def real_project(out: Path, seed: int) -> Path | None:
    """The real catalog, read in place, with synthetic smoke runs for its ids."""
    if not synth.REAL_CATALOG.is_dir():
        return None
    root = out / "real"
    ids = sorted(p.parent.name for p in synth.REAL_CATALOG.glob("*/definition.json"))
    shutil.rmtree(root / "catalog", ignore_errors=True)
    synth.write_smoke(root / "catalog" / "smoke", ids, seed)
    synth.write_site(root, synth.mkdocs_config(catalog=str(synth.REAL_CATALOG)))
    return root


def plain_twin(out: Path, project: Path) -> tuple[Path, Run]:
    """The same site without the plugin: ``connector-docs generate`` writes the Markdown
    beforehand; same theme, nav and extensions, our assets as extra files."""
    plain = project / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    docs = plain / "docs"
    gen = procs.run(
        [
            *procs.connector_docs(),
            "-f",
            str(project / "mkdocs.yml"),
            "generate",
            "--out",
            str(docs),
        ],
        project,
        out / "logs" / f"{project.name}-generate.log",
    )
    if gen.returncode:
        raise RuntimeError(f"generate failed for {project}:\n{gen.tail()}")
    shutil.copy(project / "docs" / "index.md", docs / "index.md")
    (docs / "assets").mkdir(exist_ok=True)
    for asset in ASSETS.iterdir():
        shutil.copy(asset, docs / "assets" / asset.name)
    config = json.loads((project / "mkdocs.yml").read_text())
    config["plugins"] = ["search"]
    config["extra_css"] = ["assets/connector-docs.css"]
    config["extra_javascript"] = ["assets/connector-docs-catalog.js"]
    (plain / "mkdocs.yml").write_text(json.dumps(config, indent=1) + "\n")
    return plain, gen


def build(out: Path, project: Path, label: str, *, warm: bool = False) -> Run:
    """``mkdocs build`` in ``project``. Cold (the default) empties connector-docs' page
    store first, so every guide is rendered as in a first build; ``warm`` keeps what the
    previous build stored."""
    if not warm:
        shutil.rmtree(project / ".cache" / "connector-docs", ignore_errors=True)
    result = procs.run([*MKDOCS, "build"], project, out / "logs" / f"{label}.log")
    if result.returncode:
        raise RuntimeError(f"mkdocs build failed in {project}:\n{result.tail()}")
    log(f"  {label}: {result.seconds:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB")
    return result


def site_figures(project: Path, connectors: int) -> dict[str, Any]:
    site = project / "site"
    total = procs.tree_bytes(site)
    content = procs.tree_bytes(site, exclude=("assets",))  # theme files are a constant
    index = site / "search" / "search_index.json"  # what a visitor's browser downloads
    return {
        "site_bytes": total,
        "content_bytes": content,
        "content_bytes_per_connector": round(content / connectors),
        "search_index_bytes": index.stat().st_size if index.is_file() else None,
    }


# --- phases -----------------------------------------------------------------------------


class Bench:
    def __init__(self, out: Path, sizes: dict[str, int], seed: int, quick: bool) -> None:
        self.out = out
        self.sizes, self.seed, self.quick = sizes, seed, quick
        self.shape = synth.load_profile()
        self.figures: dict[str, Any] = {}
        self.rows: dict[str, dict[str, Any]] = {}
        self.real = None if quick else real_project(out, seed)
        self.n_real = (
            len(list(synth.REAL_CATALOG.glob("*/definition.json")))
            if synth.REAL_CATALOG.is_dir()
            else 0
        )
        self.labels = report.labels(sizes, self.n_real)

    def row(self, key: str, value: float, note: str = "") -> None:
        self.rows[key] = report.row(key, value, note)

    def builds(self, phases: set[str]) -> None:
        """Overhead and linear, interleaved round by round so that both ratios compare
        builds made under the same load: A real, B real, A small, B small, A large."""
        small, large, repeats = self.sizes["small"], self.sizes["large"], self.sizes["repeats"]
        pairs: list[tuple[str, Path, Path, int]] = []
        if "overhead" in phases:
            if self.real is not None:
                plain, gen = plain_twin(self.out, self.real)
                pairs.append(("real", self.real, plain, self.n_real))
                self.figures["generate_seconds_real"] = round(gen.seconds, 2)
            project = synthetic(self.out, small, self.seed, self.shape)
            plain, gen = plain_twin(self.out, project)
            pairs.append((f"synth-{small}", project, plain, small))
            self.figures[f"generate_seconds_{small}"] = round(gen.seconds, 2)
        large_project = small_project = None
        if "linear" in phases:
            large_project = synthetic(self.out, large, self.seed, self.shape)
            small_project = synthetic(self.out, small, self.seed, self.shape)
        times: dict[str, list[Run]] = {}
        for r in range(repeats):
            log(f"build round {r + 1}/{repeats}")
            for name, project, plain, _ in pairs:
                times.setdefault(f"A {name}", []).append(build(self.out, project, f"A-{name}-{r}"))
                times.setdefault(f"B {name}", []).append(build(self.out, plain, f"B-{name}-{r}"))
            if small_project is not None and large_project is not None:
                if "overhead" not in phases:
                    times.setdefault(f"A synth-{small}", []).append(
                        build(self.out, small_project, f"A-synth-{small}-{r}")
                    )
                times.setdefault(f"A synth-{large}", []).append(
                    build(self.out, large_project, f"A-synth-{large}-{r}")
                )
        for key, runs in times.items():
            self.figures[f"build {key}"] = {
                "median_s": round(median([x.seconds for x in runs]), 2),
                "runs_s": [round(x.seconds, 2) for x in runs],
                "peak_rss_mb": round(max(x.peak_rss_mb for x in runs), 1),
            }
        for name, project, plain, n in pairs:
            a = median([x.seconds for x in times[f"A {name}"]])
            b = median([x.seconds for x in times[f"B {name}"]])
            self.figures[f"site {name}"] = site_figures(project, n)
            self.figures[f"site {name} plain"] = site_figures(plain, n)
            key = "overhead_real" if name == "real" else "overhead_synth"
            # Noise only ever adds time: the fastest pair is reported beside the medians,
            # with the spread, so a ratio near its target can be judged.
            a_all = [x.seconds for x in times[f"A {name}"]]
            b_all = [x.seconds for x in times[f"B {name}"]]
            self.figures[f"overhead {name} fastest ratio"] = round(min(a_all) / min(b_all), 3)
            self.row(key, round(a / b, 3),
                     f"median {a:.1f} s vs {b:.1f} s (cold store); fastest "
                     f"{min(a_all) / min(b_all):.3f}x; A {min(a_all):.1f}-{max(a_all):.1f} s, "
                     f"B {min(b_all):.1f}-{max(b_all):.1f} s")
            # A rebuild with the page store of the last build, beside one more plain build.
            warm = build(self.out, project, f"A-{name}-warm", warm=True)
            plain_again = build(self.out, plain, f"B-{name}-warm")
            self.figures[f"build A {name} warm"] = round(warm.seconds, 2)
            self.row(f"{key}_warm", round(warm.seconds / plain_again.seconds, 3),
                     f"{warm.seconds:.1f} s vs {plain_again.seconds:.1f} s")
        if large_project is not None and small_project is not None:
            a_small = median([x.seconds for x in times[f"A synth-{small}"]])
            a_large = median([x.seconds for x in times[f"A synth-{large}"]])
            self.row(
                "linear_time",
                round(a_large / a_small, 3),
                f"median {a_large:.1f} s vs {a_small:.1f} s",
            )
            per = {
                n: site_figures(p, n)["content_bytes_per_connector"]
                for n, p in ((small, small_project), (large, large_project))
            }
            self.figures["content_bytes_per_connector"] = per
            diff = abs(per[large] - per[small]) / per[small] * 100
            self.row(
                "linear_bytes",
                round(diff, 1),
                f"{per[small]:,} vs {per[large]:,} bytes (site minus theme assets)",
            )

    def _stages(self, project: Path, label: str, *args: str) -> dict[str, Any]:
        """One ``bench/stages.py`` child; its JSON line."""
        child = procs.run([sys.executable, str(ROOT / "bench" / "stages.py"), str(project),
                           *args], ROOT, self.out / "logs" / f"{label}.log")
        if child.returncode:
            raise RuntimeError(f"{label} failed:\n{child.tail()}")
        result: dict[str, Any] = json.loads(child.log.read_text().strip().splitlines()[-1])
        return result

    def huge(self, build_site: bool) -> None:
        n = self.sizes["huge"]
        project = synthetic(self.out, n, self.seed, self.shape)
        result = self._stages(project, f"stages-{n}")
        self.figures[f"stages {n}"] = result
        log(f"  stages at {n:,}: {result['total']:.1f} s {result['stages']}")
        self.row(
            "huge_stages",
            result["total"],
            ", ".join(f"{k.strip()} {v:.1f}" for k, v in result["stages"].items()),
        )
        for store in ("cold", "warm"):
            figures = self._stages(project, f"plugin-{store}-{n}", "--plugin", store)
            self.figures[f"plugin on_files {store} {n}"] = figures
            log(f"  plugin on_files at {n:,}, {store} page store: {figures['on_files']:.1f} s")
            self.row(f"huge_plugin_{store}", figures["on_files"],
                     f"peak RSS {figures['peak_rss_mb']:.0f} MB")
        if build_site:
            run = build(self.out, project, f"A-synth-{n}")
            self.figures[f"build A synth-{n}"] = {
                "seconds": round(run.seconds, 1),
                "peak_rss_mb": round(run.peak_rss_mb, 1),
                **site_figures(project, n),
            }
            self.figures[f"build A synth-{n}"]["peak_tree_mb"] = round(run.peak_tree_mb, 1)
            self.row("huge_rss", round(run.peak_tree_mb),
                     f"build {run.seconds:.0f} s; whole process group, sampled PSS; largest "
                     f"single process {run.peak_rss_mb:.0f} MB")

    def preview(self) -> None:
        """Edit-to-page latency with the README's serve command (bench/preview.py), on
        the real catalog and the small synthetic one: the README's command, the same with
        every page rendered on each rebuild (before fast previews), and --dirty."""
        results = preview.run(self.out, self.sizes["small"], self.seed,
                              self.sizes["serve_edits"], list(preview.MODES),
                              real=not self.quick)
        self.figures["preview"] = results
        for site, key in (("real", "real"), (f"synth-{self.sizes['small']}", "synth")):
            modes = results.get(site)
            if not modes:
                continue
            for kind in ("overlay", "definition"):
                readme = modes["readme"]
                self.row(f"preview_{key}_{kind}", readme[f"{kind}_median_s"],
                         f"edits {readme[f'{kind}_s']}; before (every page rendered): "
                         f"{modes['before'][f'{kind}_s']}; --dirty: {modes['dirty'][f'{kind}_s']}")
            before = modes["before"]
            self.row(f"preview_{key}_before",
                     round(median(before["overlay_s"] + before["definition_s"]), 2),
                     "CONNECTOR_DOCS_PREVIEW=full: every rebuild renders every page")

    def search(self) -> None:
        """Material's search beside Pagefind (bench/search.py): bytes a cold query fetches
        and time to the first result, at the real catalog, small and huge (quick: small)."""
        if not search_bench.CHROMIUM.exists():
            log(f"search: skipped, {search_bench.CHROMIUM} is not installed")
            return
        sizes = [str(self.sizes["small"])] if self.quick else \
            ["real", str(self.sizes["small"]), str(self.sizes["huge"])]
        results = search_bench.run(self.out, sizes, self.seed)
        self.figures["search"] = results
        print("\n" + search_bench.table(results), flush=True)
        done = [(size, f) for size, f in results.items() if "pagefind_query_bytes_max" in f]
        if not done:
            raise RuntimeError("no size measured: " + json.dumps(results)[:300])
        largest = done[-1][1]
        self.labels["search_pagefind_bytes"] = (
            f"search: Pagefind bytes per cold query, {largest['connectors']:,}")
        self.labels["search_builtin_bytes"] = (
            f"search: Material index per page load, {largest['connectors']:,}")
        self.row("search_pagefind_bytes", round(largest["pagefind_query_bytes_max"] / 1024),
                 f"first result {largest['pagefind_first_result_s_median']} s; Material "
                 f"{largest['builtin_first_result_s_median']} s")
        self.row("search_builtin_bytes", round(largest["builtin_index_bytes"] / 1024),
                 f"gzip {round(largest['builtin_index_gzip_bytes'] / 1024)} KB")

    def validate(self) -> None:
        if not synth.REAL_CATALOG.is_dir():
            return
        from connector_docs.inputs import catalog

        times = []
        for _ in range(1 + self.sizes["repeats"]):
            start = time.perf_counter()
            catalog.load_catalog(synth.REAL_CATALOG)
            times.append(time.perf_counter() - start)
        self.figures["load_catalog_real_s"] = {
            "first": round(times[0], 3),
            "warm": [round(t, 3) for t in times[1:]],
        }
        self.row(
            "validate_inproc",
            round(times[0], 3),
            f"first call; warm median {median(times[1:]):.2f} s",
        )
        empty = self.out / "empty"  # no mkdocs.yml: catalog only, no smoke
        empty.mkdir(parents=True, exist_ok=True)
        runs = [
            procs.run(
                [*procs.connector_docs(), "validate", "--catalog", str(synth.REAL_CATALOG)],
                empty,
                self.out / "logs" / f"validate-{i}.log",
            )
            for i in range(self.sizes["repeats"])
        ]
        if any(r.returncode for r in runs):
            raise RuntimeError(f"connector-docs validate failed:\n{runs[0].tail()}")
        cli = median([r.seconds for r in runs])
        self.figures["validate_cli_s"] = [round(r.seconds, 2) for r in runs]
        self.row("validate_cli", round(cli, 2), f"in-process share {times[0] / cli:.0%}")

    def save(self, started: str) -> Path:
        path = self.out / "results.json"
        payload = {
            "started": started,
            "mode": "quick" if self.quick else "full",
            "sizes": self.sizes,
            "seed": self.seed,
            "python": platform.python_version(),
            "machine": {"cpus": os.cpu_count(), "loadavg_end": os.getloadavg()},
            "code": report.code_version(ROOT),
            "rows": [{"key": k, "measure": self.labels[k], **v} for k, v in self.rows.items()],
            "figures": self.figures,
        }
        path.write_text(json.dumps(payload, indent=1, default=str) + "\n")
        return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="connector-docs speed and scale benchmark")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, no 10k, no serve")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, help="builds per side (default 3; quick 1)")
    parser.add_argument(
        "--phases",
        help=f"comma-separated subset of {','.join(PHASES)} (default all; quick: all but preview)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="work folder for projects, logs and results.json",
    )
    for size in ("small", "large", "huge"):
        parser.add_argument(f"--{size}", type=int, help=f"override the {size} size")
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    for key in ("small", "large", "huge", "repeats"):
        if getattr(args, key):
            sizes[key] = getattr(args, key)
    default = [p for p in PHASES if not (args.quick and p == "preview")]
    phases = set(args.phases.split(",") if args.phases else default)
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.out.resolve(), sizes, args.seed, args.quick)
    log(f"bench {'quick' if args.quick else 'full'}: sizes {sizes}, phases {sorted(phases)}")
    steps: list[tuple[str, Callable[[], None]]] = [
        ("validate", bench.validate),
        ("builds", lambda: bench.builds(phases)),
        ("huge", lambda: bench.huge(build_site=not args.quick)),
        ("preview", bench.preview),
        ("search", bench.search),
    ]
    failed = False
    for name, step in steps:
        wanted = {"builds": {"overhead", "linear"} & phases}.get(name, {name} & phases)
        if not wanted:
            continue
        log(f"phase {name}")
        # Others may commit while a long run goes on: record what each phase measured.
        bench.figures.setdefault("code_by_phase", {})[name] = report.code_version(ROOT)
        try:
            step()
        except Exception as exc:  # keep the other figures; report the failure
            failed = True
            log(f"phase {name} FAILED: {exc}")
        bench.save(started)
    print("\nFigures:\n" + json.dumps(bench.figures, indent=1, default=str))
    print("\n" + report.table(bench.rows, bench.labels))
    if len({json.dumps(v) for v in bench.figures.get("code_by_phase", {}).values()}) > 1:
        print("\nnote: generator/ or templates/ changed during the run (see code_by_phase)")
    print(f"\nresults: {bench.save(started)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
