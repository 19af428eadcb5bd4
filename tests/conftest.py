"""Shared fixtures: paths, the real catalog (skipped when ../shared is absent), golden
files (``pytest --update-goldens`` rewrites them; review the diff), and the two test
tiers.

Tiers: a test that starts a process (a real ``mkdocs build``, the CLI in a child
process, ``mkdocs serve``, a browser, a local server in a child) or runs MkDocs' build in
process is end-to-end and carries ``@pytest.mark.e2e``; everything else is the fast tier
(``python -m pytest -m "not e2e"``). The guard below keeps the fast tier fast: an unmarked
test that starts a process or a MkDocs build fails, saying which marker it needs."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CATALOG = ROOT / "catalog" / "connectors"
EXAMPLE_SMOKE = ROOT / "catalog" / "smoke"
REAL_CATALOG = ROOT.parent / "shared" / "real-catalog" / "connectors"
# The example site's build date: smoke evidence is judged as of this day.
EXAMPLE_EPOCH = "1795608000"  # 2026-11-25T12:00:00Z, the day the example evidence is judged


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden files from the current output")


class NotInTheFastTier(Exception):
    pass


class _Guard:
    """Refuses while an unmarked test is set up or runs (``test``). Installed for the whole
    session in place of ``subprocess.Popen`` (a subclass) and MkDocs' ``build`` (a
    wrapper), so a test that patches them, or a module that imported them, keeps a
    working original."""

    test: str | None = None  # the unmarked test being set up or run, if any

    @staticmethod
    def check() -> None:
        if _Guard.test is not None:
            raise NotInTheFastTier(
                f"{_Guard.test} starts a process or a MkDocs build: mark it "
                "@pytest.mark.e2e (or its module: pytestmark = pytest.mark.e2e)")


class _GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _Guard.check()
        super().__init__(*args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    import mkdocs.commands.build

    build = mkdocs.commands.build.build

    def guarded_build(*args: Any, **kwargs: Any) -> Any:
        _Guard.check()
        return build(*args, **kwargs)

    subprocess.Popen = _GuardedPopen  # type: ignore[misc]
    mkdocs.commands.build.build = guarded_build


@contextmanager
def _fast_tier_guard(item: pytest.Item) -> Iterator[None]:
    """Around an unmarked test's setup (its fixtures, module-wide ones included) and
    call: starting a process or a MkDocs build fails it."""
    _Guard.test = None if item.get_closest_marker("e2e") is not None else item.nodeid
    try:
        yield
    finally:
        _Guard.test = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _fast_tier_guard(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _fast_tier_guard(item):
        return (yield)


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def golden(update_goldens: bool):  # type: ignore[no-untyped-def]
    def check(path: Path, actual: str) -> None:
        if update_goldens or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update_goldens:
                pytest.fail(f"golden file {path} was missing; written, review and commit it")
            return
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path}; run pytest --update-goldens"
    return check


@pytest.fixture
def real_catalog() -> Path:
    if not REAL_CATALOG.is_dir():
        pytest.skip("../shared/real-catalog is not present")
    return REAL_CATALOG


@pytest.fixture
def chdir(tmp_path: Path) -> Iterator[Path]:
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
