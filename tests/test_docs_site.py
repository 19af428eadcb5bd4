"""The project's manual (docs/manual/, part of the example site) and README stay true to the
code: every plugin option and CLI flag is documented, nothing documented is made up, the
README keeps its Quick start and links, and the site builds with every manual page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
from connector_docs import cli, plugin
from mkdocs.config.base import BaseConfigOption

from .conftest import ROOT
from .helpers import mkdocs_build

MANUAL = ROOT / "docs" / "manual"
README = ROOT / "README.md"
# CI runs these (.ci/run); users copy them: byte for byte.
QUICK_START = (
    "pip install -e '.[mkdocs]' && SOURCE_DATE_EPOCH=1795608000 mkdocs serve -a 127.0.0.1:8000",
    "pip install -e '.[test]' && python -m pytest",
)


def sections(text: str) -> dict[str, str]:
    """The page's ``## `` sections by heading text (code fences are not headings)."""
    found: dict[str, str] = {}
    title, lines, fenced = "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            found[title] = "\n".join(lines)
            title, lines = line[3:].strip(), []
        else:
            lines.append(line)
    found[title] = "\n".join(lines)
    return found


def plugin_options() -> dict[str, BaseConfigOption[Any]]:
    return {name: value for name, value in vars(plugin.ConnectorDocsConfig).items()
            if isinstance(value, BaseConfigOption)}


def shown_default(value: object) -> str:
    """A default as the options page writes it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_every_plugin_option_is_documented_and_nothing_else() -> None:
    options = plugin_options()
    assert options, "ConnectorDocsConfig declares no options: did the class move?"
    page = sections((MANUAL / "options.md").read_text(encoding="utf-8"))
    documented = {m.group(1): body for title, body in page.items()
                  if (m := re.fullmatch(r"`(\w+)`", title))}
    assert set(documented) == set(options), (
        f"undocumented: {sorted(set(options) - set(documented))}; "
        f"documented but not an option: {sorted(set(documented) - set(options))}")
    for name, option in options.items():
        assert f"Default: {shown_default(option.default)}." in documented[name], name
    summary = re.findall(r"^\| \[`(\w+)`\]", page[""], flags=re.M)
    assert sorted(summary) == sorted(options), "the summary table lists other options"


def _long_flags(params: list[click.Parameter]) -> set[str]:
    return {flag for p in params if isinstance(p, click.Option)
            for flag in (*p.opts, *p.secondary_opts) if flag.startswith("--")}


def test_every_subcommand_and_flag_is_documented_and_nothing_else() -> None:
    text = (MANUAL / "cli.md").read_text(encoding="utf-8")
    page = sections(text)
    for flag in _long_flags(cli.main.params):
        assert f"`{flag}" in page[""], f"connector-docs {flag} is not documented"
    assert cli.main.commands, "the click group has no subcommands"
    for name, command in cli.main.commands.items():
        assert name in page, f"no '## {name}' section in docs/manual/cli.md"
        flags = _long_flags(command.params)
        for flag in flags:
            assert f"`{flag}" in page[name], f"{name} {flag} is not documented"
        tabled = {flag for row in re.findall(r"^\| `-.*$", page[name], flags=re.M)
                  for flag in re.findall(r"--[a-z][a-z-]*", row.split(" | ")[0])}
        assert tabled <= flags, f"{name}: documented flags that do not exist: {tabled - flags}"
    documented = {title for title in page if re.fullmatch(r"[a-z]+", title)}
    assert documented <= set(cli.main.commands), documented - set(cli.main.commands)


def test_readme_keeps_quick_start_and_links_every_manual_page() -> None:
    text = README.read_text(encoding="utf-8")
    quick = sections(text)["Quick start"]
    for command in QUICK_START:
        assert f"```bash\n{command}\n```" in quick, command
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    for page in sorted(MANUAL.glob("*.md")):
        assert f"docs/manual/{page.name}" in links, f"README does not link {page.name}"
    for link in links:
        if re.match(r"[a-z]+:", link) or link.startswith("#"):
            continue
        assert (ROOT / link.split("#")[0]).exists(), f"README links a missing file: {link}"


def test_paths_the_manual_names_exist() -> None:
    for page in MANUAL.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for path in re.findall(r"`((?:generator|templates|tests)/[^`<>\s]*)`", text):
            assert (ROOT / path).exists(), f"{page.name} names a missing path: {path}"


FILE_SUFFIXES = {"py", "json", "md", "j2", "yml", "yaml", "html", "js", "css", "xml", "log"}


def test_code_the_docs_name_exists() -> None:
    """`module.name` in the manual, the threat model and the READMEs, where ``module`` is
    one of the package's modules, names something that module has: a rename or a move
    that leaves the docs behind fails here."""
    import importlib
    import pkgutil

    import connector_docs

    modules = {m.name.rsplit(".", 1)[-1]: m.name
               for m in pkgutil.walk_packages(connector_docs.__path__, "connector_docs.")}
    pages = [*MANUAL.glob("*.md"), ROOT / "docs" / "threat-model.md", README,
             ROOT / "bench" / "README.md"]
    missing = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for module, name in re.findall(r"`([a-z_]+)\.([A-Za-z_]\w*)(?:\(\))?`", text):
            if module in modules and name not in FILE_SUFFIXES and not hasattr(
                    importlib.import_module(modules[module]), name):
                missing.append(f"{page.relative_to(ROOT)}: {module}.{name}")
    # Methods are named through their class (`plugin.on_post_build` is the plugin's hook).
    missing = [m for m in missing if not m.endswith("plugin.on_post_build")]
    assert not missing, "\n".join(missing)


@pytest.mark.e2e
def test_example_site_builds_with_the_manual(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    for folder in ("docs", "catalog"):
        shutil.copytree(ROOT / folder, project / folder)
    out = tmp_path / "site"
    result = mkdocs_build(project, "-d", str(out))
    assert result.returncode == 0, result.stdout
    # The example catalog's deliberate warnings only: no broken link or anchor in the
    # manual (MkDocs validates them), nothing left out of the nav.
    warnings = [line for line in result.stdout.splitlines() if line.startswith("WARNING")]
    assert all("catalog/connectors/" in line for line in warnings), "\n".join(warnings)
    assert "not included in the \"nav\"" not in result.stdout
    for page in MANUAL.glob("*.md"):
        built = out / "manual" / ("index.html" if page.stem == "index" else
                                  f"{page.stem}/index.html")
        assert built.is_file(), f"{page.name} was not built"
    threat = out / "threat-model" / "index.html"
    assert threat.is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="manual/"' in home, "the home page does not point at the manual"
    # The threat model sits in the Manual section of the nav.
    manual = (out / "manual" / "index.html").read_text(encoding="utf-8")
    assert 'href="../threat-model/"' in manual
