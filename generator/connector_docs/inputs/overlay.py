"""Writers' overlays: ``docs/connectors/<id>.md`` files whose ``## Sections`` are merged
into the generated setup guide. Overlays are trusted (written by the docs team), so
their Markdown is kept as is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from connector_docs.diagnostics import Diagnostic, warning
from connector_docs.text import FENCE, anchor

# Sections the connector template places itself; any other section goes at the end.
KNOWN = ("before you begin", "authentication", "troubleshooting", "notes")
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_H3 = re.compile(r"^###\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Overlay:
    path: str  # the writer's file, relative to docs_dir (its src_uri)
    intro: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (title, body) in file order
    troubleshooting: tuple[tuple[str, str], ...] = field(default=())  # (code, body)

    def section(self, title: str) -> str:
        return next((body for name, body in self.sections if name.lower() == title), "")

    @property
    def extra_sections(self) -> tuple[tuple[str, str], ...]:
        return tuple((n, b) for n, b in self.sections if n.lower() not in KNOWN)

    def entry(self, code: str) -> str:
        return next((body for name, body in self.troubleshooting
                     if anchor(name) in (anchor(code), "error-" + anchor(code))), "")


def _split(lines: list[str], pattern: re.Pattern[str]) -> tuple[str, list[tuple[str, str]]]:
    intro: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    fenced = False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else pattern.match(line)
        if match:
            parts.append((match.group(1), []))
        elif parts:
            parts[-1][1].append(line)
        else:
            intro.append(line)
    return "\n".join(intro).strip(), [(t, "\n".join(b).strip()) for t, b in parts]


def parse(src_uri: str, text: str) -> Overlay:
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # front matter belongs to MkDocs, not to us
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    lines = [line for line in lines if not re.match(r"^#\s", line)]  # the title is ours
    intro, sections = _split(lines, _H2)
    trouble = next((body for name, body in sections if name.lower() == "troubleshooting"), "")
    trouble_intro, entries = _split(trouble.splitlines(), _H3)
    sections = [(n, trouble_intro if n.lower() == "troubleshooting" else b)
                for n, b in sections]
    return Overlay(src_uri, intro, tuple(sections), tuple(entries))


def load(docs_dir: Path, known_ids: set[str],
         codes: dict[str, set[str]]) -> tuple[dict[str, Overlay], list[Diagnostic]]:
    """Overlays by connector id. An overlay for an unknown connector, or a troubleshooting
    entry for a code the connector does not have, is a warning."""
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
        if conn_id not in known_ids:
            from connector_docs.diagnostics import did_you_mean

            diags.append(warning(shown, f"overlay for unknown connector '{conn_id}'",
                                 hint=did_you_mean(conn_id, known_ids)
                                 or "rename it to <connector id>.md", code="overlay-unknown"))
            continue
        overlay = parse(rel, path.read_text(encoding="utf-8-sig", errors="replace"))
        known_codes = {anchor(c) for c in codes.get(conn_id, set())}
        for name, _ in overlay.troubleshooting:
            if anchor(name).removeprefix("error-") not in known_codes:
                diags.append(warning(shown, f"troubleshooting entry '{name}' is not an error "
                                     f"code of '{conn_id}'", code="overlay-code",
                                     hint="known codes: " + ", ".join(sorted(codes.get(conn_id,
                                                                                       ())))))
        out[conn_id] = overlay
    return out, diags
