"""Raw HTML that MkDocs need not read: a template marks a region of finished HTML (the app
catalog's filter form and cards, ~1 MB at 1,000 connectors) between two marker lines,
and the plugin takes the region out of the page's Markdown before MkDocs converts it,
leaving a placeholder, and puts it back into the finished page.

Python-Markdown would only have passed the region through as a raw HTML block, so the
page is the same; what is saved is its HTML parser walking the region (Markdown's raw
block detection, MkDocs' own raw-HTML pass, and the search plugin's indexer, which then
indexes the page without the cards: a connector is found through its own guide). Without
the plugin (``connector-docs generate`` for a plain MkDocs build) the markers are plain
HTML comments and MkDocs converts the region as before.
"""

from __future__ import annotations

import re
import secrets

START = "<!-- connector-docs:verbatim -->"
END = "<!-- connector-docs:end-verbatim -->"
_REGION = re.compile(rf"^{re.escape(START)}\n(.*?)^{re.escape(END)}$", re.M | re.S)


class Verbatim:
    """The regions cut out of each page, until the page is finished. The placeholder
    carries a random nonce, so no page text can forge one."""

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

    def restore(self, key: str, html: str) -> tuple[str, int]:
        """``html`` with the regions of ``key`` back in place, and how many placeholders
        were missing (a theme or plugin that dropped the page content)."""
        regions = self.regions.pop(key, [])
        missing = 0
        for index, region in enumerate(regions):
            placeholder = self._placeholder(index)
            at = html.find(placeholder)
            if at < 0:
                missing += 1
                continue
            html = html[:at] + region + html[at + len(placeholder):]
        return html, missing
