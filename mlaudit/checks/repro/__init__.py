"""repro checks, one per file."""
