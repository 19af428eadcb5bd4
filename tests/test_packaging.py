"""Packaging: what a user of the installed package gets. The JSON Schemas by a stable
reference, a lean install for validation, a pre-commit hook that fires on what a build
reads, a license, and a wheel that builds a site from a folder holding only mkdocs.yml
and a catalog, beside a docs repository's own ``generator/`` folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.inputs.validators import PUBLISHED_SCHEMAS

from .conftest import EXAMPLE_EPOCH, ROOT

PACKAGED = ROOT / "generator" / "connector_docs" / "inputs" / "schema"


def pyproject() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")
    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return data


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# ----------------------------------------------------------------------------- schemas


def test_schema_prints_each_published_schema_as_shipped() -> None:
    for name in PUBLISHED_SCHEMAS:
        code, out = cli("schema", name)
        assert code == 0
        assert out == (PACKAGED / f"{name}.schema.json").read_text(encoding="utf-8")
        jsonschema.Draft202012Validator.check_schema(json.loads(out))
    code, out = cli("schema")
    assert code == 0 and json.loads(out)["title"] == "connector-docs connector definition"


def test_schema_writes_all_or_the_named_ones(tmp_path: Path) -> None:
    code, out = cli("schema", "--out", str(tmp_path / "all"))
    assert code == 0 and "wrote 5 schemas" in out
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(
        f"{name}.schema.json" for name in PUBLISHED_SCHEMAS)
    code, _ = cli("schema", "manifest", "--out", str(tmp_path / "one"))
    assert code == 0
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["manifest.schema.json"]


def test_schema_refuses_unknown_names_and_two_to_print(tmp_path: Path) -> None:
    code, out = cli("schema", "manifests")
    assert code == 1
    assert "no schema named 'manifests'" in out and "did you mean 'manifest'?" in out
    code, out = cli("schema", "connector", "manifest")
    assert code == 1 and "--out" in out
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out = cli("schema", "--out", str(blocker / "sub"))
    assert code == 1 and "cannot write the schemas" in out and "Traceback" not in out
    code, out = cli("schema", "--list")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == list(
        PUBLISHED_SCHEMAS)


def test_the_example_catalog_points_at_the_written_copy_which_matches_the_package() -> None:
    written = ROOT / "catalog" / "schema"
    for name in PUBLISHED_SCHEMAS:
        assert (written / f"{name}.schema.json").read_text(encoding="utf-8") == (
            PACKAGED / f"{name}.schema.json").read_text(encoding="utf-8"), (
            f"catalog/schema/{name}.schema.json is stale: run connector-docs schema --out "
            "catalog/schema")
    for path in sorted((ROOT / "catalog" / "connectors").glob("*.json")):
        ref = json.loads(path.read_text(encoding="utf-8"))["$schema"]
        assert not ref.startswith("../../generator"), path
        assert (path.parent / ref).resolve() == (written / "connector.schema.json").resolve()


def manifest_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads((PACKAGED / "manifest.schema.json").read_text(encoding="utf-8")))


def test_the_manifest_schema_accepts_the_flags_and_refuses_what_lint_refuses() -> None:
    check = manifest_validator()
    good = {"id": "adp", "description": "Payroll", "pricingTier": "starter",
            "status": {"beta": True, "featured": False}, "concurrency": {"global": 4}}
    assert not list(check.iter_errors(good))
    for bad in ({"id": "adp", "status": {"beta": "yes"}},     # a flag is a boolean
                {"id": "adp", "status": {"betta": True}},     # an unknown flag
                {"id": "adp", "pricingTier": 3},
                {"id": "Not An Id"},
                {"description": "no id"}):
        assert list(check.iter_errors(bad)), bad


def test_every_real_manifest_matches_the_manifest_schema(real_catalog: Path) -> None:
    check = manifest_validator()
    manifests = sorted(real_catalog.glob("*/manifest.json"))
    assert len(manifests) > 100
    failures = {p.parent.name: [e.message for e in check.iter_errors(json.loads(p.read_text()))]
                for p in manifests}
    assert not {k: v for k, v in failures.items() if v}


# ----------------------------------------------------------------- lean installation


BLOCK_MKDOCS = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("mkdocs", "material"):
            raise ImportError(f"No module named {name!r} (blocked by the test)", name=name)
        return None
sys.meta_path.insert(0, Block())
from connector_docs.cli import main
main()
"""


def cli_without_mkdocs(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH,
           "PYTHONPATH": str(ROOT / "generator")}
    return subprocess.run([sys.executable, "-c", BLOCK_MKDOCS, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.e2e
def test_validate_generate_export_and_schema_run_without_mkdocs(tmp_path: Path) -> None:
    for args in (["validate", "--docs"], ["audit", "--connector", "ledgerline"],
                 ["generate", "--out", str(tmp_path / "md")],
                 ["export", "--out", str(tmp_path / "catalog.json")],
                 ["schema", "manifest"]):
        result = cli_without_mkdocs(args, ROOT)
        assert "blocked by the test" not in result.stdout + result.stderr, args
        assert "Traceback" not in result.stderr, (args, result.stderr[-2000:])
    assert (tmp_path / "md" / "connectors" / "ledgerline.md").is_file()
    assert json.loads((tmp_path / "catalog.json").read_text())["connectors"]


@pytest.mark.e2e
def test_build_without_mkdocs_says_which_extra_to_install(tmp_path: Path) -> None:
    result = cli_without_mkdocs(["build"], ROOT)
    assert result.returncode == 1
    assert "pip install 'connector-docs[mkdocs]'" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ hook and license


def test_the_pre_commit_hook_fires_on_what_a_build_reads() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    files = re.compile(hook["files"])
    for path in ("catalog/connectors/slack.json", "connectors/adp/manifest.json",
                 "catalog/smoke/2026-11-20-qa.xml", "catalog/smoke/2026-11-20-eng.log",
                 "catalog/smoke/run.txt", "mkdocs.yml", "site/mkdocs.yaml"):
        assert files.search(path), path
    for path in ("README.md", "docs/connectors/slack.md", "templates/connector.md.j2",
                 "notmkdocs.yml.bak"):
        assert not files.search(path), path
    assert hook["entry"] == "connector-docs validate" and hook["pass_filenames"] is False


def git_tags(git: Path) -> set[str]:
    """The tags of a repository, read from its files (loose refs and packed-refs)."""
    if not git.is_dir():
        return set()
    tags = {p.relative_to(git / "refs" / "tags").as_posix()
            for p in (git / "refs" / "tags").rglob("*") if p.is_file()}
    packed = git / "packed-refs"
    if packed.is_file():
        tags |= set(re.findall(r"^[0-9a-f]{40} refs/tags/(\S+)$", packed.read_text(), re.M))
    return tags


def test_the_hook_installs_lean_and_its_documented_rev_is_this_version() -> None:
    project = pyproject()["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("mkdocs")]
    assert any(d.startswith("mkdocs>=") for d in project["optional-dependencies"]["mkdocs"])
    revs = re.findall(r"^\s+rev: (\S+)$", (ROOT / "docs" / "manual" / "ci.md").read_text(),
                      re.M)
    assert revs == [f"v{project['version']}"]
    tags = git_tags(ROOT / ".git")
    if not tags:
        pytest.skip("this clone carries no git tags to check the rev against")
    assert revs[0] in tags, f"tag {revs[0]} missing: git tag {revs[0]}"


def test_a_license_ships_and_matches_the_metadata() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    project = pyproject()
    assert project["project"]["license"] == "MIT"
    assert "LICENSE" in project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


# ------------------------------------------------------------------------ the wheel


@pytest.mark.e2e
def test_a_wheel_in_a_fresh_venv_builds_a_folder_without_docs_beside_a_generator_folder(
        tmp_path: Path) -> None:
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is needed to copy the project")
    pytest.importorskip("hatchling", reason="the test extra installs hatchling")
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = wheels.glob("connector_docs-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=600, check=False)
    assert installed.returncode == 0, installed.stderr[-2000:]

    site = tmp_path / "docs-repo"
    shutil.copytree(ROOT / "catalog", site / "catalog")
    (site / "generator").mkdir()  # the docs repository's own code generator
    (site / "generator" / "__init__.py").write_text("raise SystemExit('wrong generator')\n")
    (site / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Connectors",
        "theme": {"name": "material"},
        "plugins": ["search", {"connector-docs": {
            "catalog": "catalog/connectors", "smoke": "catalog/smoke",
            "smoke_config": "catalog/smoke-config.example.json",
            "fail_on": ["secrets", "links"]}}],  # the example's Stable claims lack evidence
    }))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(SOURCE_DATE_EPOCH=EXAMPLE_EPOCH, NO_MKDOCS_2_WARNING="1")
    where = subprocess.run([str(python), "-c", "import connector_docs; print(connector_docs"
                            ".__file__)"], cwd=site, env=env, capture_output=True, text=True,
                           check=False)
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    result = subprocess.run([str(env_dir / "bin" / "connector-docs"), "build"], cwd=site,
                            env=env, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    page = (site / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    assert "Ledgerline" in page
    assert (site / "site" / "catalog" / "index.html").is_file()
    assert not (site / "docs").exists()  # nothing left behind for the build
    assert sorted(p.name for p in site.iterdir()) == [".cache", "catalog", "generator",
                                                       "mkdocs.yml", "site"]
