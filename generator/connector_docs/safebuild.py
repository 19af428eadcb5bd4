"""Build into a temporary folder beside the target and swap it into place only on
success. `mkdocs build --strict` writes the site before it fails on warnings; building
in place would leave a half-written or stale-mixed site behind."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from connector_docs.diagnostics import LOGGER_NAME, ConnectorDocsError, error
from connector_docs.options import read_mkdocs_yml
from connector_docs.site.engines import NAMES, check_built
from connector_docs.text import counted


class _ErrorCounter(logging.Handler):
    """Errors our plugin logged (connectors left out of the site): a publishing build
    fails on them even without --strict, so nothing is silently dropped."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _show_mkdocs_log() -> None:
    """Print MkDocs' and our warnings as `mkdocs build` does (it sets this up in its own
    CLI, which we bypass)."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_connector_docs", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._connector_docs = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO if os.environ.get("CONNECTOR_DOCS_VERBOSE") else
                        logging.WARNING)


def _missing_docs_dir(config_file: Path) -> bool:
    """True when mkdocs.yml names no ``docs_dir`` and its default ``docs/`` is absent: a
    folder holding only mkdocs.yml and a catalog, whose pages are all generated. MkDocs
    refuses a missing docs folder; ``build`` then gives it an empty one."""
    if (config_file.parent / "docs").is_dir():
        return False
    try:
        raw = read_mkdocs_yml(config_file)
    except ConnectorDocsError:  # MkDocs reports a broken mkdocs.yml, located, right after
        return False
    return isinstance(raw, dict) and "docs_dir" not in raw


def build(config_file: Path, site_dir: str | None, strict: bool,
          engine: str = "mkdocs") -> Path:
    """Build with MkDocs (or ProperDocs, once it stands in for ``mkdocs``). Called by
    ``engines.build``, which has checked that ``config_file`` exists and the engine is
    installed."""
    with tempfile.TemporaryDirectory(prefix=".connector-docs-docs-") as empty:
        docs = {"docs_dir": empty} if _missing_docs_dir(config_file) else {}
        return _build(config_file, site_dir, strict, engine, docs)


def _build(config_file: Path, site_dir: str | None, strict: bool, engine: str,
           docs: dict[str, str]) -> Path:
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    _show_mkdocs_log()
    try:
        config = load_config(str(config_file), strict=strict, **docs)
        target = Path(site_dir or config.site_dir).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        config = load_config(str(config_file), strict=strict, site_dir=str(staging), **docs)
        ours = [p for p in config.plugins.values() if hasattr(p, "publishing")]
        if not ours:  # the engine would build the docs folder as it is: no catalog, and
            # the writers' raw overlays published as the guides
            raise ConnectorDocsError([error(
                str(config_file), f"{NAMES[engine]} would not run connector-docs: no "
                "connector-docs entry under plugins (or it is disabled)",
                hint="add `- connector-docs` under `plugins:` (manual/options.md), or "
                "build with `connector-docs build --engine zensical`")])
        config.plugins.on_startup(command="build", dirty=False)
        for plugin in ours:  # an unset fail_on now means the release blockers
            plugin.publishing = True
        counter = _ErrorCounter()
        logging.getLogger(LOGGER_NAME).addHandler(counter)
        try:
            mkdocs_build.build(config)
        finally:
            logging.getLogger(LOGGER_NAME).removeHandler(counter)
            config.plugins.on_shutdown()
        for plugin in ours:
            for line in plugin.summary:
                print(line, file=sys.stderr)
        if counter.count:
            raise Abort(f"{counted(counter.count, 'error')} in the catalog or smoke results")
        generated = [src for plugin in ours for src in plugin.generated]
        # The plugin replaced every overlay by its guide: only presence is in question.
        missing = check_built(staging, generated, config.use_directory_urls, engine)
        if missing:
            raise ConnectorDocsError(missing)
    except (Abort, ConfigurationError, PluginError) as exc:
        if "staging" in locals():
            shutil.rmtree(staging, ignore_errors=True)
        raise ConnectorDocsError([error(str(config_file), f"build failed, the previous site "
                                        f"is untouched: {exc}")]) from None
    except BaseException:
        if "staging" in locals():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, target)
    return target


def swap(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging``: two renames on one file system, so readers
    see the old site or the new one, never a mix."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
    os.replace(staging, target)
    staging_mode = 0o755
    os.chmod(target, staging_mode)  # mkdtemp creates 0700; a site is meant to be served
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
