"""infra checks, one per file."""
