"""Live-preview latency with the README's serve command: seconds from saving an edit to
the served page showing it, on the real catalog and on synthetic catalogs.

    python bench/preview.py                    # real catalog (when present) and 1,000
    python bench/preview.py --small 200 --edits 2 --modes readme,before

Modes, measured one after the other in one run, on the same project:

- ``readme``: ``mkdocs serve -a 127.0.0.1:PORT``, the README's quick start (fast
  rebuilds: only the pages that changed, when the site's frame is unchanged);
- ``before``: the same command with ``CONNECTOR_DOCS_PREVIEW=full``, every rebuild
  rendering every page, as before fast rebuilds;
- ``dirty``: ``mkdocs serve --dirty``, MkDocs' own incremental mode, for reference.

Edits, alternating: an **overlay** (``docs/connectors/<id>.md`` gets a ``## Notes``
section with a unique token; the guide must show it) and a **definition** (the
connector's name gets a unique token; the guide *and* the catalog page must show it: the
figure is the later of the two). The real catalog is copied to a temporary folder
outside the project for the run (never edited in place, never kept). Called by
``bench/run.py``'s preview phase; prints progress and one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procs, synth

MODES = {"readme": ((), {}), "before": ((), {"CONNECTOR_DOCS_PREVIEW": "full"}),
         "dirty": (("--dirty",), {})}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Editor:
    """Edits one connector of a project (per-file or platform layout) and puts every
    file back afterwards."""

    def __init__(self, project: Path, catalog: Path, conn_id: str) -> None:
        self.project, self.conn_id = project, conn_id
        platform = catalog / conn_id / "definition.json"
        self.definition = platform if platform.is_file() else catalog / f"{conn_id}.json"
        self.overlay = project / "docs" / "connectors" / f"{conn_id}.md"
        self.saved: dict[Path, str | None] = {}

    def _save(self, path: Path) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_text(encoding="utf-8") if path.is_file() else None

    def overlay_edit(self, token: str) -> None:
        self._save(self.overlay)
        self.overlay.parent.mkdir(parents=True, exist_ok=True)
        self.overlay.write_text(f"## Notes\n\nEdited for the benchmark: {token}.\n",
                                encoding="utf-8")

    def definition_edit(self, token: str) -> None:
        self._save(self.definition)
        original = self.saved[self.definition]
        assert original is not None
        data = json.loads(original)
        data["name"] = f"{data.get('name') or self.conn_id} {token}"
        self.definition.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def restore(self) -> None:
        for path, text in self.saved.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        self.saved.clear()


def pick_connector(srv: procs.Server, ids: list[str]) -> str:
    """The first connector (in a fixed spread over the catalog) whose guide is served
    and listed on the catalog page (a public site omits hidden ones)."""
    catalog_page = procs.fetch(srv.base + "catalog/", timeout=600) or ""
    for k in range(len(ids)):
        cid = ids[(k * 37 + len(ids) // 3) % len(ids)]
        if f"connectors/{cid}/" in catalog_page and procs.fetch(
                srv.base + f"connectors/{cid}/", timeout=600):
            return cid
    raise RuntimeError("no connector of the catalog is served")


def measure(project: Path, catalog: Path, ids: list[str], label: str, logs: Path,
            edits: int, modes: list[str]) -> dict[str, Any]:
    """Per mode: seconds to the first page (the first build), then ``edits`` edits of
    each kind. Each mode starts its own server on the same project."""
    figures: dict[str, Any] = {}
    for mode in modes:
        args, env = MODES[mode]
        editor: Editor | None = None
        try:
            with procs.Server(project, logs / f"preview-{label}-{mode}.log", *args,
                              env=env) as srv:
                ready = srv.wait_ready()
                cid = pick_connector(srv, ids)
                editor = Editor(project, catalog, cid)
                log(f"  {label} {mode}: first build {ready:.1f} s; editing {cid}")
                times: dict[str, list[float]] = {"overlay": [], "definition": []}
                for k in range(edits):
                    for kind in ("overlay", "definition"):
                        token = f"bench{kind}{mode}{k}x{time.time_ns()}"
                        start = time.perf_counter()
                        if kind == "overlay":
                            editor.overlay_edit(token)
                            srv.wait_for(f"connectors/{cid}/", token, start=start)
                        else:
                            editor.definition_edit(token)
                            srv.wait_for(f"connectors/{cid}/", token, start=start)
                            srv.wait_for("catalog/", token, start=start)
                        seconds = time.perf_counter() - start
                        times[kind].append(round(seconds, 2))
                        log(f"  {label} {mode}: {kind} edit {k + 1}/{edits} visible after "
                            f"{seconds:.2f} s")
                        time.sleep(1.5)  # let trailing rebuilds settle
            figures[mode] = {"first_build_s": round(ready, 1), "connector": cid,
                             **{f"{kind}_s": t for kind, t in times.items()},
                             **{f"{kind}_median_s": round(statistics.median(t), 2)
                                for kind, t in times.items() if t},
                             "peak_rss_mb": round(srv.peak_rss_mb, 1)}
        finally:
            if editor is not None:
                editor.restore()
    return figures


def real_copy(out: Path, seed: int) -> tuple[Path, Path, Path] | None:
    """A project reading a temporary copy of the real catalog (outside the project:
    edited by the run, deleted after it): (project, catalog, temporary folder)."""
    if not synth.REAL_CATALOG.is_dir():
        return None
    temp = Path(tempfile.mkdtemp(prefix="connector-docs-preview-"))
    catalog = temp / "connectors"
    shutil.copytree(synth.REAL_CATALOG, catalog)
    root = out / "preview-real"
    shutil.rmtree(root, ignore_errors=True)
    ids = sorted(p.parent.name for p in catalog.glob("*/definition.json"))
    synth.write_smoke(root / "catalog" / "smoke", ids, seed)
    synth.write_site(root, synth.mkdocs_config(catalog=str(catalog)))
    return root, catalog, temp


def run(out: Path, small: int, seed: int, edits: int, modes: list[str],
        real: bool = True) -> dict[str, Any]:
    """Every figure: ``{"real": {mode: ...}, "synth-N": {mode: ...}}``."""
    from bench.run import synthetic  # the cached synthetic projects of the bench

    results: dict[str, Any] = {}
    logs = out / "logs"
    made = real_copy(out, seed) if real else None
    if made is None and real:
        log("  real catalog absent: skipped")
    if made is not None:
        root, catalog, temp = made
        try:
            ids = sorted(p.parent.name for p in catalog.glob("*/definition.json"))
            results["real"] = measure(root, catalog, ids, "real", logs, edits, modes)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    project = synthetic(out, small, seed, synth.load_profile())
    ids = [f"synth-{i:05d}" for i in range(small)]
    results[f"synth-{small}"] = measure(project, project / "catalog" / "connectors", ids,
                                        f"synth-{small}", logs, edits, modes)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="synthetic size (1,000)")
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind per mode")
    parser.add_argument("--modes", default="readme,before,dirty")
    parser.add_argument("--no-real", action="store_true", help="skip the real catalog")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=synth.ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results = run(args.out.resolve(), args.small, args.seed, args.edits,
                  args.modes.split(","), real=not args.no_real)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
