"""Drive the rebuilds of `mkdocs serve` in one process, as its server does, without the
server: ``python -m tests.preview_driver PROJECT SITE STEPS.json``.

STEPS is a list of steps, each a list of edits ``[path, old, new]`` (``new`` null: delete
the file; ``old`` null: write ``new`` as the whole file). After each step the driver
rebuilds with the builder the plugin gave the server, copies the site to ``SITE-<k>``
and the project's inputs to ``PROJECT-<k>``, and prints one JSON line: whether each
rebuild skipped unchanged pages.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"


def main(project: Path, site: Path, steps: list[list[list[Any]]]) -> None:
    logging.basicConfig(level=logging.INFO)
    fast: list[bool] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "only the pages that changed" in record.getMessage():
                fast.append(True)
            elif "pages were added or removed" in record.getMessage():
                fast.clear()

    logging.getLogger("mkdocs").addHandler(Spy())

    def get_config() -> Any:
        return load_config(str(project / "mkdocs.yml"), site_dir=str(site))

    serve_url = SERVE_URL
    is_dirty = False

    def builder(config: Any = None) -> None:  # the shape of mkdocs.commands.serve's
        if config is None:
            config = get_config()
            config.site_url = serve_url
        build(config, serve_url=serve_url, dirty=is_dirty)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = serve_url
    builder(config)
    server = SimpleNamespace(builder=builder, watch=lambda *args, **kwargs: None)
    config.plugins.on_serve(server, config=config, builder=builder)
    results = []
    for k, edits in enumerate(steps):
        for rel, old, new in edits:
            path = project / rel
            if new is None:
                path.unlink()
            elif old is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(new)
            else:
                text = path.read_text()
                assert old in text, (rel, old)
                path.write_text(text.replace(old, new, 1))
        fast.clear()
        server.builder()
        results.append(bool(fast))
        shutil.copytree(site, f"{site}-{k}")
        shutil.copytree(project, f"{project}-{k}",
                        ignore=shutil.ignore_patterns(".cache", "site*"))
    print(json.dumps(results))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text()))
