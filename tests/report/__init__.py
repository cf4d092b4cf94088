"""Tests of scoring, the report model and its renderers, history and the report/history commands."""
