"""Hardening: hostile repositories, crashes mid-scan, the read-only promise, fuzzing."""
