"""Plugin options are declared once (``options.PLUGIN_OPTIONS``): MkDocs' config scheme,
the checks and the CLI flags all come from that declaration."""

from __future__ import annotations

from dataclasses import fields

import pytest
from connector_docs import cli
from connector_docs.diagnostics import ConnectorDocsError
from connector_docs.options import PLUGIN_OPTIONS, Options, from_mapping, spec
from connector_docs.plugin import ConnectorDocsPlugin

BAD = {"path": 3, "bool": "yes", "int": -1, "choice": "everyone", "text": "two\nlines",
       "url": "ftp://example.com/callback", "pointers": ["tableau/credentials/serverUrl"],
       "names": ["evidence", "Broken Links"], "gates": ["scopes", "auth_test"]}
# MkDocs checks types; the range (and a pointer's shape) is ours (on_config)
WRONG_TYPE = {**BAD, "int": "14", "text": 3, "url": 3,
              "pointers": "/tableau/credentials/serverUrl", "names": "evidence",
              "gates": "scopes"}


def test_mkdocs_reads_every_declared_option_with_its_default() -> None:
    plugin = ConnectorDocsPlugin()
    errors, warnings = plugin.load_config({})
    assert errors == [] and warnings == []
    assert dict(plugin.config) == {  # a list in mkdocs.yml, a tuple in frozen Options
        o.name: list(o.default) if isinstance(o.default, tuple) else o.default
        for o in PLUGIN_OPTIONS}
    # MkDocs' own settings are not plugin options.
    assert {f.name for f in fields(Options)} - {o.name for o in PLUGIN_OPTIONS} == {
        "base_dir", "docs_dir", "use_directory_urls"}


@pytest.mark.parametrize("option", PLUGIN_OPTIONS, ids=lambda o: o.name)
def test_each_option_is_checked_by_its_kind(option: object) -> None:
    name, kind = option.name, spec(option).kind  # type: ignore[attr-defined]
    with pytest.raises(ConnectorDocsError) as caught:
        from_mapping({name: BAD[kind]}, "mkdocs.yml", ".")
    (problem,) = caught.value.diagnostics
    assert problem.path == "mkdocs.yml" and problem.message.startswith(f"{name} must be")
    # MkDocs refuses a value of the wrong type before the plugin sees it.
    errors, _ = ConnectorDocsPlugin().load_config({name: WRONG_TYPE[kind]})
    assert [key for key, _ in errors] == [name]


def test_cli_flags_are_the_declared_options() -> None:
    flags = {p.name: p for p in cli.validate.params}
    for name in ("catalog", "smoke", "strict"):
        declared = next(o for o in PLUGIN_OPTIONS if o.name == name)
        assert flags[name].help.startswith(spec(declared).help)  # type: ignore[attr-defined]
    audience = next(p for p in cli.export_cmd.params if p.name == "audience")
    assert tuple(audience.type.choices) == spec(  # type: ignore[attr-defined]
        next(o for o in PLUGIN_OPTIONS if o.name == "audience")).choices
