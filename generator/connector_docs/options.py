"""The plugin's options, declared once: the MkDocs plugin builds its config scheme from
:data:`PLUGIN_OPTIONS`, the CLI its flags, :func:`validate` its checks, and the manual's
options page is tested against it. The declaration lives here, not in a MkDocs config
class, because ``validate`` and ``generate`` run without MkDocs.

The CLI reads them from ``mkdocs.yml``'s plugin entry, and its flags override them."""

from __future__ import annotations

import os
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from connector_docs import summary
from connector_docs.diagnostics import ConnectorDocsError, did_you_mean, error
from connector_docs.model import GATE_NAMES

AUDIENCES = ("public", "internal")
SEARCH_BACKENDS = ("builtin", "pagefind")
PLUGIN_NAMES = ("connector-docs", "connector_docs")


@dataclass(frozen=True)
class Spec:
    """What one plugin option takes: ``kind`` is ``path`` (a path or URL string), ``text``
    (a line of text), ``url`` (an http(s) URL), ``bool``, ``int`` (a whole number >= 0),
    ``choice`` (one of ``choices``), ``pointers`` (a list of JSON pointers or globs: a
    tuple of strings, each starting with ``/`` or ``*``), ``names`` (a list of kinds or
    rule codes, None when unset) or ``gates`` (a list of readiness gate names,
    ``model.GATE_NAMES``; None when unset)."""

    kind: str
    help: str
    choices: tuple[str, ...] = ()


def _option(default: Any, kind: str, help: str, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"option": Spec(kind, help, choices)})


@dataclass(frozen=True)
class Options:
    catalog: str = _option("catalog/connectors", "path",
                           "Connector definitions: a folder, a file or an https URL.")
    smoke: str | None = _option(None, "path", "Smoke results: a folder, a file or a URL.")
    smoke_config: str | None = _option(
        None, "path", "The smoke runner's credentials file, read only to redact its values.")
    audience: str = _option("public", "choice", "Who the site is for: public leaves out "
                            "hidden and private-preview connectors and smoke messages.",
                            AUDIENCES)
    stable_max_age_days: int = _option(
        14, "int", "How old (days) the newest passing smoke result of a Stable connector "
        "may be.")
    strict: bool = _option(False, "bool", "Treat warnings as errors.")
    fail_on: tuple[str, ...] | None = _option(
        None, "names", "What fails a build besides errors: kinds (evidence, secrets, links, "
        "docs, input) or rule codes (doc-parameter); none for nothing. Unset: nothing for "
        "mkdocs build, evidence, secrets and links for connector-docs build.")
    audit_gates: tuple[str, ...] | None = _option(
        None, "gates", "The readiness gates connector-docs audit enforces: it fails when a "
        "connector shown Stable misses one of these (the others are shown, marked not "
        "enforced). Unset: every gate.")
    warnings_per_rule: int = _option(
        5, "int", "How many warnings of each rule the log prints (0: all); the summary "
        "counts the rest and the JSON output of validate keeps them.")
    templates: str | None = _option(
        None, "path", "A folder of templates that override the built-in ones.")
    taxonomy: str | None = _option(
        None, "path", "A JSON file of curated categories and the category spellings each "
        "takes in, replacing the built-in ones (or adding to them, with \"extends\": "
        "\"builtin\").")
    ownership: str | None = _option(
        None, "path", "A JSON file of who does what for a launch (a RACI per area) and "
        "each connector's owner; shown on internal sites only (an ownership page, the "
        "owner on each readiness row).")
    not_secret: tuple[str, ...] = _option(
        (), "pointers", "Smoke-config values that are not secrets (JSON pointers or globs, "
        "e.g. /tableau/credentials/serverUrl): neither redacted nor scanned for.")
    secret: tuple[str, ...] = _option(
        (), "pointers", "Smoke-config values that are secrets whatever their key (JSON "
        "pointers or globs, e.g. /salesforce/credentials/instanceUrl).")
    search_parameters: bool = _option(
        True, "bool", "Put the guides' parameter and output tables in the site search "
        "(about half its index).")
    search_backend: str = _option(
        "builtin", "choice", "The site search: builtin (the theme's own, one index every "
        "visitor downloads whole; works from file://) or pagefind (indexed after the build, "
        "fetched in small chunks per query; needs an HTTP server).", SEARCH_BACKENDS)
    # Facts about the platform the connectors run on, printed in every guide.
    platform_name: str | None = _option(
        None, "text", "The platform's name as guides call it (\"Acme Flows\"); without "
        "it they say \"the platform\".")
    oauth_redirect_url: str | None = _option(
        None, "url", "The platform's OAuth callback URL, which every OAuth guide tells "
        "readers to register as the redirect URL.")
    support_url: str | None = _option(
        None, "url", "The platform's support page, where guides send readers when the "
        "catalog names no support contact for a connector.")
    base_dir: str = "."  # relative paths above are resolved against it (mkdocs.yml's folder)
    docs_dir: str = "docs"  # from mkdocs.yml, where writers' overlays live
    use_directory_urls: bool = True  # from mkdocs.yml: decides the guides' URLs

    def guide_url(self, prefix: str = "../") -> str:
        """URL pattern of a connector guide ({id}) from a page one folder deep."""
        return prefix + ("connectors/{id}/" if self.use_directory_urls else
                         "connectors/{id}.html")

    def failing(self, publishing: bool = False) -> tuple[str, ...]:
        """What fails a run besides errors: ``fail_on`` as set (``none`` is nothing), else
        the release blockers when publishing (``connector-docs build``), else nothing."""
        if self.fail_on is None:
            return summary.RELEASE_KINDS if publishing else ()
        return tuple(v for v in self.fail_on if v != "none")

    def platform_facts(self) -> tuple[str | None, ...]:
        """The options every guide prints (a guide's cache key includes them)."""
        return (self.platform_name, self.oauth_redirect_url, self.support_url)

    def path(self, value: str) -> Path:
        """A local option value resolved against ``base_dir``."""
        return Path(self.base_dir, value) if not os.path.isabs(value) else Path(value)

    def is_url(self, value: str) -> bool:
        return value.startswith(("https://", "http://"))

    def template_folder(self) -> str | None:
        """The ``templates`` option as the folder ``render`` reads overrides from."""
        return str(self.path(self.templates)) if self.templates else None


# The options a mkdocs.yml sets (the others come from MkDocs' own settings).
PLUGIN_OPTIONS: tuple[Field[Any], ...] = tuple(
    f for f in fields(Options) if "option" in f.metadata)


def path_options() -> tuple[str, ...]:
    """The options naming a file or folder: relative to mkdocs.yml there, to the working
    directory on the command line, and watched by `mkdocs serve`."""
    return tuple(o.name for o in PLUGIN_OPTIONS if spec(o).kind == "path")


def spec(option: Field[Any]) -> Spec:
    found: Spec = option.metadata["option"]
    return found


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
    known = {f.name for f in PLUGIN_OPTIONS}
    problems = []
    for key in raw:
        if key not in known:
            hint = did_you_mean(key, known)
            problems.append(error(where, f"unknown plugin option '{key}'", hint=hint))
    values = {k: _value(v) for k, v in raw.items() if k in known and v is not None}
    opts = Options(base_dir=base_dir, docs_dir=docs_dir,
                   use_directory_urls=use_directory_urls, **values)
    problems += validate(opts, where)
    if problems:
        raise ConnectorDocsError(problems)
    return opts


def _value(value: Any) -> Any:
    """A list (YAML's, MkDocs') as the frozen options keep it: a tuple."""
    return tuple(value) if isinstance(value, list) else value


def validate(opts: Options, where: str) -> list[Any]:
    """Each option's value against its :class:`Spec`."""
    problems = []
    for option in PLUGIN_OPTIONS:
        kind, name, value = spec(option).kind, option.name, getattr(opts, option.name)
        if kind == "choice" and value not in spec(option).choices:
            problems.append(error(where, f"{name} must be one of "
                                  f"{', '.join(spec(option).choices)}, not {value!r}"))
        elif kind == "bool" and not isinstance(value, bool):
            problems.append(error(where, f"{name} must be true or false"))
        elif kind == "int" and (isinstance(value, bool) or not isinstance(value, int)
                                or value < 0):
            problems.append(error(where, f"{name} must be a whole number >= 0"))
        elif kind == "path" and value is not None and not isinstance(value, str):
            problems.append(error(where, f"{name} must be a path or URL string"))
        elif kind == "pointers" and not _pointers(value):
            problems.append(error(
                where, f"{name} must be a list of JSON pointers into the smoke config "
                f"(each starting with / or a glob *), not {value!r}",
                hint=f"e.g. {name}: [/tableau/credentials/serverUrl]"))
        elif kind == "names" and value is not None and (
                not isinstance(value, tuple) or summary.check_fail_on(value)):
            problems.append(error(
                where, f"{name} must be a list of kinds or rule codes: "
                + "; ".join(summary.check_fail_on(value if isinstance(value, tuple)
                                                  else (value,))),
                hint=f"e.g. {name}: [evidence, secrets, links]"))
        elif kind == "gates" and value is not None:
            problems += _gate_problems(name, value, where)
        elif kind == "text" and value is not None and (
                not isinstance(value, str) or not value.strip() or "\n" in value):
            problems.append(error(where, f"{name} must be one line of text"))
        elif kind == "url" and value is not None and (
                not isinstance(value, str) or not opts.is_url(value) or any(
                    ch.isspace() for ch in value)):
            problems.append(error(where, f"{name} must be an http(s) URL, not {value!r}",
                                  hint=f"{name}: https://example.com/..."))
    return problems


def _gate_problems(name: str, value: Any, where: str) -> list[Any]:
    example = f"e.g. {name}: [{', '.join(GATE_NAMES[:3])}]"
    if not isinstance(value, tuple):
        return [error(where, f"{name} must be a list of gate names, not {value!r}",
                      hint=example)]
    return [error(where, f"{name} must be a list of gate names: unknown gate {item!r} (the "
                  f"gates: {', '.join(GATE_NAMES)})",
                  hint=did_you_mean(str(item), GATE_NAMES) or example)
            for item in value if item not in GATE_NAMES]


def _pointers(value: Any) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(item, str) and item.startswith(("/", "*")) for item in value)


def read_mkdocs_yml(path: Path) -> Any:
    """A mkdocs.yml as data, read without MkDocs: ``!ENV`` resolved, other tags read as
    plain values. Raises ``ConnectorDocsError`` located at a YAML error."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConnectorDocsError([error(str(path), f"cannot read: {exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConnectorDocsError([error(
            str(path), f"cannot read YAML: {getattr(exc, 'problem', exc)}",
            line=mark.line + 1 if mark else 0, column=mark.column + 1 if mark else 0)]) from None


def from_mkdocs_yml(path: Path) -> Options:
    """Options from the ``connector-docs`` entry of a mkdocs.yml; defaults when the file
    or the entry is absent."""
    if not path.is_file():
        return Options()
    config = read_mkdocs_yml(path)
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
    """Apply CLI flags that were given (None, or no value of a repeatable flag, means
    not given)."""
    given = {k: _value(v) for k, v in flags.items() if v is not None and v != ()}
    merged = replace(opts, **given)
    problems = validate(merged, "command line")
    if problems:
        raise ConnectorDocsError(problems)
    return merged
