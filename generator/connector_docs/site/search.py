"""What the site search needs from us: Material's word separator, and the regions of the
generated index pages kept out of its index.

**The separator.** Material's search (lunr in a web worker) cuts the page text into
words at its ``separator`` pattern, ``[\\s\\-]+`` by default, and cuts the query at the
same pattern. A scope such as ``chat:write`` was indexed as the one word ``chat:write``,
while a query ``chat:write`` reads to lunr as a field query (``chat:``) that Material
rewrites to ``chat write*``: neither word is in the index, so the scope was never found.
The same held for ``https://www.googleapis.com/auth/drive`` and for codes in parentheses
(``(invalid_token)``). :data:`SEPARATOR` also cuts at ``:``, ``/``, ``.`` (not before a
digit), brackets, quotes, commas, ``=``, ``!`` and escaped ``<``/``>`` (Material's
suggestion for code-heavy sites, without its camelCase split: that would cut "HubSpot"
into "hub" and "spot", and the query "hubspot", typed in lower case, would no longer find
it). ``_`` is no separator: ``rate_limited`` stays one word, found by its full spelling and
by its start (Material searches every word as a prefix); cutting it would make the query
``invalid_auth`` match every page saying "auth...".

The plugin sets it only where the site's ``mkdocs.yml`` gives the search plugin no
``separator`` of its own.

**Table noise.** A table's header row ("Parameter Type Required Default Allowed values
Description") and its empty cells (a dash) are words in the index like any other: every
action's section matched "parameter", and a result's preview read "name string yes — —
Agreement name". :func:`quiet_tables` marks them ``data-search-exclude="true"``; Material
drops such attributes from the page once it has indexed it (those with a value), so the
finished page is the same.

**Excluded regions.** A template writes :data:`EXCLUDE_START` and :data:`EXCLUDE_END` on
lines of their own around Markdown that only repeats the guides (the rows of the scopes,
rate-limits, troubleshooting and readiness tables); :func:`exclude_regions` turns each
pair in the converted HTML into a ``<div data-search-exclude>``, which Material's search
skips. Headings must stay outside a region: Material would index a heading inside one as
an empty section.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SEPARATOR = r'[\s\-,:;!=\[\]()"/]+|\.(?!\d)|&[lg]t;'
SEARCH_PLUGINS = ("material/search", "search")

EXCLUDE_START = "<!-- connector-docs:search-exclude -->"
EXCLUDE_END = "<!-- connector-docs:end-search-exclude -->"
_EXCLUDED = re.compile(rf"{re.escape(EXCLUDE_START)}(.*?){re.escape(EXCLUDE_END)}", re.S)


def set_default_separator(plugins: Mapping[str, Any]) -> bool:
    """Give Material's search plugin :data:`SEPARATOR` unless the site set its own; True
    when it was set. Must run before the search plugin's ``on_config``, which fills in
    the theme language's default."""
    for name in SEARCH_PLUGINS:
        plugin = plugins.get(name)
        config = getattr(plugin, "config", None)
        # MkDocs' own search plugin (other themes) has a non-optional default: leave it.
        if config is None or type(plugin).__module__.split(".")[0] != "material":
            continue
        if config.get("separator"):
            return False
        config["separator"] = SEPARATOR
        return True
    return False


_SKIP = ' data-search-exclude="true"'
EMPTY_CELL = "<td>&mdash;</td>"


def quiet_tables(html: str) -> str:
    """``html`` with its tables' header rows and empty cells marked for Material's search
    to skip."""
    if "<table" not in html:
        return html
    return html.replace("<thead>", f"<thead{_SKIP}>").replace(
        EMPTY_CELL, f"<td{_SKIP}>&mdash;</td>")


def exclude_regions(html: str) -> str:
    """``html`` with each marked region wrapped in an element Material's search skips."""
    if EXCLUDE_START not in html:
        return html
    return _EXCLUDED.sub(r"<div data-search-exclude>\1</div>", html)
