"""Writers' overlays: ``docs/connectors/<id>.md`` files whose ``## Sections`` are merged
into the generated setup guide. Overlays are trusted (written by the docs team), so
their Markdown is kept as is.

A section the guide places itself (``KNOWN``) that appears twice is merged in file order
and reported (nothing is dropped). A writer replaces the generated text of a section in
``REPLACEABLE`` instead of adding to it by starting the section with the marker line
``<!-- connector-docs: replace -->``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from connector_docs.diagnostics import Diagnostic, warning
from connector_docs.text import FENCE, anchor

# Sections the connector template places itself; any other section goes at the end.
KNOWN = ("before you begin", "authentication", "troubleshooting", "notes")
# Known sections whose generated text a writer may replace (the rest have none to replace
# or, for troubleshooting, per-code entries a writer overrides one by one with ### code).
REPLACEABLE = ("before you begin", "authentication")
REPLACE_MARKER = "<!-- connector-docs: replace -->"
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_H3 = re.compile(r"^###\s+(.+?)\s*#*\s*$")

Line = tuple[int, str]  # (1-based line number in the writer's file, text)


@dataclass(frozen=True)
class Overlay:
    path: str  # the writer's file, relative to docs_dir (its src_uri)
    intro: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (title, body) in file order, known merged
    troubleshooting: tuple[tuple[str, str], ...] = field(default=())  # (code, body)
    replaced: tuple[str, ...] = ()  # known sections (lower case) the writer replaces
    # (title, first line, repeated line) of a known section that appears more than once
    repeated: tuple[tuple[str, int, int], ...] = ()
    # (title, line) of a replace marker in a section that cannot be replaced
    stray_markers: tuple[tuple[str, int], ...] = ()

    def section(self, title: str) -> str:
        return next((body for name, body in self.sections if name.lower() == title), "")

    def replaces(self, title: str) -> bool:
        """Whether the writer's section stands in place of the generated one."""
        return title in self.replaced

    @property
    def extra_sections(self) -> tuple[tuple[str, str], ...]:
        return tuple((n, b) for n, b in self.sections if n.lower() not in KNOWN)

    def entry(self, code: str) -> str:
        return next((body for name, body in self.troubleshooting
                     if anchor(name) in (anchor(code), "error-" + anchor(code))), "")


def _split(lines: list[Line], pattern: re.Pattern[str]
           ) -> tuple[str, list[tuple[str, int, list[Line]]]]:
    intro: list[str] = []
    parts: list[tuple[str, int, list[Line]]] = []
    fenced = False
    for number, line in lines:
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else pattern.match(line)
        if match:
            parts.append((match.group(1), number, []))
        elif parts:
            parts[-1][2].append((number, line))
        else:
            intro.append(line)
    return "\n".join(intro).strip(), parts


def _text(lines: list[Line]) -> str:
    return "\n".join(line for _, line in lines).strip()


def parse(src_uri: str, text: str) -> Overlay:
    lines = list(enumerate(text.splitlines(), 1))
    if lines and lines[0][1].strip() == "---":  # front matter belongs to MkDocs, not to us
        end = next((i for i, (_, line) in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    lines = [(n, line) for n, line in lines if not re.match(r"^#\s", line)]  # title is ours
    intro, parts = _split(lines, _H2)
    sections: list[tuple[str, str]] = []
    merged: dict[str, tuple[int, list[Line]]] = {}  # known title -> (its index, lines)
    first_line: dict[str, int] = {}
    repeated: list[tuple[str, int, int]] = []
    for title, number, body in parts:
        key = title.lower()
        if key not in KNOWN:
            sections.append((title, _text(body)))
            continue
        if key in merged:
            repeated.append((title, first_line[key], number))
            merged[key][1].extend([(number, ""), *body])
            continue
        first_line[key] = number
        merged[key] = (len(sections), list(body))
        sections.append((title, ""))
    replaced: list[str] = []
    stray: list[tuple[str, int]] = []
    for key, (index, body) in merged.items():
        marks = [n for n, line in body if line.strip() == REPLACE_MARKER]
        if marks and key in REPLACEABLE:
            replaced.append(key)
        elif marks:
            stray.append((sections[index][0], marks[0]))
        body[:] = [(n, line) for n, line in body if line.strip() != REPLACE_MARKER]
        sections[index] = (sections[index][0], _text(body))
    trouble_lines = merged.get("troubleshooting", (0, []))[1]
    trouble_intro, entries = _split(trouble_lines, _H3)
    sections = [(n, trouble_intro if n.lower() == "troubleshooting" else b)
                for n, b in sections]
    return Overlay(src_uri, intro, tuple(sections),
                   tuple((t, _text(b)) for t, _, b in entries), tuple(replaced),
                   tuple(repeated), tuple(stray))


def problems(overlay: Overlay, shown: str) -> list[Diagnostic]:
    """What a writer should know about how their file was read."""
    diags = []
    for title, first, again in overlay.repeated:
        diags.append(warning(shown, f"'## {title}' appears again (first at line {first}); "
                             "both are shown, merged in file order", line=again, column=1,
                             code="overlay-repeated-section",
                             hint=f"merge the two '## {title}' sections into one"))
    for title, line in overlay.stray_markers:
        diags.append(warning(shown, f"'## {title}' cannot replace a generated section; "
                             "the replace marker is ignored", line=line, column=1,
                             code="overlay-replace-marker",
                             hint="only " + " and ".join(f"'## {t.title()}'" for t in
                                                         REPLACEABLE) + " can be replaced"))
    return diags


def load(docs_dir: Path, known_ids: set[str], codes: dict[str, set[str]],
         broken: Collection[str] = ()) -> tuple[dict[str, Overlay], list[Diagnostic]]:
    """Overlays by connector id. An overlay for an unknown connector, or a troubleshooting
    entry for a code the connector does not have, is a warning; one for a connector whose
    definition is ``broken`` is skipped quietly (the definition's errors say why)."""
    folder = docs_dir / "connectors"
    out: dict[str, Overlay] = {}
    diags: list[Diagnostic] = []
    if not folder.is_dir():
        return out, diags
    root = docs_dir.resolve()
    for path in sorted(folder.glob("*.md")):
        rel = f"connectors/{path.name}"
        shown = str(Path(docs_dir.name, rel))
        if not path.resolve().is_relative_to(root):
            diags.append(warning(shown, "overlay links outside the docs folder; ignored"))
            continue
        conn_id = path.stem
        if conn_id in broken:
            continue
        if conn_id not in known_ids:
            from connector_docs.diagnostics import did_you_mean

            diags.append(warning(shown, f"overlay for unknown connector '{conn_id}'",
                                 hint=did_you_mean(conn_id, known_ids)
                                 or "rename it to <connector id>.md", code="overlay-unknown"))
            continue
        overlay = parse(rel, path.read_text(encoding="utf-8-sig", errors="replace"))
        diags.extend(problems(overlay, shown))
        known_codes = {anchor(c) for c in codes.get(conn_id, set())}
        for name, _ in overlay.troubleshooting:
            if anchor(name).removeprefix("error-") not in known_codes:
                diags.append(warning(shown, f"troubleshooting entry '{name}' is not an error "
                                     f"code of '{conn_id}'", code="overlay-code",
                                     hint="known codes: " + ", ".join(sorted(codes.get(conn_id,
                                                                                       ())))))
        out[conn_id] = overlay
    return out, diags
