"""The options shared by the MkDocs plugin and the CLI (the CLI reads them from
``mkdocs.yml``'s plugin entry, and its flags override them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from connector_docs.diagnostics import ConnectorDocsError, error

AUDIENCES = ("public", "internal")
PLUGIN_NAMES = ("connector-docs", "connector_docs")


@dataclass(frozen=True)
class Options:
    catalog: str = "catalog/connectors"
    smoke: str | None = None
    smoke_config: str | None = None
    audience: str = "public"
    stable_max_age_days: int = 14
    strict: bool = False
    templates: str | None = None
    # The guides' parameter tables in the site search (about half its index).
    search_parameters: bool = True
    base_dir: str = "."  # relative paths above are resolved against it (mkdocs.yml's folder)
    docs_dir: str = "docs"  # from mkdocs.yml, where writers' overlays live
    use_directory_urls: bool = True  # from mkdocs.yml: decides the guides' URLs

    def guide_url(self, prefix: str = "../") -> str:
        """URL pattern of a connector guide ({id}) from a page one folder deep."""
        return prefix + ("connectors/{id}/" if self.use_directory_urls else
                         "connectors/{id}.html")

    def path(self, value: str) -> Path:
        """A local option value resolved against ``base_dir``."""
        return Path(self.base_dir, value) if not os.path.isabs(value) else Path(value)

    def is_url(self, value: str) -> bool:
        return value.startswith(("https://", "http://"))


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may carry tags (``!!python/name:...``, ``!ENV``) that only MkDocs
    resolves; we only need our plugin's block, so unknown tags read as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node)


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """MkDocs' ``!ENV NAME`` / ``!ENV [NAME, OTHER, default]``."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    assert isinstance(node, yaml.SequenceNode)
    items = loader.construct_sequence(node)
    for name in items[:-1]:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return items[-1] if len(items) > 1 else os.environ.get(str(items[0]))


_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def from_mapping(raw: dict[str, Any], where: str, base_dir: str,
                 docs_dir: str = "docs", use_directory_urls: bool = True) -> Options:
    known = {f.name for f in fields(Options)} - {"base_dir", "docs_dir", "use_directory_urls"}
    problems = []
    for key in raw:
        if key not in known:
            from connector_docs.diagnostics import did_you_mean

            hint = did_you_mean(key, known)
            problems.append(error(where, f"unknown plugin option '{key}'", hint=hint))
    values = {k: v for k, v in raw.items() if k in known and v is not None}
    opts = Options(base_dir=base_dir, docs_dir=docs_dir,
                   use_directory_urls=use_directory_urls, **values)
    problems += validate(opts, where)
    if problems:
        raise ConnectorDocsError(problems)
    return opts


def validate(opts: Options, where: str) -> list[Any]:
    problems = []
    if opts.audience not in AUDIENCES:
        problems.append(error(where, f"audience must be one of {', '.join(AUDIENCES)}, not "
                              f"{opts.audience!r}"))
    if not isinstance(opts.search_parameters, bool):
        problems.append(error(where, "search_parameters must be true or false"))
    if not isinstance(opts.stable_max_age_days, int) or opts.stable_max_age_days < 0:
        problems.append(error(where, "stable_max_age_days must be a whole number >= 0"))
    for name in ("catalog", "smoke", "smoke_config", "templates"):
        value = getattr(opts, name)
        if value is not None and not isinstance(value, str):
            problems.append(error(where, f"{name} must be a path or URL string"))
    return problems


def from_mkdocs_yml(path: Path) -> Options:
    """Options from the ``connector-docs`` entry of a mkdocs.yml; defaults when the file
    or the entry is absent."""
    if not path.is_file():
        return Options()
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConnectorDocsError([error(
            str(path), f"cannot read YAML: {getattr(exc, 'problem', exc)}",
            line=mark.line + 1 if mark else 0, column=mark.column + 1 if mark else 0)]) from None
    base = str(path.parent)
    plugins = config.get("plugins", []) if isinstance(config, dict) else []
    items = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(p.items())) if isinstance(p, dict) else (p, {})) for p in plugins or [])
    config = config if isinstance(config, dict) else {}
    docs = str(config.get("docs_dir", "docs"))
    directory_urls = config.get("use_directory_urls", True) is not False
    for name, block in items:
        if name in PLUGIN_NAMES:
            return from_mapping(block or {}, str(path), base, docs, directory_urls)
    return Options(base_dir=base, docs_dir=docs, use_directory_urls=directory_urls)


def override(opts: Options, **flags: Any) -> Options:
    """Apply CLI flags that were given (None means not given)."""
    given = {k: v for k, v in flags.items() if v is not None}
    merged = replace(opts, **given)
    problems = validate(merged, "command line")
    if problems:
        raise ConnectorDocsError(problems)
    return merged
