"""Decisions made from the catalog and the evidence: which badge a connector is shown
with and why (``policy``), which launch gates it meets (``audit``), which error codes its
troubleshooting lists first (``troubleshoot``), and how limits and types are worded
(``wording``). Pure functions of loaded values."""
