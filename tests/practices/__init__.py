"""Tests of the practice scanners (deps, ci, docker, code, notebooks, dvc, pipeline)."""
