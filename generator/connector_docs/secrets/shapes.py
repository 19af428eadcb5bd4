"""Well-known token shapes: the secrets recognised without any configuration.

Bearer and Basic headers, Slack, Stripe, AWS, GitHub and JSON Web tokens, and passwords in
URLs, parameters and JSON, each as a regex whose named group says which part is secret
(the rest of a match stays readable). Each shape has needles, text every match of it
contains: :func:`needle_mask` and :func:`shapes_in` narrow the regex to the shapes that can
match a text at all, which keeps redaction (:mod:`connector_docs.secrets.redact`) and the
site scan (:mod:`connector_docs.secrets.scan`) from trying every shape at every position.
"""

from __future__ import annotations

import re
from functools import cache

# Token shapes. Each alternative starts with a literal character or a character class so
# that the regex engine rejects it cheaply at most positions. A group named ``v<n>`` is the
# secret part (the rest stays readable); ``w<n>`` means the whole match is secret.
SHAPES: tuple[tuple[str, str], ...] = (
    ("Bearer token",
     r"[Bb](?<![\w-][Bb])(?:earer|EARER)[ \t]+(?P<v0>(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*)"),
    ("HTTP Basic credentials",
     r"[Bb](?<![\w-][Bb])(?:asic|ASIC)[ \t]+"
     r"(?P<v1>(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])"),
    ("Slack token", r"x(?<![\w-]x)(?P<w2>ox[abposr]-(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{10,})"),
    ("Stripe secret key", r"[sr](?<![\w-][sr])(?P<w3>k_(?:live|test)_[0-9A-Za-z]{8,})"),
    ("AWS access key id",
     r"A(?<![0-9A-Z]A)(?P<w4>(?:KIA|SIA)(?![0-9A-Z]{9}EXAMPLE)[0-9A-Z]{16})(?![0-9A-Z])"),
    ("JSON Web Token", r"e(?<![\w-]e)(?P<w5>yJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*)"),
    ("GitHub token",
     r"g(?<![\w-]g)(?P<w6>h[pousr]_[A-Za-z0-9]{20,}|ithub_pat_[A-Za-z0-9_]{20,})"),
    ("password in a URL",
     r":(?<=\w:)//[^\s/:@'\"<>]*:(?P<v7>[^\s/@'\"<>]+)@"),  # user optional
    ("password parameter",
     r"[Pp](?<![\w-][Pp])(?:assword|asswd|ASSWORD|wd)="
     r"(?P<v8>(?![{$<\[%*])[^\s&\"'<>;]{3,})"),
    ("password in JSON", r"\"(?:[Pp]assword|[Pp]asswd)\"\s*:\s*\"(?P<v9>[^\"\\]{3,})\""),
)  # fmt: skip
SHAPE_PATTERN = re.compile("|".join(pattern for _, pattern in SHAPES))
# Text every match of each shape contains (one of). Most text holds none of a shape's
# needles, and a substring test is far cheaper than trying the shape at every position:
# only the shapes whose needles occur are put in the regex (an absent one cannot match,
# so dropping it from the alternation changes no match).
NEEDLES: tuple[tuple[str, ...], ...] = (
    ("earer", "EARER"),
    ("asic", "ASIC"),
    ("xox",),
    ("k_live_", "k_test_"),
    ("AKIA", "ASIA"),
    ("eyJ",),
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ("://",),
    ("assword=", "ASSWORD=", "wd="),
    ('assword"', 'asswd"'),
)
assert len(NEEDLES) == len(SHAPES)

ALL_SHAPES = (1 << len(SHAPES)) - 1  # a bit per shape


def shape_name(group: str) -> str:
    """What the shape whose match ended in group ``group`` (``v<n>``, ``w<n>``) is."""
    return SHAPES[int(group[1:])][0]


def needle_mask(text: str, within: int = ALL_SHAPES) -> int:
    """The shapes (bits, among ``within``) one of whose needles occurs in ``text``."""
    mask = 0
    for bit, needles in _needle_groups(within):
        if any(needle in text for needle in needles):
            mask |= 1 << bit
    return mask


@cache
def _needle_groups(within: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(bit, needles) of each shape among ``within``."""
    return tuple((bit, needles) for bit, needles in enumerate(NEEDLES) if within >> bit & 1)


def shapes_in(text: str, within: int = ALL_SHAPES) -> re.Pattern[str] | None:
    """The token-shape regex for ``text``: only the shapes (among ``within``) that can
    match it."""
    mask = needle_mask(text, within)
    return _shape_subset(mask) if mask else None


@cache
def _shape_subset(mask: int) -> re.Pattern[str]:
    return re.compile("|".join(pattern for bit, (_, pattern) in enumerate(SHAPES)
                               if mask & 1 << bit))
