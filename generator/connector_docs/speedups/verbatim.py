"""Raw HTML that MkDocs need not read. A template marks a region of finished HTML, and
the plugin takes it out of the page's Markdown before MkDocs converts it, leaving a
placeholder, and puts it back afterwards. Python-Markdown would only have passed the
region through as raw HTML (or, for a parameter table, built the same HTML from Markdown
table syntax, at a cost: tables were four fifths of converting the real catalog's guides);
what is saved is its parsers walking the region. Two kinds:

* ``START``/``END`` (the app catalog's filter form and cards, ~1 MB at 1,000
  connectors): put back into the finished page (``on_post_page``), so MkDocs' raw-HTML
  pass and the search indexer skip it too; the search then finds a connector through its
  own guide. Cut on index pages only: all their text is template output.
* :func:`html_block` (a guide's parameter tables): carries a digest of its HTML and is cut
  only when the digest matches and it is not inside a fenced code block, so what a
  writer's overlay shows is never taken for one. It must start at the beginning of a line
  (an indented one is left to Markdown, and the plugin warns). Put back into the page
  content (``on_page_content``): the search indexes the tables as before, and other
  plugins' ``on_page_content`` see them (``page.markdown`` holds the placeholder). With
  the plugin option ``search_parameters: false`` they are put back into the finished
  page instead, like the cards. A block marked ``search=False`` (a guide's sample
  outputs) always is: no search index gets it, whatever the theme.

The regions' ids are handed to MkDocs' link validation, which would otherwise not see
them. Without the plugin (``connector-docs generate`` for a plain MkDocs build) the markers
are plain HTML comments and MkDocs converts the regions as raw HTML.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets

from connector_docs.text import FENCE

START = "<!-- connector-docs:verbatim -->"
END = "<!-- connector-docs:end-verbatim -->"
_REGION = re.compile(rf"^{re.escape(START)}\n(.*?)^{re.escape(END)}$", re.M | re.S)
# A digest-checked block opens with HTML_START, its digest and " -->". Found in converted
# HTML, HTML_START means Markdown has read a block (one indented by a template).
HTML_START = "<!-- connector-docs:html "
HTML_END = "<!-- connector-docs:end-html -->"
# The body: lines none of which starts a comment, so a lone opening line (shown in a code
# block, say) never reaches across to the end line of the next block.
_UNSEARCHED = " unsearched"
_HTML_REGION = re.compile(rf"^{re.escape(HTML_START)}([0-9a-f]{{16}})((?:{_UNSEARCHED})?) -->\n"
                          r"((?:(?!<!--)[^\n]*\n)*?)" rf"{re.escape(HTML_END)}$", re.M)


def _digest(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8"), digest_size=8).hexdigest()


def html_block(body: str, *, search: bool = True) -> str:
    """``body`` (finished, escaped HTML of block elements, no blank line) marked for the
    plugin to pass through untouched; put back into the page content, or with
    ``search=False`` into the finished page (after the search indexed the page)."""
    flag = "" if search else _UNSEARCHED
    return f"{HTML_START}{_digest(body)}{flag} -->\n{body}\n{HTML_END}"


# What MkDocs' link validation counts as an anchor in raw HTML: ids, and names of <a>.
_ANCHOR = re.compile(r'<[^>]*?\bid="([^"]*)"|<a\b[^>]*?\bname="([^"]*)"')


class Verbatim:
    """The regions cut out of each page, until they are put back. The placeholders carry
    a random nonce (one per plugin instance, so per `mkdocs serve` process), so no page
    text can forge one, and their page's name (hashed), so a page that prints another's
    content (a print-site page, say) never gets its own regions put there."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.regions: dict[str, list[str]] = {}  # put back into the finished page
        self.content: dict[str, list[str]] = {}  # put back into the page content

    def _name(self, kind: str, key: str = "") -> str:
        """What the placeholders of ``kind`` start with: all of this instance's, or (with
        ``key``) those of one page."""
        page = hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest() if key else ""
        return f'<div data-connector-docs-verbatim="{self.nonce}-{kind}-{page}'

    @staticmethod
    def _placeholder(name: str, index: int) -> str:
        return f'{name}-{index}"></div>'

    def cut(self, key: str, markdown: str, *, index_page: bool) -> str:
        """``markdown`` with each marked region replaced by a placeholder block: the
        digest-checked ones always, the plain ``START``/``END`` ones on an index page."""
        content: list[str] = []
        regions: list[str] = []

        fences = _fences(markdown) if "```" in markdown or "~~~" in markdown else []
        content_name, region_name = self._name("c", key), self._name("p", key)

        def keep_content(match: re.Match[str]) -> str:
            body = match.group(3).removesuffix("\n")
            if _digest(body) != match.group(1) \
                    or any(a <= match.start() < b for a, b in fences):
                return match.group()
            if match.group(2):  # unsearched: back into the finished page
                regions.append(body)
                return self._placeholder(region_name, len(regions) - 1)
            content.append(body)
            return self._placeholder(content_name, len(content) - 1)

        def keep(match: re.Match[str]) -> str:
            regions.append(match.group(1).removesuffix("\n"))
            return self._placeholder(region_name, len(regions) - 1)

        if HTML_START in markdown:
            markdown = _HTML_REGION.sub(keep_content, markdown)
        if index_page:
            markdown = _REGION.sub(keep, markdown)
        for store, found in ((self.content, content), (self.regions, regions)):
            if found:
                store[key] = found
            else:
                store.pop(key, None)
        return markdown

    def anchors(self, key: str) -> set[str]:
        """The ids in the regions of ``key``: MkDocs finds the anchors of raw HTML while
        converting a page, and would miss these (links to them would be reported)."""
        return {html.unescape(a or b)
                for region in self.regions.get(key, []) + self.content.get(key, [])
                for a, b in _ANCHOR.findall(region)}

    def restore_content(self, key: str, content: str) -> tuple[str, int]:
        """The page content (HTML) with the digest-checked regions of ``key`` back, and
        how many placeholders were missing."""
        # Markdown ends a raw block with a blank line, a table without: the page is the
        # same as from Markdown table syntax, byte for byte.
        return self._restore(key, content, "c", self.content.pop(key, []), after="\n\n")

    def missing_content(self, key: str, content: str) -> int:
        """How many placeholders of ``key``'s digest-checked regions ``content`` lacks."""
        name = self._name("c", key)
        return sum(self._placeholder(name, index) not in content
                   for index in range(len(self.content.get(key, []))))

    def restore(self, key: str, page: str) -> tuple[str, int]:
        """``page`` (HTML) with the other regions of ``key`` back in place (wherever the
        theme printed the content), and how many placeholders were missing (a theme or
        plugin that dropped the page content)."""
        return self._restore(key, page, "p", self.regions.pop(key, []))

    def _restore(self, key: str, text: str, kind: str, regions: list[str],
                 after: str = "") -> tuple[str, int]:
        """``text`` with the regions back, and how many placeholders were missing or left
        over (one of this instance's that no region filled: the page was cut twice, or
        it prints another page's content)."""
        missing = 0
        name = self._name(kind, key)
        for index, region in enumerate(regions):
            placeholder = self._placeholder(name, index)
            if placeholder not in text:
                missing += 1
            if after:
                text = text.replace(placeholder + after, region + "\n")
            text = text.replace(placeholder, region)
        return text, missing + text.count(self._name(kind))


def _fences(markdown: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the fenced code blocks of ``markdown``, found as overlays
    are read (``text.FENCE``): a block shown there is text, not one to cut."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    offset = 0
    # Lines as Python-Markdown splits them: at "\n" only (str.splitlines also breaks at
    # U+2028, U+0085 ..., which a sample's text could use to fake a fence line).
    for line in markdown.split("\n"):
        line += "\n"
        if FENCE.match(line):
            if start is None:
                start = offset
            else:
                spans.append((start, offset + len(line)))
                start = None
        offset += len(line)
    if start is not None:
        spans.append((start, min(offset, len(markdown))))
    return spans
