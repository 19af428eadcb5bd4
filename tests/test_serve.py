"""Live preview: under `mkdocs serve`, edits to a connector JSON, a smoke run, an overlay
and a template show up in the served pages without a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_EPOCH
from .helpers import make_site

WAIT = 90.0  # generous: the machine may be busy; this is a liveness check, not a timing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, needle: str) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if needle in fetch(url):
            return True
        time.sleep(0.3)
    return False


def overlay_note_shows(root: Path, base: str, note: str) -> bool:
    """Write ``note`` as tasklane's overlay Notes; True once the served guide shows it."""
    overlay = root / "docs" / "connectors" / "tasklane.md"
    overlay.parent.mkdir(exist_ok=True)
    overlay.write_text(f"## Notes\n\n{note}\n")
    return wait_for(base + "connectors/tasklane/", note)


@contextmanager
def serving(root: Path, *args: str) -> Iterator[str]:
    """`mkdocs serve ARGS -a 127.0.0.1:<free port>` in ``root`` (log in serve.log) until
    the example's ledgerline guide is served; yields the base URL."""
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    with (root / "serve.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *args, "-a",
                                 f"127.0.0.1:{port}"], cwd=root, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}/"
        try:
            assert wait_for(base + "connectors/ledgerline/", "Ledgerline"), \
                "serve did not start"
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = make_site(tmp_path_factory.mktemp("serve"), plugin={"templates": "overrides"})
    (root / "overrides").mkdir()
    with serving(root, "--dirty") as base:
        yield root, base


@pytest.mark.e2e
def test_connector_edit_shows_up(served: tuple[Path, str]) -> None:
    root, base = served
    path = root / "catalog" / "connectors" / "parcelly.json"
    path.write_text(path.read_text().replace('"name": "Parcelly"', '"name": "Parcelly EDITED"',
                                             1))
    assert wait_for(base + "connectors/parcelly/", "Parcelly EDITED")


@pytest.mark.e2e
def test_smoke_run_edit_shows_up(served: tuple[Path, str]) -> None:
    root, base = served
    # A new nightly failure for ledgerline drops its Stable badge.
    (root / "catalog" / "smoke" / "2026-11-25-nightly.json").write_text(
        '{"suite": "nightly", "ranAt": "2026-11-25T01:00:00Z", "results": '
        '[{"appId": "ledgerline", "status": "failed", "durationMs": 5, '
        '"messages": ["Connection test failed: 503 Service Unavailable"]}]}')
    assert wait_for(base + "connectors/ledgerline/", "cd-badge--beta")


@pytest.mark.e2e
def test_overlay_edit_shows_up(served: tuple[Path, str]) -> None:
    root, base = served
    assert overlay_note_shows(root, base, "OVERLAY-NOTE-42")


@pytest.mark.e2e
def test_template_override_shows_up(served: tuple[Path, str]) -> None:
    root, base = served
    (root / "overrides" / "scopes.md.j2").write_text("# Scopes\n\nTEMPLATE-OVERRIDE-7\n")
    assert wait_for(base + "scopes/", "TEMPLATE-OVERRIDE-7")


@pytest.mark.e2e
def test_a_broken_definition_shows_its_errors_then_recovers(served: tuple[Path, str]) -> None:
    """A definition broken while previewing shows a notice with its located errors in
    place of the guide (never the last good page, nor the writer's raw overlay), and no
    "unknown connector" guess in the log; fixing it brings the guide back."""
    root, base = served
    url = base + "connectors/coinrail/"
    overlay = root / "docs" / "connectors" / "coinrail.md"
    overlay.parent.mkdir(exist_ok=True)
    overlay.write_text("## Notes\n\nCOIN-NOTE-5\n")
    assert wait_for(url, "COIN-NOTE-5")
    path = root / "catalog" / "connectors" / "coinrail.json"
    good = path.read_text()
    path.write_text(good.replace('"name":', '"name" "<b>x</b>",', 1))
    assert wait_for(url, "This guide could not be built")
    page = fetch(url)
    assert "coinrail.json:" in page and "COIN-NOTE-5" not in page
    assert "<b>x</b>" not in page  # the quoted file is text, not markup
    log = (root / "serve.log").read_text()
    assert "overlay for unknown connector 'coinrail'" not in log
    path.write_text(good)
    assert wait_for(url, "COIN-NOTE-5")
    assert "could not be built" not in fetch(url)


@pytest.mark.e2e
def test_rebuilds_print_only_new_warnings(served: tuple[Path, str]) -> None:
    """An edit must not reprint every warning of the catalog (thousands on a large one):
    unchanged warnings are counted, new ones printed."""
    root, _ = served
    path = root / "catalog" / "connectors" / "tasklane.json"
    path.write_text(path.read_text().replace('"name":', '"colour": "teal", "name":', 1))
    log = root / "serve.log"
    deadline = time.monotonic() + WAIT
    while "unknown key 'colour'" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.3)
    text = log.read_text()
    assert "unknown key 'colour'" in text
    assert "unchanged since the last build (not repeated)" in text
    # Printed by the first build only, though every rebuild finds it again.
    downgrade = [line for line in text.splitlines()
                 if "chatterbox" in line and "WARNING" in line]
    assert len(downgrade) == len(set(downgrade)) >= 1, downgrade


@pytest.mark.e2e
def test_rebuilds_reuse_compiled_theme_templates_until_one_is_edited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs makes a new theme environment for every build of `mkdocs serve`; the plugin
    hands it the templates compiled by the previous build, and an edited theme template
    is compiled afresh (its edit shows)."""
    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_site(tmp_path, extra={"theme": {"name": "material", "custom_dir": "theme"}})
    (root / "theme").mkdir()
    main = root / "theme" / "main.html"
    main.write_text('{% extends "base.html" %}{% block content %}<p>THEME-ONE</p>'
                    "{{ super() }}{% endblock %}")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None,
                 *args: Any, **kwargs: Any) -> Any:
        # The site's theme environment (Material's search plugin makes its own).
        if self.bytecode_cache is not None:
            compiled.append(str(name))
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    site = tmp_path / "site"
    page = site / "connectors" / "parcelly" / "index.html"

    def rebuild() -> list[str]:
        compiled.clear()
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        if not hasattr(rebuild, "started"):
            config.plugins.on_startup(command="serve", dirty=False)
            rebuild.started = True  # type: ignore[attr-defined]
        build(config)
        return list(compiled)

    assert "main.html" in rebuild() and "THEME-ONE" in page.read_text()
    assert rebuild() == []  # nothing edited: nothing compiled again
    main.write_text(main.read_text().replace("THEME-ONE", "THEME-TWO"))
    os.utime(main, (time.time() + 5, time.time() + 5))
    assert rebuild() == ["main.html"]
    assert "THEME-TWO" in page.read_text()


def test_theme_bytecode_is_not_shared_between_different_environments() -> None:
    """Compiled code depends on the environment (which filters exist and how they are
    called, the syntax): an environment that differs gets its own entry."""
    import jinja2
    from connector_docs.speedups.bytecode import ThemeBytecode

    cache = ThemeBytecode()
    loader = jinja2.DictLoader({"page.html": "{{ 'x'|shout }}"})

    def env(**options: Any) -> jinja2.Environment:
        made = jinja2.Environment(loader=loader, bytecode_cache=cache, **options)
        made.filters["shout"] = str.upper
        return made

    assert env().get_template("page.html").render() == "X"
    assert len(cache.codes) == 1
    env().get_template("page.html")
    assert len(cache.codes) == 1  # the same environment again: reused
    other = env(trim_blocks=True)
    other.filters["extra"] = str.lower
    other.get_template("page.html")
    assert len(cache.codes) == 2
