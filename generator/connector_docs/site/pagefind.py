"""The Pagefind search backend (``search_backend: pagefind``): the finished site indexed
into ``pagefind/`` after the build, offline, by Pagefind's own binary (the ``pagefind``
Python package runs it; ``pip install 'pagefind[extended]'``).

Material's built-in search downloads one index of the whole site on every page: 10.9 MB at
1,000 connectors. Pagefind splits its index into chunks by word and fetches only those a
query needs, so a cold query costs a few hundred KB at any size (docs/manual/search.md has
the measured figures). It reads the finished HTML: only the article (``ROOT_SELECTOR``,
which Material's and Zensical's themes give every page's content) is indexed, never the
header, nav or table of contents, and an element marked ``data-pagefind-ignore`` (what
``search.excluded`` writes) is left out.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector_docs.diagnostics import ConnectorDocsError, error

ROOT_SELECTOR = "article.md-content__inner"
BUNDLE = "pagefind"  # the folder in the site, as connector-docs-search.js expects it
# Pages of the theme, not of the site: never a search result.
UNINDEXED = ("404.html",)
# Words as the site spells them: scopes (chat:write), codes (rate_limited), URLs.
INCLUDE_CHARACTERS = ":_./"


@dataclass(frozen=True)
class Indexed:
    pages: int
    bundle: Path


def available() -> bool:
    try:
        import pagefind.index  # noqa: F401
    except ImportError:
        return False
    return True


def _in_own_loop(job: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``job`` in an event loop of its own: in a thread of its own when this thread
    already runs one (a caller driving a browser, a notebook), where asyncio.run fails."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(job())).result()


def index_site(site_dir: Path, language: str = "en") -> Indexed:
    """Index the built site at ``site_dir`` into ``site_dir/pagefind`` (replacing an older
    index); :class:`ConnectorDocsError` when Pagefind is missing or fails."""
    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError:
        raise ConnectorDocsError([error(
            str(site_dir), "search_backend: pagefind needs the pagefind package",
            hint="pip install 'pagefind[extended]'")]) from None
    bundle = site_dir / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    config: IndexConfig = {"root_selector": ROOT_SELECTOR, "output_path": str(bundle),
                           "force_language": language,
                           "include_characters": INCLUDE_CHARACTERS}

    async def run() -> Any:
        async with PagefindIndex(config=config) as index:
            return await index.add_directory(str(site_dir))

    # Out of Pagefind's sight while it reads the folder (its globs cannot negate).
    aside = [(site_dir / name, site_dir / f".{name}.unindexed") for name in UNINDEXED
             if (site_dir / name).is_file()]
    for page, moved in aside:
        page.rename(moved)
    try:
        result = _in_own_loop(run)
    except Exception as exc:  # the service's errors have no common base class
        raise ConnectorDocsError([error(str(site_dir), f"Pagefind could not index the site: "
                                        f"{exc}")]) from None
    finally:
        for page, moved in aside:
            moved.rename(page)
    return Indexed(pages=int(result.get("page_count", 0)), bundle=bundle)


def index_build(site_dir: Path, keep: Path | None = None) -> str:
    """Index a finished build; what to log. With ``keep`` (a cache folder, under `mkdocs
    serve`): a bundle kept there from the first build is put back instead (a rebuild
    cleans the site folder; indexing 1,000 pages on every edit would take seconds), so
    results lag edits until the server restarts."""
    kept = keep / BUNDLE if keep is not None else None
    if kept is not None and kept.is_dir():
        shutil.copytree(kept, site_dir / BUNDLE, dirs_exist_ok=True)
        return f"connector-docs: Pagefind index of the first build put back into {BUNDLE}/"
    done = index_site(site_dir)
    if kept is not None:
        shutil.copytree(done.bundle, kept, dirs_exist_ok=True)
    return (f"connector-docs: Pagefind indexed {done.pages} pages into {BUNDLE}/ (the search "
            "needs an HTTP server: opened from file:// it says so)")
