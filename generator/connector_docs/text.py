"""Plain text rules every stage shares: the characters no published text keeps, the
slugs that become ids, where a Markdown code fence starts, and counted nouns ("1 run",
"2 runs": never "run(s)").

Core, like ``model`` and ``diagnostics``: it imports nothing of this package, so inputs,
fetched text, decisions and pages all use the one list and the one slug function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# The one list of characters no published text keeps, shared by every path (inline,
# block, cell, code, meta, anchors, the raw-HTML `h` filter, fetched text, the tests):
# - control characters but tab and line ends (C0, DEL, C1; NEL too: YAML reads it as a
#   line break);
# - Unicode's Default_Ignorable_Code_Point set (zero-width, soft hyphen, bidi controls,
#   U+061C, U+180E, U+034F, Hangul fillers, tag characters, variation selectors
#   supplement: text that is there but not seen, or hides data), except the variation
#   selectors U+FE00-FE0F, which only pick an emoji's presentation;
# - interlinear annotation controls (U+FFF9-FFFB);
# - what no file or YAML parser can carry: lone surrogates and noncharacters (U+FFFE,
#   U+FFFF, U+FDD0-FDEF and the last two code points of every plane). A front matter
#   value holding one made MkDocs drop the whole front matter silently and render it as
#   Markdown.
# Every code point YAML refuses is in this set (a test walks all of them).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
UNSAFE_CHARACTERS = (
    "\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "\ud800-\udfff" + _NONCHARACTERS
)
INVISIBLE = re.compile(f"[{UNSAFE_CHARACTERS}]")

# A line that opens or closes a fenced code block (CommonMark's two fence characters).
FENCE = re.compile(r"^\s*(```|~~~)")

# Slugs are remembered (catalogs repeat ids and codes); bounded, as `mkdocs serve` lives long.
_MEMO = 1 << 16


def clean(text: object) -> str:
    """The text without the characters of :data:`UNSAFE_CHARACTERS`."""
    return INVISIBLE.sub("", str(text))


def forget() -> None:
    """Drop the remembered slugs (a one-off build, once its pages are written)."""
    _anchor.cache_clear()


def anchor(value: object) -> str:
    """A stable, safe HTML id fragment (``error-429``, ``action-send-message``)."""
    return _anchor(str(value))


@lru_cache(maxsize=_MEMO)
def _anchor(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", clean(value).lower()).strip("-")
    return slug or "x"


def unique_anchors(values: Iterable[str], prefix: str,
                   taken: set[str] | None = None) -> list[str]:
    """An id for each value, ``prefix`` + its slug, unique on the page (``taken`` holds the
    ids already in use and receives the new ones). Values that are their own slug
    (``429``, ``send-message``) are served first, so ``#error-429`` always lands on the
    ``429`` entry however other values spell themselves (``429!``, ``Error 429``); the
    others, and repeats, get the first free ``-2``, ``-3``... in the order given."""
    ids = set() if taken is None else taken
    values = list(values)
    out = [""] * len(values)
    # The next suffix to try per slug, so 10,000 values of one slug stay linear.
    next_suffix: dict[str, int] = {}
    for i in sorted(range(len(values)), key=lambda i: anchor(values[i]) != values[i]):
        wanted = prefix + anchor(values[i])
        chosen, n = wanted, next_suffix.get(wanted, 2)
        if chosen in ids:
            chosen = f"{wanted}-{n}"
            while chosen in ids:
                n += 1
                chosen = f"{wanted}-{n}"
            next_suffix[wanted] = n + 1
        ids.add(chosen)
        out[i] = chosen
    return out


def number(value: float) -> str:
    """A count as readers see it: "1,500", "2.5"."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def plural(count: float, word: str, many: str | None = None) -> str:
    """``word`` or its plural (``many``, else ``word`` + "s") to agree with ``count``:
    plural(1, "request") -> "request", plural(2, "request") -> "requests"."""
    return word if count == 1 else (many or word + "s")


def counted(count: float, word: str, many: str | None = None) -> str:
    """A count and the word agreeing with it: "1 request", "1,500 requests"."""
    return f"{number(count)} {plural(count, word, many)}"
