"""The corpus holds audited snippets, not tests: never collect (or import) them."""

collect_ignore_glob = ["corpus/*", "heldout/*"]
