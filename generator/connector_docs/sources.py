"""Remote inputs: a connector registry (``catalog: https://...``) and smoke results
(``smoke: https://...``), fetched over HTTPS and read into the same values as local files.

The network is :mod:`connector_docs.remote.fetch` (one ``Session`` per load, under its
transport rules). The functions here work on the fetched bytes and hand the parsed
documents to the same code as local files (``inputs.catalog.load_document``,
``smoke.parse_run``).

Fetch problems arrive as :class:`ConnectorDocsError`; the two loaders turn them into
diagnostics, like the local loaders do for a missing path.

:func:`fetch`, :func:`retry_after`, :func:`display_url`, ``TOKEN_ENV``,
``DEFAULT_MAX_BYTES`` and ``MAX_REDIRECTS`` are re-exported for callers that import them
from here (see ``__all__``). Patch the fetch settings (``DEADLINE_SECONDS``,
``BACKOFF_SECONDS``, ``_clock``, ``_sleep``) on :mod:`connector_docs.remote.fetch` and the
Retry-After clock (``_now``) on :mod:`connector_docs.remote.policy`: they are read there, so
a patch here would change nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

import httpx

from connector_docs import smoke
from connector_docs.diagnostics import ConnectorDocsError, Diagnostic, Severity, error, warning
from connector_docs.inputs import catalog as catalog_mod
from connector_docs.inputs.jsonfile import parse_json
from connector_docs.inputs.locate import Locator
from connector_docs.inputs.taxonomy import Taxonomy
from connector_docs.model import Catalog, Connector, SmokeRun, Source
from connector_docs.remote.describe import display_url, looks_like_html
from connector_docs.remote.fetch import (
    DEFAULT_MAX_BYTES,
    MAX_REDIRECTS,
    TOKEN_ENV,
    Session,
    fetch,
)
from connector_docs.remote.policy import origin, retry_after
from connector_docs.remote.response import Body

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_INDEX_RUNS",
    "MAX_REDIRECTS",
    "TOKEN_ENV",
    "display_url",
    "fetch",
    "load_remote_catalog",
    "load_remote_smoke",
    "retry_after",
]

MAX_INDEX_RUNS = 1000

_ACCEPT_JSON = "application/json"
_ACCEPT_SMOKE = "application/json, application/xml;q=0.9, text/plain;q=0.9, */*;q=0.1"
_PAGINATION_KEYS = ("next", "nextPage", "next_page", "nextPageToken", "nextCursor")


# ------------------------------------------------------------------------ public API


def load_remote_catalog(
    url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
    taxonomy: Taxonomy | None = None,
) -> tuple[Catalog, list[Diagnostic]]:
    """A registry endpoint returning ``{"connectors": [definition, ...]}`` or a bare JSON
    array of definitions. Every problem is reported; good connectors are kept. Categories
    are mapped by ``taxonomy`` (the built-in one when None)."""
    session = Session(transport=transport, env=env)
    try:
        with session:
            body = session.get(
                url, max_bytes=DEFAULT_MAX_BYTES, accept=_ACCEPT_JSON, option="catalog"
            )
    except ConnectorDocsError as exc:
        return Catalog(()), list(exc.diagnostics)
    shown = display_url(url)
    problem = _html_problem(shown, body, "the connector registry's JSON")
    if problem is not None:
        return Catalog(()), [problem]
    cat, diags = _catalog_from_bytes(shown, body.data, taxonomy)
    # The registry chose the text these quote: it may echo the token back.
    return cat, [session.redact_diagnostic(d) for d in diags]


def load_remote_smoke(
    url: str,
    known_ids: Collection[str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[list[SmokeRun], list[Diagnostic]]:
    """One smoke results file (runner JSON, console transcript or JUnit XML; the date and
    suite may come from the URL's last path segment, e.g. ``.../2026-11-20-qa.log``), or
    a JSON index ``{"runs": ["2026-11-20-qa.log", "https://same.host/...", ...]}`` listing
    several run URLs on the same host. Runs come back sorted by (ran_at, path)."""
    known = frozenset(known_ids) if known_ids is not None else None
    shown = display_url(url)
    runs: list[SmokeRun] = []
    diags: list[Diagnostic] = []
    session = Session(transport=transport, env=env)
    try:
        with session:
            body = session.get(
                url, max_bytes=smoke.MAX_SMOKE_BYTES, accept=_ACCEPT_SMOKE, option="smoke"
            )
            index, index_diags = _smoke_index(shown, body)
            diags += index_diags
            if index is None:
                if not index_diags:
                    _add_run(shown, body, known, runs, diags)
            else:
                for run_url in index:
                    try:
                        run_body = session.get(
                            run_url,
                            max_bytes=smoke.MAX_SMOKE_BYTES,
                            accept=_ACCEPT_SMOKE,
                            option="smoke",
                        )
                    except ConnectorDocsError as exc:
                        diags += exc.diagnostics
                        continue
                    _add_run(display_url(run_url), run_body, known, runs, diags)
    except ConnectorDocsError as exc:
        diags += exc.diagnostics
    runs.sort(key=lambda r: (r.ran_at, r.path))
    # The server chose the text these quote (run names, parse errors): it may echo the
    # token back. Smoke messages are redacted later, with the smoke config's secrets.
    return runs, [session.redact_diagnostic(d) for d in diags]


def _html_problem(shown: str, body: Body, wanted: str) -> Diagnostic | None:
    """An error when an HTML page came where data was expected (a login page, or the web
    page of the registry rather than its API), else None."""
    ctype = body.content_type.split(";")[0].strip().lower()
    if ctype not in ("text/html", "application/xhtml+xml") and not looks_like_html(body.data):
        return None
    return error(
        shown,
        f"expected {wanted} but the server sent an HTML page",
        hint="check that the URL is the API endpoint and not a web page; a login page "
        f"usually means a missing or rejected token ({TOKEN_ENV})",
        code="remote-content",
    )


# ------------------------------------------------------------------------ catalog


class _ItemLocator(Locator):
    """A locator for one item of a larger document: item pointers, document positions."""

    def __init__(self, whole: Locator, prefix: str) -> None:  # no text of its own
        self._whole = whole
        self._prefix = prefix

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        return self._whole.locate(self._prefix + pointer, key=key)


def _catalog_from_bytes(shown: str, data: bytes, taxonomy: Taxonomy | None = None
                        ) -> tuple[Catalog, list[Diagnostic]]:
    value, locator, diags = parse_json(shown, data, max_bytes=DEFAULT_MAX_BYTES)
    if value is None or locator is None:
        return Catalog(()), diags
    items: Any
    if isinstance(value, list):
        items, prefix = value, ""
    elif isinstance(value, dict) and "connectors" in value:
        items, prefix = value["connectors"], "/connectors"
        if not isinstance(items, list):
            line, col = locator.locate("/connectors")
            return Catalog(()), [
                error(
                    shown,
                    "'connectors' must be an array of connector definitions",
                    line=line,
                    column=col,
                    pointer="/connectors",
                    code="remote-shape",
                )
            ]
        more = [k for k in _PAGINATION_KEYS if value.get(k)]
        if more:
            line, col = locator.locate(f"/{more[0]}", key=True)
            diags.append(
                warning(
                    shown,
                    f"the registry response is paginated ('{more[0]}'); only this page was read",
                    line=line,
                    column=col,
                    pointer=f"/{more[0]}",
                    hint="point `catalog:` at an endpoint that returns every connector",
                    code="remote-paginated",
                )
            )
    else:
        hint = (
            'this looks like one connector definition; wrap it as {"connectors": [...]}'
            if isinstance(value, dict) and "id" in value
            else None
        )
        return Catalog(()), [
            error(
                shown,
                'expected {"connectors": [...]} or a JSON array of connector definitions',
                line=1,
                column=1,
                pointer="",
                hint=hint,
                code="remote-shape",
            )
        ]
    if len(items) > catalog_mod.MAX_CONNECTORS:
        diags.append(
            error(
                shown,
                f"{len(items):,} connectors, over the {catalog_mod.MAX_CONNECTORS:,} limit",
                code="too-many",
            )
        )
        items = items[: catalog_mod.MAX_CONNECTORS]
    connectors: list[Connector] = []
    for index, item in enumerate(items):
        connector, more_diags = _load_item(shown, item, locator, f"{prefix}/{index}",
                                           taxonomy)
        diags += more_diags
        if connector is not None:
            connectors.append(connector)
    found = len(diags)
    cat, diags = catalog_mod.finish(connectors, diags)
    # Catalog-wide checks (id collisions, ...) point into one item: make them absolute too.
    for i in range(found, len(diags)):
        item_path, _, item_pointer = diags[i].path.partition("#")
        if item_path == shown and item_pointer.startswith("/"):
            diags[i] = _rebase(diags[i], locator, item_pointer)
    return cat, diags


def _load_item(
    shown: str, item: Any, locator: Locator, pointer: str, taxonomy: Taxonomy | None = None
) -> tuple[Connector | None, list[Diagnostic]]:
    path = f"{shown}#{pointer}"
    if not isinstance(item, dict):
        line, col = locator.locate(pointer)
        return None, [
            error(
                path,
                f"connector entry is {catalog_mod._kind(item)}, expected an object",
                line=line,
                column=col,
                pointer=pointer,
                hint='each entry is one connector definition: {"id": ...}',
                code="remote-shape",
            )
        ]
    source = Source(path=path, layout="remote")
    connector, diags = catalog_mod.load_document(
        item, _ItemLocator(locator, pointer), source, expected_id=None, taxonomy=taxonomy
    )
    return connector, [_rebase(d, locator, pointer) for d in diags]


def _rebase(diag: Diagnostic, locator: Locator, prefix: str) -> Diagnostic:
    """Item-relative pointers become document pointers; unlocated ones get a position."""
    pointer = prefix + (diag.pointer or "")
    if diag.line:
        return replace(diag, pointer=pointer)
    line, col = locator.locate(pointer)
    return replace(diag, pointer=pointer, line=line, column=col)


# ------------------------------------------------------------------------ smoke


def _smoke_index(shown: str, body: Body) -> tuple[list[str] | None, list[Diagnostic]]:
    """The run URLs when ``body`` is an index ``{"runs": [...]}``; (None, []) when it is a
    smoke file; (None, diagnostics) when it cannot be used at all."""
    problem = _html_problem(shown, body, "smoke results (JSON, a console log or JUnit XML)")
    if problem is not None:
        return None, [problem]
    head = body.data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return None, []
    value, locator, diags = parse_json(shown, body.data, max_bytes=smoke.MAX_SMOKE_BYTES)
    if not (isinstance(value, dict) and "runs" in value and "results" not in value):
        return None, []  # a runner JSON file (or broken JSON: parse_run reports it)
    assert locator is not None
    runs = value["runs"]
    if not isinstance(runs, list):
        line, col = locator.locate("/runs")
        return None, [
            error(
                shown,
                "'runs' must be an array of run URLs",
                line=line,
                column=col,
                pointer="/runs",
                code="remote-shape",
            )
        ]
    if not runs:
        return [], [
            warning(shown, "the smoke index lists no runs", pointer="/runs", code="smoke-empty")
        ]
    base = body.url
    urls: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(runs):
        pointer = f"/runs/{index}"
        if index >= MAX_INDEX_RUNS:
            diags.append(
                error(
                    shown,
                    f"the index lists {len(runs):,} runs, over the "
                    f"{MAX_INDEX_RUNS:,} limit; the rest were not read",
                    pointer=pointer,
                    code="too-many",
                )
            )
            break
        line, col = locator.locate(pointer)

        def problem_at(
            message: str, line: int = line, col: int = col, pointer: str = pointer
        ) -> Diagnostic:
            return error(
                shown, message, line=line, column=col, pointer=pointer, code="remote-index"
            )

        if not isinstance(item, str) or not item.strip():
            diags.append(problem_at("a run entry must be a URL string"))
            continue
        try:
            target = base.join(item.strip())
        except (httpx.InvalidURL, ValueError):
            diags.append(problem_at(f"not a valid URL: {display_url(item)}"))
            continue
        if (target.host or "").lower() != (base.host or "").lower():
            diags.append(
                problem_at(
                    f"run {display_url(str(target))} is on another host; an "
                    "index may only list runs on its own host"
                )
            )
            continue
        if origin(target) != origin(base):
            # Another port of the same host is another server, and http would expose
            # the token: the session sends it to the index's origin only, and the index
            # may not point elsewhere.
            diags.append(
                problem_at(
                    f"run {display_url(str(target))} is on another scheme or port than the "
                    f"index ({display_url(str(base.copy_with(path='/')))}); an index may "
                    "only list runs on its own scheme, host and port"
                )
            )
            continue
        key = str(target)
        if key in seen:
            diags.append(
                replace(
                    problem_at(f"run {display_url(key)} is listed twice"), severity=Severity.WARNING
                )
            )
            continue
        seen.add(key)
        urls.append(key)
    return urls, diags


def _add_run(
    name: str,
    body: Body,
    known: frozenset[str] | None,
    runs: list[SmokeRun],
    diags: list[Diagnostic],
) -> None:
    problem = _html_problem(name, body, "smoke results (JSON, a console log or JUnit XML)")
    if problem is not None:
        diags.append(problem)
        return
    run, found = smoke.parse_run(name, body.data, known)
    diags += found
    if run is not None:
        runs.append(run)
