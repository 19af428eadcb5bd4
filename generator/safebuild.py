"""Build into a temporary folder beside the target and swap it into place only on
success. `mkdocs build --strict` writes the site before it fails on warnings; building
in place would leave a half-written or stale-mixed site behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .diagnostics import ConnectorDocsError, error


def build(config_file: Path, site_dir: str | None, strict: bool) -> Path:
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    if not config_file.is_file():
        raise ConnectorDocsError(f"{config_file}: no such file; pass -f mkdocs.yml")
    try:
        config = load_config(str(config_file), strict=strict)
        target = Path(site_dir or config.site_dir).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        config = load_config(str(config_file), strict=strict, site_dir=str(staging))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
        finally:
            config.plugins.on_shutdown()
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
