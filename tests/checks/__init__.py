"""Tests of the foundation checks on small real repositories."""
