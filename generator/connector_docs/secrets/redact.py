"""Redaction: what a secret is, in every form, and smoke output with none of them left.

The secrets are the values of the smoke runner's credentials file
(:mod:`connector_docs.secrets.config` says which), each matched in every form it can take on
its way into a page: as is, base64 (standard and URL-safe, padded or not, and inside a
longer base64 value such as ``Basic base64(user:secret)``), and any of those
percent-encoded, JSON-escaped or written as HTML character references, in whole or in
part. Well-known token shapes (:mod:`connector_docs.secrets.shapes`: Bearer and Basic
headers, Slack, Stripe, AWS, GitHub, JWT, passwords in URLs) are matched even without a
config. :class:`Redactor` replaces them in text and in smoke runs, and finds them for the
site scan (:mod:`connector_docs.secrets.scan`), which thus matches the same forms:
:mod:`connector_docs.secrets.forms` makes them (the literal forms, and the decoded layers of
the text they are also looked for in). Diagnostics name where a secret is, never the secret."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from connector_docs.diagnostics import Diagnostic
from connector_docs.model import SmokeRun
from connector_docs.secrets.config import (
    MIN_SECRET_LENGTH,
    ConfigSecret,
    config_secrets,
    read_config,
)
from connector_docs.secrets.fields import NO_OVERRIDES, Overrides
from connector_docs.secrets.forms import (
    View,
    base64_forms,
    described,
    fold,
    joined_layers,
    layers,
    literal_forms,
    trie_alternatives,
)
from connector_docs.secrets.shapes import ALL_SHAPES, shape_name, shapes_in
from connector_docs.text import clean

REDACTED = "[REDACTED]"


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
    def from_config(cls, path: Path, overrides: Overrides = NO_OVERRIDES
                    ) -> tuple[Redactor, list[Diagnostic]]:
        """Read the smoke runner's credentials file (:func:`read_config
        <connector_docs.secrets.config.read_config>`; ``overrides``: the user's
        ``secret`` / ``not_secret`` pointers). On any problem: a redactor for token
        shapes only, and error diagnostics (so the build fails rather than leaks)."""
        secrets, diags = read_config(path, overrides)
        return cls._of(secrets), diags

    @classmethod
    def from_config_data(cls, data: Any, name: str, overrides: Overrides = NO_OVERRIDES
                         ) -> tuple[Redactor, list[Diagnostic]]:
        """Collect secrets from already parsed config data (``name`` is for diagnostics)."""
        secrets, diags = config_secrets(data, name, overrides)
        return cls._of(secrets), diags

    @classmethod
    def _of(cls, secrets: list[ConfigSecret]) -> Redactor:
        redactor = cls()
        for secret in secrets:
            if secret.basic_pair:  # as HTTP Basic auth sends it: base64 only
                redactor._add_base64(secret.value, secret.label)
            else:
                redactor._add(secret.value, secret.label)
        return redactor

    # ------------------------------------------------------------------ collecting

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
            self._add_base64(secret, f"{label} (base64, as written)")
        for line in stripped.splitlines():  # a PEM key may be printed line by line
            if len(line.strip()) >= 16 and line != stripped:
                self._add(line.strip(), f"{label}, one line")
        self._pattern = None

    def _add_base64(self, secret: str, label: str) -> None:
        for form in base64_forms(secret.encode()):
            self._labels.setdefault(fold(form), label)
        self._pattern = None

    # ------------------------------------------------------------------- matching

    @property
    def literals(self) -> re.Pattern[str] | None:
        """Every literal form (``forms.literal_forms``) of every configured secret,
        as one regex (None without secrets). It is matched against text and against the
        text decoded (``forms.layers``): together, every form of a secret."""
        if self._pattern is None and self._labels:
            self._pattern = re.compile("|".join(trie_alternatives(self._labels)))
        return self._pattern

    @property
    def configured(self) -> frozenset[tuple[str, str]]:
        """Each literal form of the configured secrets and what it is: two redactors with
        the same find the same (the site scan's memory is valid for one of them only)."""
        return frozenset(self._labels.items())

    def redact(self, text: str) -> str:
        # Configured secrets first, so a token shape overlapping one cannot leave a piece
        # of it behind; then the shapes. Two passes beat one combined regex: with only
        # literal alternatives the engine skips impossible positions by first character.
        # Then both again in the text decoded, for the forms only decoding reveals.
        if self.literals is not None:
            text = self.literals.sub(REDACTED, text)
        shapes = shapes_in(text)
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
        the text decoded (``forms.layers``) shows: their offset is where their
        encoded form starts. A secret is reported once: a token shape overlapping a
        configured secret, or a match in the decoded text overlapping one in the text, is
        not reported again. ``within``: only these token shapes are tried (bits of
        ``ALL_SHAPES``; the others are known not to occur). ``decoded``: the text's
        ``forms.joined_layers``, when the caller has them already."""
        found: list[tuple[int, str]] = []
        spans = _Spans()
        if self.literals is not None:
            for match in self.literals.finditer(text):
                found.append((match.start(), self._labels[fold(match.group())]))
                spans.add(*match.span())
        shapes = shapes_in(text, within)
        for match in shapes.finditer(text) if shapes is not None else ():
            start, end = match.span()
            if match.group(match.lastgroup or 0) == REDACTED:
                continue  # "postgres://admin:[REDACTED]@host": redacted already
            if not spans.overlaps(start, end):
                found.append((start, shape_name(match.lastgroup or "v0")))
                spans.add(start, end)
        if decoded is None:
            decoded = joined_layers(text)
        if decoded and self._may_hold(decoded, within):
            for (start, _), label in self._decoded_hits(View(text), spans, within):
                found.append((start, label))
        return sorted(found)

    def _may_hold(self, decoded: str, within: int) -> bool:
        """Whether the decoded layers (``forms.joined_layers``) can hold a secret
        (cheap tests before mapping them back)."""
        if self.literals is not None and self.literals.search(decoded) is not None:
            return True
        shapes = shapes_in(decoded, within)
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
            shapes = shapes_in(decoded, within)
            for match in shapes.finditer(decoded) if shapes is not None else ():
                group = match.lastgroup or "v0"
                if match.group(group) == REDACTED:
                    continue
                start, end = match.span(group) if secret_part and group[0] == "v" \
                    else match.span()
                candidates.append((layer, start, end, shape_name(group)))
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
