"""Raw HTML that MkDocs need not read: a template of an index page marks a region of
finished HTML (the app catalog's filter form and cards, ~1 MB at 1,000 connectors)
between two marker lines, and the plugin takes the region out of the page's Markdown
before MkDocs converts it, leaving a placeholder, and puts it back into the finished page.

Python-Markdown would only have passed the region through as a raw HTML block, so the
page is the same (when the region is block-level HTML after a blank line, as in the
shipped template); what is saved is its HTML parser walking the region (Markdown's raw
block detection, MkDocs' own raw-HTML pass, and the search plugin's indexer, which then
indexes the page without the cards: a connector is found through its own guide). The
region's ids are handed to MkDocs' link validation, which would otherwise not see them.
Other plugins' ``on_page_content`` sees the placeholder, not the region. Without the
plugin (``connector-docs generate`` for a plain MkDocs build) the markers are plain HTML
comments and MkDocs converts the region as before. Connector guides are never cut: they
hold the writer's overlay, whose Markdown may show the markers in a code block.
"""

from __future__ import annotations

import html
import re
import secrets

START = "<!-- connector-docs:verbatim -->"
END = "<!-- connector-docs:end-verbatim -->"
_REGION = re.compile(rf"^{re.escape(START)}\n(.*?)^{re.escape(END)}$", re.M | re.S)
# What MkDocs' link validation counts as an anchor in raw HTML: ids, and names of <a>.
_ANCHOR = re.compile(r'<[^>]*?\bid="([^"]*)"|<a\b[^>]*?\bname="([^"]*)"')


class Verbatim:
    """The regions cut out of each page, until the page is finished. The placeholder
    carries a random nonce (one per plugin instance, so per `mkdocs serve` process), so no
    page text can forge one."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.regions: dict[str, list[str]] = {}

    def _placeholder(self, index: int) -> str:
        return f'<div data-connector-docs-verbatim="{self.nonce}-{index}"></div>'

    def cut(self, key: str, markdown: str) -> str:
        """``markdown`` with each marked region replaced by a placeholder block."""
        regions: list[str] = []

        def keep(match: re.Match[str]) -> str:
            regions.append(match.group(1).removesuffix("\n"))
            return self._placeholder(len(regions) - 1)

        markdown = _REGION.sub(keep, markdown)
        if regions:
            self.regions[key] = regions
        else:
            self.regions.pop(key, None)
        return markdown

    def anchors(self, key: str) -> set[str]:
        """The ids in the regions of ``key``: MkDocs finds the anchors of raw HTML while
        converting a page, and would miss these (links to them would be reported)."""
        return {html.unescape(a or b) for region in self.regions.get(key, [])
                for a, b in _ANCHOR.findall(region)}

    def restore(self, key: str, page: str) -> tuple[str, int]:
        """``page`` (HTML) with the regions of ``key`` back in place (wherever the theme
        printed the content), and how many placeholders were missing (a theme or plugin
        that dropped the page content)."""
        regions = self.regions.pop(key, [])
        missing = 0
        for index, region in enumerate(regions):
            placeholder = self._placeholder(index)
            if placeholder not in page:
                missing += 1
            page = page.replace(placeholder, region)
        return page, missing
