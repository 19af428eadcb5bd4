"""Remote sources: one GET at a time over a bounded, redacting HTTP session (``fetch``),
with one deadline over the whole exchange (``deadline``), bodies decoded within limits
(``body``) and fetched things worded for messages (``describe``)."""
