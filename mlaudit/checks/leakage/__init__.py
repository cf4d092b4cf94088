"""Leakage checks: train/test overlap, shared entities, temporal order and target proxies in the data, and
preprocessing, resampling, test-set reuse and test statistics in the code."""
