"""The site: pages planned from a project (``pages``), keyed (``guidekey``), rendered
through the templates (``render``) with every untrusted value escaped (``escape``),
exported as ``catalog.json`` (``export``), linted (``docslint``), built for the
plugin with its caches (``build``), and handed to other engines and checked once built
(``engines``). ``assets/`` holds the CSS and the catalog script."""
