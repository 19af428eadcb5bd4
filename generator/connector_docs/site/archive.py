"""Rollout archives (``connector-docs archive``): one zip per connector, what a release
manager files when a connector ships, reproducible byte for byte under
SOURCE_DATE_EPOCH (every entry dated the build date, fixed order and permissions).

A zip holds:

- ``audit.json``: the connector's row of the readiness report, as
  ``connector-docs audit --connector ID --format json`` prints it;
- ``smoke/<file>``: the smoke result files its level stands on (the newest result of
  each suite, and the newest pass), redacted as every page is; a remote run is listed in
  the manifest, not copied;
- ``guide.md``: the connector's guide as the site renders it (the configured audience,
  the writer's overlay merged);
- ``qa/<run>.attachments/...``: the QA sign-off attachments of those runs, the run's own
  and the connector's (``smoke.attachments``), text redacted;
- ``manifest.json`` (connector, version, level, build date, every file with its size and
  SHA-256) and ``SHA256SUMS`` (``sha256sum -c`` reads it).

Nothing is written when any text holds a configured secret (the caller scans
:attr:`Archive.texts` first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from connector_docs.decisions import audit
from connector_docs.project import Project
from connector_docs.site import pages, render

FORMAT_VERSION = 1
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # the earliest a zip holds


@dataclass(frozen=True)
class Archive:
    connector_id: str
    name: str  # the zip's file name
    files: tuple[tuple[str, bytes], ...]  # (path in the zip, content), sorted
    remote: tuple[str, ...]  # smoke runs named but not copied (read from a URL)

    @property
    def texts(self) -> list[tuple[str, str]]:
        return [(f"{self.name}/{path}", data.decode("utf-8", "replace"))
                for path, data in self.files]


def archives(project: Project, ids: list[str]) -> list[Archive]:
    """An archive per connector id (ids the site shows; the caller checks them)."""
    conns = {c.id: c for c in pages.visible(project)}
    specs = {s.connector_id: s for s in pages.plan(project) if s.connector_id in ids}
    guides = dict(zip(specs, render.render_many(list(specs.values()),
                                                project.options.template_folder()),
                      strict=True))
    report = project.readiness()
    found = []
    for cid in ids:
        conn, decision = conns[cid], project.decisions[cid]
        files: dict[str, bytes] = {
            "audit.json": (json.dumps(audit.to_json(report.only(cid)), indent=2,
                                      ensure_ascii=False) + "\n").encode(),
            "guide.md": guides[cid].encode(),
        }
        remote: list[str] = []
        backing = {e.path for e in decision.newest_by_suite}
        backing |= {e.path for e in decision.history if e.status == "passed"
                    and e.ran_at.date() == decision.last_verified}
        for path in sorted(backing):
            source = _local(project, path)
            if source is None:
                remote.append(path)
                continue
            text = source.read_bytes().decode("utf-8", "replace")
            files[f"smoke/{source.name}"] = project.redactor.redact(text).encode()
        for a in project.attachments:  # QA sign-off files of the runs filed above
            if a.run in backing and a.applies_to(cid):
                files[f"qa/{a.folder}/{a.rel}"] = a.content(project.redactor.redact)
        digests = {p: hashlib.sha256(d).hexdigest() for p, d in sorted(files.items())}
        manifest = {
            "formatVersion": FORMAT_VERSION,
            "connector": cid,
            "name": conn.name,
            "version": conn.version,
            "claimed": decision.claimed,
            "shown": decision.shown,
            "lastVerified": str(decision.last_verified) if decision.last_verified else None,
            "built": project.build_date.isoformat().replace("+00:00", "Z"),
            "remoteSmoke": sorted(project.redactor.redact(p) for p in remote),
            "files": [{"path": p, "bytes": len(files[p]), "sha256": digest}
                      for p, digest in digests.items()],
        }
        sums = "".join(f"{digest}  {p}\n" for p, digest in digests.items())
        files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False)
                                  + "\n").encode()
        files["SHA256SUMS"] = sums.encode()
        found.append(Archive(cid, f"{cid}.zip", tuple(sorted(files.items())), tuple(remote)))
    return found


def _local(project: Project, path: str) -> Path | None:
    if project.options.is_url(path):
        return None
    for candidate in (Path(path), project.options.path(path)):
        if candidate.is_file():
            return candidate
    return None


def zip_bytes(archive: Archive, when: dt.datetime) -> bytes:
    """The zip, the same bytes for the same files and date."""
    stamp = max(when.astimezone(dt.timezone.utc), _ZIP_EPOCH).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for path, data in archive.files:
            info = zipfile.ZipInfo(f"{archive.connector_id}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the machine
            out.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
