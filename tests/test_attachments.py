"""QA sign-off attachments (issue 22, point 3): files filed beside a smoke run, published
by internal sites only (text redacted, images as they are), linked from the readiness
page per connector and run, and filed in rollout archives."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from connector_docs import smoke
from connector_docs.cli import main
from connector_docs.secrets.redact import REDACTED
from connector_docs.smoke import attachments

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import make_site, mkdocs_build

SECRET = "sk_test_EXAMPLEfake123"  # coinrail's key in the example smoke config
IDS = ["ledgerline", "parcelly"]


def folder(tmp_path: Path) -> Path:
    run = tmp_path / "smoke" / "2026-11-20-qa.log"
    run.parent.mkdir()
    run.write_text("=== Connector Smoke Results ===\n✅ ledgerline (1ms)\n")
    return attachments.folder_of(run)


def test_run_files_and_connector_folders_are_found(tmp_path: Path) -> None:
    att = folder(tmp_path)
    (att / "ledgerline").mkdir(parents=True)
    (att / "notes.txt").write_text("run notes")
    (att / "ledgerline" / "shot.PNG").write_bytes(b"\x89PNG")
    found, diags = attachments.find([str(att.parent / "2026-11-20-qa.log")], IDS)
    assert diags == []
    assert [(a.rel, a.connector_id, a.kind) for a in found] == [
        ("ledgerline/shot.PNG", "ledgerline", "image"), ("notes.txt", None, "text")]
    assert found[1].applies_to("parcelly") and not found[0].applies_to("parcelly")
    assert found[0].published == \
        "readiness/attachments/2026-11-20-qa.attachments/ledgerline/shot.PNG"


def test_what_is_left_out_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    att = folder(tmp_path)
    (att / "ledgerlin").mkdir(parents=True)
    (att / "ledgerlin" / "a.txt").write_text("x")
    (att / "report.html").write_text("<script>alert(1)</script>")
    (att / "chart.svg").write_text("<svg onload='alert(1)'/>")
    (att / "big.log").write_text("x" * 100)
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", att / "link.txt")
    monkeypatch.setattr(attachments, "MAX_BYTES", 50)
    found, diags = attachments.find([str(att.parent / "2026-11-20-qa.log")], IDS)
    assert found == []
    said = {Path(d.path).name: (d.message, d.hint) for d in diags}
    assert said["ledgerlin"][0].startswith("attachments for 'ledgerlin', which the catalog")
    assert said["ledgerlin"][1] == "did you mean 'ledgerline'?"
    assert said["report.html"][0] == "a .html file is not published (text and images only)"
    assert said["chart.svg"][0] == "a .svg file is not published (text and images only)"
    assert said["big.log"][0].startswith("over 0 MB")
    assert said["link.txt"][0] == "points outside its attachments folder; not published"
    assert all(not d.is_error for d in diags)


def test_discovery_never_reads_an_attachment_as_a_run(tmp_path: Path) -> None:
    att = folder(tmp_path)
    att.mkdir()
    (att / "2026-11-21-qa.log").write_text("=== Connector Smoke Results ===\n")
    files, diags = smoke.discover(tmp_path / "smoke")
    assert [p.name for p in files] == ["2026-11-20-qa.log"] and diags == []


@pytest.fixture
def internal_site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "project")
    text = root / "catalog" / "smoke" / "2026-11-20-qa.attachments" / "ledgerline" / \
        "invoice-flow.log"
    text.write_text(text.read_text() + f"09:14:04 debug: key={SECRET}\n")
    return root


@pytest.mark.e2e
def test_internal_sites_publish_and_link_them_redacted(internal_site: Path) -> None:
    result = mkdocs_build(internal_site)
    assert result.returncode == 0, result.stdout[-2000:]
    site = internal_site / "site" / "readiness"
    published = site / "attachments" / "2026-11-20-qa.attachments"
    log = (published / "ledgerline" / "invoice-flow.log").read_text()
    assert SECRET not in log and f"key={REDACTED}" in log
    source = ROOT / "catalog" / "smoke" / "2026-11-20-qa.attachments"
    assert (published / "ledgerline" / "invoice-paid.png").read_bytes() == \
        (source / "ledgerline" / "invoice-paid.png").read_bytes()
    page = (site / "index.html").read_text()
    page = page[page.index('id="attachments"'):]
    row = next(line for line in page.splitlines()
               if line.startswith('<li><a href="../connectors/ledgerline/">'))
    assert ('qa, 2026-11-20: <a href="attachments/2026-11-20-qa.attachments/ledgerline/'
            'invoice-flow.log">invoice-flow.log</a>') in row
    assert '<a href="attachments/2026-11-20-qa.attachments/sign-off.txt">sign-off.txt</a>' \
        in row
    parcelly = next(line for line in page.splitlines()
                    if line.startswith('<li><a href="../connectors/parcelly/">'))
    assert "invoice" not in parcelly and "sign-off.txt" in parcelly


@pytest.mark.e2e
def test_public_sites_publish_none(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"audience": "public"})
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    site = root / "site"
    assert not (site / "readiness").exists()
    assert not [p for p in site.rglob("*") if "attachments" in p.as_posix()
                and p.name != "attachments"]
    assert not any("invoice-flow" in p.read_text(errors="replace")
                   for p in site.rglob("*") if p.is_file()
                   and p.suffix in (".html", ".json", ".js", ".xml"))


def test_archives_file_the_attachments_of_the_runs_they_hold(
        internal_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(internal_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    result = CliRunner().invoke(main, ["archive", "ledgerline", "parcelly", "--out", "out"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(internal_site / "out" / "ledgerline.zip") as zf:
        names = zf.namelist()
        log = zf.read("ledgerline/qa/2026-11-20-qa.attachments/ledgerline/invoice-flow.log")
    assert "ledgerline/qa/2026-11-20-qa.attachments/ledgerline/invoice-paid.png" in names
    assert "ledgerline/qa/2026-11-20-qa.attachments/sign-off.txt" in names
    assert SECRET.encode() not in log and REDACTED.encode() in log
    with zipfile.ZipFile(internal_site / "out" / "parcelly.zip") as zf:
        qa = [n for n in zf.namelist() if "/qa/" in n]
    assert qa == ["parcelly/qa/2026-11-20-qa.attachments/sign-off.txt"]
