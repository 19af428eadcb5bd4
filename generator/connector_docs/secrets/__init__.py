"""Secrets: the credentials of the smoke config (``config``, classified by their keys in
``fields``) and the token shapes of well-known services, in every form a page or log can
show them (``forms``), redacted from every diagnostic and smoke message, and looked for in
the built site before it is kept (``redact``, ``scan``); a hit is traced back to the
inputs that hold it (``origin``)."""
