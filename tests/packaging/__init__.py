"""Tests of packaging, first-run commands, generated docs and CLI help."""
