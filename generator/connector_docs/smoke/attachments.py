"""QA sign-off attachments: logs and screenshots filed with a smoke run, in a folder next
to it named after the run file with ``.attachments`` (``2026-11-20-qa.log`` ->
``2026-11-20-qa.attachments/``). Files at the folder's top belong to the whole run; a
subfolder named after a connector id holds that connector's own::

    smoke/2026-11-20-qa.log
    smoke/2026-11-20-qa.attachments/summary.txt            (the run)
    smoke/2026-11-20-qa.attachments/ledgerline/login.png   (ledgerline)

Only internal sites publish them (linked from the readiness page, under
``readiness/attachments/``), and rollout archives file them. Text (``.log``, ``.txt``,
``.json``, ``.xml``, ``.csv``, ``.md``) goes through the redactor; images (``.png``,
``.jpg``, ``.jpeg``, ``.gif``, ``.webp``) are copied as they are, never to a public site;
anything else (HTML and SVG included: they can carry script) is reported and left out.
Smoke discovery never reads a file under an ``.attachments`` folder as a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from connector_docs.diagnostics import Diagnostic, did_you_mean, warning

SUFFIX = ".attachments"
TEXT = (".log", ".txt", ".json", ".xml", ".csv", ".md")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
MAX_BYTES = 10 * 1024 * 1024  # per file
MAX_FILES = 200  # per run
PUBLISHED = "readiness/attachments"  # where an internal site serves them


@dataclass(frozen=True)
class Attachment:
    run: str  # the run file's path, as the run's ``path``
    folder: str  # the attachments folder's name ("2026-11-20-qa.attachments")
    connector_id: str | None  # None: it belongs to the whole run
    rel: str  # its path inside the attachments folder ("ledgerline/login.png")
    source: Path
    kind: str  # "text" | "image"
    size: int

    @property
    def published(self) -> str:
        """Its path in an internal site."""
        return f"{PUBLISHED}/{self.folder}/{self.rel}"

    def applies_to(self, connector_id: str) -> bool:
        return self.connector_id in (None, connector_id)

    def content(self, redact: Callable[[str], str]) -> bytes:
        """What is published or archived: text through ``redact``, images as they are."""
        data = self.source.read_bytes()
        if self.kind != "text":
            return data
        return redact(data.decode("utf-8", "replace")).encode()


def folder_of(run: Path) -> Path:
    return run.with_name(run.stem + SUFFIX)


def is_inside(parts: Iterable[str]) -> bool:
    """Whether a path (its parts, relative to the smoke folder) lies in an attachments
    folder: never a run."""
    return any(part.endswith(SUFFIX) for part in parts)


def find(runs: Iterable[str], known: Iterable[str]) -> tuple[list[Attachment], list[Diagnostic]]:
    """The attachments of the runs at ``runs`` (local paths; others are skipped), sorted,
    and what was left out, with why."""
    ids = set(known)
    found: list[Attachment] = []
    diags: list[Diagnostic] = []
    for run in sorted(set(runs)):
        folder = folder_of(Path(run))
        if not folder.is_dir():
            continue
        root = folder.resolve()
        files = sorted(p for p in folder.rglob("*")
                       if not any(x.startswith(".") for x in p.relative_to(folder).parts))
        kept = 0
        for path in files:
            rel = path.relative_to(folder).as_posix()
            if path.is_dir():
                if path.parent == folder and path.name not in ids:
                    diags.append(warning(str(path), f"attachments for '{path.name}', which "
                                         "the catalog does not have; not published",
                                         hint=did_you_mean(path.name, sorted(ids)) or "name the "
                                         "folder after a connector id", code="attachment"))
                continue
            parts = rel.split("/")
            if len(parts) > 2 or (len(parts) == 2 and parts[0] not in ids):
                continue  # deeper, or under a folder reported above
            if not path.resolve().is_relative_to(root) or path.is_symlink():
                diags.append(warning(str(path), "points outside its attachments folder; not "
                                     "published", code="path-escape",
                                     hint="copy the file into the folder instead of "
                                     "linking it"))
                continue
            suffix = path.suffix.lower()
            kind = "text" if suffix in TEXT else "image" if suffix in IMAGES else None
            size = path.stat().st_size
            why = (None if kind else f"a {suffix or 'suffix-less'} file is not published "
                   "(text and images only)")
            why = why or (f"over {MAX_BYTES // (1024 * 1024)} MB; not published"
                          if size > MAX_BYTES else None)
            why = why or (f"more than {MAX_FILES} attachments for this run; the rest are "
                          "not published" if kept >= MAX_FILES else None)
            if why:
                diags.append(warning(str(path), why, code="attachment",
                                     hint=f"attach {', '.join(TEXT + IMAGES)} files"))
                continue
            kept += 1
            found.append(Attachment(run, folder.name, parts[0] if len(parts) == 2 else None,
                                    rel, path, kind or "text", size))
    return found, diags
