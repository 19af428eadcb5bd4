"""Inputs: connector definitions read, located, checked and normalised.

``jsonfile`` (strict, bounded JSON), ``locate`` (line:column of a JSON pointer), ``lint``
(the schema and the checks beyond it), ``normalize`` (definitions into ``model`` values),
``catalog`` (files, folders and manifests into a ``Catalog``), ``overlay`` (the writers'
``docs/connectors/<id>.md``). Problems are collected as diagnostics, never raised.
"""
