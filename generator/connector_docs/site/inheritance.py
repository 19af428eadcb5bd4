"""Templates of the override folder that extend another template (``{% extends %}``):
where the built-in templates are found under a prefix, and the mistakes Jinja lets pass
without a word. A block the parent does not define is ignored (a misspelt name: the
writer's text is never shown), and so is text outside every block."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import nodes

from connector_docs.diagnostics import Diagnostic, did_you_mean, error, warning

# The prefix naming a built-in template whatever the override folder holds: an override
# `connector.md.j2` extends `builtin/connector.md.j2` (its own name would find itself).
BUILTIN_PREFIX = "builtin"


def extend_builtin(name: str) -> str:
    """The hint showing how an override (of ``name``) extends the built-in template."""
    if name.startswith("connectors/"):  # a connector's own guide
        name = "connector.md.j2"
    return (f'to extend the built-in template write {{% extends "{BUILTIN_PREFIX}/{name}" %}} '
            "(its own name finds the override itself)")


def problems(env: jinja2.Environment, override: Path) -> list[Diagnostic]:
    """Warnings about the templates of ``override`` that extend another template (and
    an error for one that extends itself). Other errors (a missing parent, a syntax
    error) are raised by ``render.render`` of a page that uses the template."""
    found: list[Diagnostic] = []
    for path in sorted(override.rglob("*.j2")):
        name = path.relative_to(override).as_posix()
        try:
            tree = env.parse(path.read_text(encoding="utf-8"), name, str(path))
        except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
            continue  # render() reports it, located, when a page uses the template
        found += _extension_problems(env, tree, name, str(path))
    return found


def _extension_problems(env: jinja2.Environment, tree: nodes.Template, name: str,
                        path: str) -> list[Diagnostic]:
    extends = next(tree.find_all(nodes.Extends), None)
    if extends is None or not isinstance(extends.template, nodes.Const):
        return []
    parent = str(extends.template.value)
    if parent == name:
        return [error(path, f"{name} extends itself", line=extends.lineno, column=1,
                      hint=extend_builtin(name))]
    known = _block_names(env, parent, frozenset({name}))
    if known is None:
        return []  # a missing parent: render() reports it
    found = []
    nested = {id(inner) for block in tree.find_all(nodes.Block)
              for inner in block.find_all(nodes.Block)}
    for block in tree.find_all(nodes.Block):
        if id(block) in nested or block.name in known:
            continue
        close = did_you_mean(block.name, known)
        found.append(warning(
            path, f"block '{block.name}' is not a block of {parent}: its text is never shown",
            line=block.lineno, column=1, hint=f"{close + ' ' if close else ''}the blocks of "
            f"{parent} are {', '.join(known)}"))
    for node in tree.body:
        if isinstance(node, nodes.Output) and any(
                not isinstance(part, nodes.TemplateData) or part.data.strip()
                for part in node.nodes):
            found.append(warning(
                path, f"text outside a block: {name} extends {parent}, so only its blocks "
                "are shown (text after the extends tag is dropped, text before it is "
                "printed above the page)", line=node.lineno, column=1,
                hint="put it inside a {% block %} of the parent"))
    return found


def _block_names(env: jinja2.Environment, name: str, seen: frozenset[str]
                 ) -> list[str] | None:
    """The blocks a template defines or inherits, in order (None: it cannot be read)."""
    if name in seen:
        return []
    assert env.loader is not None
    try:
        source, filename, _ = env.loader.get_source(env, name)
        tree = env.parse(source, name, filename)
    except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
        return None
    names = [block.name for block in tree.find_all(nodes.Block)]
    for extends in tree.find_all(nodes.Extends):
        if isinstance(extends.template, nodes.Const):
            names += _block_names(env, str(extends.template.value), seen | {name}) or []
    return list(dict.fromkeys(names))
