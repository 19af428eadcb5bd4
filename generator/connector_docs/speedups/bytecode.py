"""Compiled theme templates kept across the rebuilds of one `mkdocs serve`."""

from __future__ import annotations

from typing import Any

import jinja2


class ThemeBytecode(jinja2.BytecodeCache):
    """The theme's compiled templates, kept across the rebuilds of one `mkdocs serve`:
    MkDocs makes a new theme environment for every build and would compile every template
    again (measured: a tenth of a rebuild). Jinja checks each template's source against the
    checksum stored with its code, so an edited template is compiled afresh; what of the
    environment the code depends on is part of the key (:meth:`_key`)."""

    def __init__(self) -> None:
        self.codes: dict[tuple[Any, ...], bytes] = {}

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple[Any, ...]:
        """The template, and what of its environment its compiled code depends on: the
        syntax, the extensions, and which filters and tests exist and how each is called
        (another plugin may add some when mkdocs.yml changes)."""
        env = bucket.environment

        def name(value: Any) -> str:
            return getattr(value, "__qualname__", type(value).__qualname__)

        def calls(table: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
            return tuple(sorted((key, name(f), str(getattr(f, "jinja_pass_arg", "")))
                                for key, f in table.items()))

        syntax = (env.block_start_string, env.block_end_string, env.variable_start_string,
                  env.variable_end_string, env.comment_start_string, env.comment_end_string,
                  env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                  env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                  env.optimized)
        return (bucket.key, syntax, tuple(sorted(env.extensions)), calls(env.filters),
                calls(env.tests), name(env.finalize) if env.finalize else "",
                name(env.autoescape) if callable(env.autoescape) else env.autoescape)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[self._key(bucket)] = bucket.bytecode_to_string()
