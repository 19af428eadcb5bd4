"""`connector-docs build --engine mkdocs|properdocs|zensical` and `connector-docs scan`.

The example catalog (with the example's writers' overlays) is built by each engine and
their articles compared page by page: ProperDocs' site is MkDocs' byte for byte but for
the generator meta tag; Zensical's articles are MkDocs' once what the theme and the
search plugin add is set aside (``article``; docs/manual/engines.md lists it). The fast
tests cover the pure parts (site/engines.py) and `scan` on hand-made sites."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from connector_docs import cli
from connector_docs import engines as engines_shell
from connector_docs.site import engines

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import make_site

# The example's Stable claims without evidence would fail a publishing build; these
# tests are about the engines.
PASSING = {"fail_on": ["none"]}
SECRET = "sk_test_EXAMPLEfake123"  # the example smoke config's Coinrail secretKey
HOME = ("# Home\n\n[Catalog](catalog/index.md)\n\n!!! note \"Writers\"\n\n"
        "    Guides merge the writers' overlays.\n")


def needs(engine: str) -> None:
    if importlib.util.find_spec(engine) is None:
        pytest.skip(f"{engine} cannot be imported here: {engines.INSTALL[engine]} "
                    "(pinned in the test extra)")


def example(tmp: Path) -> Path:
    """The example catalog with the example site's overlays, as a project in ``tmp``."""
    root = make_site(tmp, plugin=PASSING, docs={"index.md": HOME},
                     extra={"repo_url": "https://github.com/example/connector-docs",
                            "edit_uri": "edit/main/docs/"})
    shutil.copytree(ROOT / "docs" / "connectors", root / "docs" / "connectors")
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "connector_docs.cli", *args], cwd=root,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=600)


def article(html: str) -> str:
    """A page's article as the reader sees it, set apart from what differs by engine: HTML
    comments; the theme's buttons (edit, view) and icons (inline SVG); the skip-link
    target Zensical's theme adds; the regions the plugin marks for Material's search
    (``data-search-exclude``: MkDocs' search only); indentation and blank lines."""
    found = re.search(r"<article\b[^>]*>(.*?)</article>", html, re.S)
    assert found, "no <article> in the page"
    text = re.sub(r"<!--.*?-->", "", found.group(1), flags=re.S)
    text = re.sub(r'<a [^>]*class="md-content__button[^"]*"[^>]*>.*?</a>', "", text,
                  flags=re.S)
    text = re.sub(r'<a id="__skip"[^>]*></a>', "", text)
    text = re.sub(r"<svg\b.*?</svg>", "<svg/>", text, flags=re.S)
    text = re.sub(r"<div data-search-exclude(?: data-pagefind-ignore)?>|(?<=\n)</div>(?=\n)",
                  "", text)
    text = re.sub(r' data-(?:search-exclude|pagefind-ignore)(="[^"]*")?', "", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name != "404.html")


# --- the pure parts -------------------------------------------------------------------


def test_built_page_follows_use_directory_urls() -> None:
    assert engines.built_page("connectors/slack.md", True) == "connectors/slack/index.html"
    assert engines.built_page("catalog/index.md", True) == "catalog/index.html"
    assert engines.built_page("index.md", True) == "index.html"
    assert engines.built_page("connectors/slack.md", False) == "connectors/slack.html"


def test_zensical_config_inherits_and_adds_only_what_is_missing(tmp_path: Path) -> None:
    mkdocs_yml = tmp_path / "mkdocs.yml"
    settings = {"site_name": "X", "theme": {"name": "material", "custom_dir": "overrides"},
                "markdown_extensions": ["attr_list", {"toc": {"permalink": True}}],
                "extra_css": ["assets/connector-docs.css"]}
    config = yaml.safe_load(engines.zensical_config(mkdocs_yml, settings))
    assert config["INHERIT"] == str(mkdocs_yml.resolve())
    assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
    # Zensical's INHERIT appends lists: only the missing entries, never toc twice
    assert config["markdown_extensions"] == ["tables", "fenced_code", "admonition"]
    assert "extra_css" not in config
    assert config["extra_javascript"] == ["assets/connector-docs-catalog.js",
                                          "assets/connector-docs-readiness.js"]
    assert config["theme"] == {"custom_dir": str((tmp_path / "overrides").resolve())}
    # no list at all means MkDocs' defaults, not Zensical's larger set
    plain = yaml.safe_load(engines.zensical_config(mkdocs_yml, {"site_name": "X"}))
    assert plain["markdown_extensions"] == list(engines.NEEDED_EXTENSIONS)


def test_read_config_tolerates_tags_and_locates_errors(tmp_path: Path) -> None:
    good = tmp_path / "mkdocs.yml"
    good.write_text("site_name: !ENV [NAME, X]\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    settings, problems = engines.read_config(good)
    assert settings is not None and not problems
    bad = tmp_path / "bad.yml"
    bad.write_text("site_name: [x\n")
    settings, problems = engines.read_config(bad)
    assert settings is None and problems[0].path == str(bad) and problems[0].line


def test_kept_docs_leave_out_overlays(monkeypatch: pytest.MonkeyPatch) -> None:
    from .helpers import example_project

    proj = example_project(monkeypatch, docs_dir="docs")
    assert proj.overlays  # the example's writers' overlays
    own = ["index.md", "manual/cli.md", ".hidden/x.md", "connectors/ledgerline.md",
           "connectors/acme-crm.md", "connectors/not-a-connector.md"]
    assert engines.kept_docs(proj, own) == ["connectors/not-a-connector.md", "index.md",
                                            "manual/cli.md"]


def test_check_built_names_missing_pages_and_raw_overlays(tmp_path: Path) -> None:
    (tmp_path / "connectors" / "a").mkdir(parents=True)
    (tmp_path / "connectors" / "a" / "index.html").write_text("<p>writer's notes</p>")
    (tmp_path / "connectors" / "b").mkdir(parents=True)
    (tmp_path / "connectors" / "b" / "index.html").write_text('<h1 id="overview">B</h1>')
    sources = ["catalog/index.md", "connectors/a.md", "connectors/b.md"]
    found = engines.check_built(tmp_path, sources, True, "zensical", sources[1:])
    assert [d.code for d in found] == ["engine-skipped-plugin", "engine-raw-overlay"]
    assert "Zensical did not run connector-docs: 1 generated pages missing " \
           "(catalog/index.html)" in found[0].message
    assert "connector-docs build --engine zensical" in (found[0].hint or "")
    assert found[1].path.endswith("connectors/a/index.html")


def test_a_missing_engine_is_named_with_its_install_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setattr(engines_shell, "installed", lambda engine: False)
    for engine, hint in (("properdocs", "pip install properdocs==1.6.7"),
                         ("zensical", "pip install zensical==0.0.73")):
        result = CliRunner().invoke(cli.main, ["build", "--engine", engine])
        assert result.exit_code == 1
        assert f"is not installed: {hint}" in result.output
        assert "Traceback" not in result.output


def _fake_site(root: Path) -> Path:
    site = root / "built"
    for rel in ("index.html", "catalog/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("<p>ok</p>\n")
    return site


def test_scan_passes_a_clean_site_and_locates_a_planted_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    site = _fake_site(root)
    clean = CliRunner().invoke(cli.main, ["scan", "--secrets-only", "built"])
    assert clean.exit_code == 0, clean.output
    assert "no secrets in 2 files" in clean.output
    (site / "catalog" / "index.html").write_text(f"<p>ok</p>\n<p>key {SECRET}</p>\n")
    leak = CliRunner().invoke(cli.main, ["scan", "--secrets-only", "built"])
    assert leak.exit_code == 1
    assert "built/catalog/index.html:2:8: error: smoke-config value " \
        "/coinrail/credentials/secretKey" in leak.output and SECRET not in leak.output
    assert "must be rotated" in leak.output and "do not publish it" in leak.output
    missing = CliRunner().invoke(cli.main, ["scan", "missing-folder"])
    assert missing.exit_code == 1 and "no such folder" in missing.output


def test_scan_says_when_the_generated_pages_are_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    _fake_site(root)
    result = CliRunner().invoke(cli.main, ["scan", "built"])
    assert result.exit_code == 1
    assert "did not run connector-docs" in result.output
    assert "connector-docs build --engine mkdocs|properdocs|zensical" in result.output


# --- real builds ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example built by each installed engine (one project, three site folders)."""
    root = example(tmp_path_factory.mktemp("engines"))
    sites = {}
    for engine in engines.ENGINES:
        if importlib.util.find_spec(engine) is None:
            continue
        result = run(root, "build", "--engine", engine, "-d", f"site-{engine}")
        assert result.returncode == 0, result.stdout
        assert "Traceback" not in result.stdout
        sites[engine] = root / f"site-{engine}"
    return sites


@pytest.mark.e2e
def test_properdocs_builds_the_same_site_as_mkdocs(built: dict[str, Path]) -> None:
    needs("properdocs")
    mk, pd = built["mkdocs"], built["properdocs"]
    files = sorted(p.relative_to(mk).as_posix() for p in mk.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(pd).as_posix() for p in pd.rglob("*") if p.is_file())
    meta = re.compile(r'<meta name="generator" content="[^"]*">')
    differ = [rel for rel in files if meta.sub("", (mk / rel).read_bytes().decode(
        "utf-8", "replace")) != meta.sub("", (pd / rel).read_bytes().decode("utf-8", "replace"))]
    assert not differ, differ
    assert len([f for f in files if f.endswith(".html")]) >= 15
    assert 'content="mkdocs-ProperDocs 1.6.7' in (pd / "index.html").read_text()


@pytest.mark.e2e
def test_zensical_articles_match_mkdocs_page_by_page(built: dict[str, Path]) -> None:
    needs("zensical")
    mk, zen = built["mkdocs"], built["zensical"]
    assert pages_of(mk) == pages_of(zen)
    assert len(pages_of(mk)) >= 15  # home, 5 indexes, 10 guides
    assert 'content="zensical-' in (zen / "index.html").read_text()
    differ = [rel for rel in pages_of(mk)
              if article((mk / rel).read_text()) != article((zen / rel).read_text())]
    assert not differ, differ
    # what the finished pages need is there: the catalog's data, script and stylesheet,
    # stable anchors, admonitions
    assert (zen / "catalog" / "catalog.json").read_bytes() == \
        (mk / "catalog" / "catalog.json").read_bytes()
    catalog = (zen / "catalog" / "index.html").read_text()
    assert "assets/connector-docs-catalog.js" in catalog and "connector-docs.css" in catalog
    assert 'id="error-429"' in (zen / "connectors" / "sendwave" / "index.html").read_text()
    assert 'class="admonition note"' in (zen / "index.html").read_text()


@pytest.mark.e2e
def test_zensical_merges_overlays_and_never_publishes_them_raw(
        built: dict[str, Path]) -> None:
    needs("zensical")
    zen = built["zensical"]
    guide = (zen / "connectors" / "ledgerline" / "index.html").read_text()
    assert 'id="overview"' in guide and "one set of books per" in guide  # merged
    assert not list(zen.rglob("*.md")) and not (zen / "connectors" / "ledgerline.md").exists()
    assert not [p for p in zen.parent.iterdir() if p.name.startswith(".site-zensical.")]


@pytest.mark.e2e
def test_scan_passes_every_engines_site(built: dict[str, Path]) -> None:
    for engine, site in built.items():
        result = run(site.parent, "scan", site.name)
        assert result.returncode == 0, (engine, result.stdout)
        assert "the generated pages are there" in result.stdout


@pytest.mark.e2e
def test_zensical_on_the_plugins_own_config_is_caught(tmp_path: Path) -> None:
    """The trap: Zensical pointed at mkdocs.yml exits 0, skipping the plugin and
    publishing the overlays raw; `connector-docs scan` fails it, saying what to run."""
    needs("zensical")
    root = example(tmp_path)
    trap = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", "mkdocs.yml"],
                          cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=600)
    assert trap.returncode == 0, trap.stdout  # what the issue reports: silent success
    result = run(root, "scan", "site")
    assert result.returncode == 1
    assert "did not run connector-docs" in result.stdout
    assert "connectors/ledgerline/index.html: error: not a generated guide" in result.stdout


@pytest.mark.e2e
def test_a_config_without_the_plugin_fails_loudly(tmp_path: Path) -> None:
    root = example(tmp_path)
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"] = ["search"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    for engine in ("mkdocs", "properdocs"):
        if importlib.util.find_spec(engine) is None:
            continue
        result = run(root, "build", "--engine", engine)
        assert result.returncode == 1, result.stdout
        assert "would not run connector-docs: no connector-docs entry under plugins" \
            in result.stdout
        assert "Traceback" not in result.stdout and not (root / "site").exists()


@pytest.mark.e2e
def test_failed_zensical_build_keeps_the_previous_site(tmp_path: Path) -> None:
    needs("zensical")
    root = example(tmp_path)
    assert run(root, "build", "--engine", "zensical").returncode == 0
    site = root / "site"
    before = sorted(str(p.relative_to(site)) for p in site.rglob("*"))
    guide = (site / "connectors" / "ledgerline" / "index.html").read_bytes()
    (root / "catalog" / "connectors" / "ledgerline.json").write_text('{"id": "ledgerline",')
    failed = run(root, "build", "--engine", "zensical")
    assert failed.returncode == 1
    assert "ledgerline.json:1:" in failed.stdout and "previous site is untouched" in failed.stdout
    assert "Traceback" not in failed.stdout
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == before
    assert (site / "connectors" / "ledgerline" / "index.html").read_bytes() == guide
    assert not [p for p in root.iterdir() if p.name.startswith(".site.")]  # no leftovers


@pytest.mark.e2e
def test_zensical_build_refuses_a_site_with_a_secret(tmp_path: Path) -> None:
    needs("zensical")
    root = example(tmp_path)
    assert run(root, "build", "--engine", "zensical").returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    (root / "docs" / "leak.md").write_text(f"# Leak\n\nkey {SECRET}\n")
    failed = run(root, "build", "--engine", "zensical")
    assert failed.returncode == 1, failed.stdout
    assert "leak/index.html:" in failed.stdout and SECRET not in failed.stdout
    assert (root / "site" / "index.html").read_bytes() == before
    assert not (root / "site" / "leak").exists()


@pytest.mark.e2e
def test_real_catalog_articles_match_under_zensical(tmp_path: Path) -> None:
    """The platform's real catalog (154 pages public), MkDocs against Zensical."""
    from .conftest import REAL_CATALOG

    needs("zensical")
    if not REAL_CATALOG.is_dir():
        pytest.skip("../shared/real-catalog is not present")
    root = make_site(tmp_path, plugin={"catalog": str(REAL_CATALOG), "smoke": None,
                                       "smoke_config": None, "audience": "public",
                                       "fail_on": ["none"]},
                     extra={"markdown_extensions": ["attr_list", "admonition", "tables",
                                                    {"toc": {"permalink": True}}]})
    for engine in ("mkdocs", "zensical"):
        result = run(root, "build", "--engine", engine, "-d", engine)
        assert result.returncode == 0, result.stdout
    mk, zen = root / "mkdocs", root / "zensical"
    assert pages_of(mk) == pages_of(zen) and len(pages_of(mk)) > 100
    differ = [rel for rel in pages_of(mk)
              if article((mk / rel).read_text()) != article((zen / rel).read_text())]
    assert not differ, differ


@pytest.mark.e2e
def test_properdocs_runs_in_a_child_when_mkdocs_is_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Here MkDocs is already imported (the test session): ProperDocs cannot stand in for
    it in this process, so `build` runs it in a fresh one and passes its exit code on."""
    needs("properdocs")
    assert "mkdocs" in sys.modules
    root = example(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    result = CliRunner().invoke(cli.main, ["build", "--engine", "properdocs", "-d", "out"])
    assert result.exit_code == 0, result.output
    assert 'content="mkdocs-ProperDocs' in (root / "out" / "index.html").read_text()


@pytest.mark.e2e
def test_zensical_with_pagefind_indexes_the_site_and_adds_the_box(tmp_path: Path) -> None:
    needs("zensical")
    pytest.importorskip("pagefind", reason="pip install 'pagefind[extended]' (test extra)")
    root = example(tmp_path)
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"][1]["connector-docs"]["search_backend"] = "pagefind"
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run(root, "build", "--engine", "zensical")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "Pagefind indexed" in result.stdout
    site = root / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert 'src="../assets/connector-docs-search.js"' in \
        (site / "catalog" / "index.html").read_text()
    plain = example(tmp_path / "plain")
    assert run(plain, "build", "--engine", "zensical").returncode == 0
    assert not (plain / "site" / "pagefind").exists()
    assert "connector-docs-search.js" not in (plain / "site" / "catalog" / "index.html").read_text()
