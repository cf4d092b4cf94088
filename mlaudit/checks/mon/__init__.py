"""mon checks, one per file."""
