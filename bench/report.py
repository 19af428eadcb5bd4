"""The measures the benchmark reports, their targets, and the final table."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

# key -> (unit, target or None for a figure reported for comparison only)
TARGETS: dict[str, tuple[str, float | None]] = {
    "overhead_real": ("x", 1.10),
    "overhead_synth": ("x", 1.10),
    "overhead_real_warm": ("x", None),
    "overhead_synth_warm": ("x", None),
    "linear_time": ("x", 3.3),
    "linear_bytes": ("%", 10),
    "huge_rss": ("MB", 2048),
    "huge_stages": ("s", 10),
    "huge_plugin_cold": ("s", None),
    "huge_plugin_warm": ("s", 10),
    "preview_real_overlay": ("s", 3),
    "preview_real_definition": ("s", 3),
    "preview_real_before": ("s", None),
    "preview_synth_overlay": ("s", 3),
    "preview_synth_definition": ("s", 3),
    "preview_synth_before": ("s", None),
    "validate_inproc": ("s", 1),
    "validate_cli": ("s", None),
    "search_pagefind_bytes": ("KB", 400),
    "search_builtin_bytes": ("KB", None),
}


def labels(sizes: dict[str, int], n_real: int) -> dict[str, str]:
    small, large, huge = (f"{sizes[k]:,}" for k in ("small", "large", "huge"))
    return {
        "overhead_real": f"overhead: plugin / plain build, real catalog ({n_real})",
        "overhead_synth": f"overhead: plugin / plain build, synthetic {small}",
        "overhead_real_warm": "overhead, rebuild with the page store kept, real catalog",
        "overhead_synth_warm": f"overhead, rebuild with the page store kept, synthetic {small}",
        "linear_time": f"linear: build time {large} / {small}",
        "linear_bytes": f"linear: site bytes per connector, {large} vs {small}",
        "huge_rss": f"scale: full build peak RSS, {huge}",
        "huge_stages": f"scale: our stages in-process, {huge} (cold)",
        "huge_plugin_cold": f"scale: plugin on_files (stages, lint, writing), {huge}, cold",
        "huge_plugin_warm": f"scale: plugin on_files, {huge}, page store kept",
        "preview_real_overlay": f"preview: README serve, overlay edit to page, real ({n_real})",
        "preview_real_definition": "preview: README serve, definition edit to guide + catalog, "
                                   "real",
        "preview_real_before": "preview: every page rendered per rebuild (before), real",
        "preview_synth_overlay": f"preview: README serve, overlay edit to page, {small}",
        "preview_synth_definition": f"preview: README serve, definition edit to guide + "
                                    f"catalog, {small}",
        "preview_synth_before": f"preview: every page rendered per rebuild (before), {small}",
        "validate_inproc": "validate: load_catalog in-process, real catalog",
        "validate_cli": "validate: connector-docs validate CLI wall, real catalog",
        "search_pagefind_bytes": "search: Pagefind bytes per cold query",
        "search_builtin_bytes": "search: Material index per page load",
    }


def row(key: str, value: float, note: str = "") -> dict[str, Any]:
    unit, target = TARGETS[key]
    met = None if target is None else value <= target
    return {"value": value, "unit": unit, "target": target, "met": met, "note": note}


def _with_unit(value: object, unit: str) -> str:
    return f"{value}{unit}" if unit in ("x", "%") else f"{value} {unit}"


def table(rows: dict[str, dict[str, Any]], names: dict[str, str]) -> str:
    """``measure | value | target | met?``, one line per measure, skipped ones too."""
    header = ("measure", "value", "target", "met?")
    lines = []
    for key, label in names.items():
        r = rows.get(key)
        if r is None:
            lines.append((label, "skipped", "", ""))
            continue
        target = "" if r["target"] is None else "<= " + _with_unit(r["target"], r["unit"])
        met = "info" if r["met"] is None else "yes" if r["met"] else "NO"
        lines.append((label, _with_unit(r["value"], r["unit"]), target, met))
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(4)]
    fmt = " | ".join(f"{{:{w}}}" for w in widths)
    out = [fmt.format(*header), "-+-".join("-" * w for w in widths)]
    return "\n".join(out + [fmt.format(*line) for line in lines])


def code_version(root: Path) -> dict[str, Any]:
    """What was measured: HEAD plus a digest of generator/ and templates/ as they are
    (others may be editing them while the bench runs)."""
    digest = hashlib.sha256()
    for path in sorted([*root.glob("generator/**/*.py"), *root.glob("templates/*")]):
        digest.update(path.read_bytes())
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True, capture_output=True
    ).stdout.strip()
    return {"head": head, "generator_templates_sha256": digest.hexdigest()[:16]}
