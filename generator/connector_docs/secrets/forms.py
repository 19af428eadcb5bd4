"""The forms a secret takes on its way into a page, shared by redaction and the site scan.

Two halves, and both the redactor and the scan use both (through ``redact.Redactor``):

* :func:`literal_forms`: the forms that cannot be undone by decoding the text around
  them: the secret as is (stripped of surrounding whitespace) and base64 (standard and
  URL-safe, padded or not, and the fixed characters of the secret inside a longer base64
  value such as ``Basic base64(user:secret)``).
* :func:`layers` / :class:`View`: the text with every escape undone: percent-encoding
  (any of ``encodeURIComponent``, ``URLEncoder``, ``quote``: upper- or lowercase hex, UTF-8
  sequences), JSON backslash escapes (``\\u00XX``, surrogate pairs, ``\\"``, ``\\/``...)
  and HTML character references (decimal, hex, named; with or without ``;``), repeated
  for escapes of escapes (each layer). The literal forms are looked for in the text and
  in each layer.

The literal forms of all secrets are matched as one regex, :func:`trie_alternatives`.

Why a decoded view and not a list of encoded forms: an encoder may escape any subset of a
secret's characters (a JSON serializer that escapes ``<`` ``>`` ``&`` only, one that
escapes everything, ``encodeURIComponent`` leaving ``!'()*~`` alone, ``URLEncoder``
escaping ``~``), so the encoded forms of an n-character secret number up to 2^n per
escape syntax; the decoded view is one string whatever the encoder chose. A space and a
``+`` are the same character to the matcher (:func:`fold`): ``URLEncoder`` writes a space
as ``+``, and ``+`` in a form-encoded query means a space.
"""

from __future__ import annotations

import base64
import html
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

MIN_FRAGMENT = 8  # shorter base64 fragments would match unrelated text
MAX_PASSES = 4  # escapes of escapes undone; each pass only shrinks the text

# One escape of any syntax, as the decoder undoes it. Percent-encoding: one UTF-8
# sequence (a lone continuation byte or an invalid lead byte is left as written).
# JSON: a surrogate pair before a lone \uXXXX. HTML: numeric references, and names (all
# alphanumeric) as html.unescape reads them, also without ';' (&ampx is "&x"); narrower
# than html.unescape's own pattern, which would swallow a JSON escape after the name.
_ESCAPE = re.compile(
    r"%(?:[0-7][0-9A-Fa-f]"
    r"|[C-Dc-d][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    r"|[Ee][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){2}"
    r"|[Ff][0-4](?:%[89ABab][0-9A-Fa-f]){3})"
    r"|\\u[Dd][89ABab][0-9A-Fa-f]{2}\\u[Dd][C-Fc-f][0-9A-Fa-f]{2}"
    r"|\\u[0-9A-Fa-f]{4}|\\[\"\\/bfnrt]"
    r"|&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]{0,31};?)"
)
# The same, as the separator of str.split-like parts: escapes at the odd indexes. Mapping
# the (cached) decoder over them runs in C; a callback per match would cost a Python call
# each (a site's theme scripts alone hold tens of thousands of "\n").
_SPLIT = re.compile(f"({_ESCAPE.pattern})")
_TRIGGERS = ("%", "\\", "&")  # text holding none of these has nothing to decode


def fold(text: str) -> str:
    """The text as the matcher compares it: ``+`` and space are one character."""
    return text.replace("+", " ")


def literal_forms(secret: str) -> Iterator[tuple[str, str]]:
    """Every form of ``secret`` that decoding cannot reveal, with a label for each. With
    :func:`layers`, these are every form the redactor and the scan recognise."""
    raw = secret.encode()
    yield secret, "as is"
    for form in base64_forms(raw):
        yield form, "base64"
    # Inside a longer base64 value the secret starts at byte offset 0, 1 or 2 of a 3-byte
    # group; the characters encoding only the secret's own complete groups are fixed.
    for offset, skip in ((0, 0), (1, 2), (2, 3)):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        fragment = encoded[skip : (offset + len(raw)) // 3 * 4]
        if len(fragment) >= MIN_FRAGMENT:
            yield fragment, "base64, inside a longer value"
            yield fragment.replace("+", "-").replace("/", "_"), "base64, inside a longer value"


def base64_forms(raw: bytes) -> list[str]:
    standard = base64.b64encode(raw).decode()
    urlsafe = base64.urlsafe_b64encode(raw).decode()
    return [standard, standard.rstrip("="), urlsafe, urlsafe.rstrip("=")]


def trie_alternatives(words: Iterable[str]) -> list[str]:
    """Top-level regex alternatives matching any of ``words``, longest first at a position.

    A trie keeps the engine's work per position small (one character test per distinct
    first character instead of one per word); chains without branches become literals."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict[str, Any]) -> list[str]:
        out = []
        for char in sorted(k for k in node if k):
            chain, child = [char], node[char]
            while len(child) == 1 and "" not in child:
                (char, child), *_ = child.items()
                chain.append(char)
            out.append(_literal("".join(chain)) + subpattern(child))
        return out

    def subpattern(node: dict[str, Any]) -> str:
        inner = branches(node)
        if not inner:
            return ""
        body = inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"
        return f"(?:{body})?" if "" in node else body

    return branches(root)


def _literal(text: str) -> str:
    """A regex matching ``text`` (folded: ``fold``), a space as space or +."""
    return "[ +]".join(re.escape(part) for part in text.split(" "))


@lru_cache(maxsize=4096)
def _piece(escape: str) -> str:
    """What one escape (a match of ``_ESCAPE``) stands for."""
    first = escape[0]
    if first == "%":
        try:
            return bytes.fromhex(escape.replace("%", "")).decode("utf-8")
        except ValueError:  # an overlong or surrogate sequence: not text, leave it
            return escape
    if first == "\\":
        decoded: str = json.loads(f'"{escape}"')
        return decoded
    if escape[1] == "#":
        # The character the encoder meant: html.unescape (as a browser) drops control
        # characters and reads 0x80-0x9F as Windows-1252, which an encoder never meant.
        # Leading zeros are allowed, and the digits are not bounded: int() of thousands
        # of digits raises, so an overlong number is out of range (U+FFFD, as a browser
        # shows it) without being converted.
        number = escape[2:].rstrip(";")
        hexadecimal = number[:1] in "xX"
        digits = (number[1:] if hexadecimal else number).lstrip("0") or "0"
        if len(digits) > 7:
            return "\ufffd"
        code = int(digits, 16 if hexadecimal else 10)
        if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
        return "\ufffd"
    return html.unescape(escape)


def layers(text: str) -> list[str]:
    """``text`` decoded once, twice... (escapes of escapes), up to ``MAX_PASSES`` layers,
    each layer only while decoding changes something: empty for text without escapes.
    Every layer counts, not only the last: a secret that itself holds ``%2F`` is written
    ``%252F`` once percent-encoded; the first layer shows it, the second no longer does.
    (:class:`View` maps each layer back to the text.)"""
    out: list[str] = []
    for _ in range(MAX_PASSES):
        if not any(trigger in text for trigger in _TRIGGERS):
            break
        parts = _SPLIT.split(text)
        if len(parts) == 1:
            break
        parts[1::2] = map(_piece, parts[1::2])
        decoded = "".join(parts)
        if decoded == text:
            break
        out.append(decoded)
        text = decoded
    return out


def joined_layers(text: str) -> str:
    """Every layer of ``text`` joined by line ends: it holds whatever one of them does
    (and, across a join, maybe more: a false candidate only costs a closer look). Empty
    when there is nothing to decode."""
    return "\n".join(layers(text))


def described(label: str, written: str) -> str:
    """``label`` saying how the secret was written (the escapes in ``written``, its
    written form): "configured secret #1 (URL-encoded)", "... (base64, JSON-escaped)",
    "Slack token (as character references)"."""
    kinds = " and ".join(name for mark, name in (
        ("%", "URL-encoded"), ("\\", "JSON-escaped"), ("&", "as character references"))
        if mark in written)
    if not kinds:
        return label
    if label.endswith(" (as is)"):
        return f"{label[:-len(' (as is)')]} ({kinds})"
    return f"{label[:-1]}, {kinds})" if label.endswith(")") else f"{label} ({kinds})"


class View:
    """The :func:`layers` of ``text``, with the way back: :meth:`span` gives the span of
    the text that a span of a layer was decoded from. Each pass keeps the escapes it
    undid, as (layer start, layer end, start, end in the layer before), in order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.layers: list[str] = []
        self._passes: list[tuple[list[int], list[tuple[int, int, int, int]]]] = []
        current = text
        for _ in range(MAX_PASSES):
            if not any(trigger in current for trigger in _TRIGGERS):
                break
            pieces: list[tuple[int, int, int, int]] = []
            out: list[str] = []
            last = shift = 0
            for match in _ESCAPE.finditer(current):
                start, end = match.span()
                value = _piece(match.group())
                if value == match.group():
                    continue
                out.append(current[last:start])
                out.append(value)
                view_start = start - shift
                pieces.append((view_start, view_start + len(value), start, end))
                shift += (end - start) - len(value)
                last = end
            if not pieces:
                break
            out.append(current[last:])
            current = "".join(out)
            self._passes.append(([p[0] for p in pieces], pieces))
            self.layers.append(current)

    def span(self, layer: int, start: int, end: int) -> tuple[int, int]:
        """The span of the text that ``self.layers[layer][start:end]`` (not empty) was
        decoded from: an escape partly inside the span counts whole."""
        for starts, pieces in reversed(self._passes[:layer + 1]):
            start, end = _back(starts, pieces, start)[0], _back(starts, pieces, end - 1)[1]
        return start, end


def _back(starts: list[int], pieces: list[tuple[int, int, int, int]],
          index: int) -> tuple[int, int]:
    """The span, one pass back, of the character at ``index`` of a pass's output."""
    at = bisect_right(starts, index) - 1
    if at < 0:
        return index, index + 1
    _, view_end, text_start, text_end = pieces[at]
    if index < view_end:
        return text_start, text_end
    origin = text_end + (index - view_end)  # a plain character after the escape
    return origin, origin + 1
