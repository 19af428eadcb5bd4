"""Templates with blocks: an override extends a built-in template (`builtin/<name>`) and
replaces one section, the rest of the page staying byte for byte the built-in one; the
mistakes Jinja lets pass (a misspelt block, text outside blocks) warn, and a missing or
circular parent is an error at its template line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from connector_docs.cli import main
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.site import pages, render
from jinja2 import nodes

from .conftest import EXAMPLE_EPOCH, ROOT
from .helpers import example_project, make_site, mkdocs_build

# The override of the manual page (docs/manual/templates-blocks.md): three lines.
SUPPORT = ('{% extends "builtin/connector.md.j2" %}\n'
           "{% block support %}Questions? Ask in [#integrations](https://chat.example.com/).\n"
           "{% endblock %}\n")
SUPPORT_TEXT = "Questions? Ask in [#integrations](https://chat.example.com/).\n"
# The built-in support section, the last of a guide (absent without a support contact).
BUILTIN_SUPPORT = re.compile(r"## Get help \{ #support \}\n\n[^\n]*\n\n\Z")


def generate(monkeypatch: pytest.MonkeyPatch, tmp: Path, templates: dict[str, str] | None,
             **site: Any) -> tuple[int, str, dict[str, str]]:
    """`connector-docs generate` of the example project (or ``make_site(**site)``), with
    these override templates (None: no `templates:` option): exit code, output, and the
    pages written."""
    plugin = {**site.pop("plugin", {}), **({"templates": "overrides"} if templates is not None
                                          else {})}
    root = make_site(tmp, plugin=plugin, **site)
    for name, text in (templates or {}).items():
        path = root / "overrides" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.chdir(root)
    # An absolute mkdocs.yml: render's caches are keyed by the template folder's path.
    result = CliRunner().invoke(main, ["-f", str(root / "mkdocs.yml"), "generate", "--out",
                                       "out"], catch_exceptions=False)
    out = root / "out"
    written = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted(out.rglob("*.md"))} if out.is_dir() else {}
    return result.exit_code, result.output, written


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The pages without any override."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        code, output, written = generate(monkeypatch, tmp_path_factory.mktemp("plain"), None)
    assert code == 0, output
    return written


def test_an_override_replaces_one_block_and_nothing_else(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plain: dict[str, str]) -> None:
    code, output, written = generate(monkeypatch, tmp_path, {"connector.md.j2": SUPPORT})
    assert code == 0, output
    assert "overrides" not in output  # no warning about the template
    assert written.keys() == plain.keys()
    guides = [path for path in plain if path.startswith("connectors/")]
    assert len(guides) >= 8
    for path, text in written.items():
        if path not in guides:
            assert text == plain[path], path
            continue
        assert text.endswith(SUPPORT_TEXT), path
        # Every other section byte for byte: the built-in page without its support block.
        assert text[: -len(SUPPORT_TEXT)] == BUILTIN_SUPPORT.sub("", plain[path]), path
    assert any(BUILTIN_SUPPORT.search(plain[path]) for path in guides)  # not vacuous


def test_per_connector_overrides_extend_the_builtin_guide_or_the_sites(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plain: dict[str, str]) -> None:
    code, output, written = generate(monkeypatch, tmp_path, {
        "connector.md.j2": SUPPORT,
        # One connector extends the built-in guide directly: the site's support text is
        # not in it.
        "connectors/ledgerline.md.j2":
            '{% extends "builtin/connector.md.j2" %}\n'
            "{% block rate_limits %}## Rate limits { #rate-limits }\n\n"
            "Ledgerline throttles bulk imports; see the runbook.\n\n{% endblock %}\n",
        # Another extends the site's guide and adds to a section with super(), which
        # prints the built-in section as written (Markdown, not escaped text).
        "connectors/parcelly.md.j2":
            '{% extends "connector.md.j2" %}\n'
            "{% block troubleshooting %}{{ super() }}### Parcel stuck { #parcel-stuck }\n\n"
            "Call the depot.\n\n{% endblock %}\n",
        # A whole-file override, as before.
        "scopes.md.j2": "# Our scopes\n\n{{ rows|length }} rows\n",
    })
    assert code == 0, output
    assert written["scopes/index.md"].startswith("# Our scopes\n\n")

    ledgerline, before = written["connectors/ledgerline.md"], plain["connectors/ledgerline.md"]
    section = re.compile(r"## Rate limits \{ #rate-limits \}\n\n.*?(?=## Actions)", re.DOTALL)
    assert section.search(before)
    assert ledgerline == section.sub("## Rate limits { #rate-limits }\n\nLedgerline throttles "
                                     "bulk imports; see the runbook.\n\n", before)

    parcelly, before = written["connectors/parcelly.md"], plain["connectors/parcelly.md"]
    assert parcelly.endswith(SUPPORT_TEXT)
    start = before.index("## Troubleshooting")
    end = before.index("\n## ", start + 1) + 1
    assert parcelly[: -len(SUPPORT_TEXT)] == BUILTIN_SUPPORT.sub(
        "", before[:end] + "### Parcel stuck { #parcel-stuck }\n\nCall the depot.\n\n"
        + before[end:])
    # Connectors without an override of their own get the site's.
    assert written["connectors/chatterbox.md"].endswith(SUPPORT_TEXT)


def test_a_misspelt_block_warns_with_its_line_and_the_right_name(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plain: dict[str, str]) -> None:
    misspelt = SUPPORT.replace("block support", "block suport")
    code, output, written = generate(monkeypatch, tmp_path, {
        "connector.md.j2": misspelt + "Stray text.\n"})
    assert code == 0, output
    where = str(tmp_path / "overrides" / "connector.md.j2")
    assert (f"{where}:2:1: warning: block 'suport' is not a block of "
            "builtin/connector.md.j2: its text is never shown") in output
    assert "hint: did you mean 'support'? the blocks of builtin/connector.md.j2 are " \
           "front_matter, overview," in output
    assert f"{where}:4:1: warning: text outside a block" in output
    assert written == plain  # Jinja ignored both, as the warnings say


def test_under_strict_a_misspelt_block_fails_generate_and_writes_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", catalog)
    for definition in (catalog / "connectors").glob("*.json"):
        if definition.name != "parcelly.json":  # one connector that builds without warnings
            definition.unlink()
    shutil.rmtree(catalog / "smoke")  # a beta connector needs no evidence
    parcelly = catalog / "connectors" / "parcelly.json"
    parcelly.write_text(parcelly.read_text().replace('"availability": "stable"',
                                                     '"availability": "beta"'))
    misspelt = SUPPORT.replace("block support", "block suport")
    code, output, written = generate(monkeypatch, tmp_path / "site",
                                     {"connector.md.j2": misspelt},
                                     catalog=catalog, plugin={"strict": True, "smoke": None})
    assert code == 1, output
    assert "block 'suport' is not a block of builtin/connector.md.j2" in output
    assert written == {}


def test_a_missing_parent_is_an_error_at_the_extends_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output, written = generate(monkeypatch, tmp_path, {
        "connectors/ledgerline.md.j2": "{#- Ledgerline's guide. -#}\n"
        + SUPPORT.replace("builtin/connector", "builtin/conector")})
    assert code == 1
    where = str(tmp_path / "overrides" / "connectors" / "ledgerline.md.j2")
    assert f"{where}:2:1: error: template not found: builtin/conector.md.j2" in output
    assert "hint: did you mean 'builtin/connector.md.j2'?" in output
    assert "Traceback" not in output and not written


def test_an_override_extending_its_own_name_is_an_error_that_says_what_to_write(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, output, _ = generate(monkeypatch, tmp_path, {
        "connector.md.j2": SUPPORT.replace("builtin/connector", "connector")})
    assert code == 1
    where = str(tmp_path / "overrides" / "connector.md.j2")
    assert f"{where}:1:1: error: template extends or includes itself" in output
    assert 'hint: to extend the built-in template write {% extends ' \
           '"builtin/connector.md.j2" %}' in output
    assert "Traceback" not in output and "RecursionError" not in output
    problems = render.check_templates(str(tmp_path / "overrides"))
    assert [d.format().splitlines()[0] for d in problems] == [
        f"{where}:1:1: error: connector.md.j2 extends itself"]


def _guide(monkeypatch: pytest.MonkeyPatch, override: Path | None, path: str) -> str:
    project = example_project(monkeypatch)
    spec = next(s for s in pages.plan(project) if s.path == path)
    return render.render(spec, str(override) if override else None)


def test_a_syntax_error_in_a_block_is_located(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    (tmp_path / "connector.md.j2").write_text(
        '{% extends "builtin/connector.md.j2" %}\n{% block support %}\n{{ }}\n{% endblock %}\n')
    with pytest.raises(ConnectorDocsError,
                       match=re.escape(f"{tmp_path / 'connector.md.j2'}:3:1: error: template "
                                       "syntax error")):
        _guide(monkeypatch, tmp_path, "connectors/ledgerline.md")


def _blocks(name: str) -> list[str]:
    env = render._env(None)
    source = (render.builtin_templates() / name).read_text(encoding="utf-8")
    return [b.name for b in env.parse(source).find_all(nodes.Block)]


PAGE_TEMPLATES = {"connector.md.j2": "connectors/ledgerline.md", "catalog.md.j2":
                  "catalog/index.md", "scopes.md.j2": "scopes/index.md", "rate-limits.md.j2":
                  "rate-limits/index.md", "troubleshooting.md.j2": "troubleshooting/index.md",
                  "readiness.md.j2": "readiness/index.md", "triage.md.j2": "triage/index.md"}


@pytest.mark.parametrize("name", PAGE_TEMPLATES)
def test_every_block_given_back_by_super_is_the_builtin_page(
        name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocks = _blocks(name)
    assert blocks
    (tmp_path / name).write_text(f'{{% extends "builtin/{name}" %}}\n' + "".join(
        f"{{% block {b} %}}{{{{ super() }}}}{{% endblock %}}\n" for b in blocks))
    assert render.check_templates(str(tmp_path)) == []
    path = PAGE_TEMPLATES[name]
    assert _guide(monkeypatch, tmp_path, path) == _guide(monkeypatch, None, path)


def test_a_replaced_block_reads_the_parents_imports_and_context(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A writer copies a block's content into an override: the macro the built-in guide
    imports at its top (`params_table`) and the page's context work there as in the
    built-in block."""
    source = (render.builtin_templates() / "connector.md.j2").read_text(encoding="utf-8")
    actions = re.search(r"{% block actions %}\n.*?{% endblock actions %}\n", source,
                        re.DOTALL)
    assert actions is not None and "params_table(" in actions.group()
    (tmp_path / "connector.md.j2").write_text(
        '{% extends "builtin/connector.md.j2" %}\n' + actions.group())
    path = "connectors/ledgerline.md"
    assert _guide(monkeypatch, tmp_path, path) == _guide(monkeypatch, None, path)


def test_templates_digest_follows_the_override_and_the_builtin_it_extends(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    shutil.copytree(render.builtin_templates(), builtin)
    monkeypatch.setattr(render, "builtin_templates", lambda: builtin)
    override = tmp_path / "overrides"
    override.mkdir()
    (override / "connector.md.j2").write_text(SUPPORT)
    first = render.templates_digest(str(override))
    (override / "connector.md.j2").write_text(SUPPORT.replace("Questions?", "Help?"))
    second = render.templates_digest(str(override))
    guide = builtin / "connector.md.j2"
    guide.write_text(guide.read_text().replace("## Authentication", "## Sign-in"))
    third = render.templates_digest(str(override))
    assert len({first, second, third}) == 3


def test_the_manual_page_lists_every_block() -> None:
    manual = (ROOT / "docs" / "manual" / "templates-blocks.md").read_text(encoding="utf-8")
    for name in PAGE_TEMPLATES:
        for block in _blocks(name):
            assert f"`{block}`" in manual, (name, block)
    assert SUPPORT.replace("(https://chat.example.com/)",
                           "(https://chat.example.com/integrations)") in manual


@pytest.mark.e2e
def test_a_real_build_with_block_overrides(tmp_path: Path) -> None:
    root = make_site(tmp_path, plugin={"templates": "overrides"})
    (root / "overrides" / "connectors").mkdir(parents=True)
    (root / "overrides" / "connector.md.j2").write_text(SUPPORT)
    (root / "overrides" / "connectors" / "parcelly.md.j2").write_text(
        '{% extends "builtin/connector.md.j2" %}\n'
        "{% block overview %}{{ super() }}PARCELLY-OWN-NOTE\n\n{% endblock %}\n")
    built = mkdocs_build(root)
    assert built.returncode == 0, built.stdout
    assert "overrides" not in built.stdout  # no warning about the templates
    ledgerline = (root / "site" / "connectors" / "ledgerline" / "index.html").read_text()
    assert 'Questions? Ask in <a href="https://chat.example.com/">#integrations</a>.' \
        in ledgerline
    assert 'id="authentication"' in ledgerline and "Support:" not in ledgerline
    parcelly = (root / "site" / "connectors" / "parcelly" / "index.html").read_text()
    assert "<p>PARCELLY-OWN-NOTE</p>" in parcelly and "Questions?" not in parcelly
    assert 'id="overview"' in parcelly and "cd-badge" in parcelly

    (root / "overrides" / "connector.md.j2").write_text(SUPPORT.replace("support", "suport"))
    warned = mkdocs_build(root)
    assert warned.returncode == 0, warned.stdout
    assert re.search(r"WARNING .*overrides/connector\.md\.j2:2:1: warning: block 'suport' "
                     r"is not a block of builtin/connector\.md\.j2", warned.stdout), \
        warned.stdout
