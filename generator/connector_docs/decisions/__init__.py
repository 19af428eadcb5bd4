"""Decisions made from the catalog and the evidence: which badge a connector is shown
with and why (``policy``), which launch gates it meets (``gates``), the one readiness
report the audit and the readiness page share (``audit``), post-launch review dates
(``reviews``), the failing connectors and actions of the newest runs (``triage``), which
error codes its troubleshooting lists first (``troubleshoot``), and how limits and types
are worded (``wording``). Pure functions of loaded values."""
