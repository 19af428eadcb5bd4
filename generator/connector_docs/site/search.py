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
Agreement name". :func:`quiet_tables` marks them ``data-search-exclude="true"``, which
Material drops from the page once it has indexed it (those with a value), and
``data-pagefind-ignore``, which stays for Pagefind.

**Excluded regions.** A template writes :data:`EXCLUDE_START` and :data:`EXCLUDE_END` on
lines of their own around Markdown that only repeats the guides (the rows of the scopes,
rate-limits, troubleshooting and readiness tables); :func:`exclude_regions` turns each
pair in the converted HTML into a ``<div data-search-exclude>``, which Material's search
skips. Headings must stay outside a region: Material would index a heading inside one as
an empty section.

**Both engines.** Every exclusion is written by :func:`excluded`, which gives the
attribute of each search engine the site may use: ``data-search-exclude`` (Material's and
Zensical's built-in search) and ``data-pagefind-ignore`` (Pagefind, which reads the
finished HTML, so it also sees what Material indexed before it was put back: the catalog
cards, the samples). So the two never drift apart. With ``search_parameters: false``
:func:`unsearched_table` marks the parameter and output tables the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connector_docs.speedups.verbatim import HTML_START

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


def excluded(value: str | None = None) -> str:
    """The attributes keeping an element out of every site search: Material's or
    Zensical's (``data-search-exclude``, with ``value`` when given) and Pagefind's."""
    material = "data-search-exclude" if value is None else f'data-search-exclude="{value}"'
    return f"{material} data-pagefind-ignore"


_SKIP = " " + excluded("true")
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
    return _EXCLUDED.sub(rf"<div {excluded()}>\1</div>", html)


_TABLE = "<table>"
# A parameter or output table as `connector-docs generate` writes it: right after the
# opening line of its pass-through block (verbatim.html_block).
_GENERATED_TABLE = re.compile(rf"^({re.escape(HTML_START)}[0-9a-f]{{16}}[^\n]* -->\n)<table>$",
                              re.M)


def unsearched_table(block: str) -> str:
    """A pass-through block (a guide's parameter or output table) marked for no search to
    index it (``search_parameters: false``)."""
    return block.replace(_TABLE, f"<table {excluded()}>", 1) if block.startswith(_TABLE) \
        else block


def unsearched_tables(markdown: str) -> str:
    """A generated page's Markdown with its parameter and output tables marked as
    :func:`unsearched_table` does, for engines that run no plugin (``generate``)."""
    if HTML_START not in markdown:
        return markdown
    return _GENERATED_TABLE.sub(rf"\1<table {excluded()}>", markdown)


def switch_off_builtin(plugins: Mapping[str, Any]) -> list[str]:
    """With ``search_backend: pagefind``: switch off Material's search plugin (no header
    box bound to it, no whole-site index written or downloaded); what was done, for the
    log. Must run before its ``on_config``."""
    done = []
    for name in SEARCH_PLUGINS:
        plugin = plugins.get(name)
        config = getattr(plugin, "config", None)
        if config is None:
            continue
        if "enabled" in config:
            if config.get("enabled", True):
                config["enabled"] = False
                done.append(f"search_backend: pagefind: the '{name}' plugin in mkdocs.yml "
                            "is switched off (no search/search_index.json); the search box "
                            "uses Pagefind")
        else:  # MkDocs' own search plugin (other themes) cannot be switched off
            done.append(f"search_backend: pagefind: the '{name}' plugin still writes its "
                        "index; remove it from mkdocs.yml")
    return done
