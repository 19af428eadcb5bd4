"""Secrets never reach the site: redact smoke output, then scan the built site.

Given the smoke runner's credentials file, every value under ``credentials`` and
``additionalConfig`` is a secret, matched in every form it can take on its way into a page:
as is, base64 (standard and URL-safe, padded or not, and inside a longer base64 value such as
``Basic base64(user:secret)``), and any of those percent-encoded, JSON-escaped or written as
HTML character references, in whole or in part. Well-known token shapes (Bearer and Basic
headers, Slack, Stripe, AWS, GitHub, JWT, passwords in URLs) are matched even without a
config. Redaction and the site scan match the same forms: ``secretforms`` makes them (the
literal forms, and the decoded layers of the text they are also looked for in). Diagnostics
name where a secret is, never the secret.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import json
import os
import re
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar

from connector_docs.diagnostics import Diagnostic, Severity, error, warning
from connector_docs.model import SmokeRun
from connector_docs.secrets.forms import (
    View,
    base64_forms,
    described,
    fold,
    joined_layers,
    layers,
    literal_forms,
)
from connector_docs.smoke import JsonSource, escape_pointer
from connector_docs.speedups.runtime import fork_map
from connector_docs.text import clean

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 4
MAX_CONFIG_BYTES = 20 * 1024 * 1024
MAX_SCANNED_BYTES = 256 * 1024 * 1024  # per file, after decompression
SCANNED_SUFFIXES = (
    ".html", ".htm", ".xml", ".json", ".js", ".mjs", ".txt", ".md", ".svg", ".css", ".map",
    ".csv", ".yml", ".yaml", ".webmanifest",
)  # fmt: skip
_SECTIONS = ("credentials", "additionalConfig")
_USER_KEYS = {"username", "user", "login", "email", "clientid", "accountsid", "apikey"}
_PASSWORD_KEYS = {"password", "pass", "secret", "clientsecret", "apisecret", "authtoken"}

# Token shapes. Each alternative starts with a literal character or a character class so
# that the regex engine rejects it cheaply at most positions. A group named ``v<n>`` is the
# secret part (the rest stays readable); ``w<n>`` means the whole match is secret.
_SHAPES: tuple[tuple[str, str], ...] = (
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
     r":(?<=\w:)//[^\s/:@'\"<>]+:(?P<v7>[^\s/@'\"<>]+)@"),
    ("password parameter",
     r"[Pp](?<![\w-][Pp])(?:assword|asswd|ASSWORD|wd)="
     r"(?P<v8>(?![{$<\[%*])[^\s&\"'<>;]{3,})"),
    ("password in JSON", r"\"(?:[Pp]assword|[Pp]asswd)\"\s*:\s*\"(?P<v9>[^\"\\]{3,})\""),
)  # fmt: skip
_SHAPE_PATTERN = re.compile("|".join(pattern for _, pattern in _SHAPES))
# Text every match of each shape contains (one of). Most text holds none of a shape's
# needles, and a substring test is far cheaper than trying the shape at every position:
# only the shapes whose needles occur are put in the regex (an absent one cannot match,
# so dropping it from the alternation changes no match).
_NEEDLES: tuple[tuple[str, ...], ...] = (
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
assert len(_NEEDLES) == len(_SHAPES)


ALL_SHAPES = (1 << len(_SHAPES)) - 1  # a bit per shape


def _needle_mask(text: str, within: int = ALL_SHAPES) -> int:
    """The shapes (bits, among ``within``) one of whose needles occurs in ``text``."""
    mask = 0
    for bit, needles in _needle_groups(within):
        if any(needle in text for needle in needles):
            mask |= 1 << bit
    return mask


@cache
def _needle_groups(within: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(bit, needles) of each shape among ``within``."""
    return tuple((bit, needles) for bit, needles in enumerate(_NEEDLES) if within >> bit & 1)


def _shapes_in(text: str, within: int = ALL_SHAPES) -> re.Pattern[str] | None:
    """The token-shape regex for ``text``: only the shapes (among ``within``) that can
    match it."""
    mask = _needle_mask(text, within)
    return _shape_subset(mask) if mask else None


@cache
def _shape_subset(mask: int) -> re.Pattern[str]:
    return re.compile("|".join(pattern for bit, (_, pattern) in enumerate(_SHAPES)
                               if mask & 1 << bit))


class Redactor:
    """Replaces secrets (all encodings) and token shapes with ``[REDACTED]``.

    Secrets shorter than four characters are ignored: they cannot be told from ordinary
    text (``from_config`` warns about them). All forms of all secrets make one compiled
    regex, built as a trie so the longest form at a position wins; the token shapes make
    another.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._labels: dict[str, str] = {}  # every literal form -> what it is
        self._pattern: re.Pattern[str] | None = None
        for number, secret in enumerate(secrets, 1):
            self._add(secret, f"configured secret #{number}")

    @classmethod
    def from_config(cls, path: Path) -> tuple[Redactor, list[Diagnostic]]:
        """Read the smoke runner's credentials file. On any problem: a redactor for token
        shapes only, and error diagnostics (so the build fails rather than leaks)."""
        name = str(path)
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            return cls(), [error(name, f"cannot read smoke config: {exc.strerror or exc}")]
        if len(data) > MAX_CONFIG_BYTES:
            return cls(), [error(name, "smoke config is larger than 20 MB")]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1  # in bytes
            return cls(), [error(name, f"smoke config is not UTF-8 text (byte "
                                 f"0x{data[exc.start]:02x})", line=line, column=column,
                                 hint="save the file as UTF-8")]
        source = JsonSource(text)
        document, diags = source.load(name)
        if diags:
            return cls(), diags
        redactor, found = cls.from_config_data(document, name)
        located = []
        for diag in found:
            line, column = source.locate(diag.pointer or "")
            located.append(dataclasses.replace(diag, line=line, column=column))
        return redactor, located

    @classmethod
    def from_config_data(cls, data: Any, name: str) -> tuple[Redactor, list[Diagnostic]]:
        """Collect secrets from already parsed config data (``name`` is for diagnostics)."""
        redactor = cls()
        if not isinstance(data, dict):
            return redactor, [
                error(
                    name,
                    "smoke config must be an object mapping connector ids to settings",
                    pointer="",
                    hint='e.g. {"slack": {"credentials": {"botToken": "xoxb-..."}}}',
                    code="smoke-config",
                )
            ]
        diags: list[Diagnostic] = []
        for key, entry in data.items():
            app_id = str(key)
            at = f"/{escape_pointer(app_id)}"
            if app_id.startswith("$"):
                continue
            if not isinstance(entry, dict):
                diags.append(warning(name, f"entry '{app_id}' is not an object", pointer=at))
                continue
            for section in _SECTIONS:
                if section in entry:
                    where = f"{at}/{section}"
                    diags.extend(redactor._add_tree(entry[section], where, name))
                    redactor._add_pairs(entry[section], where)
        return redactor, diags

    # ------------------------------------------------------------------ collecting

    def _add_tree(self, value: Any, at: str, name: str) -> list[Diagnostic]:
        if isinstance(value, dict):
            found: list[Diagnostic] = []
            for key, item in value.items():
                found += self._add_tree(item, f"{at}/{escape_pointer(str(key))}", name)
            return found
        if isinstance(value, list):
            return [d for i, v in enumerate(value) for d in self._add_tree(v, f"{at}/{i}", name)]
        if isinstance(value, bool) or value is None:
            return []
        text = value if isinstance(value, str) else json.dumps(value)
        if not text.strip():
            return []
        if len(text.strip()) < MIN_SECRET_LENGTH:
            return [
                Diagnostic(
                    path=name,
                    severity=Severity.WARNING,
                    message=f"value shorter than {MIN_SECRET_LENGTH} characters "
                    "cannot be redacted safely",
                    pointer=at,
                    hint="use a longer test credential, or make sure no output prints it",
                    code="secret-too-short",
                )
            ]
        self._add(text, f"smoke-config value {at}")
        return []

    def _add_pairs(self, section: Any, at: str) -> None:
        """``user:password`` pairs, as HTTP Basic auth sends them (base64 only)."""
        if not isinstance(section, dict):
            return
        plain = {re.sub(r"[^a-z]", "", str(k).lower()): v for k, v in section.items()}
        users = [v.strip() for k, v in plain.items() if k in _USER_KEYS and isinstance(v, str)]
        passwords = [v.strip() for k, v in plain.items()
                     if k in _PASSWORD_KEYS and isinstance(v, str)]
        for user in users:
            for password in passwords:
                pair = f"{user}:{password}".encode()
                for form in base64_forms(pair):
                    self._labels.setdefault(fold(form),
                                            f"smoke-config user:password {at} (base64)")
        self._pattern = None

    def add(self, secret: str, label: str) -> None:
        """One more secret (``label`` says what it is in diagnostics, never the value)."""
        self._add(secret, label)

    def _add(self, secret: str, label: str) -> None:
        # A value read from a file may carry a line end or padding the output never
        # shows ("secret\n" is printed as "secret"): the stripped value is the secret.
        # Its base64 as written stays too, for `echo secret | base64`.
        stripped = secret.strip()
        if len(stripped) < MIN_SECRET_LENGTH:
            return
        for form, encoding in literal_forms(stripped):
            self._labels.setdefault(fold(form), f"{label} ({encoding})")
        if stripped != secret:  # base64 only: as is, it would take the line end with it
            for form in base64_forms(secret.encode()):
                self._labels.setdefault(fold(form), f"{label} (base64, as written)")
        for line in stripped.splitlines():  # a PEM key may be printed line by line
            if len(line.strip()) >= 16 and line != stripped:
                self._add(line.strip(), f"{label}, one line")
        self._pattern = None

    # ------------------------------------------------------------------- matching

    @property
    def literals(self) -> re.Pattern[str] | None:
        """Every literal form (``secretforms.literal_forms``) of every configured secret,
        as one regex (None without secrets). It is matched against text and against the
        text decoded (``secretforms.layers``): together, every form of a secret."""
        if self._pattern is None and self._labels:
            self._pattern = re.compile("|".join(_trie_alternatives(self._labels)))
        return self._pattern

    def redact(self, text: str) -> str:
        # Configured secrets first, so a token shape overlapping one cannot leave a piece
        # of it behind; then the shapes. Two passes beat one combined regex: with only
        # literal alternatives the engine skips impossible positions by first character.
        # Then both again in the text decoded, for the forms only decoding reveals.
        if self.literals is not None:
            text = self.literals.sub(REDACTED, text)
        shapes = _shapes_in(text)
        if shapes is not None:
            text = shapes.sub(_replace_shape, text)
        if not layers(text):
            return text
        spans = sorted(span for span, _ in self._decoded_hits(View(text), _Spans(),
                                                              ALL_SHAPES, secret_part=True))
        return _join_redacted(text, spans) if spans else text

    def find(self, text: str) -> list[str]:
        """What kinds of secret appear in ``text`` (descriptions, never the values)."""
        return list(dict.fromkeys(label for _, label in self.hits(text)))

    def hits(self, text: str, within: int = ALL_SHAPES, *,
             decoded: str | None = None) -> list[tuple[int, str]]:
        """(offset, description) of every secret in ``text``, in order, also those only
        the text decoded (``secretforms.layers``) shows: their offset is where their
        encoded form starts. A secret is reported once: a token shape overlapping a
        configured secret, or a match in the decoded text overlapping one in the text, is
        not reported again. ``within``: only these token shapes are tried (bits of
        ``ALL_SHAPES``; the others are known not to occur). ``decoded``: the text's
        ``secretforms.joined_layers``, when the caller has them already."""
        found: list[tuple[int, str]] = []
        spans = _Spans()
        if self.literals is not None:
            for match in self.literals.finditer(text):
                found.append((match.start(), self._labels[fold(match.group())]))
                spans.add(*match.span())
        shapes = _shapes_in(text, within)
        for match in shapes.finditer(text) if shapes is not None else ():
            start, end = match.span()
            if match.group(match.lastgroup or 0) == REDACTED:
                continue  # "postgres://admin:[REDACTED]@host": redacted already
            if not spans.overlaps(start, end):
                found.append((start, _SHAPES[int((match.lastgroup or "v0")[1:])][0]))
                spans.add(start, end)
        if decoded is None:
            decoded = joined_layers(text)
        if decoded and self._may_hold(decoded, within):
            for (start, _), label in self._decoded_hits(View(text), spans, within):
                found.append((start, label))
        return sorted(found)

    def _may_hold(self, decoded: str, within: int) -> bool:
        """Whether the decoded layers (``secretforms.joined_layers``) can hold a secret
        (cheap tests before mapping them back)."""
        if self.literals is not None and self.literals.search(decoded) is not None:
            return True
        shapes = _shapes_in(decoded, within)
        return shapes is not None and shapes.search(decoded) is not None

    def _decoded_hits(self, view: View, spans: _Spans, within: int,
                      secret_part: bool = False) -> Iterator[tuple[tuple[int, int], str]]:
        """(span in the text, description) of each secret in the decoded text not
        overlapping ``spans`` (found in the text as written; extended with each hit).
        ``secret_part``: for a token shape, the span of its secret part (what redaction
        replaces), not of the whole match."""
        candidates: list[tuple[int, int, int, str]] = []
        for layer, decoded in enumerate(view.layers):
            if self.literals is not None:
                for match in self.literals.finditer(decoded):
                    candidates.append((layer, *match.span(),
                                       self._labels[fold(match.group())]))
            shapes = _shapes_in(decoded, within)
            for match in shapes.finditer(decoded) if shapes is not None else ():
                group = match.lastgroup or "v0"
                if match.group(group) == REDACTED:
                    continue
                start, end = match.span(group) if secret_part and group[0] == "v" \
                    else match.span()
                candidates.append((layer, start, end, _SHAPES[int(group[1:])][0]))
        for layer, start, end, label in candidates:
            if start == end:
                continue
            start, end = view.span(layer, start, end)
            if spans.overlaps(start, end):
                continue
            spans.add(start, end)
            yield (start, end), described(label, view.text[start:end])

    def redact_run(self, run: SmokeRun) -> SmokeRun:
        """The run with every string in it redacted: messages, and also the suite, the
        file name, connector versions, ids and statuses, which pages and the search index
        show as well (a runner may put anything there)."""
        memo: dict[str, str] = {}  # statuses, versions and short messages repeat

        def redact(text: str) -> str:
            out = memo.get(text)
            if out is None:
                out = self.redact(text)
                if out == text:
                    # A zero-width or control character inside a secret hides it from the
                    # patterns, and the page drops that character: look at the text as
                    # it will be shown. (Ids stay as written when nothing is found, so
                    # "stripe\u200b" is still not "stripe".)
                    shown = clean(text)
                    if shown != text and (found := self.redact(shown)) != shown:
                        out = found
                memo[text] = out
            return out

        return _redact_strings(redact, run)


_T = TypeVar("_T")


def _redact_strings(redact: Callable[[str], str], value: _T) -> _T:
    """``value`` (a dataclass, tuple or string, nested) with every string redacted: a
    field added to the model later is redacted without anyone remembering to. What holds
    no secret is returned as it was (the same object)."""
    if isinstance(value, str):
        clean = redact(value)
        return value if clean == value else clean  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(_redact_strings(redact, item) for item in value)
        same = all(new is old for new, old in zip(items, value, strict=True))
        return value if same else items  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _redact_strings(redact, old)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


class _Spans:
    """Spans of a text already found to hold a secret: pairwise disjoint (a span
    overlapping one is never added), kept sorted so that a test is a binary search (a
    text holding thousands of secrets must not take a scan through all of them for
    each)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        # Disjoint and sorted: only the last span starting before ``end`` can reach past
        # ``start`` (every one before it ends before it starts).
        at = bisect_left(self._starts, end) - 1
        return at >= 0 and self._ends[at] > start

    def add(self, start: int, end: int) -> None:
        at = bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)


def _join_redacted(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span (sorted; overlapping ones merged) replaced by REDACTED."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out.append(text[last:start] + REDACTED)
        last = end
    out.append(text[last:])
    return "".join(out)


def _replace_shape(match: re.Match[str]) -> str:
    group = match.lastgroup or "w"
    if group[0] == "w":
        return REDACTED
    text, start = match.group(), match.start()
    return text[: match.start(group) - start] + REDACTED + text[match.end(group) - start :]


def _trie_alternatives(words: Iterable[str]) -> list[str]:
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
    """A regex matching ``text`` (folded: ``secretforms.fold``), a space as space or +."""
    return "[ +]".join(re.escape(part) for part in text.split(" "))


# ----------------------------------------------------------------------- site scan


def scan_site(site_dir: Path, redactor: Redactor, since: float | None = None,
              derived: tuple[str, ...] = (), memory: ScanMemory | None = None
              ) -> list[Diagnostic]:
    """Report every secret in the built site as an error at file:line:column. Text files
    are scanned (``SCANNED_SUFFIXES``), gzip files by their decompressed content. Lines
    repeated across pages (navigation, theme) are matched once. With ``since``, files not
    modified since then are skipped, and so are ``derived`` files (relative paths) whose
    text only repeats the pages' (the search index, during `mkdocs serve` rebuilds). With
    ``memory`` (kept by `mkdocs serve` across rebuilds), lines an earlier scan with the
    same secrets already matched are not matched again. Many files are scanned in forked
    workers (``runtime.fork_map``)."""
    if not site_dir.is_dir():
        return [error(str(site_dir), "built site folder not found")]
    files = [(path, path.stat()) for path in sorted(site_dir.rglob("*")) if path.is_file()]
    _ = redactor.literals  # compiled once, before any fork
    seen = memory.lines_for(redactor) if memory is not None else _Seen()
    scan = partial(_scan_file, redactor, site_dir, since, derived, seen)
    # Shares by the text each file gives the scan: the search index alone is a fifth of a
    # large site's bytes; images and fonts only have their names checked. Forked workers
    # run only before any thread does (a one-off build, the first build of `mkdocs serve`);
    # the lines they scan do not reach ``memory``, which only saves work later.
    weights = [_FILE_COST + _scanned_size(path, st.st_size) for path, st in files]
    found = fork_map(scan, files, min_items=PARALLEL_MIN_FILES, weights=weights)
    if memory is not None:
        memory.trim()
    return [d for diags in found for d in diags]


_FILE_COST = 4096  # bytes of text that cost as much as opening one file


def _scanned_as(path: Path) -> str | None:
    """How the scan reads a file: "text", "gzip" (by its decompressed content), or None
    (not at all: only its name is checked)."""
    lower = path.name.lower()
    compressed = lower.endswith(".gz")
    if not (lower[:-3] if compressed else lower).endswith(SCANNED_SUFFIXES):
        return None
    return "gzip" if compressed else "text"


def _scanned_size(path: Path, size: int) -> int:
    """About how much text the scan reads from a file (gzip expands about fourfold)."""
    kind = _scanned_as(path)
    return 0 if kind is None else size * 4 if kind == "gzip" else size


# Below this many files, forking workers for the scan costs more than it saves.
PARALLEL_MIN_FILES = 64


class _Seen:
    """Lines already scanned by this process, and the hits of those that hold secrets.
    Navigation and theme lines repeat on every page: a site of 1,000 guides has 1.4
    million lines but 107,000 distinct ones, so each file's new lines are found with set
    operations and only they are scanned."""

    def __init__(self) -> None:
        self.lines: set[str] = set()
        self.hot: dict[str, list[tuple[int, str]]] = {}


class ScanMemory:
    """The lines scanned by earlier scans of one long-lived process (`mkdocs serve`): a
    rebuild rewrites a few pages whose lines are mostly unchanged (the app catalog, a
    megabyte of HTML at 1,000 connectors, changes by a line per edit). Valid only for the
    same secrets: a redactor with other configured secrets starts afresh. Bounded: after a
    scan that leaves more than ``MAX_LINES`` distinct lines or ``MAX_CHARS`` characters
    (a minified site is a line per page), it is emptied."""

    MAX_LINES = 300_000
    MAX_CHARS = 64 * 1024 * 1024

    def __init__(self) -> None:
        self._seen = _Seen()
        self._secrets: frozenset[tuple[str, str]] = frozenset()

    def lines_for(self, redactor: Redactor) -> _Seen:
        secrets = frozenset(redactor._labels.items())  # each form and what it is
        if secrets != self._secrets:
            self._seen, self._secrets = _Seen(), secrets
        return self._seen

    def trim(self) -> None:
        lines = self._seen.lines
        if len(lines) > self.MAX_LINES or sum(map(len, lines)) > self.MAX_CHARS:
            self._seen = _Seen()


def _scan_file(redactor: Redactor, site_dir: Path, since: float | None,
               derived: tuple[str, ...], seen: _Seen,
               file: tuple[Path, os.stat_result]) -> list[Diagnostic]:
    """One file of :func:`scan_site` (its path and stat)."""
    path, st = file
    real = path.relative_to(site_dir).as_posix()
    rel, diags = _scan_name(redactor, real)
    if real in derived or (since is not None and st.st_mtime < since):
        return diags  # unchanged since an earlier, scanned build
    kind = _scanned_as(path)
    if kind is None:
        return diags
    data, problem = _read_scanned(path, kind == "gzip")
    if problem:
        diags.append(error(rel, problem, code="secret-scan"))
        return diags
    lines = data.decode("utf-8", errors="replace").split("\n")
    return diags + _scan_lines(redactor, rel, lines, seen, "in the built site")


def scan_texts(texts: Iterable[tuple[str, str]], redactor: Redactor,
               where: str = "in the generated pages") -> list[Diagnostic]:
    """Secrets in generated files before they are written ((relative path, text) pairs:
    ``connector-docs generate`` and ``export``), reported as :func:`scan_site` reports a
    site's."""
    seen = _Seen()
    diags: list[Diagnostic] = []
    for real, text in texts:
        rel, found = _scan_name(redactor, real)
        diags += found + _scan_lines(redactor, rel, text.split("\n"), seen, where)
    return diags


def _scan_name(redactor: Redactor, real: str) -> tuple[str, list[Diagnostic]]:
    """A file's name redacted, and a diagnostic per secret in it. A file name is part of
    a URL whatever the file holds; the diagnostics show the name redacted, so the report
    does not print the secret it reports."""
    rel = redactor.redact(real)
    return rel, [error(rel, f"{description} in a file name", code="secret-in-site")
                 for _, description in redactor.hits(real)]


def _scan_lines(redactor: Redactor, rel: str, lines: list[str], seen: _Seen,
                where: str) -> list[Diagnostic]:
    """A diagnostic per secret in the lines of file ``rel`` (only lines ``seen`` has not
    matched before are matched)."""
    distinct = set(lines)
    seen.hot.update(_hits_by_line(redactor, list(distinct - seen.lines)))
    seen.lines |= distinct
    if seen.hot.keys().isdisjoint(distinct):
        return []
    diags = []
    for number, line in enumerate(lines, 1):
        for column, description in seen.hot.get(line, ()):
            diags.append(
                error(
                    rel,
                    f"{description} {where}",
                    line=number,
                    column=column + 1,
                    hint="redact smoke messages (smoke_config) and remove the value "
                    "from catalog, overlays and templates; rotate the credential",
                    code="secret-in-site",
                )
            )
    return diags


_CHUNK_LINES = 256


def _hits_by_line(redactor: Redactor, lines: list[str]
                  ) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """(line, :func:`_line_hits`) of each line that holds a secret. What could match is
    first looked for in a chunk of lines at once, joined: the configured secrets, and the
    token shapes' needles, in the text and in it decoded (``secretforms.joined_layers``:
    each line is decoded once, and no escape spans a line end, so the decoded lines joined
    hold whatever one of them does). Most chunks hold neither; in the others each line is
    screened the same way (``_screen``) and tried only for the shapes whose needles it
    holds."""
    literals = redactor.literals
    for start in range(0, len(lines), _CHUNK_LINES):
        chunk = lines[start:start + _CHUNK_LINES]
        decoded = [joined_layers(line) for line in chunk]
        mask = _screen("\n".join(chunk), literals, decoded="\n".join(filter(None, decoded)))
        if mask is None:
            continue
        for line, view in zip(chunk, decoded, strict=True):
            within = _screen(line, literals, mask, view)
            found = _line_hits(redactor, line, within, view) if within is not None else None
            if found:
                yield line, found


def _screen(text: str, literals: re.Pattern[str] | None, within: int = ALL_SHAPES,
            decoded: str | None = None) -> int | None:
    """The shapes (among ``within``) one of whose needles ``text`` holds, as written or
    decoded (``secretforms.joined_layers``, or ``decoded`` when given); None when it holds
    none of them and no configured secret either, so nothing in it can match."""
    if decoded is None:
        decoded = joined_layers(text)
    mask = _needle_mask(text, within) | (_needle_mask(decoded, within) if decoded else 0)
    if mask or (literals is not None
                and (literals.search(text) or (decoded and literals.search(decoded)))):
        return mask
    return None


def _line_hits(redactor: Redactor, line: str, within: int = ALL_SHAPES,
               decoded: str | None = None) -> list[tuple[int, str]]:
    """Secrets on one line, also those only the line decoded shows (``Redactor.hits``):
    the Markdown escaping writes ``_`` as ``&#95;``, so ``sk_live_...`` in a page's source
    reads ``sk&#95;live&#95;...`` while the browser shows it decoded; the search index
    writes ``<`` as ``\\u003c``."""
    if not line.strip():
        return []
    return redactor.hits(line, within, decoded=decoded)


def _read_scanned(path: Path, compressed: bool) -> tuple[bytes, str | None]:
    try:
        if compressed:
            with gzip.open(path, "rb") as stream:
                data = stream.read(MAX_SCANNED_BYTES + 1)
        else:
            data = path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        return b"", f"cannot read for the secret scan: {exc}"
    if len(data) > MAX_SCANNED_BYTES:
        return b"", "larger than 256 MB (decompressed); not scanned for secrets"
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    return data, None
