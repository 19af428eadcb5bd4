"""connector-docs: documentation sites for connector catalogs, with evidence-backed badges.

The package reads in stages; every import points down this list, never up (a test,
``tests/test_structure.py``, checks it):

=================  ===================================================================
core               ``model`` (frozen values), ``diagnostics`` (the one problem type),
                   ``text`` (unsafe characters, slugs), ``options`` (the plugin options),
                   ``summary`` (findings by kind: what fails a run, what the log shows)
``speedups``       caches, forked workers, raw-HTML pass-through: nothing in it changes
                   a byte of output (its ``__init__`` lists every cache)
``inputs``         catalog files: JSON reading and locating, schema and lint,
                   normalisation, writers' overlays
``smoke``          smoke evidence: runner JSON, console transcripts, JUnit XML
``secrets``        what a secret looks like and redacting it; scanning the built site
``remote``         registry and smoke URLs: one bounded, redacting HTTP session
``decisions``      policy (badges), gates + audit (the readiness report), reviews,
                   triage, troubleshooting
``sources``        catalog and smoke results read from URLs
``project``        one loaded project: catalog, evidence, decisions, overlays
``site``           pages planned, rendered, escaped, exported and linted
shells             ``plugin`` (MkDocs), ``cli`` (click), ``safebuild``, ``engines`` (the
                   build with MkDocs, ProperDocs or Zensical): thin, and the only
                   modules that import MkDocs or run an engine
=================  ===================================================================
"""
