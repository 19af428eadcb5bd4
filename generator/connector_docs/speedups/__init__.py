"""Speed machinery. The rule: nothing in this package changes a byte of output. A build
with every cache empty and one that reuses all of them write the same site (the byte-
identity tests in ``tests/test_serve.py`` and ``tests/test_guidekey.py`` check it); a
speed-up that cannot promise that does not belong here.

Every cache of the project, what it keys on and how long it lives:

=============================  ==============================  ===========================
cache                          keyed on                        lives
=============================  ==============================  ===========================
page store (``pagestore``)     ``GuideKey.digest``: the        on disk in ``.cache/``,
                               connector's file digests,       between builds and
                               decision, overlay, audience,    processes; pages not in
                               code and template digests       the build are dropped
``pagestore.code_digest``      this package's files and the    the process
                               Jinja/MarkupSafe versions
``site.build.Caches.load``     each connector file's stamp     one ``mkdocs serve``
                               (path, mtime, size)
``Caches.contexts``            ``GuideKey.same`` (connector    one ``mkdocs serve``
                               by identity, rest by value;
                               templates and code aside)
``Caches.rendered``            ``GuideKey.same``               one ``mkdocs serve``
``Caches.lint``                page text (outlines);           one ``mkdocs serve``
                               ``GuideKey.same`` (findings,
                               templates and code aside)
``site.render``: environment,  the override folder             until the templates'
template checks, per-connector                                 digest changes
overrides
``bytecode.ThemeBytecode``     template name and the shape     one ``mkdocs serve``
                               of its environment; Jinja
                               checks the source checksum
``secrets.scan.ScanMemory``    lines already scanned, for one  one ``mkdocs serve``,
                               set of secrets                  bounded
``site.escape`` memos,         the string                      the process, bounded
``text._anchor``                                               (65,536 each); cleared
                                                               after a one-off build
``preview.Frame``              (path, mtime, size) of the      one ``mkdocs serve``;
                               config file, docs pages but     forgotten after a failed
                               overlays, theme ``custom_dir``, build
                               templates; the pages, in order
``preview.SearchMemory``       each page's search index        one ``mkdocs serve``
                               entries, by page url
``servepreview`` page memory   each page's title and meta      one ``mkdocs serve``
``inputs.validators``          the schema (compiled by         the process
                               ``fastschema``)
``secrets.forms``,             an escape; a set of token       the process (forms:
``secrets.shapes`` memos       shapes                          4,096)
=============================  ==============================  ===========================

Not caches: ``runtime`` (forked workers, the paused garbage collector) and ``verbatim``
(raw HTML that MkDocs need not parse, cut out and put back unchanged).
"""
