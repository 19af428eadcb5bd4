"""Rollout archives (issue 22, point 4): one zip per connector with its audit, the
redacted smoke results its level stands on, its guide, a manifest and checksums; the same
bytes on every run under SOURCE_DATE_EPOCH."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.secrets.redact import REDACTED

from .conftest import EXAMPLE_EPOCH
from .helpers import make_site

SECRET = "sk_test_EXAMPLEfake123"  # coinrail's key in the example smoke config


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(tmp_path / "project")
    run = root / "catalog" / "smoke" / "2026-11-18-engineering.json"
    # A run that echoed a credential: the archive files it redacted, like every page.
    run.write_text(run.read_text().replace("Connection test succeeded.",
                                           f"Connection test succeeded with {SECRET}.", 1))
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    return root


def archive(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["archive", *args])
    return result.exit_code, result.output


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_an_archive_holds_audit_smoke_guide_manifest_and_sums(site: Path) -> None:
    code, out = archive("ledgerline", "--out", "out")
    assert code == 0, out
    assert "wrote 1 archive to out" in out
    files = entries(site / "out" / "ledgerline.zip")
    names = sorted(files)
    assert names == ["ledgerline/SHA256SUMS", "ledgerline/audit.json", "ledgerline/guide.md",
                     "ledgerline/manifest.json",
                     "ledgerline/qa/2026-11-20-qa.attachments/ledgerline/invoice-flow.log",
                     "ledgerline/qa/2026-11-20-qa.attachments/ledgerline/invoice-paid.png",
                     "ledgerline/qa/2026-11-20-qa.attachments/sign-off.txt",
                     "ledgerline/smoke/2026-11-18-engineering.json",
                     "ledgerline/smoke/2026-11-20-qa.log",
                     "ledgerline/smoke/2026-11-24-nightly.xml"]
    manifest = json.loads(files["ledgerline/manifest.json"])
    assert manifest["connector"] == "ledgerline" and manifest["shown"] == "stable"
    assert manifest["built"] == "2026-11-25T12:00:00Z"
    listed = {f["path"]: f for f in manifest["files"]}
    for line in files["ledgerline/SHA256SUMS"].decode().splitlines():
        digest, path = line.split("  ")
        data = files[f"ledgerline/{path}"]
        assert hashlib.sha256(data).hexdigest() == digest == listed[path]["sha256"]
        assert listed[path]["bytes"] == len(data)
    assert set(listed) == {n.split("/", 1)[1] for n in names} - {"manifest.json",
                                                                  "SHA256SUMS"}
    audit = CliRunner().invoke(main, ["audit", "--connector", "ledgerline", "--format",
                                      "json"])
    assert json.loads(files["ledgerline/audit.json"]) == json.loads(audit.stdout)
    assert files["ledgerline/guide.md"].decode().startswith("---") or \
        "# Ledgerline" in files["ledgerline/guide.md"].decode()


def test_smoke_files_are_redacted_and_no_secret_is_written(site: Path) -> None:
    code, out = archive("--all", "--out", "out")
    assert code == 0, out
    for zipped in (site / "out").glob("*.zip"):
        for name, data in entries(zipped).items():
            assert SECRET.encode() not in data, name
    smoke = entries(site / "out" / "ledgerline.zip")[
        "ledgerline/smoke/2026-11-18-engineering.json"].decode()
    assert f"Connection test succeeded with {REDACTED}." in smoke


def test_two_runs_write_the_same_bytes(site: Path) -> None:
    assert archive("--all", "--out", "one")[0] == 0
    assert archive("--all", "--out", "two")[0] == 0
    one = sorted((site / "one").iterdir())
    assert [p.name for p in one] == sorted(p.name for p in (site / "two").iterdir())
    assert len(one) == 10
    for path in one:
        assert path.read_bytes() == (site / "two" / path.name).read_bytes(), path.name
    with zipfile.ZipFile(one[0]) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 25, 12, 0, 0)}


@pytest.mark.parametrize("args,expected", [
    (["ledgerlin"], "no connector 'ledgerlin' in the catalog\n  hint: did you mean "
                    "'ledgerline'?"),
    ([], "name one or more connector ids, or pass --all"),
    (["ledgerline", "--all"], "name one or more connector ids, or pass --all"),
])
def test_what_archive_refuses(site: Path, args: list[str], expected: str) -> None:
    code, out = archive(*args)
    assert code == 1
    assert expected in out and "Traceback" not in out
    assert not (site / "archive").exists()


def test_a_zip_is_never_half_written(site: Path) -> None:
    (site / "out").write_text("a file where the folder goes")
    code, out = archive("ledgerline", "--out", "out")
    assert code == 2 and "'out' is a file" in out  # a usage error, said before any work
    (site / "sub").mkdir()
    (site / "sub" / "ledgerline.zip").mkdir()  # the name is taken by a folder
    code, out = archive("ledgerline", "--out", "sub")
    assert code == 1 and "sub: cannot write the archives" in out
    assert [p.name for p in (site / "sub").iterdir()] == ["ledgerline.zip"]  # no .part left
    buffer = io.BytesIO((site / "out").read_bytes())
    assert buffer.getvalue() == b"a file where the folder goes"
