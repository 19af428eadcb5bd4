"""Test helpers: load the example project as of its build date; build a site for real."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from connector_docs.options import Options
from connector_docs.project import Project, load

from .conftest import EXAMPLE_EPOCH, ROOT

# Filler that reads as content on a sparse catalog (issue 18): never on a guide.
FILLER = (
    "Check the request and the connection, then retry",
    "The catalog declares no connector-wide limit",
    "Not verified",
    "### Test Connection",
    "your platform's OAuth callback URL",
    "Secret. &mdash;",
    "1 requests per",
    "credentials</code> credentials",
    "Auth: <code>",
)


def example_options(**overrides: Any) -> Options:
    base = {
        "catalog": "catalog/connectors",
        "smoke": "catalog/smoke",
        "smoke_config": "catalog/smoke-config.example.json",
        "audience": "internal",
        "base_dir": str(ROOT),
        # The platform facts the example mkdocs.yml sets.
        "platform_name": "Acme Flows",
        "oauth_redirect_url": "https://flows.example.com/oauth/callback",
        "support_url": "https://support.example.com/connectors",
    }
    base.update(overrides)
    return Options(**base)


def example_project(monkeypatch: Any, **overrides: Any) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    return load(example_options(**overrides))


def make_site(
    tmp: Path,
    *,
    plugin: dict[str, Any] | None = None,
    catalog: Path | None = None,
    docs: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """A throwaway MkDocs project in ``tmp`` using the example catalog (copied, so tests
    may edit it) and smoke runs."""
    shutil.copytree(catalog or ROOT / "catalog", tmp / "catalog")
    (tmp / "docs").mkdir()
    (tmp / "docs" / "index.md").write_text("# Home\n\n[Catalog](catalog/index.md)\n")
    for name, text in (docs or {}).items():
        path = tmp / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    options = {
        "catalog": "catalog/connectors",
        "smoke": "catalog/smoke",
        "smoke_config": "catalog/smoke-config.example.json",
        "audience": "internal",
    }
    options.update(plugin or {})
    config: dict[str, Any] = {
        "site_name": "Test",
        "theme": {"name": "material", "features": ["content.action.edit"]},
        "plugins": ["search", {"connector-docs": options}],
        "validation": {"links": {"anchors": "warn", "unrecognized_links": "warn"}},
    }
    config.update(extra or {})
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return tmp


def mkdocs_build(
    project: Path, *args: str, epoch: str = EXAMPLE_EPOCH, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=project,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


@contextmanager
def local_server(answer: Callable[[str, dict[str, str]], tuple[int, str, bytes]]
                 ) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a thread of this process) answering each GET with
    ``answer(path, headers) -> (status, content type, body)`` (header names in lower
    case); yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body = answer(
                self.path, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
