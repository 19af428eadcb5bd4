"""The one escaping path from untrusted text (catalog, smoke logs, remote sources) to
Markdown.

Jinja2's autoescape does not apply to ``.md`` templates, and Python-Markdown passes raw
HTML, attribute lists (``{ onclick=... }``) and ``javascript:`` links through. So every
value a template prints goes through :func:`inline` automatically (the environment's
``finalize`` hook, see ``render.py``) unless it is :class:`Markdown` already, which only
the helpers below produce. Templates never escape by hand.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from connector_docs.text import INVISIBLE, clean
from connector_docs.text import forget as forget_slugs

# Safe Markdown: produced by this module (or written in a trusted template) only.
Markdown = Markup

# Characters Markdown, its common extensions (attr_list, pymdownx tilde/caret/mark/emoji,
# arithmatex, tables, snippets, magiclink's mentions, e-mail addresses and ``?123``
# references) or HTML give meaning to, written as numeric entities:
# they render as the same visible character and can never start markup.
_SPECIAL = "\\`*_{}[]<>#!|~^=+:$&\"'@?"
_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in _SPECIAL})
_SPACE = re.compile(r"\s+")
# At the start of a line these would open a list or (``---``, ``- - -``) draw a rule, and
# ``???`` / ``///`` a pymdownx.details or pymdownx.blocks block (which, left unclosed,
# folds the rest of the page into it). The slow path escapes ``?`` everywhere; ``/``
# only here.
_LEADING = re.compile(r"^(\s*)(?:([-+])(?=[\s-]|$)|(/)|(\d+)([.)])(?=\s|$))")
# Text pymdownx.magiclink turns into a link without any special character: ``www.``
# hosts and runs of 40 hexadecimal digits (commit hashes). A character reference breaks
# the match (references are stashed before magiclink runs, as a non-word placeholder) and
# reads the same. In a hex run every 39th digit is one, so no 40 digits stand together.
# \d is Unicode here as in pymdownx.magiclink's own hash pattern (`[a-f\d]{40}`), so a run
# mixing in other scripts' digits is broken too.
_LIVE = re.compile(r"(?<=[Ww]{3})\.|[a-f\d]{40,}")
_HASH_SPAN = 39
SAFE_SCHEMES = ("https", "http", "mailto")
# The longest value (characters) printed in full; longer ones are cut with an ellipsis.
# Python-Markdown's inline pass is quadratic in the entities of one text node (each match
# rebuilds the string: 40,000 escaped characters take ~10 s), so untrusted text without a
# schema limit (parameter descriptions, enum values, smoke messages) must not be unbounded.
# No schema-limited field is longer (descriptions allow 5,000).
MAX_TEXT = 5000
# After HTML escaping without quotes (``&amp;``, ``&lt;``, ``&gt;``: none holds a character
# of this table), so the quotes are written here.
_CODE_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]|`*_\\~^=+:$#!@?\"'"})


# Text that needs no escaping at all: words of letters, digits and harmless punctuation
# joined by single spaces, starting with a letter (so no list marker). Most catalog text
# is like this; recognising it in one regex match skips the work below (measured: escaping
# was a quarter of rendering 10,000 connectors).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9,;/()%.-]*(?: [A-Za-z0-9,;/()%.-]+)*")


# Escaped values are remembered: a catalog repeats most of what it prints (parameter
# names, types, enum values, shared descriptions). Measured on the real catalog's site:
# 78,480 inline escapes of 15,731 distinct strings. Bounded, as `mkdocs serve` lives long.
_MEMO = 1 << 16


def inline(text: object) -> Markdown:
    """Any value as one line of literal Markdown text."""
    if isinstance(text, Markup):
        return text
    return _inline(text if isinstance(text, str) else str(text))


def forget() -> None:
    """Drop the remembered escapes (a one-off build, once its pages are written)."""
    for memo in (_inline, _code, _block, _identifier):
        memo.cache_clear()
    forget_slugs()


@lru_cache(maxsize=_MEMO)
def _inline(text: str) -> Markdown:
    if len(text) <= MAX_TEXT and _PLAIN.fullmatch(text) and not _LIVE.search(text):
        return Markdown(text)
    value = _live(_bounded(_SPACE.sub(" ", clean(text))).translate(_TABLE))
    return Markdown(_LEADING.sub(_escape_leading, value))


def _live(value: str) -> str:
    return _LIVE.sub(_reference, value)


def _reference(match: re.Match[str]) -> str:
    text = match.group()
    return "".join(f"&#{ord(ch)};" if i % _HASH_SPAN == 0 else ch for i, ch in enumerate(text))


def _bounded(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def _escape_leading(match: re.Match[str]) -> str:
    marker = match.group(2) or match.group(3)
    if marker:
        return f"{match.group(1)}&#{ord(marker)};"
    return f"{match.group(1)}{match.group(4)}&#{ord(match.group(5))};"


def block(text: object) -> Markdown:
    """Multi-paragraph text: paragraphs kept, everything else literal."""
    if isinstance(text, Markup):
        return text
    return _block(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=_MEMO)
def _block(text: str) -> Markdown:
    paragraphs = re.split(r"\n\s*\n", clean(text).strip())
    return Markdown("\n\n".join(str(inline(p)) for p in paragraphs if p.strip()))


def cell(text: object) -> Markdown:
    """A table cell: one line, pipes escaped (already by inline), empty shown as a dash."""
    value = inline(text)
    # str.strip: Markup's own strip makes a new Markup (a tenth of cell()).
    return value if str.strip(value) else Markdown("&mdash;")


def code(text: object) -> Markdown:
    """Inline code. Raw HTML ``<code>`` with escaped content: no backtick counting, and
    Python-Markdown leaves inline HTML as is."""
    return _code(str(text))


@lru_cache(maxsize=_MEMO)
def _code(text: str) -> Markdown:
    value = html.escape(_bounded(_SPACE.sub(" ", clean(text)).strip()), quote=False)
    value = _live(value.translate(_CODE_TABLE))
    return Markdown(f"<code>{value}</code>")


def html_text(value: object) -> Markdown:
    """Text inside raw HTML (a raw HTML block, an SVG title), which Markdown does not
    process, as element content or a double- or single-quoted attribute value (the `h`
    filter of templates; the badges and history strip of ``render``): HTML-escaped with
    quotes, unsafe characters dropped. Whitespace is collapsed: a blank line would end the
    block and spill the rest as Markdown."""
    text = " ".join(clean(value).split())
    return Markdown(html.escape(text, quote=True))


def safe_url(url: object) -> str | None:
    """The URL when it is absolute with a safe scheme, percent-encoded so it cannot end
    the Markdown link early; None otherwise (``javascript:``, ``data:``, relative...)."""
    text = str(url).strip()
    if not text or INVISIBLE.search(text) or any(ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return quote(text, safe="/:?#@!$&'*+,;=%-._~").replace("'", "%27").replace("*", "%2A")


def link(text: object, url: object) -> Markdown:
    """A link to an external URL, or the plain text when the URL is not safe."""
    target = safe_url(url)
    label = inline(text)
    if target is None:
        return label
    # Python-Markdown keeps an entity in a link target as is (``&amp;`` would reach the
    # browser as ``&``), so every ``&`` is written as ``&amp;``: the href is the URL.
    return Markdown(f"[{label}]({target.replace('&', '&amp;')})")


def meta_text(text: object, limit: int = 300) -> Markdown:
    """A front-matter value (YAML) for a meta description: Material prints it unescaped
    in <head>, so it is HTML-escaped here, then JSON-quoted (valid YAML)."""
    value = _SPACE.sub(" ", clean(text)).strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return Markdown(json.dumps(html.escape(value, quote=True), ensure_ascii=False))


# Where a long identifier may wrap: after a separator (``.``, ``_``, ``-``, ``/``, ``:``)
# or ``[]``, before a character that is not one, and between the words of camelCase
# (``accountBased|Expense|Line|Detail``). Without such break opportunities a narrow
# table cell broke names mid-word (``invoices.rea/d``), or (told not to) overflowed.
_BREAK_AFTER = re.compile(r"(?<=[._/:\]-])(?=[^._/:\[\]-])|(?<=[a-z])(?=[A-Z])")


def identifier(text: object) -> Markdown:
    """A name (parameter, output field, scope) as inline code that wraps only after its
    separators: ``<wbr>`` between the pieces, each escaped as :func:`code` escapes."""
    return _identifier(str(text))


@lru_cache(maxsize=_MEMO)
def _identifier(text: str) -> Markdown:
    value = _bounded(_SPACE.sub(" ", clean(text)).strip())
    pieces = (_live(html.escape(p, quote=False).translate(_CODE_TABLE))
              for p in _BREAK_AFTER.split(value))
    return Markdown(f"<code class=\"cd-id\">{'<wbr>'.join(pieces)}</code>")


# A JSON text's tokens as json.dumps writes them, with the Pygments class its JSON lexer
# gives each (Material colours ``.highlight .s2`` and so on without any extension).
_JSON_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(?=\s*:)|("(?:[^"\\]|\\.)*")'
                         r"|(-?\d[\d.eE+-]*)|(true|false|null|NaN|-?Infinity)|([{}\[\],:])")
_JSON_CLASS = ("nt", "s2", "mi", "kc", "p")


def json_lines(value: object, max_lines: int, max_chars: int) -> tuple[list[Markdown], bool]:
    """``value`` (parsed JSON) pretty-printed, a line of raw HTML per line, and whether it
    was cut: the lines kept are the first, at most ``max_lines`` and ``max_chars``
    characters of JSON (at least one line, itself cut to ``max_chars`` with an
    ellipsis). Every token HTML-escaped in a ``<span>`` of its Pygments class, unsafe
    characters dropped; for a ``<pre>`` in a raw HTML block, which Markdown does not
    read."""
    # U+2028/2029 are valid raw in JSON strings but line breaks to str.splitlines and to
    # some readers: written as escapes, and lines split at "\n" only, so no sample text
    # can start a line of the page (a fence, a blank line ending the HTML block).
    text = clean(json.dumps(value, indent=2, ensure_ascii=False))
    lines = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").split("\n")
    size = count = 0
    for line in lines[:max_lines]:
        size += len(line) + 1
        if count and size > max_chars:
            break
        count += 1
    shown = lines[:count]
    cut = count < len(lines)
    if len(shown[0]) > max_chars:  # one long line (a big string): cut inside it
        shown[0], cut = shown[0][:max_chars] + "…", True
    return ([Markdown(_JSON_TOKEN.sub(_json_token, html.escape(line, quote=False)))
             for line in shown], cut)


def _json_token(match: re.Match[str]) -> str:
    index = match.lastindex or 0
    return f'<span class="{_JSON_CLASS[index - 1]}">{match.group()}</span>'
