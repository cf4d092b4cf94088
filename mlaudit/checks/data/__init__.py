"""data checks, one per file."""
