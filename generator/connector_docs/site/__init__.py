"""The site: pages planned from a project (``pages``), keyed (``guidekey``), rendered
through the templates (``render``) with every untrusted value escaped (``escape``),
exported as ``catalog.json`` (``export``), linted (``docslint``), and built for the
plugin with its caches (``build``). ``assets/`` holds the CSS and the catalog script."""
