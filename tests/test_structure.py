"""The package's shape, as its top docstring states it: every import points down the
stages, only the shells import MkDocs, and no module grows past what a reader takes in at
once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "generator" / "connector_docs"
# Stage of each top-level unit (a subpackage or a module of the package), lowest first.
# A module may import its own unit, core, and any unit of a lower stage.
STAGES = {
    "core": 0, "speedups": 1, "inputs": 2, "smoke": 3, "secrets": 4, "remote": 5,
    "decisions": 6, "sources": 7, "project": 8, "site": 9, "shells": 10,
}
MAX_LINES = 400
UNITS = {"model": "core", "diagnostics": "core", "text": "core", "options": "core",
         "summary": "core",
         "plugin": "shells", "cli": "shells", "safebuild": "shells",
         "servepreview": "shells", "engines": "shells", "releasecli": "shells"}


def unit_of(module: str) -> str:
    """``connector_docs.site.pages`` -> ``site``; ``connector_docs.text`` -> ``core``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "core"  # the package's own __init__
    return UNITS.get(parts[1], parts[1])


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found.append((".".join(parts), path))
    return found


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import, functions' own included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def test_every_unit_has_a_stage() -> None:
    units = {unit_of(name) for name, _ in modules()}
    assert units <= set(STAGES), f"give these a stage: {units - set(STAGES)}"


def test_imports_point_down_the_stages() -> None:
    upward = []
    for name, path in modules():
        here = unit_of(name)
        for line, target in imports(path):
            if not target.startswith("connector_docs.") or target.count(".") < 1:
                continue
            there = unit_of(target)
            if there != here and STAGES[there] >= STAGES[here] and there != "core":
                upward.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target}")
    assert not upward, "\n".join(upward)


def test_only_the_shells_import_mkdocs() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: {target}"
             for name, path in modules() if unit_of(name) != "shells"
             for line, target in imports(path) if target.split(".")[0] == "mkdocs"]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name,path", modules(), ids=[name for name, _ in modules()])
def test_no_module_is_too_long(name: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines; split it by job"
